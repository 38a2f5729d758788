#!/usr/bin/python3
"""Writes a slightly perturbed copy of an ONNX model and a manifest with the copy's own checksum: the model
`dreamsim model verify` must reject (its distances drift from the golden ones while its checksum is consistent).
Needs only python3-onnx and numpy.

    /usr/bin/python3 models/test/perturb_model.py IN.onnx OUT.onnx SCALE
"""
import hashlib
import json
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def main(src, dst, scale):
    model = onnx.load(src)
    rng = np.random.default_rng(5)
    weights = [t for t in model.graph.initializer if len(t.dims) == 4 and t.dims[2] > 1]  # convolution kernels
    for tensor in weights:
        w = numpy_helper.to_array(tensor)
        noisy = (w * (1 + scale * rng.standard_normal(w.shape))).astype(w.dtype)
        tensor.CopyFrom(numpy_helper.from_array(noisy, tensor.name))
    onnx.save(model, dst)
    with open(os.path.splitext(src)[0] + '.json') as f:
        manifest = json.load(f)
    with open(dst, 'rb') as f:
        manifest['sha256'] = hashlib.sha256(f.read()).hexdigest()
    manifest['name'] = os.path.splitext(os.path.basename(dst))[0]
    with open(os.path.splitext(dst)[0] + '.json', 'w') as f:
        json.dump(manifest, f, indent=2)
    print(f'{dst}: {len(weights)} weight tensors scaled by 1 + {scale} N(0, 1)')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]))
