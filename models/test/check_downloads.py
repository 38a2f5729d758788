#!/usr/bin/python3
"""Offline checks of models/fetch.py against a local server that fails like a network does (models/test/mirror.py).

  /usr/bin/python3 models/test/check_downloads.py

- a connection dropped mid-file is resumed with a Range request, and the file arrives whole;
- a download that keeps failing leaves only FILE.part, never FILE, and the next run resumes from the .part;
- a wrong sha256 leaves neither FILE nor FILE.part;
- unzip_once extracts once and redoes an interrupted extraction;
- pinned torch.hub code: torch.hub.load('facebookresearch/dino:main', ...) loads the pinned commit's folder, and an
  archive whose folder does not name the pinned commit is refused (needs python3-torch; skipped without it).
Prints 'N passed, N failed'; exit status 1 on any failure.
"""
import hashlib
import io
import os
import shutil
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
import fetch  # noqa: E402
from mirror import Mirror  # noqa: E402

fetch.log = lambda message: None
RESULTS = []


def check(name):
    def run(test):
        try:
            test()
            RESULTS.append((name, None))
            print(f'ok   {name}')
        except Exception as e:  # noqa: BLE001  report and go on
            RESULTS.append((name, e))
            print(f'FAIL {name}: {type(e).__name__}: {e}')
        return test
    return run


def serve(work, files, **faults):
    root = os.path.join(work, 'mirror')
    for rel, data in files.items():
        os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
        with open(os.path.join(root, rel), 'wb') as f:
            f.write(data)
    mirror = Mirror(root, **faults)
    fetch.MIRROR = mirror.url
    return mirror


DATA = os.urandom(3_000_000)
URL = 'https://example.org/weights/model.bin'


@check('a dropped connection is resumed with a Range request')
def resumed():
    work = tempfile.mkdtemp()
    mirror = serve(work, {'example.org/weights/model.bin': DATA}, drop_once=True)
    try:
        dst = os.path.join(work, 'cache', 'deep', 'model.bin')  # the folders do not exist yet
        digest = fetch.download(URL, dst, sha256=hashlib.sha256(DATA).hexdigest())
        assert open(dst, 'rb').read() == DATA, 'the file differs from the served one'
        assert digest == hashlib.sha256(DATA).hexdigest()
        assert not os.path.exists(dst + '.part'), '.part left behind'
        starts = [s for p, s in mirror.requests]
        assert len(starts) == 2 and starts[0] == 0 and starts[1] == len(DATA) // 2, f'requests: {mirror.requests}'
    finally:
        mirror.close()
        shutil.rmtree(work)


@check('a download that keeps failing leaves only .part, and the next run resumes from it')
def interrupted():
    work = tempfile.mkdtemp()
    mirror = serve(work, {'example.org/weights/model.bin': DATA}, broken=['model.bin'])
    dst = os.path.join(work, 'model.bin')
    try:
        fetch.download(URL, dst)
        raise AssertionError('the download did not fail')
    except RuntimeError as e:
        assert 'download failed after' in str(e) and '.part is kept' in str(e), str(e)
    finally:
        mirror.close()
    assert not os.path.exists(dst), 'a half file was left under the final name'
    have = os.path.getsize(dst + '.part')
    assert 0 < have < len(DATA), have
    mirror = Mirror(os.path.join(work, 'mirror'))
    fetch.MIRROR = mirror.url
    try:
        fetch.download(URL, dst)
        assert open(dst, 'rb').read() == DATA
        assert mirror.requests == [('/example.org/weights/model.bin', have)], mirror.requests
    finally:
        mirror.close()
        shutil.rmtree(work)


@check('a wrong sha256 leaves neither the file nor its .part')
def wrong_checksum():
    work = tempfile.mkdtemp()
    mirror = serve(work, {'example.org/weights/model.bin': DATA})
    dst = os.path.join(work, 'model.bin')
    try:
        fetch.download(URL, dst, sha256='0' * 64)
        raise AssertionError('a wrong checksum was accepted')
    except RuntimeError as e:
        assert 'differs from the expected' in str(e), str(e)
    finally:
        mirror.close()
    assert not os.path.exists(dst) and not os.path.exists(dst + '.part')
    shutil.rmtree(work)


