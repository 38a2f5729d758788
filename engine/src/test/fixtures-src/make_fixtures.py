#!/usr/bin/python3
"""Makes the image test fixtures under engine/src/test/resources/images with Debian's Pillow (9.4) and numpy.

Run once from the repository root with /usr/bin/python3 (needs $DREAMSIM_SAMPLE_DATA, the sample data folder, for the photo-derived fixtures);
the outputs are committed so the tests need no Python.
  resize/    src-*.png and Pillow's resize((224, 224), BICUBIC) of each: out-*.png (byte-exact reference),
             box-*.png: the same with a fractional source box
  formats/   one small picture in every supported format + <name>.expected.png = Pillow's convert('RGB')
  parity/    small JPEGs + Pillow's reference preprocess of each as 8-bit PNG (the tensor is exactly png/255)
  bad/       truncated, corrupt, not-an-image and decompression-bomb files
  exif/      copies of $DREAMSIM_SAMPLE_DATA/exif (orientation-1..8.jpg, expected.png)
"""
import io, os, shutil, struct, zlib
import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
OUT = os.path.join(ROOT, 'engine/src/test/resources/images')
SHARED = os.environ['DREAMSIM_SAMPLE_DATA']
rng = np.random.default_rng(42)


def photo(name, size):
    im = Image.open(os.path.join(SHARED, 'photos', name)).convert('RGB')
    return im.resize(size, Image.LANCZOS)


def noise(w, h):
    return Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8), 'RGB')


def ref224(im):
    return im.convert('RGB').resize((224, 224), Image.BICUBIC)


def resize_fixtures():
    d = os.path.join(OUT, 'resize'); os.makedirs(d, exist_ok=True)
    srcs = {
        'photo-640x427': photo('photo-00.jpg', (640, 427)),   # downscale, both axes
        'photo-200x700': photo('photo-05.jpg', (200, 700)),  # down vertically only a lot
        'noise-97x61': noise(97, 61),                          # upscale (no antialias widening), clipping
        'noise-700x100': noise(700, 100),                    # strong down x, up y, clipping
        'noise-224x224': noise(224, 224),                      # identity: Pillow returns a copy
    }
    for name, im in srcs.items():
        im.save(os.path.join(d, f'src-{name}.png'))
        ref224(im).save(os.path.join(d, f'out-{name}.png'))
        if name in ('photo-640x427', 'noise-700x100'):  # fractional source box, as the JPEG fast path uses
            w, h = im.size
            im.resize((224, 224), Image.BICUBIC, box=(0, 0, w - 0.75, h - 0.5)).save(os.path.join(d, f'box-{name}.png'))


def formats_fixtures():
    d = os.path.join(OUT, 'formats'); os.makedirs(d, exist_ok=True)
    base = photo('photo-10.jpg', (64, 48))
    arr = np.asarray(base)
    alpha = Image.fromarray(np.tile(np.linspace(0, 255, 64, dtype=np.uint8), (48, 1)), 'L')
    rgba = base.copy(); rgba.putalpha(alpha)
    grey = base.convert('L')
    la = grey.copy(); la.putalpha(alpha)
    pal = base.quantize(colors=37)
    pal_t = pal.copy(); pal_t.info['transparency'] = 3
    files = {
        'rgb.png': (base, {}),
        'rgba.png': (rgba, {}),
        'grey.png': (grey, {}),
        'grey-alpha.png': (la, {}),
        'palette.png': (pal, {}),
        'palette-transparent.png': (pal_t, {'transparency': 3}),
        'rgb.bmp': (base, {}),
        'rgb.tiff': (base, {}),
        'rgb.gif': (pal, {}),
        'lossless.webp': (base, {'lossless': True}),
        'lossy.webp': (base, {'quality': 90}),
        'baseline.jpg': (base, {'quality': 95}),
        'progressive.jpg': (base, {'quality': 95, 'progressive': True}),
        'grey.jpg': (grey, {'quality': 95}),
        'cmyk.jpg': (base.convert('CMYK'), {'quality': 95}),
    }
    for name, (im, kw) in files.items():
        im.save(os.path.join(d, name), **kw)
    # 16-bit RGB PNG (Pillow writes only 8-bit RGB): written by hand, high byte = base, low byte = noise
    hi = arr.astype(np.uint16) << 8
    lo = rng.integers(0, 256, arr.shape, dtype=np.uint16)
    write_png16(os.path.join(d, 'rgb16.png'), hi | lo)
    # animated GIF: only the first frame counts
    frames = [pal, noise(64, 48).quantize(colors=16)]
    frames[0].save(os.path.join(d, 'animated.gif'), save_all=True, append_images=frames[1:], duration=100)
    base.save(os.path.join(d, 'animated.webp'), save_all=True, append_images=[noise(64, 48)], lossless=True)
    # a JPEG whose name lies about its format: decoding goes by content
    shutil.copy(os.path.join(d, 'baseline.jpg'), os.path.join(d, 'jpeg-named.png'))
    for name in sorted(os.listdir(d)):
        if name.endswith('.expected.png'):
            continue
        Image.open(os.path.join(d, name)).convert('RGB').save(os.path.join(d, name + '.expected.png'))
    # 16-bit grey: Pillow opens it as mode I and convert('RGB') clips every value above 255 to white; we keep the
    # high byte instead (a deliberate difference, see notes/image.md), so this expected image is not Pillow's
    # 16-bit grey from 0 to 1023: Pillow opens it as mode I and convert('RGB') clips at 255 (no scaling)
    grey16 = np.asarray(grey).astype(np.uint16) * 4 + np.indices((48, 64)).sum(axis=0).astype(np.uint16) % 4
    Image.fromarray(grey16, 'I;16').save(os.path.join(d, 'grey16.png'))
    Image.open(os.path.join(d, 'grey16.png')).convert('RGB').save(os.path.join(d, 'grey16.png.expected.png'))


