#!/usr/bin/python3
"""Vendors a curated subset of public image corpora into engine/src/test/resources/corpora, with Pillow's reference
preprocessing of each file that should be indexed, for CorpusTest.

Usage: corpora.py CLONES   (CLONES/<owner>+<name> is a git clone, bare or not, of each repository below; each file
is read at the commit named here, so the output does not depend on how recent the clones are)

Writes, per file, corpora/<corpus>/<name> (the file, unchanged) and, for files expected to be indexed,
corpora/<corpus>/<name>.reference.png: Pillow's (9.4, Debian) reference preprocessing, 224x224 RGB, exactly the
tensor times 255: Image.open, ImageOps.exif_transpose, convert('RGB'), resize((224, 224), BICUBIC). HEIC/HEIF/AVIF
go through heif-convert (libheif-examples: the library pillow-heif wraps) to PNG first, as Pillow 9.4 reads none of
them. Where Debian's Pillow 9.4 is known to decode a file wrongly, the reference is made from the file current
Pillow's own tests compare it with (column `reference`). MANIFEST.tsv lists every file: where it comes from (repository,
path, commit, licence), what the pipeline must do with it, and why.
"""
import os, subprocess, sys, tempfile
import numpy as np
from PIL import Image, ImageOps

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
OUT = os.path.join(ROOT, 'engine/src/test/resources/corpora')

REPOS = {  # corpus: (repository, commit, licence)
    'pillow': ('python-pillow/Pillow', '4e5f09f533dbd0d87d39951f48b62f4d1a421cba', 'MIT-CMU (HPND), Pillow LICENSE'),
    'libheif': ('strukturag/libheif', '9f31998e0f426eeec9ece938baabe6fbf858e042', 'LGPL-3.0 (libheif COPYING)'),
    'av1-avif': ('AOMediaCodec/av1-avif', 'fb0cd0fb36e883a9c9222f708a6297f651fbefdc', 'BSD-2-Clause (av1-avif LICENSE)'),
    'libjpeg-turbo': ('libjpeg-turbo/libjpeg-turbo', '8a99315babe7fe946bef539c125f26b9e6aad8ab',
                      'IJG (testorig*, testimg*) or BSD-3-Clause, testimages/LICENSE.txt'),
    'exif-orientation': ('recurser/exif-orientation-examples', '219294e144531b0c01247913cb58b6f5531b5081', 'MIT (LICENSE)'),
}