@check('unzip_once extracts once, and again after an interrupted extraction')
def unzip():
    work = tempfile.mkdtemp()
    archive = os.path.join(work, 'pretrained.zip')
    with zipfile.ZipFile(archive, 'w') as z:
        z.writestr('ensemble_lora/adapter_config.json', '{}')
        z.writestr('dino_vitb16_pretrain.pth', b'x' * 10)
    folder = os.path.join(work, 'cache')
    os.makedirs(os.path.join(folder, '.unzip-tmp', 'half'))  # what an interrupted extraction leaves
    fetch.unzip_once(archive, folder)
    assert sorted(os.listdir(folder)) == ['.unzipped-pretrained.zip', 'dino_vitb16_pretrain.pth', 'ensemble_lora']
    os.remove(os.path.join(folder, 'dino_vitb16_pretrain.pth'))
    fetch.unzip_once(archive, folder)  # the marker says done: not extracted again
    assert not os.path.exists(os.path.join(folder, 'dino_vitb16_pretrain.pth'))
    shutil.rmtree(work)


def hub_archive(repo_name, top):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as z:
        z.writestr(f'{top}/hubconf.py', 'dependencies = []\n\ndef dino_vitb16(pretrained=True):\n'
                                        f'    return {top!r}\n')
    return buf.getvalue()


@check('torch.hub code comes from the pinned commit, whatever branch dreamsim names')
def pinned():
    try:
        import torch
    except ImportError:
        print('     (skipped: python3-torch is not installed)')
        return
    commit = fetch.PINS['facebookresearch/dino']['commit']
    work = tempfile.mkdtemp()
    weights = fetch.PINS['facebookresearch/dino']['weights']['dino_vitb16'].split('://')[1]
    mirror = serve(work, {f'github.com/facebookresearch/dino/archive/{commit}.zip': hub_archive('dino',
                                                                                              f'dino-{commit}'),
                          weights: b'weights'}, drop_once=True)
    real = torch.hub.load
    try:
        torch.hub.set_dir(os.path.join(work, 'hub'))
        fetch.pin_torch_hub()
        got = torch.hub.load('facebookresearch/dino:main', 'dino_vitb16')  # what dreamsim 0.2.1 calls
        assert got == f'dino-{commit}', got
        assert os.path.isdir(os.path.join(work, 'hub', 'pinned', f'facebookresearch_dino_{commit}'))
        assert not os.path.exists(os.path.join(work, 'hub', 'facebookresearch_dino_main')), 'the branch was fetched'
        assert open(os.path.join(work, 'hub', 'checkpoints', os.path.basename(weights)), 'rb').read() == b'weights'
        try:
            torch.hub.load('someone/else', 'model')
            raise AssertionError('an unpinned repository was loaded')
        except RuntimeError as e:
            assert 'not pinned' in str(e), str(e)
    finally:
        torch.hub.load = real
        mirror.close()
        shutil.rmtree(work)


@check('an archive that is not the pinned commit is refused')
def wrong_commit():
    commit = fetch.PINS['facebookresearch/dino']['commit']
    work = tempfile.mkdtemp()
    mirror = serve(work, {f'github.com/facebookresearch/dino/archive/{commit}.zip': hub_archive('dino',
                                                                                              'dino-main')})
    try:
        fetch.hub_repo('facebookresearch/dino', os.path.join(work, 'hub'))
        raise AssertionError('a branch archive passed for the pinned commit')
    except RuntimeError as e:
        assert f'expected dino-{commit}/hubconf.py' in str(e), str(e)
    finally:
        mirror.close()
        shutil.rmtree(work)


if __name__ == '__main__':
    failed = sum(1 for _, e in RESULTS if e)
    print(f'check_downloads: {len(RESULTS) - failed} passed, {failed} failed')
    sys.exit(1 if failed else 0)
