#!/usr/bin/python3
"""The offline rehearsal of the whole model export, on dreamsim 0.2.1's released source and fabricated weights.

  DREAMSIM_FIXTURES=DIR /usr/bin/python3 models/test/rehearse_export.py [--variant V] [--keep]

DIR holds dreamsim-0.2.1-src.tar.gz (the released source; not part of this repository). Without it the rehearsal
says so and is skipped (exit 0). Needs Debian's python3-torch, python3-torchvision, python3-onnx, python3-venv,
python3-yaml, python3-packaging, a JDK for ./dreamsim, and no network. What it does:

1. a virtual environment with --system-site-packages (Debian's torch), dreamsim installed from the tarball with
   `pip install --no-deps --no-index`, stand-ins (models/test/standins/) for the only imports Debian lacks: peft
   (a LoRA implementation of the calls dreamsim and the export make), open_clip and transformers (imported, unused);
2. fabricated weights in the release layout, random but shaped like the real ones: DreamSim's release zip
   (backbone checkpoints, LoRA adapter) served as GitHub's release URL, the DINO torch.hub repository as GitHub's
   archive of the pinned commit (hubconf.py written here, DINO's vision_transformer.py from dreamsim's copy of it),
   and the DINO backbone weights as dl.fbaipublicfiles.com's URL, all from a local HTTP server (models/test/mirror.py);
3. a fresh models/ folder (the export's scripts and sample images only) and export_dreamsim.py run in it, first
   with a server that always cuts the DINO weights short: the export must fail, leave no model file and keep the
   .part; then with a server that drops every file's first connection halfway: it must resume everything and
   write the model, golden file (pairs, 10 MP and EXIF images), manifest (branches, pins, weights checksum), and
   the int8 copy within its distance bound. When pip's configured index offers onnxruntime (models/test/ortenv.py),
   the venv gets it, as a user's models/.venv does, and this run adds --fp16: the export's ONNX Runtime checks,
   onnxruntime's quantize_dynamic for int8 and the fp16 copy are rehearsed too;
4. ./dreamsim model verify on the float32, int8 and fp16 files.

The ensemble (three ViT-B/16, random weights: about 1 GB of fabricated checkpoints and a 1 GB graph) takes several
minutes on two cores; --variant dino_vitb16 rehearses a single-backbone variant in about a third of that.
Prints 'rehearsal: N passed, N failed'; exit status 1 on any failure.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.dirname(HERE)
ROOT = os.path.dirname(MODELS)
sys.path.insert(0, MODELS)
sys.path.insert(0, HERE)
import fetch  # noqa: E402
import ortenv  # noqa: E402
from mirror import Mirror  # noqa: E402

RELEASE = 'github.com/ssundaram21/dreamsim/releases/download'
CHECKS = []


def log(message):
    print(f'[rehearsal {time.strftime("%H:%M:%S")}] {message}', flush=True)


def expect(name, ok, detail=''):
    CHECKS.append((name, bool(ok)))
    print(f'{"ok  " if ok else "FAIL"} {name}' + (f': {detail}' if detail and not ok else ''), flush=True)
    return ok


def run(command, **kwargs):
    return subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)


def make_venv(work, tarball):
    """Debian's torch seen through --system-site-packages, dreamsim from the release source, the stand-ins."""
    src = os.path.join(work, 'src')
    with tarfile.open(tarball) as tar:
        tar.extractall(src, **({'filter': 'data'} if hasattr(tarfile, 'data_filter') else {}))
    top = next(os.path.join(src, d) for d in os.listdir(src) if os.path.isdir(os.path.join(src, d, 'dreamsim')))
    if not os.path.exists(os.path.join(top, 'README.md')):  # setup.py reads it; the source tarball lacks it
        open(os.path.join(top, 'README.md'), 'w').write('DreamSim\n')
    python = ortenv.make_venv(os.path.join(work, 'venv'))
    done = run([python, '-m', 'pip', 'install', '--no-deps', '--no-index', '--no-build-isolation',
                '--disable-pip-version-check', top])
    if done.returncode:
        sys.exit(f'pip install --no-deps of {tarball} failed:\n{done.stdout}')
    site = run([python, '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])']).stdout.strip()
    for f in glob.glob(os.path.join(HERE, 'standins', '*.py')):
        shutil.copy(f, site)
    return python, top


