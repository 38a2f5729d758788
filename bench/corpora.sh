#!/usr/bin/env bash
# Decoding fidelity over any folder of files (a public test corpus, a photo library): every file goes through the
# pipeline as `index` sees it (indexed, failed with its reason, or skipped as not an image of a supported format),
# and through Pillow's reference preprocessing (Image.open, ImageOps.exif_transpose, convert('RGB'),
# resize((224, 224), BICUBIC)) as the peer; HEIC/HEIF/AVIF, which Pillow 9.4 cannot open, through heif-convert
# (libheif-examples) to PNG first. Fetches nothing. Prints per-format counts, failures by reason, files only one side
# decodes, the worst parity (mean absolute difference of the 224x224 tensors, in 8-bit levels; the documented limit
# is 1/255) and the slowest file. TIFFs Pillow turned upright while loading are not turned a second time by
# exif_transpose (Debian's Pillow 9.4 does; current Pillow's own tests expect them turned once).
#   bench/corpora.sh DIR [--exact]      --exact: DreamSim's official preprocessing (full-size JPEG, no EXIF rotation;
#                                      the peer then skips exif_transpose too)
# Needs /usr/bin/python3 with Pillow and numpy (Debian: python3-pil python3-numpy).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${1:?usage: bench/corpora.sh DIR [--exact]}"
EXACT="${2:-}"
[ -d "$DIR" ] || { echo "corpora.sh: no directory $DIR" >&2; exit 2; }
[ -z "$EXACT" ] || [ "$EXACT" = --exact ] || { echo "corpora.sh: unknown option $EXACT" >&2; exit 2; }
/usr/bin/python3 -c 'import PIL, numpy' 2>/dev/null \
  || { echo "corpora.sh: /usr/bin/python3 needs Pillow and numpy (apt-get install python3-pil python3-numpy)" >&2; exit 2; }
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT

"$ROOT/dreamsim" bench corpora -q ${EXACT:+--exact} --out "$TMP/ours" "$DIR" >&2
/usr/bin/python3 - "$DIR" "$TMP/ours" "$EXACT" <<'PY'
import collections, os, re, shutil, subprocess, sys, tempfile, warnings
import numpy as np
from PIL import Image, ImageOps

warnings.simplefilter('ignore')
d, ours, exact = sys.argv[1], sys.argv[2], sys.argv[3] == '--exact'
rows = [l.rstrip('\n').split('\t') for l in open(ours + '.tsv')][1:]
tensors = np.fromfile(ours + '.u8', dtype=np.uint8).reshape(-1, 224, 224, 3)
heif_convert = shutil.which('heif-convert')


def pillow(path):
    """Pillow's reference 224x224 RGB array, or the reason it cannot make one."""
    try:
        if path.lower().endswith(('.heic', '.heif', '.avif', '.hif')):
            if not heif_convert:
                return None, 'heif-convert not installed'
            with tempfile.TemporaryDirectory() as t:
                r = subprocess.run([heif_convert, path, os.path.join(t, 'o.png')], capture_output=True, timeout=60)
                outs = sorted(os.listdir(t))
                if r.returncode != 0 or len(outs) != 1:
                    return None, 'heif-convert: ' + (f'{len(outs)} images' if outs else 'failed')
                im = Image.open(os.path.join(t, outs[0]))
                im.load()
        else:
            im = Image.open(path)
            # Pillow 9.4 turns a TIFF upright while loading it and leaves its orientation tag, so exif_transpose
            # turns it a second time; current Pillow's tests expect it turned once: do that
            turned = getattr(im, '_tile_orientation', None) not in (None, 1)
            im.load()
            if not exact and not turned:
                im = ImageOps.exif_transpose(im)
        return np.asarray(im.convert('RGB').resize((224, 224), Image.BICUBIC)), None
    except Exception as e:  # the peer's own failure: its reason, as Pillow words it
        return None, f'{type(e).__name__}: {e}'.split('\n')[0][:100]


