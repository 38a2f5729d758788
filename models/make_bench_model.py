#!/usr/bin/python3
"""Builds random-weight models with the engine's model contract and a DreamSim variant's cost, for speed tests.

    /usr/bin/python3 models/make_bench_model.py [vit_b16|vit_b32|ensemble]     (Debian's python3-torch)

- vit_b16 -> models/bench-vit-b16.onnx (344 MB): one ViT-B/16 at 224x224 (17.6 GMAC), the cost of the single-branch
  variants dino_vitb16 and synclr_vitb16 (dinov2_vitb14 runs 257 tokens instead of 197: about 1.3x).
- vit_b32 -> models/bench-vit-b32.onnx (350 MB): one ViT-B/32 (4.4 GMAC, 50 tokens), the cost of clip_vitb32 and
  open_clip_vitb32, the CPU-friendly variants.
- ensemble -> models/bench-ensemble.onnx (1 GB): three ViT-B/16 side by side (DINO's 768-d CLS token, two CLIP-style
  branches projected to 512), concatenated to 1792, the cost and layout of the default `ensemble`.

Every file takes input "image" [N,3,224,224] in [0,1] (ImageNet normalisation inside) and gives "embedding" [N,D],
mean-centred and L2-normalised as DreamSim's embeddings are. Not committed; the bench scripts make them on demand.
"""
import os
import sys

import torch
from torch import nn

MODELS = os.path.dirname(os.path.abspath(__file__))


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


class ViT(nn.Module):
    """A ViT-B backbone: the CLS token after the final LayerNorm, optionally projected (CLIP's head)."""

    def __init__(self, patch, out=None, seed=16):
        super().__init__()
        torch.manual_seed(seed)
        tokens = (224 // patch) ** 2 + 1
        self.patch = nn.Conv2d(3, 768, patch, stride=patch)
        self.cls = nn.Parameter(torch.randn(1, 1, 768) * 0.02)
        self.pos = nn.Parameter(torch.randn(1, tokens, 768) * 0.02)
        self.blocks = nn.Sequential(*[Block() for _ in range(12)])
        self.norm = nn.LayerNorm(768, eps=1e-6)
        self.head = nn.Linear(768, out, bias=False) if out else nn.Identity()

    def forward(self, x):
        x = self.patch(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.pos
        return self.head(self.norm(self.blocks(x))[:, 0])


class Bench(nn.Module):
    def __init__(self, branches):
        super().__init__()
        self.register_buffer('mean', torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1))
        self.register_buffer('std', torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1))
        self.branches = nn.ModuleList(branches)

    def forward(self, image):
        x = (image - self.mean) / self.std
        x = torch.cat([b(x) for b in self.branches], dim=1)
        x = x - x.mean(dim=1, keepdim=True)
        return x / x.norm(dim=1, keepdim=True)


VARIANTS = {
    'vit_b16': ('bench-vit-b16.onnx', lambda: [ViT(16)]),
    'vit_b32': ('bench-vit-b32.onnx', lambda: [ViT(32, out=512)]),
    'ensemble': ('bench-ensemble.onnx', lambda: [ViT(16), ViT(16, out=512, seed=17), ViT(16, out=512, seed=18)]),
}

if __name__ == '__main__':
    name = sys.argv[1] if len(sys.argv) > 1 else 'vit_b16'
    if name not in VARIANTS:
        sys.exit(f'make_bench_model.py: unknown model {name!r}; one of {", ".join(VARIANTS)}')
    file, branches = VARIANTS[name]
    out = os.path.join(MODELS, file)
    model = Bench(branches()).eval()
    with torch.no_grad():
        torch.onnx.export(model, torch.rand(2, 3, 224, 224), out + '.tmp', input_names=['image'],
                          output_names=['embedding'], dynamic_axes={'image': {0: 'batch'}, 'embedding': {0: 'batch'}},
                          opset_version=17)
    os.replace(out + '.tmp', out)
    print(f'wrote {out} ({os.path.getsize(out) / 1e6:.0f} MB)')