FABRICATE = r'''
import json, os, sys, zipfile
import torch
sys.path.insert(0, sys.argv[1])  # dreamsim's source: its vision_transformer.py is DINO's
from dreamsim.feature_extraction.vision_transformer import vit_base, DINOHead
from dreamsim.config import dreamsim_args
variant, out_zip, dino_weights = sys.argv[2], sys.argv[3], sys.argv[4]
torch.manual_seed(29)
files = {}
def clip_like(patch):  # load_clip_as_dino / load_open_clip_as_dino: vit_base + LayerNorm as pos_drop + proj
    vit = vit_base(patch_size=patch)
    vit.pos_drop = torch.nn.LayerNorm(768)
    sd = vit.state_dict()
    sd['proj'] = torch.randn(768, 512) * 0.03
    return {'state_dict': sd}
models = dreamsim_args['model_config'][variant]['model_type'].split(',')
for m in models:
    if m == 'dino_vitb16':
        head = DINOHead(768, 2048)
        sd = {'module.head.' + k: v for k, v in head.state_dict().items()}
        sd['module.head.last_layer.weight'] = torch.randn(2048, 256) * 0.02
        files['dino_vitb16_pretrain.pth'] = {'student': sd}
        torch.save(vit_base(patch_size=16, num_classes=0).state_dict(), dino_weights)
    elif m.startswith('open_clip_vitb'):
        files[f'{m}_pretrain.pth.tar'] = clip_like(int(m[-2:]))
    elif m.startswith('clip_vitb'):
        files[f'{m}_pretrain.pth.tar'] = clip_like(int(m[-2:]))
    else:
        sys.exit(f'the rehearsal fabricates dino/clip/open_clip backbones only, not {m}')
tag = 'ensemble_' if variant == 'ensemble' else f'{models[0]}_single_'
config = {'r': 8, 'lora_alpha': 16, 'lora_dropout': 0.0, 'bias': 'none', 'target_modules': ['qkv']}
# adapter weights under peft's names, for every qkv of every backbone (the layout PerceptualModel builds)
adapter = {}
for i in range(len(models)):
    for b in range(12):
        key = f'base_model.model.extractor_list.{i}.model.blocks.{b}.attn.qkv'
        adapter[key + '.lora_A.weight'] = torch.randn(8, 768) * 0.02
        adapter[key + '.lora_B.weight'] = torch.randn(2304, 8) * 0.02
with zipfile.ZipFile(out_zip + '.tmp', 'w', zipfile.ZIP_STORED) as z:
    for name, value in files.items():
        with z.open(name, 'w', force_zip64=True) as f:
            torch.save(value, f)
    z.writestr(f'{tag}lora/adapter_config.json', json.dumps(config))
    with z.open(f'{tag}lora/adapter_model.bin', 'w') as f:
        torch.save(adapter, f)
os.replace(out_zip + '.tmp', out_zip)
'''

HUBCONF = '''# The DINO torch.hub entry point the rehearsal serves as the pinned commit's archive (the real hubconf.py of
# facebookresearch/dino builds the same model from vision_transformer.py and loads the same URL).
import torch
import vision_transformer as vits

dependencies = ["torch", "torchvision"]


def dino_vitb16(pretrained=True, **kwargs):
    model = vits.__dict__["vit_base"](patch_size=16, num_classes=0, **kwargs)
    if pretrained:
        state_dict = torch.hub.load_state_dict_from_url(
            url="https://dl.fbaipublicfiles.com/dino/dino_vitbase16_pretrain/dino_vitbase16_pretrain.pth",
            map_location="cpu")
        model.load_state_dict(state_dict, strict=True)
    return model
'''


def fabricate(python, src, variant, mirror_root):
    """The release zip, the pinned DINO archive and the DINO weights under the mirror's HOST/PATH layout."""
    from importlib.util import module_from_spec, spec_from_file_location
    spec = spec_from_file_location('config', os.path.join(src, 'dreamsim', 'config.py'))
    config = module_from_spec(spec)
    spec.loader.exec_module(config)
    release_zip = os.path.join(mirror_root, config.dreamsim_weights[variant].split('://')[1])
    dino_url = fetch.PINS['facebookresearch/dino']['weights']['dino_vitb16']
    dino_weights = os.path.join(mirror_root, dino_url.split('://')[1])
    for path in (release_zip, dino_weights):
        os.makedirs(os.path.dirname(path), exist_ok=True)
    done = run([python, '-c', FABRICATE, src, variant, release_zip, dino_weights])
    if done.returncode:
        sys.exit(f'fabricating the checkpoints failed:\n{done.stdout}')
    commit = fetch.PINS['facebookresearch/dino']['commit']
    archive = os.path.join(mirror_root, 'github.com/facebookresearch/dino/archive', f'{commit}.zip')
    os.makedirs(os.path.dirname(archive), exist_ok=True)
    with zipfile.ZipFile(archive, 'w') as z:
        z.writestr(f'dino-{commit}/hubconf.py', HUBCONF)
        z.write(os.path.join(src, 'dreamsim', 'feature_extraction', 'vision_transformer.py'),
                f'dino-{commit}/vision_transformer.py')
    return release_zip, dino_url


