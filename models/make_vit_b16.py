#!/usr/bin/python3
"""Builds models/bench-vit-b16.onnx: a random-weight ViT-B/16 with the engine's model contract, for speed tests.

It costs what one DreamSim backbone costs (ViT-B/16 at 224x224: 17.6 GMAC; the ensemble runs three of them), so
`./dreamsim bench model --model models/bench-vit-b16.onnx` measures the runtime on a realistic graph without the
real weights. Input "image" [N,3,224,224] in [0,1] with ImageNet normalisation inside, output "embedding" [N,768]
(the CLS token after the final LayerNorm, DreamSim's normalize_embeds). Not committed (344 MB); bench/model.sh
makes it. Run with Debian's python3-torch: /usr/bin/python3 models/make_vit_b16.py
"""
import os

import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'bench-vit-b16.onnx')


class Block(nn.Module):
    def __init__(self, dim=768, heads=12):
        super().__init__()
        self.heads = heads
        self.norm1, self.norm2 = nn.LayerNorm(dim, eps=1e-6), nn.LayerNorm(dim, eps=1e-6)
        self.qkv, self.proj = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(self.norm1(x)).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = ((q @ k.transpose(-2, -1)) * (c // self.heads) ** -0.5).softmax(dim=-1)
        x = x + self.proj((attn @ v).transpose(1, 2).reshape(b, n, c))
        return x + self.mlp(self.norm2(x))


class ViTB16(nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(16)
        self.register_buffer('mean', torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1))
        self.register_buffer('std', torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1))
        self.patch = nn.Conv2d(3, 768, 16, stride=16)
        self.cls = nn.Parameter(torch.randn(1, 1, 768) * 0.02)
        self.pos = nn.Parameter(torch.randn(1, 197, 768) * 0.02)
        self.blocks = nn.Sequential(*[Block() for _ in range(12)])
        self.norm = nn.LayerNorm(768, eps=1e-6)

    def forward(self, image):
        x = self.patch((image - self.mean) / self.std).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.pos
        x = self.norm(self.blocks(x))[:, 0]
        x = x - x.mean(dim=1, keepdim=True)
        return x / x.norm(dim=1, keepdim=True)


if __name__ == '__main__':
    model = ViTB16().eval()
    with torch.no_grad():
        torch.onnx.export(model, torch.rand(2, 3, 224, 224), OUT, input_names=['image'], output_names=['embedding'],
                          dynamic_axes={'image': {0: 'batch'}, 'embedding': {0: 'batch'}}, opset_version=17)
    print(f'wrote {OUT} ({os.path.getsize(OUT) / 1e6:.0f} MB)')
