#!/usr/bin/python3
"""Makes the awkward JPEG/PNG/TIFF/GIF/WebP variants of two photos, and Pillow's DreamSim preprocessing of each.

Usage: awkward_formats.py OUT_DIR PHOTO OTHER_PHOTO
Writes OUT_DIR/<variant files>, OUT_DIR/reference.f32 (one float32 CHW 3x224x224 tensor per file, little-endian:
Image.open(f).convert('RGB').resize((224, 224), BICUBIC) / 255, exactly DreamSim's preprocess) and
OUT_DIR/reference.txt (the file names, in the same order). Needs Debian's python3-pil, python3-numpy, imagemagick
(convert) and libjpeg-turbo-progs (jpegtran). Used by AwkwardFormatsParityTest; the files are not committed.
"""
import os, struct, subprocess, sys
import numpy as np
from PIL import Image, features

out, photo, other = sys.argv[1:4]
os.makedirs(out, exist_ok=True)
CONVERT = '/usr/bin/convert'


def path(name):
    return os.path.join(out, name)


def im(*args):
    subprocess.run([CONVERT, *args], check=True)


def adobe_transform(data, transform):
    """The JPEG with its Adobe APP14 segment's colour transform byte set (0 CMYK, 2 YCCK)."""
    b = bytearray(data)
    p = 2
    while p + 4 <= len(b) and b[p + 1] != 0xDA:
        length = struct.unpack('>H', b[p + 2:p + 4])[0]
        if b[p + 1] == 0xEE and b[p + 4:p + 9] == b'Adobe':
            b[p + 2 + 11] = transform
            return bytes(b)
        p += 2 + length
    raise ValueError('no Adobe segment')


small = Image.open(photo).convert('RGB').resize((640, 360), Image.LANCZOS)
small.save(path('src-640x360.png'))
Image.open(other).convert('RGB').resize((640, 360), Image.LANCZOS).save(path('other-640x360.png'))
gradient = ['(', '-size', '360x640', 'gradient:', '-rotate', '90', ')']

files = []
# JPEG: CMYK (Adobe), YCCK (Adobe), progressive, arithmetic-coded
im(photo, '-colorspace', 'CMYK', '-quality', '92', path('cmyk.jpg')); files.append('cmyk.jpg')
# YCCK: no installed tool writes it, so: a CMYK JPEG whose stored samples are Y, Cb, Cr (of the photo) and K, with
# the Adobe transform set to 2. Pillow stores CMYK inverted (Adobe's convention), hence the 255 - ...
ycc = np.asarray(Image.open(photo).convert('YCbCr'))
cmyk = np.concatenate([255 - ycc, np.full(ycc.shape[:2] + (1,), 255 - 20, np.uint8)], axis=2)
tmp = path('ycck-source.jpg')
Image.fromarray(cmyk, 'CMYK').save(tmp, quality=92)
with open(tmp, 'rb') as f:
    data = adobe_transform(f.read(), 2)
os.remove(tmp)
with open(path('ycck.jpg'), 'wb') as f:
    f.write(data)
files.append('ycck.jpg')
im(photo, '-interlace', 'Plane', '-quality', '90', path('progressive.jpg')); files.append('progressive.jpg')
with open(path('arithmetic.jpg'), 'wb') as f:
    subprocess.run(['jpegtran', '-arithmetic', photo], check=True, stdout=f)
files.append('arithmetic.jpg')
# PNG: grey + alpha, palette with tRNS, 16-bit RGB, 16-bit grey
src = path('src-640x360.png')
im(src, '-colorspace', 'Gray', *gradient, '-alpha', 'off', '-compose', 'CopyOpacity', '-composite',
   '-define', 'png:color-type=4', path('grey-alpha.png')); files.append('grey-alpha.png')
im(src, *gradient[:-1], '-threshold', '50%', ')', '-alpha', 'off', '-compose', 'CopyOpacity', '-composite',
   '-colors', '200', 'PNG8:' + path('palette-trns.png')); files.append('palette-trns.png')
im(src, '-depth', '16', 'PNG48:' + path('rgb16.png')); files.append('rgb16.png')
im(src, '-colorspace', 'Gray', '-depth', '16', '-define', 'png:color-type=0', '-define', 'png:bit-depth=16',
   path('grey16.png')); files.append('grey16.png')
# first page / first frame
im(src, path('other-640x360.png'), path('multipage.tiff')); files.append('multipage.tiff')
im('-delay', '20', '-loop', '0', src, path('other-640x360.png'), path('animated.gif')); files.append('animated.gif')
if features.check('webp_anim'):
    first = Image.open(src)
    first.save(path('animated.webp'), save_all=True, append_images=[Image.open(path('other-640x360.png'))],
               duration=200, loop=0, quality=90)
    files.append('animated.webp')
# extreme shapes
# (Debian's ImageMagick policy caps a side at 16k pixels: the panorama is made with Pillow)
panorama = Image.open(photo).convert('RGB').resize((20000, 10), Image.LANCZOS)
panorama.save(path('panorama-20000x10.jpg'), quality=92); files.append('panorama-20000x10.jpg')
panorama.save(path('panorama-20000x10.png')); files.append('panorama-20000x10.png')
im(photo, '-resize', '1x1!', '-quality', '92', path('pixel-1x1.jpg')); files.append('pixel-1x1.jpg')
im(photo, '-resize', '1x1!', path('pixel-1x1.png')); files.append('pixel-1x1.png')

with open(path('reference.f32'), 'wb') as ref, open(path('reference.txt'), 'w') as names:
    for name in files:
        image = Image.open(path(name))
        print(name, image.mode, image.size, image.format, file=sys.stderr)
        t = np.asarray(image.convert('RGB').resize((224, 224), Image.BICUBIC), np.float32).transpose(2, 0, 1) / 255.0
        ref.write(t.astype('<f4').tobytes())
        names.write(name + '\n')
