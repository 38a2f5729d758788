#!/usr/bin/env python3
"""The peers of `dreamsim bench ann`: hnswlib and faiss (HNSW, inner product) on the same vector and query files,
scored against the same exact ground truth, over the same ef sweep. Each index is built once and queried at every
ef, one query at a time (a warm-up of up to 100 queries, then every query timed), in --rounds passes interleaved
across the sweep; per ef the fastest pass (lowest p50) is reported, as `bench ann` and ann-benchmarks do.

  ann_peers.py VECTORS.f32 DIMS --queries Q.f32 --ground-truth GT.i32 [--k 10] [--m 16] [--ef-construction 100]
               [--ef 10,20,50,100,200,400,800] [--threads 1] [--rounds 3] [--out DIR]
               [--systems hnswlib,faiss] [--keep DIR]

VECTORS.f32, Q.f32: n x DIMS float32 little-endian, unit vectors (inner product = cosine). GT.i32: the exact top 100
of every query (int32 little-endian, queries x 100), written by `dreamsim bench ann --ground-truth`; computed here
(numpy, in blocks) and written when the file does not exist yet. Prints one line per point and, with --out, appends
the points to DIR/peers-points.csv in the format of `bench ann` (lucene-points.csv).
With --keep DIR each built index is saved in DIR (with its build time) and loaded by a later run on the same
vectors and settings instead of being built again: the queries can then be re-measured on an idle machine without
another build (a 1M x 768 graph takes tens of minutes).
Needs Debian's python3-numpy, python3-hnswlib and python3-faiss: run with /usr/bin/python3.
"""
import argparse
import csv
import os
import sys
import time

import numpy as np

TRUTH_K = 100
FIELDS = ['system', 'storage', 'setting', 'ef', 'graph_candidates', 'k', 'recall', 'p50_ms', 'p99_ms', 'qps',
          'build_seconds', 'n', 'dims', 'queries']


def ground_truth(path, X, Q):
    """The exact top 100 by inner product: read from path, or computed in blocks of the data and written there."""
    if os.path.exists(path):
        gt = np.fromfile(path, dtype='<i4')
        if gt.size != len(Q) * TRUTH_K:
            sys.exit(f'{path}: expected {len(Q)} x {TRUTH_K} int32')
        return gt.reshape(len(Q), TRUTH_K)
    t = time.perf_counter()
    best_s = np.full((len(Q), TRUTH_K), -np.inf, dtype='f4')
    best_i = np.full((len(Q), TRUTH_K), -1, dtype='i8')
    for s in range(0, len(X), 20000):
        S = Q @ X[s:s + 20000].T
        idx = np.concatenate([best_i, np.arange(s, s + S.shape[1])[None, :].repeat(len(Q), 0)], axis=1)
        sc = np.concatenate([best_s, S], axis=1)
        part = np.argpartition(-sc, TRUTH_K - 1, axis=1)[:, :TRUTH_K]
        best_s = np.take_along_axis(sc, part, 1)
        best_i = np.take_along_axis(idx, part, 1)
    order = np.argsort(-best_s, axis=1, kind='stable')
    gt = np.take_along_axis(best_i, order, 1).astype('<i4')
    gt.tofile(path + '.tmp')
    os.replace(path + '.tmp', path)
    print(f'peers: exact top-{TRUTH_K} in {time.perf_counter() - t:.1f} s, written to {path}')
    return gt


def one_pass(search, Q, gt, k):
    """Warm-up on up to 100 queries, then every query timed one at a time: recall@k, p50, p99 (ms), qps."""
    for q in Q[:100]:
        search(q)
    ts = np.empty(len(Q))
    results = []
    for i, q in enumerate(Q):
        t0 = time.perf_counter()
        ids = search(q)
        ts[i] = time.perf_counter() - t0
        results.append(ids)
    found = sum(len(set(int(x) for x in ids[:k]) & set(int(x) for x in gt[i, :k])) for i, ids in enumerate(results))
    return found / (len(Q) * k), np.percentile(ts, 50) * 1000, np.percentile(ts, 99) * 1000, len(Q) / ts.sum()


def sweep_rounds(set_ef, search, sweep, rounds, Q, gt, k):
    """Every ef in `rounds` passes interleaved across the sweep, as `bench ann` does: per ef, the fastest pass."""
    best = {}
    for _ in range(max(1, rounds)):
        for ef in sweep:
            set_ef(ef)
            r = one_pass(search, Q, gt, k)
            if ef not in best or r[1] < best[ef][1]:
                best[ef] = r
    return best


def kept(a, system, n, ext):
    """Where --keep saves this system's index for these vectors and settings (None without --keep)."""
    if not a.keep:
        return None
    os.makedirs(a.keep, exist_ok=True)
    name = os.path.basename(a.vectors).rsplit('.', 1)[0]
    return os.path.join(a.keep, f'{system}-{name}-M{a.m}-efc{a.ef_construction}-t{a.threads}.{ext}')


def save_build_seconds(path, seconds):
    with open(path + '.build-seconds', 'w') as fh:
        fh.write(f'{seconds:.6g}\n')


