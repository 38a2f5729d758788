#!/usr/bin/python3
"""Offline checks of the mixed float16 conversion (models/fp16.py) on the checked-in tiny ViT.

  /usr/bin/python3 models/test/check_fp16.py

Needs onnxruntime's Python package (its float16 converter): when this Python lacks it, the script runs itself again
in a temporary venv that models/test/ortenv.py fills from the configured package index, and says it is skipped when
the index cannot provide it. Two models: models/test/test-vit.onnx, and a copy whose projection is scaled by 1000 so
that its features exceed 256 in magnitude, as DINO's do (they are taken before its last LayerNorm).

- the converter's own output, on the large-feature copy, gives no usable embedding: its float32 nodes hand their
  results to each other through float16, and the squares of the final normalisation overflow (what the repair is
  for; if this ever passes, the converter changed);
- the repaired graph: passes the ONNX checker, has unique node names, float16 matrix-multiply weights, and no
  float32 -> float16 -> float32 round trip left;
- its embeddings, from ONNX Runtime's CPU provider and from ONNX's reference evaluator (numpy, which computes every
  float16 op in float16, as a GPU does, where ONNX Runtime's CPU provider runs several in float32): finite, unit
  length, and within 0.001 of the float32 graph's DreamSim distances on every pair of the golden images.
Prints 'N passed, N failed'; exit status 1 on any failure.

  /usr/bin/python3 models/test/check_fp16.py --measure MODEL.onnx MODEL-fp16.onnx [--images N]

measures an exported pair instead: the largest distance error of the fp16 file against the float32 one over the
pairs of the first N golden images (default 8), in ONNX Runtime's CPU provider and in float16 arithmetic. The latter
is slow: about 2.5 minutes per image for a ViT-B/16 on one core.
"""
import argparse
import glob
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

try:
    import onnxruntime
except ImportError:
    if os.environ.get('CHECK_FP16_IN_VENV'):
        sys.exit('onnxruntime still missing inside the venv')
    import ortenv
    work = tempfile.mkdtemp(prefix='dreamsim-fp16-')
    try:
        python = ortenv.make_venv(os.path.join(work, 'venv'))
        version, why = ortenv.add_onnxruntime(python)
        if version is None:
            print(f'check_fp16 skipped: {why}')
            sys.exit(0)
        print(f'check_fp16: onnxruntime {version} in a temporary venv', flush=True)
        sys.exit(subprocess.run([python, os.path.abspath(__file__)] + sys.argv[1:],
                                env=dict(os.environ, CHECK_FP16_IN_VENV='1')).returncode)
    finally:
        shutil.rmtree(work, ignore_errors=True)

import numpy as np  # noqa: E402
import onnx  # noqa: E402
from onnx import TensorProto, numpy_helper  # noqa: E402
from onnx.reference import ReferenceEvaluator  # noqa: E402

import fp16  # noqa: E402

results = []
MAX_ERROR = 0.001


def check(name, ok, detail=''):
    results.append(bool(ok))
    print(f'{"ok  " if ok else "FAIL"} {name}' + ('' if ok else f': {detail}'), flush=True)


def golden_tensors():
    files = sorted(glob.glob(os.path.join(HERE, 'golden', 'tensors', '*.u8')))
    return np.stack([np.fromfile(f, np.uint8).reshape(3, 224, 224) for f in files]).astype(np.float32) / 255


def distances(e):
    e = e.astype(np.float64)
    e = e / np.linalg.norm(e, axis=1, keepdims=True)
    return np.array([1 - e[i] @ e[j] for i, j in itertools.combinations(range(len(e)), 2)])


def ort_run(model, x):
    session = onnxruntime.InferenceSession(model.SerializeToString(), providers=['CPUExecutionProvider'])
    return session.run(None, {'image': x})[0].astype(np.float32)


def usable(e):
    """Finite and of unit length, as the model contract's output is."""
    return bool(np.isfinite(e).all()) and bool(np.allclose(np.linalg.norm(e, axis=1), 1, atol=1e-3))


def round_trips(model):
    down = {n.output[0] for n in model.graph.node if n.op_type == 'Cast' and n.attribute[0].i == TensorProto.FLOAT16}
    return [n.name for n in model.graph.node
            if n.op_type == 'Cast' and n.attribute[0].i == TensorProto.FLOAT and n.input[0] in down]