def fresh_models(work):
    """A models/ folder as a fresh clone has it: the export's scripts and the sample images, nothing else."""
    models = os.path.join(work, 'models')
    os.makedirs(os.path.join(models, 'test'))
    for f in ('export_dreamsim.py', 'fetch.py', 'fp16.py', 'golden.py', 'quantize.py'):
        shutil.copy(os.path.join(MODELS, f), models)
    shutil.copytree(os.path.join(HERE, 'golden'), os.path.join(models, 'test', 'golden'))
    return models


def export(python, models, variant, mirror, fp16):
    env = dict(os.environ, DREAMSIM_CLI=os.path.join(ROOT, 'dreamsim'))
    started = time.time()
    done = run([python, '-u', os.path.join(models, 'export_dreamsim.py'), variant, '--int8', '--mirror', mirror.url]
               + (['--fp16'] if fp16 else []), env=env, cwd=models)
    log(f'export_dreamsim.py {variant} exited {done.returncode} after {time.time() - started:.0f} s')
    return done


def verify(model, tolerance):
    """./dreamsim model verify: checksum, runtime on PyTorch's tensors, whole pipeline except EXIF-oriented files
    (the default pipeline turns them upright, the official path does not: --exact compares those)."""
    done = subprocess.run([os.path.join(ROOT, 'dreamsim'), 'model', 'verify', model, '--device', 'cpu'],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        result = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        expect(f'model verify {os.path.basename(model)} printed its result', False, done.stderr[-2000:])
        return
    name = os.path.basename(model)
    expect(f'verify {name}: checksum ok', result['checksum'] == 'ok', result['checksum'])
    images = result['images']
    worst_runtime = min(i['runtime_cosine'] for i in images)
    upright = [i for i in images if not i['name'].startswith('exif-')]
    worst = min(i['cosine'] for i in upright if i['cosine'] is not None)
    expect(f'verify {name}: runtime on PyTorch tensors, min cosine {worst_runtime:.6f} >= {1 - tolerance}',
           worst_runtime >= 1 - tolerance)
    expect(f'verify {name}: whole pipeline (10 MP JPEG included), min cosine {worst:.6f} >= 0.99', worst >= 0.99)
    log(f'verify {name}: ' + ', '.join(f'{i["name"]} {i["cosine"]:.5f}/{i["runtime_cosine"]:.6f}' for i in images))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--variant', default='ensemble', choices=['ensemble', 'dino_vitb16', 'clip_vitb32',
                                                                  'open_clip_vitb32'])
    parser.add_argument('--keep', action='store_true', help='keep the work folder')
    args = parser.parse_args()
    fixtures = os.environ.get('DREAMSIM_FIXTURES')
    tarball = os.path.join(fixtures or '', 'dreamsim-0.2.1-src.tar.gz')
    if not fixtures or not os.path.isfile(tarball):
        print(f'rehearsal skipped: DREAMSIM_FIXTURES {"is unset" if not fixtures else "has no " + tarball} '
              '(it names the folder holding dreamsim-0.2.1-src.tar.gz, the released DreamSim source)')
        return 0
    work = tempfile.mkdtemp(prefix='dreamsim-rehearsal-')
    try:
        log(f'work folder {work}; variant {args.variant}')
        python, src = make_venv(work, tarball)
        where = run([python, '-c', 'import dreamsim, torch; print(dreamsim.__file__, torch.__version__)']).stdout
        expect('dreamsim 0.2.1 installed with pip --no-deps in a venv seeing the system torch',
               os.path.join(work, 'venv') in where, where)
        # what models/requirements.txt gives a user's export: onnxruntime (checks at batch 1, 3, 8, its quantiser,
        # its float16 converter); without it the export skips those, and so does this rehearsal, saying so
        ort, why = ortenv.add_onnxruntime(python)
        log(f'onnxruntime {ort} from the package index' if ort else
            f'SKIPPED with onnxruntime: {why}; the export runs without it (no ONNX Runtime checks, no --fp16)')
        mirror_root = os.path.join(work, 'mirror')
        release_zip, dino_url = fabricate(python, src, args.variant, mirror_root)
        log(f'fabricated {os.path.getsize(release_zip) / 1e6:.0f} MB release zip')
        models = fresh_models(work)
        uses_dino = 'dino' in args.variant or args.variant == 'ensemble'

        # 1. the network fails for good in the middle of a download: no model file, the .part kept
        cut = dino_url.split('/')[-1] if uses_dino else os.path.basename(release_zip)
        mirror = Mirror(mirror_root, broken=[cut])
        done = export(python, models, args.variant, mirror, False)
        mirror.close()
        cache = os.path.join(models, '.cache', args.variant)
        expect('an export whose download keeps failing exits non-zero', done.returncode != 0, done.stdout[-1500:])
        expect('... and names the download and the kept .part', 'download failed after' in done.stdout
               and '.part is kept' in done.stdout, done.stdout[-1500:])
        expect('... and leaves no model file', not glob.glob(os.path.join(models, '*.onnx')),
               os.listdir(models))
        expect('the cache folders were created (dreamsim 0.2.1 makes only the last level)', os.path.isdir(cache))
        parts = glob.glob(os.path.join(cache, '**', '*.part'), recursive=True)
        expect('... and the interrupted download is kept as .part', len(parts) == 1, parts)

        # 2. every file's first connection drops halfway: the export resumes everything and completes
        part_size = os.path.getsize(parts[0]) if parts else -1
        part_url = '/' + os.path.relpath(os.path.join(mirror_root, (dino_url.split('://')[1] if uses_dino else
                                                                   os.path.relpath(release_zip, mirror_root))),
                                         mirror_root)
        mirror = Mirror(mirror_root, drop_once=True)
        done = export(python, models, args.variant, mirror, bool(ort))
        mirror.close()
        print(done.stdout[-6000:] if done.returncode else '\n'.join(done.stdout.splitlines()[-12:]), flush=True)
        expect('the export completes after dropped connections', done.returncode == 0)
        resumed = [s for p, s in mirror.requests if s > 0]
        expect('... resuming each download with a Range request', len(resumed) >= 2 and 'resuming at' in done.stdout,
               mirror.requests)
        expect('... the first request for the file left as .part starting where it ended',
               (part_url, part_size) in mirror.requests, (part_url, part_size, mirror.requests))
        expect('... and no .part is left', not glob.glob(os.path.join(cache, '**', '*.part'), recursive=True))
        commit = fetch.PINS['facebookresearch/dino']['commit']
        if uses_dino:
            expect('the DINO torch.hub code came from the pinned commit',
                   os.path.isdir(os.path.join(cache, 'pinned', f'facebookresearch_dino_{commit}'))
                   and not os.path.exists(os.path.join(cache, 'facebookresearch_dino_main'))
                   and f'at {commit}' in done.stdout)
        model = os.path.join(models, f'dreamsim-{args.variant}.onnx')
        int8 = os.path.join(models, f'dreamsim-{args.variant}-int8.onnx')
        leftovers = glob.glob(os.path.join(models, '.*.tmp')) + glob.glob(os.path.join(models, '*.tmp'))
        expect('no temporary file is left', not leftovers, leftovers)
        if done.returncode == 0:
            check_outputs(models, model, int8, args.variant, release_zip, done.stdout)
            verify(model, 1e-4)
            if os.path.exists(int8):
                verify(int8, 0.02)
            if ort:
                check_onnxruntime_path(done.stdout, models, args.variant, python, work)
    finally:
        if args.keep:
            log(f'kept {work}')
        else:
            shutil.rmtree(work, ignore_errors=True)
    failed = sum(1 for _, ok in CHECKS if not ok)
    print(f'rehearsal: {len(CHECKS) - failed} passed, {failed} failed', flush=True)
    return 1 if failed else 0


