#!/usr/bin/python3
"""Offline check of export_dreamsim.py on DreamSim's own model code (no download, no pip).

Runs export_dreamsim.export() - golden file from model.embed, the squeeze-free wrapper, ONNX export at batch 2 with
a dynamic axis - on dreamsim 0.2.1's real PerceptualModel (hooks, feature extractors, preprocessing, normalize_embeds)
built as a two-backbone ensemble like the real one (a CLS feature and a projected CLIP embedding: synclr_vitb16 +
clip_vitb32, 768 + 512 dims) with random weights in fabricated checkpoint files. What it cannot cover: the real
weights, LoRA merging (peft) and torch.hub backbones (DINO, DINOv2).

  /usr/bin/python3 models/test/check_export_wrapper.py OUT_DIR DREAMSIM_SOURCE
then check the ONNX file at batch 1, 3, 8 with the Java runtime: ./dreamsim model verify OUT_DIR/dreamsim-check.onnx

DREAMSIM_SOURCE is dreamsim 0.2.1's released source: a folder holding the `dreamsim` package, or its release
tarball (dreamsim-0.2.1-src.tar.gz, MIT; not part of this repository). Debian's
python3-torch has no torchvision, peft, open_clip, transformers or packaging: minimal stand-ins are installed for the few names
the dreamsim modules import (Normalize is reimplemented; the others are unused by these backbones).
"""
import argparse
import os
import sys
import tempfile
import types

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import export_dreamsim  # noqa: E402
import golden  # noqa: E402



def stub(name, **attrs):
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    sys.modules[name] = module
    return module


class Normalize:
    """torchvision.transforms.Normalize on tensors: (x - mean) / std per channel."""

    def __init__(self, mean, std):
        self.mean = torch.tensor(mean).view(-1, 1, 1)
        self.std = torch.tensor(std).view(-1, 1, 1)

    def __call__(self, x):
        return (x - self.mean) / self.std


def install_stand_ins():
    stub('torchvision').transforms = stub('torchvision.transforms', Normalize=Normalize, Compose=None, Resize=None,
                                          ToTensor=None, InterpolationMode=types.SimpleNamespace(BICUBIC=3))
    stub('peft', __version__='0.13.2', PeftModel=None, LoraConfig=None, get_peft_model=None)
    stub('packaging').version = stub('packaging.version', parse=lambda v: tuple(int(x) for x in v.split('.')))
    stub('open_clip')
    stub('transformers', ViTMAEModel=None)


def fabricate_checkpoints(load_dir):
    from dreamsim.feature_extraction.vision_transformer import vit_base
    torch.manual_seed(5)
    clip = vit_base(patch_size=32)
    clip.pos_drop = torch.nn.LayerNorm(768)
    sd = clip.state_dict()
    sd['proj'] = torch.randn(768, 512) * 0.03
    torch.save({'state_dict': sd}, os.path.join(load_dir, 'clip_vitb32_pretrain.pth.tar'))
    synclr = vit_base(patch_size=16)
    torch.save({'model': {'module.visual.' + k: v for k, v in synclr.state_dict().items()}},
               os.path.join(load_dir, 'synclr_vit_b_16.pth'))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    work = tempfile.mkdtemp(prefix='dreamsim-check-')
    src = sys.argv[2]
    if os.path.isfile(src):  # the release tarball: its top folder holds the dreamsim package
        import tarfile
        with tarfile.open(src) as tar:
            tar.extractall(work, **({'filter': 'data'} if hasattr(tarfile, 'data_filter') else {}))
        src = next(os.path.join(work, d) for d in os.listdir(work) if os.path.isdir(os.path.join(work, d, 'dreamsim')))
    sys.path.insert(0, src)
    install_stand_ins()
    from dreamsim.model import PerceptualModel
    fabricate_checkpoints(work)
    model = PerceptualModel(model_type='synclr_vitb16,clip_vitb32', feat_type='cls,embedding', stride='16,32',
                            lora=True, load_dir=work, normalize_embeds=True, device='cpu').eval()

    def official_embed(batch):  # model.embed one image at a time, as dreamsim documents it
        return np.concatenate([model.embed(torch.from_numpy(x[None])).numpy() for x in batch])

    def make_contract():
        export_dreamsim.pin_position_embeddings(model)
        return export_dreamsim.Contract(model).eval()

    with torch.no_grad():
        batched = model.embed(torch.from_numpy(np.concatenate(
            [golden.pillow_preprocess(p) for p in golden.sample_images(export_dreamsim.SAMPLES)[:3]])))
    export_dreamsim.log(f'model.embed on a batch of 3 gives {tuple(batched.shape)} (dreamsim handles batches itself)')
    export_dreamsim.export('check', 'dreamsim-check', official_embed, golden.pillow_preprocess, make_contract, 1280,
                           out, argparse.Namespace(int8=False, fp16=False), {'source': 'check_export_wrapper.py: dreamsim 0.2.1 code, random weights'})


if __name__ == '__main__':
    main()