def short(reason):
    if re.match(r'(HEI[CF]|AVIF) (with a codec|in the compact)', reason):
        return reason
    cut = reason.split(' (')[0]
    return cut if len(cut) >= 12 else reason[:80]


per = collections.OrderedDict()
reasons = collections.Counter()
only_pillow, only_ours, diffs = [], [], []
slowest = (0, '')
k = 0
for path, outcome, fmt, size, ms, reason in rows:
    ext = os.path.splitext(path)[1].lower().lstrip('.') or '(none)'
    key = fmt or ext
    s = per.setdefault(key, collections.Counter())
    s['files'] += 1
    s[outcome] += 1
    full = os.path.join(d, path)
    ref, why = pillow(full)
    if ref is not None:
        s['pillow'] += 1
    if outcome == 'indexed':
        mine = tensors[k]; k += 1
        if ref is not None:
            diff = np.abs(mine.astype(np.int16) - ref.astype(np.int16)).mean()
            diffs.append((diff, path, key))
            s['both'] += 1
            s['over'] += diff > 1.0
            if diff > s.get('worst_x1000', -1) / 1000:
                s['worst_x1000'] = int(round(diff * 1000))
        else:
            only_ours.append((path, why))
    elif ref is not None:
        only_pillow.append((path, outcome, reason))
    if outcome == 'failed':
        reasons[short(reason)] += 1
    if int(ms or 0) > slowest[0]:
        slowest = (int(ms), path)

print(f'# {d}: {len(rows)} files ({"exact preprocessing" if exact else "default pipeline"}; peer: Pillow '
      f'{Image.__version__}{", heif-convert for HEIC/HEIF/AVIF" if heif_convert else ""})')
print()
print('| format | files | indexed | failed | skipped | Pillow decodes | both decode | worst parity | over 1/255 |')
print('| --- | --- | --- | --- | --- | --- | --- | --- | --- |')
tot = collections.Counter()
rest, kinds = collections.Counter(), 0  # kinds of files only skipped, which neither side decodes: one row
for key, s in sorted(per.items(), key=lambda kv: -kv[1]['files']):
    tot.update({x: s[x] for x in ('files', 'indexed', 'failed', 'skipped', 'pillow', 'both', 'over')})
    if s['indexed'] == 0 and s['failed'] == 0 and s['pillow'] == 0:
        rest.update(s)
        kinds += 1
        continue
    worst = f"{s['worst_x1000'] / 1000:.3f}" if s['both'] else ''
    print(f"| {key} | {s['files']} | {s['indexed']} | {s['failed']} | {s['skipped']} | {s['pillow']} | {s['both']} "
          f"| {worst} | {s['over']} |")
if kinds:
    print(f"| other ({kinds} kinds, by extension) | {rest['files']} | 0 | 0 | {rest['skipped']} | 0 | 0 | | 0 |")
worst_all = max(diffs)[0] if diffs else 0
print(f"| **all** | {tot['files']} | {tot['indexed']} | {tot['failed']} | {tot['skipped']} | {tot['pillow']} | "
      f"{tot['both']} | {worst_all:.3f} | {tot['over']} |")
print()
print('Failures by reason:')
for r, n in reasons.most_common():
    print(f'  {n:5d}  {r}')
print()
print(f'Worst parity (mean |difference| from Pillow, 8-bit levels), of {len(diffs)} files both decode (every file'
      f' over 1/255, at least ten):')
for diff, path, key in sorted(diffs, reverse=True)[:max(10, sum(x[0] > 1.0 for x in diffs))]:
    print(f'  {diff:8.3f}  {path}')
print()
print(f'Pillow decodes, we do not ({len(only_pillow)}):')
for path, outcome, reason in only_pillow[:40]:
    print(f'  {path}: {outcome}{": " + reason if reason else ""}')
print()
print(f'We decode, Pillow does not ({len(only_ours)}):')
for path, why in only_ours[:20]:
    print(f'  {path}: {why}')
print()
print(f'Slowest file: {slowest[1]} ({slowest[0]} ms)')
PY
