#!/usr/bin/env python3
"""Exports DreamSim (the official dreamsim 0.2.1 package) to ONNX with the engine's model contract.

  input  "image":     float32 [N, 3, 224, 224], RGB in [0, 1] (DreamSim's preprocess output), dynamic N
  output "embedding": float32 [N, D], DreamSim 0.2.1 normalize_embeds applied (subtract the vector's mean, divide by
                      its L2 norm): the same vectors as model.embed(); distance = 1 - cosine, as in model.forward().

For each variant it writes models/dreamsim-VARIANT.onnx (+ -int8.onnx with --int8, -fp16.onnx with --fp16), the
manifest VARIANT.json and a golden file: embeddings of models/test/golden/* plus golden.extra_images() (a 10 MP JPEG,
EXIF-oriented JPEGs) computed with the official API (dreamsim()'s preprocess and model.embed, one image at a time),
and the distances of every pair. The exported graph is checked with ONNX Runtime at batch 1, 3 and 8 against those
embeddings. Usually run through `./dreamsim model export [VARIANT] [--int8] [--fp16]`, which prepares models/.venv.

Downloads (models/fetch.py) resume after a network failure and land in models/.cache/VARIANT; the torch.hub code
(DINO, DINOv2) comes from pinned commits. Every output file is written under a temporary name and renamed when
complete, the model file last: a model file is never half-written, and one that exists has its manifest.

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
import fetch  # noqa: E402  (models/fetch.py)
import fp16  # noqa: E402  (models/fp16.py)
import golden  # noqa: E402  (models/golden.py)

VARIANTS = {'ensemble': 1792, 'dino_vitb16': 768, 'dinov2_vitb14': 768, 'synclr_vitb16': 768,
            'clip_vitb32': 512, 'open_clip_vitb32': 512}
SAMPLES = os.path.join(HERE, 'test', 'golden')
MIN_COSINE = {'fp32': 0.9999, 'fp16': 0.99}
# The largest DreamSim distance error an int8 or fp16 file may add to the float32 graph's (docs/model.md).
MAX_DISTANCE_ERROR = 0.01
ABOUT = {
    'dino_vitb16': 'DINO ViT-B/16 (self-supervised on ImageNet), CLS token before its last LayerNorm: layout, object '
                   'shape and visual structure, largely regardless of what the object is called.',
    'dinov2_vitb14': 'DINOv2 ViT-B/14 (self-supervised on 142M curated images), CLS token: object parts, shape and '
                     'fine structure.',
    'synclr_vitb16': 'SynCLR ViT-B/16 (learned from synthetic images and captions), CLS token: objects and scene '
                     'layout at a fine-grained level.',
    'clip_vitb16': "OpenAI CLIP ViT-B/16 image embedding (trained against captions): what the picture shows, its "
                   "concepts and content more than its exact appearance.",
    'clip_vitb32': "OpenAI CLIP ViT-B/32 image embedding (trained against captions): what the picture shows, its "
                   "concepts and content more than its exact appearance.",
    'open_clip_vitb16': 'OpenCLIP ViT-B/16 image embedding (trained against captions on LAION-400M): semantic content '
                        'like CLIP, from a different and larger set of web images.',
    'open_clip_vitb32': 'OpenCLIP ViT-B/32 image embedding (trained against captions on LAION-400M): semantic content '
                        'like CLIP, from a different and larger set of web images.',
}


def branches(variant):
    """Where each backbone's features sit in the embedding, in dreamsim's own concatenation order (config.py's
    model_type list; widths from model.py's EMBED_DIMS for each feat_type): [{name, from, to, about}]."""
    layout = {'ensemble': [('dino_vitb16', 768), ('clip_vitb16', 512), ('open_clip_vitb16', 512)],
              'dino_vitb16': [('dino_vitb16', 768)], 'dinov2_vitb14': [('dinov2_vitb14', 768)],
              'synclr_vitb16': [('synclr_vitb16', 768)], 'clip_vitb32': [('clip_vitb32', 512)],
              'open_clip_vitb32': [('open_clip_vitb32', 512)]}[variant]
    out, start = [], 0
    for name, width in layout:
        out.append({'name': name, 'from': start, 'to': start + width, 'about': ABOUT[name]})
        start += width
    return out


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


def ort_session(path):
    """An ONNX Runtime session (CUDA when present), or None when onnxruntime is not installed."""
    try:
        import onnxruntime
    except ImportError:
        log(f'  onnxruntime is not installed: {os.path.basename(path)} not checked here')
        return None
    providers = [p for p in ('CUDAExecutionProvider', 'CPUExecutionProvider')
                 if p in onnxruntime.get_available_providers()]
    return onnxruntime.InferenceSession(path, providers=providers)


def verify(path, precision, tensors, expected, contract):
    """ONNX Runtime output at batch 1, 3 and 8 against the official embeddings and the PyTorch wrapper; returns the
    session (None without onnxruntime)."""
    session = ort_session(path)
    if session is None:
        log('  check the installed file end to end with: ./dreamsim model verify FILE')
        return None
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
    return session


def pair_errors(session_a, session_b, tensors):
    """max and mean |d_b - d_a| over every pair of tensors (DreamSim distance 1 - cosine) and the pair count."""
    def distances(session):
        e = session.run(None, {'image': tensors})[0].astype(np.float64)
        e /= np.linalg.norm(e, axis=1, keepdims=True)
        return 1.0 - e @ e.T
    da, db = distances(session_a), distances(session_b)
    upper = np.triu_indices(len(tensors), 1)
    errors = np.abs(da - db)[upper]
    return float(errors.max()), float(errors.mean()), int(errors.size)


def cli():
    """The launcher, for the int8 measurement (./dreamsim model quantize runs the same ONNX Runtime as users)."""
    for candidate in (os.environ.get('DREAMSIM_CLI'), os.path.join(HERE, '..', 'dreamsim'),
                      os.path.join(HERE, '..', 'bin', 'dreamsim')):
        if candidate and os.path.isfile(candidate):
            return candidate
    sys.exit('the dreamsim launcher was not found beside models/ (set DREAMSIM_CLI): needed for --int8')


def install(files):
    """Renames finished temporary files into place, the model file (given first) last."""
    for tmp, final in files[1:] + files[:1]:
        os.replace(tmp, final)


def tmp_name(path):
    return os.path.join(os.path.dirname(path), '.' + os.path.basename(path) + '.tmp')


def export(variant, model_name, official_embed, preprocess, make_contract, dims, out, options, extra):
    """Golden file (from the untouched official model), then the [N,3,224,224] -> [N,D] module make_contract()
    returns, exported at batch 2, verified, with its manifest; then the int8 and fp16 copies when asked. The same for
    DreamSim, the self-test and the rehearsal."""
    images = golden.sample_images(SAMPLES)
    if len(images) < 8:
        sys.exit(f'{SAMPLES}: needs at least 8 sample images (batch 8 check)')
    images += golden.extra_images(os.path.join(out, 'golden-extra'))
    path = os.path.join(out, f'{model_name}.onnx')
    golden_path = os.path.join(out, f'{model_name}.golden.json')
    manifest_path = os.path.splitext(path)[0] + '.json'
    log(f'{variant}: golden embeddings of {len(images)} images (official preprocess and embed)')
    with torch.no_grad():
        expected = golden.write_golden(tmp_name(golden_path), os.path.basename(path), images, preprocess,
                                       official_embed)
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
        torch.onnx.export(contract, torch.from_numpy(tensors[:2]), tmp_name(path), input_names=['image'],
                          output_names=['embedding'], dynamic_axes={'image': {0: 'batch'}, 'embedding': {0: 'batch'}},
                          opset_version=17, do_constant_folding=True)
    verify(tmp_name(path), 'fp32', tensors, expected, contract)
    if variant in VARIANTS:
        extra = {**extra, 'branches': branches(variant)}
    golden.write_manifest(tmp_name(path), f'dreamsim-{variant}', variant, dims, golden_path,
                          manifest_path=tmp_name(manifest_path), precision='fp32', **extra)
    install([(tmp_name(path), path), (tmp_name(golden_path), golden_path), (tmp_name(manifest_path), manifest_path)])
    written = [path]
    if options.int8:
        written += export_int8(variant, model_name, path, golden_path, dims, out, options, extra)
    if options.fp16:
        written += export_fp16(variant, model_name, path, golden_path, dims, out, tensors, expected, contract, extra)
    for w in written:
        log(f'{variant}: wrote {w} ({os.path.getsize(w) / 1e6:.0f} MB)')
    return written


def derived_golden(golden_path, model_file, dst):
    """The float32 golden with another model name: the int8 and fp16 files answer to PyTorch's numbers too."""
    import json
    with open(golden_path) as f:
        data = json.load(f)
    data['model'] = model_file
    golden.write_atomically(dst, lambda p: golden.write_json(p, data, None))


def export_int8(variant, model_name, path, golden_path, dims, out, options, extra):
    """`./dreamsim model quantize` writes the int8 file only when its distance error is within the bound and it runs
    faster than the float32 file on this machine's CPU by the command's margin; the manifest records both rates."""
    import json
    import subprocess
    path8 = os.path.join(out, f'{model_name}-int8.onnx')
    golden8 = os.path.join(out, f'{model_name}-int8.golden.json')
    manifest8 = os.path.splitext(path8)[0] + '.json'
    log(f'{variant}: int8 copy {path8}, measured against the float32 graph on the golden pairs')
    # this interpreter: the one with onnxruntime's quantiser (models/.venv), not whatever python3 the CLI would find
    result = subprocess.run([cli(), 'model', 'quantize', path, tmp_name(path8), '--bound', str(options.bound),
                             '--python', sys.executable],
                            stdout=subprocess.PIPE, text=True)
    measured = json.loads(result.stdout.strip().splitlines()[-1]) if result.stdout.strip() else {}
    if result.returncode != 0:
        why = measured.get('refused') or f'largest distance error {measured.get("max_distance_error")}'
        log(f'{variant}: int8 REFUSED ({why}): not installed; the float32 model is used')
        options.refused.append(path8)
        return []
    derived_golden(golden_path, os.path.basename(path8), tmp_name(golden8))
    golden.write_manifest(tmp_name(path8), f'dreamsim-{variant}-int8', variant, dims, golden8,
                          manifest_path=tmp_name(manifest8), precision='int8',
                          max_distance_error=measured['max_distance_error'],
                          mean_distance_error=measured['mean_distance_error'],
                          distance_error_pairs=measured['pairs'], distance_error_bound=options.bound,
                          quantizer=measured.get('quantizer'), quantized_from=os.path.basename(path),
                          float32_img_per_s=measured.get('float32_img_per_s'),
                          int8_img_per_s=measured.get('int8_img_per_s'), speed_threads=measured.get('threads'),
                          **extra)
    install([(tmp_name(path8), path8), (tmp_name(golden8), golden8), (tmp_name(manifest8), manifest8)])
    return [path8]


def export_fp16(variant, model_name, path, golden_path, dims, out, tensors, expected, contract, extra):
    """Mixed-precision float16 copy (models/fp16.py), measured against the float32 graph on CUDA when this machine
    has it, else on the CPU, with the int8 copy's distance gate. The CPU provider honours every Cast (so a float16
    overflow at one shows) but runs the ops it has no float16 kernel for in float32: a CPU figure may understate
    the GPU's error, which the manifest's measured_on records."""
    try:
        import onnxruntime
    except ImportError:
        sys.exit('--fp16 needs the onnxruntime package (its float16 converter): pip install -r models/requirements.txt')
    path16 = os.path.join(out, f'{model_name}-fp16.onnx')
    golden16 = os.path.join(out, f'{model_name}-fp16.golden.json')
    manifest16 = os.path.splitext(path16)[0] + '.json'
    log(f'{variant}: converting to mixed float16: {path16}')
    fp16.to_fp16(path, tmp_name(path16))
    half = verify(tmp_name(path16), 'fp16', tensors, expected, contract)
    # the provider the session really got: onnxruntime-gpu lists CUDA, then falls back when its libraries are missing
    device = 'cuda' if half.get_providers()[0] == 'CUDAExecutionProvider' else 'cpu'
    full = onnxruntime.InferenceSession(path, providers=half.get_providers())
    worst, mean, pairs = pair_errors(full, half, tensors)
    if not worst <= MAX_DISTANCE_ERROR:  # NaN included
        os.remove(tmp_name(path16))
        log(f'{variant}: fp16 REFUSED (largest distance error {worst:.5f} > {MAX_DISTANCE_ERROR} on {device})')
        return []
    measured_on = 'cuda' if device == 'cuda' else \
        'cpu (ops without float16 CPU kernels ran in float32: measure on a GPU with ./dreamsim model verify)'
    log(f'{variant}: fp16 distance error on {device}: max {worst:.5f}, mean {mean:.5f} over {pairs} pairs'
        + ('' if device == 'cuda' else f'; check it on a GPU with ./dreamsim model verify {path16} --device cuda'))
    derived_golden(golden_path, os.path.basename(path16), tmp_name(golden16))
    golden.write_manifest(tmp_name(path16), f'dreamsim-{variant}-fp16', variant, dims, golden16,
                          manifest_path=tmp_name(manifest16), precision='fp16', max_distance_error=worst,
                          mean_distance_error=mean, distance_error_pairs=pairs, distance_error_bound=MAX_DISTANCE_ERROR,
                          measured_on=measured_on, **extra)
    install([(tmp_name(path16), path16), (tmp_name(golden16), golden16), (tmp_name(manifest16), manifest16)])
    return [path16]


def fetch_weights(variant, cache):
    """DreamSim's release zip for the variant, downloaded resumably and unzipped into cache (dreamsim 0.2.1 then
    finds its files there and downloads nothing itself)."""
    from dreamsim.config import dreamsim_weights
    url = dreamsim_weights[variant]
    archive = os.path.join(cache, 'pretrained.zip')
    digest = fetch.download(url, archive)
    fetch.unzip_once(archive, cache)
    return {'url': url, 'sha256': digest}


def export_official(variant, out, options, cache):
    from importlib.metadata import version
    log(f'{variant}: loading the official model (dreamsim {version("dreamsim")}; '
        f'weights are downloaded into {cache} the first time)')
    source = fetch_weights(variant, cache)
    fetch.pin_torch_hub()
    model, preprocess = load_official(variant, cache)

    def official_embed(batch):  # model.embed on one image at a time, exactly as documented
        return np.concatenate([model.embed(torch.from_numpy(x[None])).numpy() for x in batch])

    def make_contract():  # after the golden: merging LoRA into the base weights changes the official model
        perceptual = model.merge_and_unload()
        pin_position_embeddings(perceptual)
        return Contract(perceptual).eval()

    pins = {repo: pin['commit'] for repo, pin in fetch.PINS.items()}
    return export(variant, f'dreamsim-{variant}', official_embed, lambda p: preprocess(p).numpy(), make_contract,
                  VARIANTS[variant], out, options, {'source': f'dreamsim=={version("dreamsim")}', 'weights': source,
                                                    'torch_hub_pins': pins})


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
                  lambda: Contract(model).eval(), 64, out, argparse.Namespace(int8=False, fp16=False),
                  {'source': 'export_dreamsim.py --selftest stand-in'})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('variant', nargs='?', default='ensemble', choices=[*VARIANTS, 'all'])
    parser.add_argument('--out', default=HERE, help='output folder (default: models/)')
    parser.add_argument('--int8', action='store_true', help='also write an int8 model (for CPUs), if within --bound')
    parser.add_argument('--bound', type=float, default=MAX_DISTANCE_ERROR,
                        help='largest distance error accepted for int8 (default %(default)s)')
    parser.add_argument('--fp16', action='store_true', help='also write a mixed float16 model (for GPUs)')
    parser.add_argument('--cache', default=os.path.join(HERE, '.cache'), help='download cache for weights')
    parser.add_argument('--mirror', help='fetch https://HOST/PATH from MIRROR/HOST/PATH instead (offline rehearsal)')
    parser.add_argument('--selftest', action='store_true', help='export a tiny stand-in instead of DreamSim')
    args = parser.parse_args()
    args.refused = []
    os.makedirs(args.out, exist_ok=True)
    if args.selftest:
        selftest(args.out)
        return
    if args.mirror:
        fetch.MIRROR = args.mirror
    try:
        for variant in (VARIANTS if args.variant == 'all' else [args.variant]):
            # dreamsim 0.2.1 creates its cache folder with os.mkdir: the parent must exist (and a re-run must not fail)
            cache = os.path.join(args.cache, variant)
            os.makedirs(cache, exist_ok=True)
            torch.hub.set_dir(cache)
            export_official(variant, args.out, args, cache)
    finally:  # a failed step leaves no temporary file (a model file it never had)
        import glob
        for leftover in glob.glob(os.path.join(args.out, '.dreamsim-*.tmp*')):
            os.remove(leftover)
    if args.refused:
        sys.exit(f'not installed (distance error above the bound): {", ".join(args.refused)}')


if __name__ == '__main__':
    main()
