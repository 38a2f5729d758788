"""Mixed-precision float16 copies of models that follow the model contract (docs/model.md, "fp16 for GPUs").

  to_fp16(src, dst)   float16 weights and matrix multiplies; LayerNormalization, Softmax and the final normalisation
                      in float32; float32 input and output.

onnxruntime's converter (onnxruntime.transformers.float16, the same code as onnxconverter-common) does the conversion.
Its output needs two repairs, both found by running it (models/test/check_fp16.py):

- it casts the output of every node it keeps in float32 down to float16 and back up for the next float32 node, so a
  chain of kept nodes still passes its intermediates through float16: the final normalisation's squares and their
  sum overflow to infinity once a feature exceeds 256 in magnitude (DINO's features are taken before its last
  LayerNorm), and the embedding itself is rounded to float16 on its way out. round_trips_removed() joins each kept
  node to the float32 tensor directly.
- a tensor read by several kept nodes gets one identical Cast node per reader, under the same name: ONNX Runtime
  refuses such a graph ("two nodes with same node name"). duplicates_removed() keeps one.

Needs the onnx and onnxruntime Python packages (the export's requirements install both).
"""
import onnx
from onnx import TensorProto

# The ops kept in float32 wherever they are: normalisations whose sums of squares or exponentials overflow float16.
KEPT_OPS = ['LayerNormalization', 'Softmax', 'ReduceMean', 'ReduceSum', 'Pow', 'Sqrt']
# The ops of normalize_embeds (and what torch.onnx puts between them) that final_normalisation() walks back over.
NORMALISATION_OPS = ('Div', 'Sub', 'ReduceMean', 'ReduceSum', 'ReduceL2', 'Sqrt', 'Pow', 'Mul', 'Constant', 'Cast',
                     'Expand', 'Unsqueeze', 'Identity')


def final_normalisation(graph):
    """The nodes of normalize_embeds at the graph's end (mean, subtraction, squares, sum, square root, division):
    walked back from the output until the first node that is not part of it."""
    producer = {o: n for n in graph.node for o in n.output}
    names, todo = [], [graph.output[0].name]
    while todo:
        node = producer.get(todo.pop())
        if node is None or node.op_type not in NORMALISATION_OPS:
            continue
        if node.name not in names:
            names.append(node.name)
            todo.extend(node.input)
    return names


def converted(model):
    """The converter's output, unrepaired (the check shows what the repairs are for)."""
    from onnxruntime.transformers.float16 import DEFAULT_OP_BLOCK_LIST, convert_float_to_float16
    return convert_float_to_float16(model, keep_io_types=True, op_block_list=list(DEFAULT_OP_BLOCK_LIST) + KEPT_OPS,
                                    node_block_list=final_normalisation(model.graph))


def to_fp16(src, dst):
    """Writes the mixed float16 copy of the model file src to dst and returns the repaired ModelProto."""
    half = sorted_topologically(round_trips_removed(duplicates_removed(converted(onnx.load(src)))))
    onnx.checker.check_model(half)
    onnx.save(half, dst)
    return half


def _cast_to(node):
    return next((a.i for a in node.attribute if a.name == 'to'), None) if node.op_type == 'Cast' else None


def duplicates_removed(model):
    """Drops nodes identical to an earlier node (same name, inputs, outputs and attributes)."""
    seen, keep = set(), []
    for node in model.graph.node:
        key = node.SerializeToString(deterministic=True)
        if key not in seen:
            seen.add(key)
            keep.append(node)
    del model.graph.node[:]
    model.graph.node.extend(keep)
    return model


def round_trips_removed(model):
    """Each float32 -> float16 -> float32 Cast pair becomes the float32 tensor itself; float16 Casts nobody reads
    any more go. Readers of the pair's output are pointed at its source; a graph output keeps its name through an
    Identity."""
    graph = model.graph
    down = {n.output[0]: n for n in graph.node if _cast_to(n) == TensorProto.FLOAT16}
    outputs = {o.name for o in graph.output}
    source, keep = {}, []
    for node in graph.node:
        if _cast_to(node) == TensorProto.FLOAT and node.input[0] in down:
            original = down[node.input[0]].input[0]
            if node.output[0] in outputs:
                keep.append(onnx.helper.make_node('Identity', [original], [node.output[0]], name=node.name))
            else:
                source[node.output[0]] = original
            continue
        keep.append(node)
    for node in keep:
        for i, name in enumerate(node.input):
            node.input[i] = source.get(name, name)
    read = {name for node in keep for name in node.input} | outputs
    keep = [n for n in keep if not (_cast_to(n) == TensorProto.FLOAT16 and n.output[0] not in read)]
    produced = {o for n in keep for o in n.output}
    value_info = [v for v in graph.value_info if v.name in produced]
    del graph.node[:]
    graph.node.extend(keep)
    del graph.value_info[:]
    graph.value_info.extend(value_info)
    return model


def sorted_topologically(model):
    """Nodes in an order where each one follows the producers of its inputs (the converter appends its Casts at the
    end; ONNX Runtime sorts for itself, the ONNX checker and other runtimes do not)."""
    graph = model.graph
    ready = {i.name for i in graph.input} | {i.name for i in graph.initializer} | {''}
    pending, ordered = list(graph.node), []
    while pending:
        runnable = [n for n in pending if all(i in ready for i in n.input)]
        if not runnable:
            raise ValueError(f'cycle or missing input at {pending[0].name}: {list(pending[0].input)}')
        for n in runnable:
            ready.update(n.output)
        ordered.extend(runnable)
        pending = [n for n in pending if all(i not in ready for i in n.output)]
    del graph.node[:]
    graph.node.extend(ordered)
    return model