I = 'indexed'
# (corpus, path, expected outcome, why; options: reference=<other path of the same corpus>, limit=<levels>,
#  transpose=False: the reference keeps the stored orientation)
FILES = [
    ('pillow', 'Tests/images/jpeg_ff00_header.jpg', I, 'stray bytes before a marker: a TurboJPEG warning, not fatal'),
    ('pillow', 'Tests/images/junk_jpeg_header.jpg', I, 'junk between header segments, skipped as libjpeg does'),
    ('pillow', 'Tests/images/truncated_app14.jpg', I, 'an APP14 segment shorter than its length says'),
    ('pillow', 'Tests/images/photoshop-200dpi-broken.jpg', I, 'a Photoshop segment with a wrong length'),
    ('pillow', 'Tests/images/first_frame_transparency.gif', I, 'first frame smaller than the logical screen, transparent fill'),
    ('pillow', 'Tests/images/dispose_bgnd_transparency.gif', I, 'first frame smaller than the logical screen'),
    ('pillow', 'Tests/images/issue_2811.gif', I, 'LZW minimum code size 11 (JDK ImageIO refuses above 8)'),
    ('pillow', 'Tests/images/test_extents.gif', I, 'frames reaching past the logical screen'),
    ('pillow', 'Tests/images/no_palette_with_transparency.gif', I, 'no palette: Pillow reads it as grey'),
    ('pillow', 'Tests/images/i_trns.png', I, '16-bit grey with a tRNS chunk: Pillow mode I, clipped'),
    ('pillow', 'Tests/images/tiff_16bit_RGBa.tiff', I, 'associated (premultiplied) alpha, unpremultiplied'),
    ('pillow', 'Tests/images/tiff_strip_planar_16bit_RGBa.tiff', I, 'associated alpha, planar strips'),
    ('pillow', 'Tests/images/tiff_tiled_planar_16bit_RGBa.tiff', I, 'associated alpha, planar tiles'),
    ('pillow', 'Tests/images/hopper_bigtiff.tif', I, 'BigTIFF'),
    ('pillow', 'Tests/images/hopper.jpg', I, 'plain JPEG'),
    ('pillow', 'Tests/images/hopper.png', I, 'plain PNG'),
    ('pillow', 'Tests/images/hopper.gif', I, 'plain GIF'),
    ('pillow', 'Tests/images/hopper.bmp', I, 'plain BMP'),
    ('pillow', 'Tests/images/hopper.webp', I, 'plain WebP'),
    ('pillow', 'Tests/images/hopper.tif', I, 'plain TIFF'),
    ('pillow', 'Tests/images/hopper_orientation_6.jpg', I, 'EXIF orientation 6'),
    ('pillow', 'Tests/images/hopper_orientation_5.webp', I, 'EXIF orientation 5 in a WebP'),
    ('pillow', 'Tests/images/g4_orientation_6.tif', I, 'TIFF orientation 6; Debian\'s Pillow 9.4 turns it wrongly, '
     'current Pillow\'s test compares it with g4_orientation_1.tif (within 0.7)', {'reference': 'Tests/images/g4_orientation_1.tif'}),
    ('pillow', 'Tests/images/g4_orientation_3.tif', I, 'TIFF orientation 3, as above',
     {'reference': 'Tests/images/g4_orientation_1.tif'}),
    ('pillow', 'Tests/images/bmp/g/pal4rle.bmp', I, 'RLE4 BMP; Debian\'s Pillow 9.4 decodes it wrongly, current Pillow\'s '
     'test compares it with bmp/g/pal4.bmp', {'reference': 'Tests/images/bmp/g/pal4.bmp'}),
    ('pillow', 'Tests/images/xmp_tags_orientation.png', I, 'orientation only in XMP: not applied (a decision, see '
     'docs), so the reference is the stored picture', {'transpose': False}),
    ('pillow', 'Tests/images/exif_imagemagick_orientation.png', I, 'orientation only in ImageMagick\'s text chunk: not '
     'applied (a decision), the stored picture', {'transpose': False}),
    ('pillow', 'Tests/images/rdf.tif', 'failed: corrupt TIFF (', 'the TIFF reader fails inside its pixel data; '
     'was Java exception text'),
    ('pillow', 'Tests/images/bmp/b/pal8badindex.bmp', 'failed: corrupt BMP (', 'palette indices past the palette; '
     'was Java exception text'),
    ('pillow', 'Tests/images/crash-86214e58da443d2b80820cff9677a38a33dcbbca.tif', 'failed: corrupt or truncated tiff image (',
     'fuzzed TIFF; was "class java.io.EOFException cannot be cast"'),
    ('pillow', 'Tests/images/hopper_webp.tif', 'failed: corrupt or truncated tiff image (compressed with WebP',
     'TIFF with WebP compression: not read (documented)'),
    ('pillow', 'Tests/images/hopper_lzma.tif', 'failed: corrupt or truncated tiff image (compressed with LZMA',
     'TIFF with LZMA compression: not read (documented)'),
    ('pillow', 'Tests/images/bmp/q/pal8os2v2.bmp', 'failed: corrupt or truncated bmp image (', 'OS/2 2.x BMP: not read'),
    ('pillow', 'Tests/images/zero_width.gif', 'failed: corrupt GIF (its header gives the image size 0x', 'zero width'),
    ('pillow', 'Tests/images/truncated_jpeg.jpg', 'failed: truncated JPEG', 'cut short (Pillow refuses it too)'),
    ('pillow', 'Tests/images/decompression_bomb.gif', 'failed: image too large', 'a 65535x66601 screen'),
    ('pillow', 'Tests/images/hopper.psd', 'skipped: Photoshop (PSD) image (a format not indexed)', 'PSD'),
    ('pillow', 'Tests/images/hopper.ppm', 'skipped: PNM image (a format not indexed)', 'PPM'),
    ('pillow', 'Tests/images/tga/common/200x32_rgba_tl_raw.tga', 'skipped: TGA image (a format not indexed)', 'TGA (no signature: by name)'),
    ('pillow', 'Tests/images/hopper.dds', 'skipped: DDS image (a format not indexed)', 'DDS texture'),
    ('pillow', 'Tests/images/rgb_trns_ycbc.jp2', 'skipped: JPEG 2000 image (a format not indexed)', 'JPEG 2000'),
    ('pillow', 'Tests/images/hopper.qoi', 'skipped: QOI image (a format not indexed)', 'QOI'),
    ('libheif', 'examples/example.avif', I, 'AVIF photo'),
    ('libheif', 'tests/data/rainbow-451x461.heic', I, 'HEIC'),
    ('libheif', 'tests/data/with-alpha-512x512.heic', I, 'HEIC with alpha'),
    ('libheif', 'fuzzing/data/corpus/avif32.heif', I, 'AVIF under a .heif name'),
    ('libheif', 'fuzzing/data/corpus/unci32.heif', 'failed: HEIF with a codec this libheif cannot decode (uncompressed)',
     'valid uncompressed HEIF: libheif 1.15 has no decoder; was "corrupt HEIF"'),
    ('libheif', 'fuzzing/data/corpus/jpeg32.heif', 'failed: HEIF with a codec this libheif cannot decode (JPEG)', 'JPEG-coded HEIF'),
    ('libheif', 'fuzzing/data/corpus/j2k32.heif', 'failed: HEIF with a codec this libheif cannot decode (JPEG 2000)', 'JPEG 2000-coded HEIF'),
    ('libheif', 'fuzzing/data/corpus/vvc32.heif', 'failed: HEIF with a codec this libheif cannot decode (H.266/VVC)', 'VVC-coded HEIF'),
    ('libheif', 'fuzzing/data/corpus/avc32.heif', 'failed: HEIF with a codec this libheif cannot decode (H.264/AVC)', 'AVC-coded HEIF'),
    ('libheif', 'fuzzing/data/corpus/avif32-mini.heif', 'failed: AVIF in the compact layout (brand mif3', 'the compact (mif3) layout'),
    ('libheif', 'fuzzing/data/corpus/clusterfuzz-testcase-minimized-file-fuzzer-5643900194127872.heic',
     'failed: corrupt HEIC (its header gives the image size 0x0)', 'fuzzed; was "corrupt image header" without the format'),
    ('libheif', 'fuzzing/data/corpus/github_45.heic', 'failed: corrupt HEIC (libheif: ', 'fuzzed grid without tiles'),
    ('av1-avif', 'testFiles/Microsoft/Monochrome.avif', I, 'monochrome AVIF'),
    ('av1-avif', 'testFiles/Microsoft/still_picture.avif', I, 'AVIF still picture'),
    ('av1-avif', 'testFiles/Microsoft/bbb_alpha_inverted.avif', I, 'AVIF with alpha'),
    ('av1-avif', 'testFiles/Microsoft/Tomsk_with_thumbnails.avif', I, 'AVIF with thumbnails: the primary image'),
    ('libjpeg-turbo', 'testimages/testorig.jpg', I, 'the IJG test image'),
    ('libjpeg-turbo', 'testimages/testimgari.jpg', I, 'arithmetic-coded JPEG'),
    ('libjpeg-turbo', 'testimages/testimgint.jpg', I, 'progressive JPEG'),
    ('libjpeg-turbo', 'testimages/shira_bird8.bmp', I, '8-bit palette BMP'),
    ('libjpeg-turbo', 'testimages/monkey12.jpg', 'failed: unsupported JPEG (12-bit samples)', '12-bit JPEG (Pillow refuses it too)'),
    ('libjpeg-turbo', 'testimages/monkey16.pgm', 'skipped: PNM image (a format not indexed)', '16-bit PGM'),
    ('exif-orientation', 'Landscape_6.jpg', I, 'EXIF orientation 6, camera-sized JPEG'),
    ('exif-orientation', 'Portrait_5.jpg', I, 'EXIF orientation 5 (transpose)'),
]