def largest_feature(model, x):
    """The largest |feature| the final normalisation receives (its first node's input, made an extra output)."""
    kept = set(fp16.final_normalisation(model.graph))
    features = next(n for n in model.graph.node if n.name in kept and n.op_type == 'ReduceMean').input[0]
    probe = onnx.load_from_string(model.SerializeToString())
    probe.graph.output.append(onnx.helper.make_tensor_value_info(features, TensorProto.FLOAT, None))
    session = onnxruntime.InferenceSession(probe.SerializeToString(), providers=['CPUExecutionProvider'])
    return float(np.abs(session.run([features], {'image': x})[0]).max())


def measure(model32, model16, images):
    x = golden_tensors()[:images]
    reference = distances(ort_run(onnx.load(model32), x))
    cpu = np.abs(distances(ort_run(onnx.load(model16), x)) - reference).max()
    started = time.time()
    e = ReferenceEvaluator(model16).run(None, {'image': x})[0].astype(np.float32)
    half = np.abs(distances(e) - reference).max() if usable(e) else float('inf')
    print(f'{os.path.basename(model16)} against {os.path.basename(model32)}, {len(reference)} pairs of {images} golden '
          f'images: largest distance error {cpu:.6f} in ONNX Runtime CPU, {half:.6f} in float16 arithmetic '
          f'({time.time() - started:.0f} s)')
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--measure', nargs=2, metavar=('MODEL', 'MODEL_FP16'))
    parser.add_argument('--images', type=int, default=8)
    args = parser.parse_args()
    print(f'onnxruntime {onnxruntime.__version__}, onnx {onnx.__version__}', flush=True)
    if args.measure:
        return measure(*args.measure, args.images)
    x = golden_tensors()
    small = onnx.load(os.path.join(HERE, 'test-vit.onnx'))
    large = onnx.load(os.path.join(HERE, 'test-vit.onnx'))
    head = next(i for i in large.graph.initializer if i.name == 'head')
    head.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(head) * 1000, 'head'))
    features = largest_feature(large, x)
    check(f'the large copy\'s features exceed 256 (largest {features:.0f})', features > 256)

    raw = fp16.sorted_topologically(fp16.duplicates_removed(fp16.converted(onnx.load_from_string(
        large.SerializeToString()))))
    check('the converter alone: round trips through float16 between float32 nodes', len(round_trips(raw)) > 0)
    check('the converter alone, large features: no usable embedding (the squares overflow float16)',
          not usable(ort_run(raw, x)))

    work = tempfile.mkdtemp(prefix='dreamsim-fp16-')
    try:
        for name, model in (('test-vit', small), ('test-vit x1000', large)):
            src = os.path.join(work, f'{name}.onnx')
            onnx.save(model, src)
            half = fp16.to_fp16(src, os.path.join(work, f'{name}-fp16.onnx'))
            names = [n.name for n in half.graph.node]
            check(f'{name}: unique node names, ONNX checker passes (to_fp16 runs it)',
                  len(names) == len(set(names)), [n for n in names if names.count(n) > 1][:3])
            weights = {i.name: i.data_type for i in half.graph.initializer}
            matmuls = [n.input[1] for n in half.graph.node if n.op_type == 'MatMul' and n.input[1] in weights]
            check(f'{name}: float16 matrix-multiply weights ({len(matmuls)})',
                  matmuls and all(weights[w] == TensorProto.FLOAT16 for w in matmuls))
            check(f'{name}: no float32 -> float16 -> float32 round trip', not round_trips(half), round_trips(half))
            reference = distances(ort_run(model, x))
            for runtime, e in (('ONNX Runtime CPU', ort_run(half, x)),
                               ('float16 arithmetic (reference evaluator)',
                                ReferenceEvaluator(half).run(None, {'image': x})[0].astype(np.float32))):
                error = np.abs(distances(e) - reference).max() if usable(e) else float('inf')
                check(f'{name}, {runtime}: usable embeddings, distance error {error:.6f} <= {MAX_ERROR} '
                      f'over {len(reference)} pairs', error <= MAX_ERROR)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    failed = results.count(False)
    print(f'check_fp16: {len(results) - failed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
