#!/usr/bin/env python3
"""Exports DreamSim (the official dreamsim 0.2.1 package) to ONNX with the engine's model contract.

  input  "image":     float32 [N, 3, 224, 224], RGB in [0, 1] (DreamSim's preprocess output), dynamic N
  output "embedding": float32 [N, D], DreamSim 0.2.1 normalize_embeds applied (subtract the vector's mean, divide by
                      its L2 norm): the same vectors as model.embed(); distance = 1 - cosine, as in model.forward().

For each variant it writes models/dreamsim-VARIANT.onnx (+ -fp16.onnx with --fp16), the manifest VARIANT.json and a
golden file: embeddings of models/test/golden/* computed with the official API (dreamsim()'s preprocess and
model.embed, one image at a time). The exported graph is checked with ONNX Runtime at batch 1, 3 and 8 against
those embeddings. Usually run through `./dreamsim model export [VARIANT] [--fp16]`, which prepares models/.venv.

Why a wrapper instead of tracing model.embed: embed() squeezes its features (batch 1 becomes a vector, then
unsqueezed by a Python branch that tracing freezes), so the traced graph would only work at the traced batch size.
The wrapper runs the same extractors, MLP and normalisation with explicit shapes. LoRA weights are merged first.
Position embeddings are pinned to 224x224 (DINOv2 interpolates its 518px table on every call otherwise).

  --selftest  runs the generic path (golden, wrapper, export, verification) on a tiny stand-in for DreamSim's
              PerceptualModel, without the dreamsim package or any download.
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import golden  # noqa: E402  (models/golden.py)

VARIANTS = {'ensemble': 1792, 'dino_vitb16': 768, 'dinov2_vitb14': 768, 'synclr_vitb16': 768,
            'clip_vitb32': 512, 'open_clip_vitb32': 512}
SAMPLES = os.path.join(HERE, 'test', 'golden')
MIN_COSINE = {'fp32': 0.9999, 'fp16': 0.99}


def log(message):
    print(f'[{time.strftime("%H:%M:%S")}] {message}', flush=True)


def normalize_embedding(embed):
    """dreamsim.model.normalize_embedding (0.2.1), written with keepdim instead of transposes."""
    embed = embed - embed.mean(dim=1, keepdim=True)
    return embed / embed.norm(dim=1, keepdim=True)


class Contract(torch.nn.Module):
    """PerceptualModel.embed without its squeeze: [N,3,224,224] -> [N,D] for every N."""

    def __init__(self, perceptual):
        super().__init__()
        self.perceptual = perceptual

    def forward(self, image):
        p = self.perceptual
        feats = [p.extract_feats_list[i](image, extractor_index=i).flatten(1) for i in range(len(p.extract_feats_list))]
        return normalize_embedding(p.mlp(torch.cat(feats, dim=-1)))


def pin_position_embeddings(perceptual, size=224):
    """Replaces each ViT's interpolate_pos_encoding with its value at size x size (a constant in the graph)."""
    for extractor in perceptual.extractor_list:
        vit = extractor.model
        if not hasattr(vit, 'interpolate_pos_encoding'):
            continue
        tokens = (size // extractor.p) ** 2 + 1
        with torch.no_grad():
            pe = vit.interpolate_pos_encoding(torch.zeros(1, tokens, vit.embed_dim), size, size).detach().clone()
        vit.interpolate_pos_encoding = lambda x, w, h, pe=pe: pe.to(x.dtype)


def load_official(variant, cache):
    """The official model and preprocess, exactly as dreamsim's README uses them."""
    from dreamsim import dreamsim
    model, preprocess = dreamsim(pretrained=True, device='cpu', cache_dir=cache, normalize_embeds=True,
                                 dreamsim_type=variant)
    return model.eval(), lambda path: preprocess(Image.open(path))


def ort_session(path, precision):
    """An ONNX Runtime session (CUDA when present), or None when this environment cannot run the file."""
    try:
        import onnxruntime
    except ImportError:
        log(f'  onnxruntime is not installed: {os.path.basename(path)} not checked here')
        return None
    providers = [p for p in ('CUDAExecutionProvider', 'CPUExecutionProvider')
                 if p in onnxruntime.get_available_providers()]
    try:
        return onnxruntime.InferenceSession(path, providers=providers)
    except Exception as e:  # noqa: BLE001  fp16 graphs may use ops without CPU float16 kernels
        if precision == 'fp32':
            raise
        log(f'  {os.path.basename(path)} cannot run on {providers} here ({str(e).splitlines()[0]}); '
            f'check it on a GPU machine')
        return None


def verify(path, precision, tensors, expected, contract):
    """ONNX Runtime output at batch 1, 3 and 8 against the official embeddings and the PyTorch wrapper."""
    session = ort_session(path, precision)
    if session is None:
        log(f'  check it end to end with: ./dreamsim model verify {path}')
        return
    input_type = session.get_inputs()[0].type
    dtype = np.float16 if 'float16' in input_type else np.float32
    worst = 1.0
    for batch in (1, 3, 8):
        for start in range(0, len(tensors), batch):
            x = tensors[start:start + batch]
            if len(x) < batch and batch > 1 and start > 0:
                continue  # a short last batch was already covered by smaller batch sizes
            got = session.run(None, {'image': x.astype(dtype)})[0].astype(np.float32)
            if got.shape != (len(x), expected.shape[1]):
                sys.exit(f'{path}: batch {len(x)} gave shape {got.shape}, expected {(len(x), expected.shape[1])}')
            with torch.no_grad():
                ref = contract(torch.from_numpy(x)).numpy()
            for e, r, g in zip(expected[start:start + batch], ref, got):
                cos_golden = float(np.dot(e, g) / np.linalg.norm(e) / np.linalg.norm(g))
                cos_torch = float(np.dot(r, g) / np.linalg.norm(r) / np.linalg.norm(g))
                worst = min(worst, cos_golden, cos_torch)
        log(f'  batch {batch}: ok')
    if worst < MIN_COSINE[precision]:
        sys.exit(f'{path}: ONNX Runtime differs from PyTorch (min cosine {worst:.6f} < {MIN_COSINE[precision]})')
    log(f'  {os.path.basename(path)}: min cosine to PyTorch {worst:.6f} over batches 1, 3, 8')


def to_fp16(src, dst):
    from onnxruntime.transformers.float16 import convert_float_to_float16
    import onnx
    onnx.save(convert_float_to_float16(onnx.load(src), keep_io_types=False), dst)


def export(variant, model_name, official_embed, preprocess, make_contract, dims, out, fp16, extra):
    """Golden file (from the untouched official model), then the [N,3,224,224] -> [N,D] module make_contract()
    returns, exported at batch 2, verified, with its manifest. The same for DreamSim and the self-test."""
    images = golden.sample_images(SAMPLES)
    if len(images) < 8:
        sys.exit(f'{SAMPLES}: needs at least 8 sample images (batch 8 check)')
    path = os.path.join(out, f'{model_name}.onnx')
    golden_path = os.path.join(out, f'{model_name}.golden.json')
    log(f'{variant}: golden embeddings of {len(images)} sample images (official preprocess and embed)')
    with torch.no_grad():
        expected = golden.write_golden(golden_path, os.path.basename(path), images, preprocess, official_embed,
                                       os.path.join(SAMPLES, 'tensors'))
        tensors = np.concatenate([np.asarray(preprocess(p), dtype=np.float32) for p in images])
        contract = make_contract()
        wrapped = contract(torch.from_numpy(tensors)).numpy()
    worst = min(float(np.dot(a, b)) for a, b in zip(expected, wrapped))
    if worst < 0.9999:
        sys.exit(f'{variant}: the export wrapper differs from model.embed (min cosine {worst:.6f})')
    if expected.shape[1] != dims:
        sys.exit(f'{variant}: embeddings have {expected.shape[1]} dimensions, expected {dims}')

    log(f'{variant}: exporting {path} (traced at batch 2, dynamic batch axis)')
    with torch.no_grad():
        torch.onnx.export(contract, torch.from_numpy(tensors[:2]), path, input_names=['image'],
                          output_names=['embedding'], dynamic_axes={'image': {0: 'batch'}, 'embedding': {0: 'batch'}},
                          opset_version=17, do_constant_folding=True)
    verify(path, 'fp32', tensors, expected, contract)
    golden.write_manifest(path, f'dreamsim-{variant}', variant, dims, golden_path, precision='fp32', **extra)
    written = [path]
    if fp16:
        path16 = os.path.join(out, f'{model_name}-fp16.onnx')
        golden16 = os.path.join(out, f'{model_name}-fp16.golden.json')
        log(f'{variant}: converting to float16: {path16}')
        to_fp16(path, path16)
        verify(path16, 'fp16', tensors, expected, contract)
        golden.write_golden(golden16, os.path.basename(path16), images, preprocess, lambda x: expected,
                            os.path.join(SAMPLES, 'tensors'))
        golden.write_manifest(path16, f'dreamsim-{variant}-fp16', variant, dims, golden16, precision='fp16', **extra)
        written.append(path16)
    for w in written:
        log(f'{variant}: wrote {w} ({os.path.getsize(w) / 1e6:.0f} MB)')
    return written


def export_official(variant, out, fp16, cache):
    from importlib.metadata import version
    log(f'{variant}: loading the official model (dreamsim {version("dreamsim")}; '
        f'weights are downloaded into {cache} the first time)')
    model, preprocess = load_official(variant, cache)

    def official_embed(batch):  # model.embed on one image at a time, exactly as documented
        return np.concatenate([model.embed(torch.from_numpy(x[None])).numpy() for x in batch])

    def make_contract():  # after the golden: merging LoRA into the base weights changes the official model
        perceptual = model.merge_and_unload()
        pin_position_embeddings(perceptual)
        return Contract(perceptual).eval()

    return export(variant, f'dreamsim-{variant}', official_embed, lambda p: preprocess(p).numpy(), make_contract,
                  VARIANTS[variant], out, fp16, {'source': 'dreamsim==0.2.1'})


class StandIn(torch.nn.Module):
    """A tiny PerceptualModel look-alike: two extractors shaped like DreamSim's ([N,1,1,D] CLS features and [N,D]
    projected embeddings), an identity MLP, and embed() copied from dreamsim 0.2.1 with its squeeze."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(3)
        self.extractor_list = torch.nn.ModuleList([
            torch.nn.Sequential(torch.nn.Conv2d(3, 8, 16, stride=16), torch.nn.ReLU(), torch.nn.Flatten(),
                                torch.nn.Linear(8 * 14 * 14, 48)),
            torch.nn.Sequential(torch.nn.Conv2d(3, 4, 32, stride=32), torch.nn.Flatten(),
                                torch.nn.Linear(4 * 7 * 7, 16))])
        self.extract_feats_list = [lambda img, extractor_index: self.extractor_list[0](img)[:, None, None, :],
                                   lambda img, extractor_index: self.extractor_list[1](img)]
        self.mlp = torch.nn.Identity()

    def embed(self, img):
        full_feats = (self.extract_feats_list[0](img, extractor_index=0)).squeeze()
        for i in range(1, len(self.extract_feats_list)):
            feats = (self.extract_feats_list[i](img, extractor_index=i)).squeeze()
            full_feats = torch.cat((full_feats, feats), dim=-1)
        embed = self.mlp(full_feats)
        if len(embed.shape) <= 1:
            embed = embed.unsqueeze(0)
        return normalize_embedding(embed)


def selftest(out):
    model = StandIn().eval()

    def official_embed(batch):
        return np.concatenate([model.embed(torch.from_numpy(x[None])).numpy() for x in batch])

    # the squeeze problem is real: tracing embed() itself gives a graph fixed to its traced batch
    with torch.no_grad():
        traced = torch.jit.trace_module(model, {'embed': torch.rand(2, 3, 224, 224)})
        try:
            bad = tuple(traced.embed(torch.rand(1, 3, 224, 224)).shape)
        except RuntimeError as e:
            bad = f'error: {str(e).splitlines()[0]}'
    log(f'selftest: embed() traced at batch 2 gives {bad} for batch 1 (why the export uses a wrapper)')
    return export('selftest', 'dreamsim-selftest', official_embed, golden.pillow_preprocess,
                  lambda: Contract(model).eval(), 64, out, False, {'source': 'export_dreamsim.py --selftest stand-in'})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('variant', nargs='?', default='ensemble', choices=[*VARIANTS, 'all'])
    parser.add_argument('--out', default=HERE, help='output folder (default: models/)')
    parser.add_argument('--fp16', action='store_true', help='also write a float16 model (for GPUs)')
    parser.add_argument('--cache', default=os.path.join(HERE, '.cache'), help='download cache for weights')
    parser.add_argument('--selftest', action='store_true', help='export a tiny stand-in instead of DreamSim')
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.selftest:
        selftest(args.out)
        return
    torch.hub.set_dir(args.cache)
    for variant in (VARIANTS if args.variant == 'all' else [args.variant]):
        # dreamsim 0.2.1 creates its cache folder with os.mkdir: the parent must exist (and a re-run must not fail)
        cache = os.path.join(args.cache, variant)
        os.makedirs(cache, exist_ok=True)
        export_official(variant, args.out, args.fp16, cache)


if __name__ == '__main__':
    main()
