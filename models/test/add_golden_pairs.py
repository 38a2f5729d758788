#!/usr/bin/python3
"""Adds "pairs" to a golden file that lacks them: the distance (1 - cosine, as DreamSim's model(a, b) computes it)
of every pair of its images, from the PyTorch embeddings already in the file, computed here with numpy so that
`dreamsim model verify` compares its Java distances with figures it did not make itself.

    /usr/bin/python3 models/test/add_golden_pairs.py models/test/test-model.golden.json
"""
import json
import sys

import numpy as np


def pairs_of(names, embeddings):
    e = np.asarray(embeddings, dtype=np.float64)
    e = e / np.linalg.norm(e, axis=1, keepdims=True)
    return [{'a': names[i], 'b': names[j], 'distance': float(1.0 - e[i] @ e[j])}
            for i in range(len(names)) for j in range(i + 1, len(names))]


def main(path):
    with open(path) as f:
        golden = json.load(f)
    images = golden['images']
    golden['pairs'] = pairs_of([i['name'] for i in images], [i['embedding'] for i in images])
    with open(path, 'w') as f:
        json.dump(golden, f)
        f.write('\n')
    print(f'{path}: {len(golden["pairs"])} pairs')


if __name__ == '__main__':
    main(sys.argv[1])
