"""Downloads for the export that survive a network failure, and the torch.hub code pinned to fixed commits.

- download(url, dst, sha256): fetches into dst + '.part', resuming with an HTTP Range request after a dropped
  connection (a few tries, then on the next run), checks the sha256 when one is known, and renames to dst only when
  complete: dst is either absent or whole.
- unzip_once(zip, folder): extracts into a temporary folder and moves the entries into place, then writes a marker;
  an interrupted extraction is redone.
- pin_torch_hub(hub_dir): replaces torch.hub.load so that the DINO and DINOv2 repositories DreamSim loads from moving
  branches ('facebookresearch/dino:main', 'facebookresearch/dinov2') come from the commits in PINS instead, fetched
  as GitHub archives into the hub folder; their backbone weights are pre-fetched the same resumable way.

MIRROR (set by --mirror or DREAMSIM_DOWNLOAD_MIRROR) rewrites 'https://HOST/PATH' to 'MIRROR/HOST/PATH': the offline
rehearsal serves fabricated files from a local HTTP server this way.
"""
import hashlib
import os
import shutil
import sys
import time
import urllib.error
import urllib.request
import zipfile

# The torch.hub repositories DreamSim 0.2.1 loads, pinned: code from these commits only, whatever the branches say.
PINS = {
    'facebookresearch/dino': {
        'commit': '7c446df5b9f45747937fb0d72314eb9f7b66930a',  # main as of 2023-04-27 (its last change)
        'weights': {'dino_vitb16': 'https://dl.fbaipublicfiles.com/dino/dino_vitbase16_pretrain/'
                                   'dino_vitbase16_pretrain.pth'},
    },
    'facebookresearch/dinov2': {
        'commit': '85a24602099d397264d5b30461ad7f3bfd726ca1',  # main as of 2024-10-26 (dreamsim 0.2.1's time)
        'weights': {'dinov2_vitb14': 'https://dl.fbaipublicfiles.com/dinov2/dinov2_vitb14/'
                                     'dinov2_vitb14_pretrain.pth'},
    },
}
# sha256 of downloads whose content is known in advance (url -> hex digest); others are recorded in the manifest.
CHECKSUMS = {}
MIRROR = os.environ.get('DREAMSIM_DOWNLOAD_MIRROR', '')
TRIES = 5
CHUNK = 1 << 20


def log(message):
    print(f'[{time.strftime("%H:%M:%S")}] {message}', flush=True)


def mirrored(url):
    if not MIRROR:
        return url
    return MIRROR.rstrip('/') + '/' + url.split('://', 1)[1]


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(CHUNK), b''):
            h.update(chunk)
    return h.hexdigest()


def download(url, dst, sha256=None):
    """url -> dst through dst.part with Range resume; returns dst's sha256. dst is only ever absent or complete."""
    sha256 = sha256 or CHECKSUMS.get(url)
    if os.path.exists(dst):
        return sha256_of(dst)
    os.makedirs(os.path.dirname(os.path.abspath(dst)), exist_ok=True)
    part = dst + '.part'
    source = mirrored(url)
    for attempt in range(1, TRIES + 1):
        have = os.path.getsize(part) if os.path.exists(part) else 0
        request = urllib.request.Request(source, headers={'Range': f'bytes={have}-'} if have else {})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                if have and response.status != 206:  # the server ignored the range: start again
                    have = 0
                total = response.headers.get('Content-Length')
                total = have + int(total) if total is not None else None
                log(f'downloading {url}' + (f' ({total / 1e6:.0f} MB)' if total else '')
                    + (f', resuming at {have / 1e6:.1f} MB' if have else ''))
                with open(part, 'ab' if have else 'wb') as out:
                    for chunk in iter(lambda: response.read(CHUNK), b''):
                        out.write(chunk)
                if total is not None and os.path.getsize(part) < total:
                    raise ConnectionError(f'connection closed at {os.path.getsize(part)} of {total} bytes')
            break
        except urllib.error.HTTPError as e:
            if e.code == 416 and have:  # nothing left to fetch: the part file is already whole
                break
            if e.code < 500:
                raise RuntimeError(f'{url}: HTTP {e.code} {e.reason}') from e
            problem = e
        except (OSError, ConnectionError) as e:  # dropped connections, timeouts, refused connections
            problem = e
        if attempt == TRIES:
            raise RuntimeError(f'{url}: download failed after {TRIES} tries ({problem}); {part} is kept and the '
                               f'next run resumes from it')
        log(f'  {url}: {problem}; retrying ({attempt}/{TRIES - 1})')
        time.sleep(min(2 ** attempt, 30) if not MIRROR else 0.1)
    digest = sha256_of(part)
    if sha256 and digest != sha256:
        os.remove(part)  # a wrong file is not worth resuming
        raise RuntimeError(f'{url}: sha256 {digest} differs from the expected {sha256}; the file was removed')
    os.replace(part, dst)
    return digest


