"""Golden files: reference embeddings of sample images, computed in PyTorch with DreamSim's official preprocess.

Shared by make_test_model.py (the checked-in test model) and export_dreamsim.py (real DreamSim exports), so the
Java side reads one format (dss.model.Golden):

  {"model": "<onnx file name>", "dimensions": D,
   "preprocess": "PIL open, convert('RGB'), resize((224, 224), BICUBIC), ToTensor",
   "images": [{"name": "a.png", "file": "<path>", "tensor": "<path>", "embedding": [D floats]}, ...],
   "pairs": [{"a": "a.png", "b": "b.jpg", "distance": d}, ...]}

"pairs" holds the PyTorch DreamSim distance (1 - cosine, as model(a, b) computes it) of every pair of images.
extra_images() draws the images that test the decoding paths the sample images cannot: a 10-megapixel JPEG (the
engine decodes large JPEGs at reduced size by default) and JPEGs carrying an EXIF orientation (the engine turns them
upright by default). Their tensors follow Pillow's official path: full-size decoding, no EXIF rotation.

Paths are relative to the golden file's directory. "tensor" is the preprocess output stored exactly, as uint8 CHW
(3 x 224 x 224 bytes; ToTensor divides uint8 by 255, so value/255 restores the float tensor bit for bit).
"""
import json
import os

import numpy as np
from PIL import Image

SIZE = 224
PREPROCESS = "PIL open, convert('RGB'), resize((224, 224), BICUBIC), ToTensor"
IMAGE_EXT = ('.png', '.jpg', '.jpeg', '.gif', '.bmp', '.webp', '.tif', '.tiff')


def sample_images(folder):
    """The sample images in a folder, sorted by name."""
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.lower().endswith(IMAGE_EXT))


def pillow_preprocess(path):
    """DreamSim's preprocess without torchvision: identical numbers (Resize on a PIL image calls PIL's resize)."""
    im = Image.open(path).convert('RGB').resize((SIZE, SIZE), Image.BICUBIC)
    return np.asarray(im, dtype=np.float32).transpose(2, 0, 1)[None] / 255.0


def extra_images(folder):
    """Draws (once) a 10-megapixel JPEG and three EXIF-oriented JPEGs into folder; returns their paths."""
    os.makedirs(folder, exist_ok=True)
    big = os.path.join(folder, 'large-10mp.jpg')
    if not os.path.exists(big):
        w, h = 3872, 2592  # 10.04 MP, a common camera size
        y, x = np.mgrid[0:h, 0:w].astype(np.float32)
        rgb = np.stack([128 + 100 * np.sin(x / 97.0) * np.cos(y / 131.0),
                        128 + 90 * np.sin((x + y) / 211.0),
                        (x / w * 200 + y / h * 55)], axis=-1)
        rgb += np.random.default_rng(11).normal(0, 12, rgb.shape)  # texture, so the DCT scaling shows
        write_atomically(big, lambda p: Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)).save(p, 'JPEG',
                                                                                                    quality=90))
    paths = [big]
    for orientation in (3, 6, 8):  # 180 degrees, 90 clockwise, 90 counter-clockwise
        path = os.path.join(folder, f'exif-orientation-{orientation}.jpg')
        if not os.path.exists(path):
            y, x = np.mgrid[0:300, 0:480].astype(np.float32)
            rgb = np.stack([x / 480 * 255, y / 300 * 255, np.full_like(x, 60.0 * orientation % 255)], axis=-1)
            rgb[20:90, 20:140] = (250, 30, 30)  # a marker in one corner: orientation is visible
            exif = Image.Exif()
            exif[0x0112] = orientation
            write_atomically(path, lambda p: Image.fromarray(rgb.astype(np.uint8)).save(
                p, 'JPEG', quality=92, exif=exif.tobytes()))
        paths.append(path)
    return paths


def write_atomically(path, write):
    tmp = path + '.tmp'
    write(tmp)
    os.replace(tmp, path)


def pairs_of(names, embeddings):
    """Every pair's DreamSim distance, 1 - cosine."""
    e = np.asarray(embeddings, dtype=np.float64)
    e = e / np.linalg.norm(e, axis=1, keepdims=True)
    return [{'a': names[i], 'b': names[j], 'distance': float(1.0 - e[i] @ e[j])}
            for i in range(len(names)) for j in range(i + 1, len(names))]


def write_golden(out_path, model_file, images, preprocess, embed, tensor_dir=None):
    """Preprocesses each image with `preprocess` (path -> [1,3,224,224] array in [0,1]), embeds all of them in one
    batch with `embed` ([N,3,224,224] float32 array -> [N,D] array) and writes the golden JSON plus uint8 tensors
    (into tensor_dir, else a 'tensors' folder beside each image)."""
    base = os.path.dirname(os.path.abspath(out_path))
    tensors, entries = [], []
    for path in images:
        folder = tensor_dir or os.path.join(os.path.dirname(os.path.abspath(path)), 'tensors')
        os.makedirs(folder, exist_ok=True)
        t = np.asarray(preprocess(path), dtype=np.float32).reshape(3, SIZE, SIZE)
        u8 = np.rint(t * 255.0)
        if np.abs(t * 255.0 - u8).max() > 1e-3:
            raise ValueError(f'{path}: preprocess output is not uint8/255; cannot store it exactly')
        name = os.path.basename(path)
        tensor_path = os.path.join(folder, name + '.u8')
        data = u8.astype(np.uint8).tobytes()
        if os.path.exists(tensor_path):
            with open(tensor_path, 'rb') as f:
                if f.read() != data:
                    raise ValueError(f'{tensor_path} exists with different contents')
        else:
            write_atomically(tensor_path, lambda p: open(p, 'wb').write(data))
        tensors.append(t)
        entries.append({'name': name, 'file': os.path.relpath(os.path.abspath(path), base),
                        'tensor': os.path.relpath(os.path.abspath(tensor_path), base)})
    embeddings = np.asarray(embed(np.stack(tensors)), dtype=np.float32)
    for entry, e in zip(entries, embeddings):
        entry['embedding'] = [float(x) for x in e]
    golden = {'model': model_file, 'dimensions': int(embeddings.shape[1]), 'preprocess': PREPROCESS,
              'images': entries, 'pairs': pairs_of([e['name'] for e in entries], embeddings)}
    write_atomically(out_path, lambda p: write_json(p, golden, None))
    return embeddings


def write_json(path, value, indent):
    with open(path, 'w') as f:
        json.dump(value, f, indent=indent)
        f.write('\n')


def sha256(path):
    import hashlib
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


def write_manifest(model_path, name, variant, dimensions, golden_path, manifest_path=None, **extra):
    """The sidecar <model>.json the Java runtime reads (dss.model.ModelManifest), written to a temporary name and
    renamed. manifest_path defaults to the model's name with .json (model_path may be a temporary file)."""
    manifest = {'name': name, 'variant': variant, 'dimensions': int(dimensions), 'input': 'image', 'output': 'embedding',
                'sha256': sha256(model_path), 'golden': os.path.basename(golden_path), **extra}
    write_atomically(manifest_path or os.path.splitext(model_path)[0] + '.json',
                     lambda p: write_json(p, manifest, 2))
    return manifest
