#!/usr/bin/env python3
"""Dynamic int8 quantisation of a model that follows the engine's contract (float32 "image" -> "embedding").

  quantize.py IN.onnx OUT.onnx [--method auto|onnxruntime|own]

Every MatMul (and Gemm) whose weight is a constant becomes one com.microsoft.DynamicQuantizeMatMul: the weight is
stored as int8 (7-bit range, see LEVELS), symmetric (zero point 0), with one scale per output column (the op's b_scale may be per column when
B is 2-D: ONNX Runtime's contrib op contract); the activations are quantised to uint8 at run time, per call. Every
other operator (LayerNormalization, Softmax, the final mean-centring and L2 normalisation, convolutions) stays in
float32.

With onnxruntime's Python package importable, onnxruntime.quantization.quantize_dynamic does the same rewrite
(MatMul and Gemm only, per-channel int8 weights, reduce_range; its graph has MatMulInteger nodes, which ONNX Runtime
fuses at load); without it (or with --method own), this file's own rewrite runs with python3-onnx and numpy alone,
which is what the offline tests use. Neither is the more accurate everywhere (docs/model.md), so
`./dreamsim model quantize`, which runs this script and measures the distance error against IN, tries
--method onnxruntime first and --method own when that exceeds the bound or cannot run. OUT is written to a temporary
name and renamed when complete.
"""
import argparse
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

MS_DOMAIN = 'com.microsoft'
# 7-bit weights: x86 CPUs without VNNI multiply uint8 activations by int8 weights with vpmaddubsw, whose int16
# pair sums saturate at full int8 range (onnxruntime's reduce_range); 63 levels each side keep them exact.
LEVELS = 63


def quantize_weight(w):
    """[K, N] float -> (int8 [K, N] in [-LEVELS, LEVELS], float32 scale [N]): symmetric per output column."""
    scale = np.abs(w).max(axis=0) / LEVELS
    scale = np.where(scale == 0, 1.0, scale).astype(np.float32)
    q = np.clip(np.rint(w / scale), -LEVELS, LEVELS).astype(np.int8)
    return q, scale


def own_rewrite(model):
    """Rewrites MatMul/Gemm with a constant 2-D weight into DynamicQuantizeMatMul; returns how many."""
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    uses = {}
    for n in graph.node:
        for i in n.input:
            uses[i] = uses.get(i, 0) + 1
    new_nodes, dropped, added, count = [], set(), [], 0
    for node in graph.node:
        weight = node.input[1] if len(node.input) > 1 else None
        w_init = inits.get(weight)
        if node.op_type not in ('MatMul', 'Gemm') or w_init is None or len(w_init.dims) != 2:
            new_nodes.append(node)
            continue
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if node.op_type == 'Gemm' and (attrs.get('transA', 0) or attrs.get('alpha', 1.0) != 1.0
                                       or attrs.get('beta', 1.0) != 1.0):
            new_nodes.append(node)
            continue
        w = numpy_helper.to_array(w_init).astype(np.float32)
        if node.op_type == 'Gemm' and attrs.get('transB', 0):
            w = w.T
        q, scale = quantize_weight(w)
        base = f'{weight}_int8_{count}'
        added += [numpy_helper.from_array(np.ascontiguousarray(q), base),
                  numpy_helper.from_array(scale, base + '_scale'),
                  numpy_helper.from_array(np.zeros(scale.shape, np.int8), base + '_zero_point')]
        inputs = [node.input[0], base, base + '_scale', base + '_zero_point']
        if node.op_type == 'Gemm' and len(node.input) > 2 and node.input[2]:
            bias = inits.get(node.input[2])
            if bias is None or len(bias.dims) != 1:  # the op takes a 1-D bias only: keep this Gemm in float
                new_nodes.append(node)
                added = added[:-3]
                continue
            inputs.append(node.input[2])
        new_nodes.append(helper.make_node('DynamicQuantizeMatMul', inputs, list(node.output),
                                          name=(node.name or base) + '_int8', domain=MS_DOMAIN))
        if uses.get(weight, 0) == 1:
            dropped.add(weight)
        count += 1
    del graph.node[:]
    graph.node.extend(new_nodes)
    kept = [t for t in graph.initializer if t.name not in dropped]
    del graph.initializer[:]
    graph.initializer.extend(kept + added)
    if count and not any(o.domain == MS_DOMAIN for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))
    return count


def ort_quantize(src, dst):
    from onnxruntime.quantization import QuantType, quantize_dynamic
    quantize_dynamic(src, dst, weight_type=QuantType.QInt8, per_channel=True, reduce_range=True,
                     op_types_to_quantize=['MatMul', 'Gemm'])


# exit status when --method onnxruntime cannot run here (no onnxruntime package, or quantize_dynamic failed)
NO_ONNXRUNTIME = 3


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('src')
    parser.add_argument('dst')
    parser.add_argument('--method', choices=['auto', 'onnxruntime', 'own'], default='auto',
                        help="onnxruntime's quantize_dynamic (exit status 3 when it cannot run here), this file's own "
                             'rewrite, or auto: the first when it can run, else the second')
    args = parser.parse_args()
    tmp = args.dst + '.tmp'
    try:
        how = None
        if args.method != 'own':
            try:
                ort_quantize(args.src, tmp)
                how = 'onnxruntime.quantization.quantize_dynamic'
            except Exception as e:  # noqa: BLE001  no onnxruntime, or one that cannot do it: the own rewrite can
                why = str(e).splitlines()[0] if str(e) else type(e).__name__
                if args.method == 'onnxruntime':
                    print(f'quantize_dynamic cannot run here ({why})', file=sys.stderr)
                    return NO_ONNXRUNTIME
                if not isinstance(e, ImportError):
                    print(f'quantize_dynamic failed ({why}); using the own rewrite', file=sys.stderr)
        if how is None:
            model = onnx.load(args.src)
            count = own_rewrite(model)
            if count == 0:
                sys.exit(f'{args.src}: no MatMul or Gemm with a constant weight: nothing to quantise')
            onnx.checker.check_model(model)
            onnx.save(model, tmp)
            how = f'models/quantize.py: {count} MatMul/Gemm -> DynamicQuantizeMatMul'
        os.replace(tmp, args.dst)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    print(f'{args.dst}: int8 ({how}); {os.path.getsize(args.src) / 1e6:.1f} MB -> '
          f'{os.path.getsize(args.dst) / 1e6:.1f} MB', file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