def unzip_once(archive, folder):
    """Extracts archive into folder (entries moved into place from a temporary folder), once per archive content."""
    marker = os.path.join(folder, '.unzipped-' + os.path.basename(archive))
    digest = sha256_of(archive)
    if os.path.exists(marker) and open(marker).read().strip() == digest:
        return
    tmp = os.path.join(folder, '.unzip-tmp')
    shutil.rmtree(tmp, ignore_errors=True)
    with zipfile.ZipFile(archive) as z:
        z.extractall(tmp)
    for entry in os.listdir(tmp):
        target = os.path.join(folder, entry)
        if os.path.isdir(target):
            shutil.rmtree(target)
        os.replace(os.path.join(tmp, entry), target)
    os.rmdir(tmp)
    with open(marker, 'w') as f:
        f.write(digest + '\n')


def hub_repo(repo, hub_dir):
    """The pinned commit of repo ('owner/name') as a local folder under hub_dir/pinned, fetched once."""
    owner, name = repo.split('/')
    commit = PINS[repo]['commit']
    folder = os.path.join(hub_dir, 'pinned', f'{owner}_{name}_{commit}')
    if os.path.isfile(os.path.join(folder, 'hubconf.py')):
        return folder
    archive = os.path.join(hub_dir, 'pinned', f'{owner}_{name}_{commit}.zip')
    download(f'https://github.com/{repo}/archive/{commit}.zip', archive)
    tmp = folder + '.tmp'
    shutil.rmtree(tmp, ignore_errors=True)
    with zipfile.ZipFile(archive) as z:
        z.extractall(tmp)
    top = f'{name}-{commit}'  # GitHub names an archive's folder after the commit: proof of what we got
    if not os.path.isfile(os.path.join(tmp, top, 'hubconf.py')):
        found = os.listdir(tmp)
        shutil.rmtree(tmp)
        os.remove(archive)  # not the pinned commit: fetch it again next time
        raise RuntimeError(f'{archive}: expected {top}/hubconf.py (the pinned commit); found {found}')
    os.replace(os.path.join(tmp, top), folder)
    shutil.rmtree(tmp)
    return folder


def pin_torch_hub():
    """torch.hub.load('owner/name[:ref]', model) for a pinned repo loads the pinned commit's code instead."""
    import torch
    real_load = torch.hub.load
    if getattr(real_load, 'pinned', False):
        return

    def load(repo_or_dir, model, *args, source='github', **kwargs):
        if source != 'github':
            return real_load(repo_or_dir, model, *args, source=source, **kwargs)
        repo = repo_or_dir.split(':')[0]
        if repo not in PINS:
            raise RuntimeError(f'torch.hub.load({repo_or_dir!r}): not pinned in models/fetch.py PINS')
        hub_dir = torch.hub.get_dir()
        folder = hub_repo(repo, hub_dir)
        url = PINS[repo]['weights'].get(model)
        if url:  # the hub code fetches these with load_state_dict_from_url, which does not resume
            download(url, os.path.join(hub_dir, 'checkpoints', os.path.basename(url)))
        log(f'torch.hub: {repo_or_dir} -> {repo} at {PINS[repo]["commit"]} ({folder})')
        kwargs.pop('trust_repo', None)
        kwargs.pop('force_reload', None)
        kwargs.pop('skip_validation', None)
        sys.path_importer_cache.clear()
        return real_load(folder, model, *args, source='local', **kwargs)

    load.pinned = True
    torch.hub.load = load