def git_show(corpus, commit, path, clones):
    repo = REPOS[corpus][0].replace('/', '+')
    d = os.path.join(clones, repo)
    for git_dir in (os.path.join(d, 'repo'), os.path.join(d, '.git'), d):  # a fetched mirror, a clone, a bare clone
        if os.path.isfile(os.path.join(git_dir, 'HEAD')):
            return subprocess.run(['git', '--git-dir', git_dir, 'show', f'{commit}:{path}'], check=True,
                                  capture_output=True).stdout
    raise SystemExit(f'no git clone of {REPOS[corpus][0]} at {d}')


def reference(path, transpose=True):
    if path.lower().endswith(('.heic', '.heif', '.avif')):
        with tempfile.TemporaryDirectory() as t:
            png = os.path.join(t, 'out.png')
            subprocess.run(['heif-convert', path, png], check=True, capture_output=True)
            im = Image.open(png)
            im.load()
    else:
        im = Image.open(path)
        if transpose:
            im = ImageOps.exif_transpose(im)
    out = im.convert('RGB').resize((224, 224), Image.BICUBIC)
    return Image.fromarray(np.asarray(out))  # the pixels alone, without the source's transparency or profile


def main(clones):
    rows = ['file\tcorpus\trepository\tpath\tcommit\tlicence\texpected\treference\tnote']
    total = 0
    for entry in FILES:
        corpus, path, expected, note = entry[:4]
        opts = entry[4] if len(entry) > 4 else {}
        repo, commit, licence = REPOS[corpus]
        name = os.path.basename(path)
        out = os.path.join(OUT, corpus, name)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        data = git_show(corpus, commit, path, clones)
        with open(out, 'wb') as f:
            f.write(data)
        total += len(data)
        ref = ''
        if expected == I:
            src = out
            if 'reference' in opts:
                src = os.path.join(tempfile.gettempdir(), os.path.basename(opts['reference']))
                with open(src, 'wb') as f:
                    f.write(git_show(corpus, commit, opts['reference'], clones))
                ref = opts['reference']
            png = out + '.reference.png'
            reference(src, opts.get('transpose', True)).save(png)
            total += os.path.getsize(png)
            if not opts.get('transpose', True):
                ref = 'stored orientation'
        rows.append('\t'.join([f'{corpus}/{name}', corpus, repo, path, commit, licence, expected, ref, note]))
    with open(os.path.join(OUT, 'MANIFEST.tsv'), 'w') as f:
        f.write('\n'.join(rows) + '\n')
    print(f'{len(FILES)} files, {total / 1e6:.1f} MB under {OUT}')


if __name__ == '__main__':
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    main(sys.argv[1])
