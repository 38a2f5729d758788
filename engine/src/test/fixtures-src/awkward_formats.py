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


def adobe_transform(data):
    """The colour transform byte of the JPEG's Adobe APP14 segment (0 CMYK, 2 YCCK)."""
    p = 2
    while p + 16 <= len(data) and data[p + 1] != 0xDA:
        if data[p + 1] == 0xEE and data[p + 4:p + 9] == b'Adobe':
            return data[p + 15]
        p += 2 + struct.unpack('>H', data[p + 2:p + 4])[0]
    return None


small = Image.open(photo).convert('RGB').resize((640, 360), Image.LANCZOS)
small.save(path('src-640x360.png'))
Image.open(other).convert('RGB').resize((640, 360), Image.LANCZOS).save(path('other-640x360.png'))
gradient = ['(', '-size', '360x640', 'gradient:', '-rotate', '90', ')']

files = []
# JPEG: CMYK and YCCK (Adobe): Pillow writes CMYK (Adobe transform 0), ImageMagick's libjpeg YCCK (transform 2)
Image.open(photo).convert('CMYK').save(path('cmyk.jpg'), quality=92); files.append('cmyk.jpg')
im(photo, '-colorspace', 'CMYK', '-quality', '92', path('ycck.jpg')); files.append('ycck.jpg')
for name, transform in (('cmyk.jpg', 0), ('ycck.jpg', 2)):
    with open(path(name), 'rb') as f:
        assert adobe_transform(f.read()) == transform, name
# embedded ICC profiles (Pillow's convert ignores them): a CMYK and an Adobe RGB one, from Ghostscript's set
ICC = '/usr/share/color/icc/ghostscript/'
if os.path.exists(ICC + 'default_cmyk.icc') and os.path.exists(ICC + 'a98.icc'):
    im(path('ycck.jpg'), '-profile', ICC + 'default_cmyk.icc', path('ycck-icc.jpg')); files.append('ycck-icc.jpg')
    with open(ICC + 'default_cmyk.icc', 'rb') as f:
        Image.open(photo).convert('CMYK').save(path('cmyk-icc.jpg'), quality=92, icc_profile=f.read())
    files.append('cmyk-icc.jpg')
    im(photo, '-quality', '92', '-profile', ICC + 'a98.icc', path('adobergb-icc.jpg')); files.append('adobergb-icc.jpg')
    im(path('src-640x360.png'), '-profile', ICC + 'a98.icc', path('adobergb-icc.png'))
    files.append('adobergb-icc.png')
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
