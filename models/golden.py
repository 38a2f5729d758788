"""Golden files: reference embeddings of sample images, computed in PyTorch with DreamSim's official preprocess.

Shared by make_test_model.py (the checked-in test model) and export_dreamsim.py (real DreamSim exports), so the
Java side reads one format (dss.model.Golden):

  {"model": "<onnx file name>", "dimensions": D,
   "preprocess": "PIL open, convert('RGB'), resize((224, 224), BICUBIC), ToTensor",
   "images": [{"name": "a.png", "file": "<path>", "tensor": "<path>", "embedding": [D floats]}, ...]}

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


def write_golden(out_path, model_file, images, preprocess, embed, tensor_dir):
    """Preprocesses each image with `preprocess` (path -> [1,3,224,224] array in [0,1]), embeds all of them in one
    batch with `embed` ([N,3,224,224] float32 array -> [N,D] array) and writes the golden JSON plus uint8 tensors."""
    base = os.path.dirname(os.path.abspath(out_path))
    os.makedirs(tensor_dir, exist_ok=True)
    tensors, entries = [], []
    for path in images:
        t = np.asarray(preprocess(path), dtype=np.float32).reshape(3, SIZE, SIZE)
        u8 = np.rint(t * 255.0)
        if np.abs(t * 255.0 - u8).max() > 1e-3:
            raise ValueError(f'{path}: preprocess output is not uint8/255; cannot store it exactly')
        name = os.path.basename(path)
        tensor_path = os.path.join(tensor_dir, name + '.u8')
        data = u8.astype(np.uint8).tobytes()
        if os.path.exists(tensor_path):
            with open(tensor_path, 'rb') as f:
                if f.read() != data:
                    raise ValueError(f'{tensor_path} exists with different contents')
        else:
            with open(tensor_path, 'wb') as f:
                f.write(data)
        tensors.append(t)
        entries.append({'name': name, 'file': os.path.relpath(os.path.abspath(path), base),
                        'tensor': os.path.relpath(os.path.abspath(tensor_path), base)})
    embeddings = np.asarray(embed(np.stack(tensors)), dtype=np.float32)
    for entry, e in zip(entries, embeddings):
        entry['embedding'] = [float(x) for x in e]
    golden = {'model': model_file, 'dimensions': int(embeddings.shape[1]), 'preprocess': PREPROCESS,
              'images': entries}
    with open(out_path, 'w') as f:
        json.dump(golden, f)
        f.write('\n')
    return embeddings


def sha256(path):
    import hashlib
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


def write_manifest(model_path, name, variant, dimensions, golden_path, **extra):
    """The sidecar <model>.json the Java runtime reads (dss.model.ModelManifest)."""
    manifest = {'name': name, 'variant': variant, 'dimensions': int(dimensions), 'input': 'image', 'output': 'embedding',
                'sha256': sha256(model_path), 'golden': os.path.basename(golden_path), **extra}
    with open(os.path.splitext(model_path)[0] + '.json', 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    return manifest
