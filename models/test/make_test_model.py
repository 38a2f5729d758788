#!/usr/bin/python3
"""Makes the small checked-in test model, its manifest, its sample images and its golden file.

The model follows the DreamSim model contract (input "image" float32 [N,3,224,224] RGB in [0,1], dynamic batch;
output "embedding" float32 [N,1792]) so tests exercise the same code paths as the real ensemble (1792 > Lucene's
1024-dim limit). Inside: ImageNet mean/std normalisation, three random-weight convolutions (fixed seed), average
pooling onto a 4x4 grid of 112 channels (= 1792 numbers: crude colour/texture/layout features, enough for resized
or recompressed copies of a photo to land far closer than unrelated photos), then DreamSim 0.2.1
normalize_embeds (subtract each vector's mean, divide by its L2 norm).

Run with Debian's python3-torch, python3-onnx and python3-pil: /usr/bin/python3 models/test/make_test_model.py
Deterministic: the same torch version writes the same weights; the sample images are only drawn when missing.
"""
import io
import os
import sys

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFilter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import golden  # noqa: E402  (models/golden.py)

MODEL = os.path.join(HERE, 'test-model.onnx')
FP16_MODEL = os.path.join(HERE, 'test-model-fp16.onnx')
BAD_INPUT_MODEL = os.path.join(HERE, 'bad-input-model.onnx')
GOLDEN = os.path.join(HERE, 'test-model.golden.json')
SAMPLES = os.path.join(HERE, 'golden')
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


class TestModel(torch.nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(20231101)
        self.register_buffer('mean', torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1))
        self.register_buffer('std', torch.tensor(IMAGENET_STD).view(1, 3, 1, 1))
        self.features = torch.nn.Sequential(
            torch.nn.Conv2d(3, 32, 5, stride=2, padding=2), torch.nn.ReLU(),    # 112x112
            torch.nn.Conv2d(32, 64, 3, stride=2, padding=1), torch.nn.ReLU(),   # 56x56
            torch.nn.Conv2d(64, 112, 3, stride=2, padding=1), torch.nn.ReLU(),  # 28x28
            torch.nn.AdaptiveAvgPool2d(4))                                      # 112 x 4 x 4 = 1792

    def forward(self, image):
        x = self.features((image - self.mean) / self.std).flatten(1)
        x = x - x.mean(dim=1, keepdim=True)  # dreamsim 0.2.1 normalize_embedding
        return x / x.norm(dim=1, keepdim=True)


