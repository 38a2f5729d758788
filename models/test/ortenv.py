"""onnxruntime's Python package for the offline checks that need it (its float16 converter and its quantiser), which
Debian does not package: a virtual environment over the system's Python (--system-site-packages, so Debian's torch,
onnx and numpy stay visible) with onnxruntime, a newer onnx and ml_dtypes installed from the package index pip is
configured with, numpy held at the system's version (Debian's torch is built against it).

  add_onnxruntime(python)   installs them into the venv of that interpreter; returns (version, None) or
                            (None, why) when the index cannot provide them (callers skip, saying so)
  make_venv(folder)         a new venv over /usr/bin/python3; returns its python
"""
import os
import subprocess
import sys

PACKAGES = ['onnxruntime', 'onnx>=1.16', 'ml_dtypes']  # onnx 1.16+: the reference evaluator; Debian 12 has 1.12


def make_venv(folder):
    done = subprocess.run(['/usr/bin/python3', '-m', 'venv', '--system-site-packages', folder],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode:
        sys.exit(f'could not create a venv (apt-get install python3-venv):\n{done.stdout}')
    return os.path.join(folder, 'bin', 'python')


def add_onnxruntime(python):
    numpy = subprocess.run([python, '-c', 'import numpy; print(numpy.__version__)'], stdout=subprocess.PIPE,
                           text=True).stdout.strip()
    constraints = os.path.join(os.path.dirname(os.path.dirname(python)), 'numpy-held.txt')
    with open(constraints, 'w') as f:
        f.write(f'numpy=={numpy}\n' if numpy else '')
    done = subprocess.run([python, '-m', 'pip', 'install', '-q', '--disable-pip-version-check', '--retries', '0',
                           '--timeout', '15', '-c', constraints] + PACKAGES,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode:
        lines = [x for x in done.stdout.splitlines() if x.strip() and 'Retrying' not in x]
        return None, f'pip could not install {" ".join(PACKAGES)}: {lines[-1] if lines else done.returncode}'
    version = subprocess.run([python, '-c', 'import onnxruntime; print(onnxruntime.__version__)'],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if version.returncode:
        return None, f'onnxruntime installed but does not import: {version.stdout.strip().splitlines()[-1]}'
    return version.stdout.strip(), None