def write_png16(path, rgb16):
    h, w, _ = rgb16.shape
    raw = b''.join(b'\0' + rgb16[y].astype('>u2').tobytes() for y in range(h))
    def chunk(t, data):
        return struct.pack('>I', len(data)) + t + data + struct.pack('>I', zlib.crc32(t + data))
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 16, 2, 0, 0, 0))
                + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))


def parity_fixtures():
    d = os.path.join(OUT, 'parity'); os.makedirs(d, exist_ok=True)
    for name, src, size in (('wide-1600x900.jpg', 'photo-15.jpg', (1600, 900)),
                            ('tall-720x1280.jpg', 'photo-20.jpg', (720, 1280)),
                            ('small-300x200.jpg', 'photo-25.jpg', (300, 200)),
                            ('quarter-1440x1300.jpg', 'photo-06.jpg', None)):
        p = os.path.join(d, name)
        # the 1/4 case is a crop at camera resolution: downscaled photos are denser in detail than camera ones,
        # and the DCT-scaled fast path is tuned (and its parity promised) for camera photos
        im = photo(src, size) if size else Image.open(os.path.join(SHARED, 'photos', src)).crop((700, 400, 2140, 1700))
        im.save(p, quality=85)
        ref224(Image.open(p)).save(p + '.reference.png')


def bad_fixtures():
    d = os.path.join(OUT, 'bad'); os.makedirs(d, exist_ok=True)
    good = io.BytesIO(); photo('photo-30.jpg', (320, 240)).save(good, 'JPEG', quality=90); good = good.getvalue()
    open(os.path.join(d, 'truncated.jpg'), 'wb').write(good[:len(good) // 2])
    prog = io.BytesIO(); photo('photo-30.jpg', (320, 240)).save(prog, 'JPEG', quality=90, progressive=True)
    open(os.path.join(d, 'truncated-progressive.jpg'), 'wb').write(prog.getvalue()[:len(prog.getvalue()) * 2 // 3])
    png = io.BytesIO(); photo('photo-30.jpg', (320, 240)).save(png, 'PNG'); png = png.getvalue()
    open(os.path.join(d, 'truncated.png'), 'wb').write(png[:len(png) // 2])
    open(os.path.join(d, 'header-only.jpg'), 'wb').write(good[:200])
    for fmt, kw in (('webp', {'quality': 90}), ('gif', {}), ('bmp', {}), ('tiff', {})):
        b = io.BytesIO(); photo('photo-30.jpg', (160, 120)).save(b, fmt.upper(), **kw); b = b.getvalue()
        open(os.path.join(d, 'truncated.' + fmt), 'wb').write(b[:len(b) * 2 // 3])
    open(os.path.join(d, 'not-an-image.jpg'), 'wb').write(b'This is a text file, not a JPEG.\n' * 20)
    open(os.path.join(d, 'empty.png'), 'wb').write(b'')
    # PNG and JPEG headers claiming 50000 x 50000 pixels (2.5 GP): must be refused before any decoding
    def chunk(t, data):
        return struct.pack('>I', len(data)) + t + data + struct.pack('>I', zlib.crc32(t + data))
    open(os.path.join(d, 'bomb.png'), 'wb').write(
        b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 50000, 50000, 8, 2, 0, 0, 0))
        + chunk(b'IDAT', zlib.compress(b'\0' * 1000)) + chunk(b'IEND', b''))
    sof = good.index(b'\xff\xc0')
    bomb = bytearray(good); bomb[sof + 5:sof + 9] = struct.pack('>HH', 50000, 50000)
    open(os.path.join(d, 'bomb.jpg'), 'wb').write(bytes(bomb))


def exif_fixtures():
    d = os.path.join(OUT, 'exif'); os.makedirs(d, exist_ok=True)
    for name in [f'orientation-{i}.jpg' for i in range(1, 9)] + ['expected.png']:
        shutil.copy(os.path.join(SHARED, 'exif', name), os.path.join(d, name))


if __name__ == '__main__':
    resize_fixtures(); formats_fixtures(); parity_fixtures(); bad_fixtures(); exif_fixtures()
    print('fixtures written to', OUT)