def draw_samples():
    """Small synthetic images in the formats and modes the preprocess must handle (RGB, RGBA, L, P; sizes that
    are not square). scene.png and scene-small.jpg are the same picture (a near duplicate)."""
    os.makedirs(SAMPLES, exist_ok=True)
    rng = np.random.default_rng(7)

    scene = Image.new('RGB', (320, 240))
    d = ImageDraw.Draw(scene)
    for y in range(240):
        d.line([(0, y), (320, y)], fill=(70 + y // 3, 130 + y // 4, 230 - y // 2))
    d.ellipse([230, 30, 290, 90], fill=(255, 220, 80))
    d.polygon([(0, 240), (0, 170), (90, 120), (200, 180), (320, 140), (320, 240)], fill=(40, 140, 60))
    scene = scene.filter(ImageFilter.GaussianBlur(1))
    scene.save(os.path.join(SAMPLES, 'scene.png'))
    scene.resize((160, 120), Image.LANCZOS).save(os.path.join(SAMPLES, 'scene-small.jpg'), quality=70)

    city = Image.fromarray((rng.random((400, 300, 3)) * 60 + 100).astype(np.uint8))
    d = ImageDraw.Draw(city)
    for i, x in enumerate(range(10, 300, 50)):
        d.rectangle([x, 150 - 20 * (i % 3), x + 40, 400], fill=(150 + 15 * i, 50, 40), outline=(20, 20, 20))
        for wy in range(170, 390, 30):
            d.rectangle([x + 8, wy, x + 16, wy + 12], fill=(250, 240, 170))
    city.save(os.path.join(SAMPLES, 'city.jpg'), quality=88)

    logo = Image.new('RGBA', (256, 256), (0, 0, 0, 0))
    d = ImageDraw.Draw(logo)
    d.ellipse([28, 28, 228, 228], fill=(200, 30, 120, 255))
    d.rectangle([96, 60, 160, 196], fill=(255, 255, 255, 128))
    logo.save(os.path.join(SAMPLES, 'logo-alpha.png'))

    xx, yy = np.meshgrid(np.linspace(0, 6 * np.pi, 200), np.linspace(0, 4 * np.pi, 150))
    Image.fromarray((127.5 + 127.5 * np.sin(xx) * np.cos(yy)).astype(np.uint8), 'L').save(
        os.path.join(SAMPLES, 'waves-gray.png'))

    stripes = Image.new('RGB', (180, 180))
    d = ImageDraw.Draw(stripes)
    for i in range(0, 180, 12):
        d.rectangle([i, 0, i + 5, 180], fill=(30, 60 + i, 200))
    stripes.quantize(16).save(os.path.join(SAMPLES, 'stripes-palette.gif'))

    checker = np.kron((np.indices((8, 6)).sum(0) % 2) * 200 + 30, np.ones((20, 20)))
    Image.fromarray(np.dstack([checker, checker * 0.5, 255 - checker]).astype(np.uint8)).save(
        os.path.join(SAMPLES, 'checker.bmp'))

    portrait = Image.new('RGB', (150, 260), (235, 225, 205))
    d = ImageDraw.Draw(portrait)
    d.ellipse([40, 40, 110, 120], fill=(210, 160, 130))
    d.rectangle([30, 130, 120, 260], fill=(40, 60, 120))
    portrait.save(os.path.join(SAMPLES, 'portrait.png'))


def check_perceptual(model):
    """Near duplicates (half-size, JPEG q60 copies of real photos) must land much closer than unrelated photos."""
    photos = os.path.join(os.environ.get('DREAMSIM_SAMPLE_DATA', '/nonexistent'), 'photos')
    if not os.path.isdir(photos):
        print('(skipping the near-duplicate check: $DREAMSIM_SAMPLE_DATA/photos is absent)')
        return
    files = golden.sample_images(photos)[:12]
    originals, copies = [], []
    for p in files:
        im = Image.open(p)
        im.draft('RGB', (900, 900))
        im = im.convert('RGB')
        buf = io.BytesIO()
        im.resize((im.width // 2, im.height // 2), Image.BICUBIC).save(buf, 'JPEG', quality=60)
        originals.append(golden.pillow_preprocess(p)[0])
        buf.seek(0)
        copies.append(golden.pillow_preprocess(buf)[0])
    with torch.no_grad():
        a = model(torch.from_numpy(np.stack(originals))).numpy()
        b = model(torch.from_numpy(np.stack(copies))).numpy()
    dup = 1 - (a * b).sum(1)
    sims = a @ a.T
    unrelated = 1 - sims[~np.eye(len(files), dtype=bool)]
    print(f'near-duplicate distance: mean {dup.mean():.4f} max {dup.max():.4f}; '
          f'unrelated: mean {unrelated.mean():.4f} min {unrelated.min():.4f}')
    if dup.max() >= unrelated.min():
        sys.exit('test model does not separate near duplicates from unrelated photos')


def write_fp16_io_copy():
    """The same network behind a float16 input and output (Cast nodes at the boundary): what the Java runtime must
    handle for --fp16 exports, without changing the numbers beyond float16 rounding."""
    import onnx
    from onnx import TensorProto, helper
    m = onnx.load(MODEL)
    g = m.graph
    for node in g.node:
        node.input[:] = ['image_f32' if n == 'image' else n for n in node.input]
        node.output[:] = ['embedding_f32' if n == 'embedding' else n for n in node.output]
    g.node.insert(0, helper.make_node('Cast', ['image'], ['image_f32'], to=TensorProto.FLOAT))
    g.node.append(helper.make_node('Cast', ['embedding_f32'], ['embedding'], to=TensorProto.FLOAT16))
    g.input[0].type.tensor_type.elem_type = TensorProto.FLOAT16
    g.output[0].type.tensor_type.elem_type = TensorProto.FLOAT16
    onnx.checker.check_model(m)
    onnx.save(m, FP16_MODEL)


def write_bad_input_model():
    """A model breaking the contract (64x64 input): the runtime must refuse it with a clear message."""
    torch.manual_seed(1)
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten()).eval()
    torch.onnx.export(model, torch.rand(2, 3, 64, 64), BAD_INPUT_MODEL, input_names=['image'],
                      output_names=['embedding'], dynamic_axes={'image': {0: 'batch'}, 'embedding': {0: 'batch'}},
                      opset_version=17)


def main():
    model = TestModel().eval()
    if not os.path.isdir(SAMPLES) or not golden.sample_images(SAMPLES):
        draw_samples()
    check_perceptual(model)
    torch.onnx.export(model, torch.rand(2, 3, 224, 224), MODEL, input_names=['image'], output_names=['embedding'],
                      dynamic_axes={'image': {0: 'batch'}, 'embedding': {0: 'batch'}}, opset_version=17)
    import onnx
    onnx.checker.check_model(onnx.load(MODEL))
    with torch.no_grad():
        golden.write_golden(GOLDEN, os.path.basename(MODEL), golden.sample_images(SAMPLES), golden.pillow_preprocess,
                            lambda x: model(torch.from_numpy(x)).numpy(), os.path.join(SAMPLES, 'tensors'))
    write_fp16_io_copy()
    write_bad_input_model()
    m = golden.write_manifest(MODEL, 'test-model', 'test', 1792, GOLDEN,
                              description='random-weight conv features; for tests only, not a perceptual metric')
    print(f'wrote {MODEL} ({os.path.getsize(MODEL)} bytes, sha256 {m["sha256"]}), {GOLDEN}')


if __name__ == '__main__':
    main()