def check_outputs(models, model, int8, variant, release_zip, log_text):
    manifest = json.load(open(os.path.splitext(model)[0] + '.json'))
    golden = json.load(open(os.path.join(models, manifest['golden'])))
    dims = {'ensemble': 1792, 'dino_vitb16': 768, 'clip_vitb32': 512, 'open_clip_vitb32': 512}[variant]
    expect(f'manifest: {dims} dimensions, fp32', manifest['dimensions'] == dims and manifest['precision'] == 'fp32')
    b = manifest.get('branches') or []
    expect('manifest: branches tile the embedding in dreamsim order',
           [x['from'] for x in b] == [0] + [x['to'] for x in b[:-1]] and b and b[-1]['to'] == dims
           and all(x['about'] for x in b)
           and (variant != 'ensemble' or [x['name'] for x in b] == ['dino_vitb16', 'clip_vitb16', 'open_clip_vitb16']),
           b)
    import hashlib
    expect('manifest: the weights archive and its sha256',
           manifest['weights']['sha256'] == hashlib.sha256(open(release_zip, 'rb').read()).hexdigest())
    with open(model, 'rb') as f:
        graph = f.read()
    expect('LoRA merged: no lora_A/lora_B weights left in the graph (and verify matches the unmerged golden)',
           b'lora_A' not in graph and b'lora_B' not in graph)
    del graph
    expect('manifest: the torch.hub pins', manifest['torch_hub_pins'] == {r: p['commit'] for r, p in
                                                                          fetch.PINS.items()})
    names = [i['name'] for i in golden['images']]
    n = len(names)
    expect('golden: the 10 MP JPEG and the EXIF-oriented JPEGs are among the images',
           'large-10mp.jpg' in names and sum(x.startswith('exif-orientation-') for x in names) == 3, names)
    expect(f'golden: the distances of all {n * (n - 1) // 2} pairs',
           len(golden['pairs']) == n * (n - 1) // 2 and all(0 <= p['distance'] <= 2 for p in golden['pairs']))
    # the int8 copy is kept only when it is also faster here; a slower one is refused with the measured rates
    if not os.path.exists(int8):
        expect('int8: refused only because it was not fast enough on this CPU (rates in the log)',
               'int8 REFUSED (the int8 file ran at' in log_text and 'required' in log_text, log_text[-2000:])
    else:
        m8 = json.load(open(os.path.splitext(int8)[0] + '.json'))
        expect(f'int8 manifest: measured {m8.get("int8_img_per_s")} img/s against float32 '
               f'{m8.get("float32_img_per_s")} img/s here, at least 1.2x',
               m8['int8_img_per_s'] >= 1.2 * m8['float32_img_per_s'] > 0)
        expect(f'int8 manifest: max distance error {m8.get("max_distance_error")} <= 0.01 over '
               f'{m8.get("distance_error_pairs")} pairs',
               0 < m8['max_distance_error'] <= 0.01 and m8['distance_error_pairs'] == n * (n - 1) // 2
               and m8['precision'] == 'int8')
        graph = open(int8, 'rb').read()
        expect('int8 graph: quantised matrix multiplies (DynamicQuantizeMatMul, or MatMulInteger from onnxruntime)',
               b'DynamicQuantizeMatMul' in graph or b'MatMulInteger' in graph)


def check_onnxruntime_path(log_text, models, variant, python, work):
    """The parts of the export that need onnxruntime: what every user's export does."""
    expect('the export ran its graph in ONNX Runtime at batch 1, 3 and 8 against PyTorch',
           'min cosine to PyTorch' in log_text and 'not checked here' not in log_text)
    m8 = json.load(open(os.path.join(models, f'dreamsim-{variant}-int8.json')))
    expect('the int8 copy came from onnxruntime.quantization.quantize_dynamic (manifest: quantizer onnxruntime)',
           'onnxruntime.quantization.quantize_dynamic' in log_text and m8.get('quantizer') == 'onnxruntime', m8)
    # onnxruntime's rewrite exceeds the bound on the test ViT (0.012 with onnxruntime 1.30), the own one does not
    # (0.006): model quantize must fall back to it rather than refuse
    out = os.path.join(work, 'test-vit-int8.onnx')
    # --min-speedup 0: the distance gate's fallback is checked here, not the tiny ViT's speed
    done = subprocess.run([os.path.join(ROOT, 'dreamsim'), 'model', 'quantize',
                           os.path.join(HERE, 'test-vit.onnx'), out, '--python', python, '--min-speedup', '0'],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {}
    tried = [(a['quantizer'], round(a['max_distance_error'], 4)) for a in result.get('attempts', [])]
    expect(f'model quantize falls back to the own rewrite when quantize_dynamic exceeds the bound: {tried}',
           done.returncode == 0 and [q for q, _ in tried] == ['onnxruntime', 'own']
           and tried[0][1] > 0.01 >= tried[1][1] and os.path.exists(out), done.stderr[-1500:])
    half = os.path.join(models, f'dreamsim-{variant}-fp16.onnx')
    if expect('fp16: installed (its distance error is within the bound)', os.path.exists(half), log_text[-3000:]):
        m16 = json.load(open(os.path.splitext(half)[0] + '.json'))
        expect(f'fp16 manifest: max distance error {m16.get("max_distance_error")} <= 0.01, measured on '
               f'{str(m16.get("measured_on"))[:4]}',
               m16['precision'] == 'fp16' and 0 < m16['max_distance_error'] <= 0.01
               and m16['measured_on'].startswith(('cpu', 'cuda')))
        verify(half, 0.02)


if __name__ == '__main__':
    sys.exit(main())
