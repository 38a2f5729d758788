#!/usr/bin/python3
"""Offline checks of export_dreamsim.py's graph helpers (needs python3-torch and python3-onnx).

  /usr/bin/python3 models/test/check_export_helpers.py

- branches(): the manifest's layout tiles each variant's embedding in dreamsim 0.2.1's concatenation order;
- final_normalisation(): on the checked-in tiny ViT (models/test/test-vit.onnx) it finds exactly the nodes of
  normalize_embeds (mean, subtraction, squares, sum, square root, division) that the fp16 conversion keeps in
  float32, and no LayerNormalization or matrix multiply.
Prints 'N passed, N failed'; exit status 1 on any failure.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import export_dreamsim  # noqa: E402
import fp16  # noqa: E402
import onnx  # noqa: E402

results = []


def check(name, ok, detail=''):
    results.append(ok)
    print(f'{"ok  " if ok else "FAIL"} {name}' + ('' if ok else f': {detail}'))


ensemble = export_dreamsim.branches('ensemble')
check('ensemble branches: DINO 0-768, CLIP 768-1280, OpenCLIP 1280-1792',
      [(b['name'], b['from'], b['to']) for b in ensemble]
      == [('dino_vitb16', 0, 768), ('clip_vitb16', 768, 1280), ('open_clip_vitb16', 1280, 1792)], ensemble)
for variant, dims in export_dreamsim.VARIANTS.items():
    b = export_dreamsim.branches(variant)
    check(f'{variant}: branches end at {dims} with a description each',
          b[-1]['to'] == dims and all(x['about'].endswith('.') for x in b), b)

graph = onnx.load(os.path.join(HERE, 'test-vit.onnx')).graph
names = set(fp16.final_normalisation(graph))
ops = sorted(n.op_type for n in graph.node if n.name in names)
check('final normalisation of test-vit.onnx: ReduceMean, Sub, squares (Mul or Pow), ReduceSum, Sqrt, Div',
      {'ReduceMean', 'Sub', 'ReduceSum', 'Sqrt', 'Div'} <= set(ops) and {'Mul', 'Pow'} & set(ops)
      and not {'LayerNormalization', 'MatMul', 'Gemm', 'Softmax'} & set(ops), ops)
failed = results.count(False)
print(f'check_export_helpers: {len(results) - failed} passed, {failed} failed')
sys.exit(1 if failed else 0)
