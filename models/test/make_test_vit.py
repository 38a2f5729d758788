#!/usr/bin/python3
"""Makes models/test/test-vit.onnx: a tiny random-weight vision transformer that follows the model contract, with its
manifest and golden file, for the int8 quantisation tests (the conv test model has no matrix multiply to quantise).

Shaped like DreamSim's backbones in miniature: 32-px patches (a convolution), a CLS token and position embeddings,
two pre-norm blocks (LayerNorm, multi-head attention with Softmax, a GELU MLP), a final LayerNorm, the CLS token
through a projection ([64] @ [64, 256]), then DreamSim 0.2.1 normalize_embeds. 256 dimensions. ImageNet
normalisation inside, as in DreamSim.

Run with Debian's python3-torch, python3-onnx and python3-pil: /usr/bin/python3 models/test/make_test_vit.py
"""
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import golden  # noqa: E402  (models/golden.py)

MODEL = os.path.join(HERE, 'test-vit.onnx')
GOLDEN = os.path.join(HERE, 'test-vit.golden.json')
SAMPLES = os.path.join(HERE, 'golden')
DIM, HEADS, DEPTH, OUT = 64, 4, 2, 256


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1, self.norm2 = torch.nn.LayerNorm(DIM), torch.nn.LayerNorm(DIM)
        self.qkv, self.proj = torch.nn.Linear(DIM, 3 * DIM), torch.nn.Linear(DIM, DIM)
        self.fc1, self.fc2 = torch.nn.Linear(DIM, 4 * DIM), torch.nn.Linear(4 * DIM, DIM)

    def forward(self, x):
        n, t, _ = x.shape
        q, k, v = self.qkv(self.norm1(x)).reshape(n, t, 3, HEADS, DIM // HEADS).permute(2, 0, 3, 1, 4)
        attn = (q @ k.transpose(-2, -1) * (DIM // HEADS) ** -0.5).softmax(dim=-1)
        x = x + self.proj((attn @ v).transpose(1, 2).reshape(n, t, DIM))
        return x + self.fc2(torch.nn.functional.gelu(self.fc1(self.norm2(x))))


class TinyViT(torch.nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(20261127)
        self.register_buffer('mean', torch.tensor((0.485, 0.456, 0.406)).view(1, 3, 1, 1))
        self.register_buffer('std', torch.tensor((0.229, 0.224, 0.225)).view(1, 3, 1, 1))
        self.patch = torch.nn.Conv2d(3, DIM, 32, stride=32)
        self.cls = torch.nn.Parameter(torch.randn(1, 1, DIM) * 0.02)
        self.pos = torch.nn.Parameter(torch.randn(1, 50, DIM) * 0.02)
        self.blocks = torch.nn.ModuleList([Block() for _ in range(DEPTH)])
        self.norm = torch.nn.LayerNorm(DIM)
        self.head = torch.nn.Parameter(torch.randn(DIM, OUT) * DIM ** -0.5)

    def forward(self, image):
        x = self.patch((image - self.mean) / self.std).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.pos
        for block in self.blocks:
            x = block(x)
        x = self.norm(x)[:, 0] @ self.head
        x = x - x.mean(dim=1, keepdim=True)
        return x / x.norm(dim=1, keepdim=True)


def main():
    model = TinyViT().eval()
    images = golden.sample_images(SAMPLES)
    with torch.no_grad():
        golden.write_golden(GOLDEN, os.path.basename(MODEL), images, golden.pillow_preprocess,
                            lambda x: model(torch.from_numpy(x)).numpy(), os.path.join(SAMPLES, 'tensors'))
        torch.onnx.export(model, torch.rand(2, 3, 224, 224), MODEL, input_names=['image'],
                          output_names=['embedding'], dynamic_axes={'image': {0: 'batch'}, 'embedding': {0: 'batch'}},
                          opset_version=17, do_constant_folding=True)
    golden.write_manifest(MODEL, 'test-vit', 'test', OUT, GOLDEN,
                          description='tiny random-weight ViT; for the int8 quantisation tests only')
    print(f'wrote {MODEL} ({os.path.getsize(MODEL)} bytes), {GOLDEN}')


if __name__ == '__main__':
    main()