def saved_build_seconds(path):
    try:
        with open(path + '.build-seconds') as fh:
            return float(fh.read())
    except (OSError, ValueError):
        return float('nan')


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('vectors')
    ap.add_argument('dims', type=int)
    ap.add_argument('--queries', required=True)
    ap.add_argument('--ground-truth', required=True)
    ap.add_argument('--k', type=int, default=10)
    ap.add_argument('--m', type=int, default=16)
    ap.add_argument('--ef-construction', type=int, default=100)
    ap.add_argument('--ef', default='10,20,50,100,200,400,800')
    ap.add_argument('--threads', type=int, default=1, help='build threads (queries always run on one)')
    ap.add_argument('--systems', default='hnswlib,faiss')
    ap.add_argument('--rounds', type=int, default=3, help='timed passes per ef, interleaved; the fastest is reported')
    ap.add_argument('--out', help='append the points to OUT/peers-points.csv')
    ap.add_argument('--keep', help='save built indexes in KEEP and reuse them in later runs')
    a = ap.parse_args()
    X = np.fromfile(a.vectors, dtype='<f4').reshape(-1, a.dims)
    Q = np.fromfile(a.queries, dtype='<f4').reshape(-1, a.dims)
    n, k = len(X), a.k
    sweep = [int(e) for e in a.ef.split(',')]
    print(f'peers: {n} vectors x {a.dims} dims, {len(Q)} queries, k={k}, M={a.m}, efC={a.ef_construction}, '
          f'ef {sweep}, build threads {a.threads}')
    gt = ground_truth(a.ground_truth, X, Q)

    rows = []

    def point(system, build, ef, r):
        recall, p50, p99, qps = r
        print(f'{system} float32 sweep ef={ef}: recall@{k} {recall:.4f}, p50 {p50:.3f} ms, p99 {p99:.3f} ms, '
              f'{qps:.0f} qps', flush=True)
        rows.append(dict(system=system, storage='float32', setting='sweep', ef=ef, graph_candidates=max(ef, k), k=k,
                         recall=f'{recall:.6g}', p50_ms=f'{p50:.6g}', p99_ms=f'{p99:.6g}', qps=f'{qps:.6g}',
                         build_seconds=f'{build:.6g}', n=n, dims=a.dims, queries=len(Q)))

    systems = a.systems.split(',')
    if 'hnswlib' in systems:
        import hnswlib
        h = hnswlib.Index(space='ip', dim=a.dims)
        saved = kept(a, 'hnswlib', n, 'bin')
        if saved and os.path.exists(saved):
            h.load_index(saved, max_elements=n)
            build = saved_build_seconds(saved)
            print(f'hnswlib: loaded {saved} (built in {build:.1f} s)', flush=True)
        else:
            t = time.perf_counter()
            h.init_index(max_elements=n, M=a.m, ef_construction=a.ef_construction)
            h.set_num_threads(a.threads)
            h.add_items(X, np.arange(n))
            build = time.perf_counter() - t
            print(f'hnswlib: build {build:.1f} s ({n / build:.0f} vec/s, {a.threads} threads)', flush=True)
            if saved:
                h.save_index(saved)
                save_build_seconds(saved, build)
        h.set_num_threads(1)
        best = sweep_rounds(lambda ef: h.set_ef(max(ef, k)), lambda q: h.knn_query(q[None], k=k)[0][0], sweep,
                            a.rounds, Q, gt, k)
        for ef in sweep:
            point('hnswlib', build, ef, best[ef])
        del h

    if 'faiss' in systems:
        import faiss
        faiss.omp_set_num_threads(a.threads)
        saved = kept(a, 'faiss', n, 'index')
        if saved and os.path.exists(saved):
            f = faiss.read_index(saved)
            build = saved_build_seconds(saved)
            print(f'faiss: loaded {saved} (built in {build:.1f} s)', flush=True)
        else:
            t = time.perf_counter()
            f = faiss.IndexHNSWFlat(a.dims, a.m, faiss.METRIC_INNER_PRODUCT)
            f.hnsw.efConstruction = a.ef_construction
            f.add(X)
            build = time.perf_counter() - t
            print(f'faiss: build {build:.1f} s ({n / build:.0f} vec/s, {a.threads} threads)', flush=True)
            if saved:
                faiss.write_index(f, saved)
                save_build_seconds(saved, build)
        faiss.omp_set_num_threads(1)

        def set_ef(ef):
            f.hnsw.efSearch = max(ef, k)
        best = sweep_rounds(set_ef, lambda q: f.search(q[None], k)[1][0], sweep, a.rounds, Q, gt, k)
        for ef in sweep:
            point('faiss', build, ef, best[ef])
        del f

    if a.out:
        os.makedirs(a.out, exist_ok=True)
        path = os.path.join(a.out, 'peers-points.csv')
        fresh = not os.path.exists(path) or os.path.getsize(path) == 0
        with open(path, 'a', newline='') as fh:
            w = csv.DictWriter(fh, fieldnames=FIELDS)
            if fresh:
                w.writeheader()
            w.writerows(rows)


if __name__ == '__main__':
    main()
