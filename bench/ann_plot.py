#!/usr/bin/env python3
"""Plots and tabulates the recall-latency curves of `bench/ann.sh`, the way ann-benchmarks draws them: recall@k on
the x axis, queries per second (one query at a time, 1 / median latency) on a log y axis, one line per system and storage; the product's
default setting is a star.

  ann_plot.py DIR [--png OUT.png] [--title-extra TEXT]

DIR holds lucene-points.csv (from `dreamsim bench ann --out DIR`) and peers-points.csv (from bench/ann_peers.py).
Prints Markdown tables on stdout: every point, then the p50/p99 latency each curve needs for recall 0.95 and 0.99,
interpolated linearly in recall between the two sweep points around the target (no such point is measured).
Needs Debian's python3-matplotlib; run with /usr/bin/python3.
"""
import argparse
import csv
import datetime
import os
from collections import OrderedDict


def load(directory):
    rows = []
    for name in ('lucene-points.csv', 'peers-points.csv'):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            with open(path, newline='') as fh:
                rows += list(csv.DictReader(fh))
    for r in rows:
        for f in ('ef', 'graph_candidates', 'k', 'n', 'dims', 'queries'):
            r[f] = int(r[f])
        for f in ('recall', 'p50_ms', 'p99_ms', 'qps', 'build_seconds'):
            r[f] = float(r[f])
    return rows


def curves(rows):
    """(system, storage) -> sweep points sorted by ef; and -> the default point, if measured."""
    sweep, default = OrderedDict(), {}
    for r in rows:
        key = (r['system'], r['storage'])
        if r['setting'] == 'default':
            default[key] = r
        else:
            sweep.setdefault(key, []).append(r)
    for pts in sweep.values():
        pts.sort(key=lambda r: r['ef'])
    return sweep, default


def needed(points, target, field):
    """The latency at recall `target`, interpolated linearly in recall between the sweep points around it."""
    best = None
    for a, b in zip(points, points[1:]):
        if a['recall'] < target <= b['recall']:
            t = (target - a['recall']) / (b['recall'] - a['recall'])
            best = a[field] + t * (b[field] - a[field]), f"ef {a['ef']}-{b['ef']}"
            break
    if best is None and points and points[0]['recall'] >= target:
        best = points[0][field], f"ef {points[0]['ef']} (first point)"
    return best


def qps(point):
    """Queries per second at the median latency: on a shared machine the mean (ann-benchmarks' QPS, the `qps`
    column) follows the other jobs' bursts more than the index."""
    return 1000.0 / point['p50_ms']


def label(key):
    system, storage = key
    return system if system != 'lucene' else f'Lucene {storage}' + (' (rescored)' if storage != 'float32' else '')


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('dir')
    ap.add_argument('--png')
    ap.add_argument('--title-extra', default='')
    a = ap.parse_args()
    rows = load(a.dir)
    if not rows:
        raise SystemExit(f'no points in {a.dir}')
    sweep, default = curves(rows)
    n, dims, nq, k = rows[0]['n'], rows[0]['dims'], rows[0]['queries'], rows[0]['k']

    print(f'Points ({n} x {dims}, {nq} queries, recall@{k}; p50/p99 of one query at a time):\n')
    print('| system | storage | setting | ef | graph candidates | recall@10 | p50 ms | p99 ms | QPS |')
    print('|---|---|---|---|---|---|---|---|---|')
    for key, pts in sweep.items():
        for r in pts + ([default[key]] if key in default else []):
            print(f"| {r['system']} | {r['storage']} | {r['setting']} | {r['ef']} | {r['graph_candidates']} | "
                  f"{r['recall']:.3f} | {r['p50_ms']:.3f} | {r['p99_ms']:.3f} | {r['qps']:.0f} |")
    print('\nLatency needed for a recall (interpolated linearly in recall between the two sweep points around it):\n')
    print('| system | storage | p50 ms @ 0.95 | p99 ms @ 0.95 | p50 ms @ 0.99 | p99 ms @ 0.99 | default: recall, p50 |')
    print('|---|---|---|---|---|---|---|')
    for key, pts in sweep.items():
        cells = []
        for target in (0.95, 0.99):
            for field in ('p50_ms', 'p99_ms'):
                v = needed(pts, target, field)
                cells.append(f'{v[0]:.3f} ({v[1]})' if v else f"not reached (max {max(p['recall'] for p in pts):.3f})")
        d = default.get(key)
        cells.append(f"{d['recall']:.3f} at {d['p50_ms']:.3f} ms (ef {d['ef']})" if d else '')
        print(f'| {key[0]} | {key[1]} | ' + ' | '.join(cells) + ' |')

    if a.png:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
        styles = {('lucene', 'float32'): ('C0', 'o'), ('lucene', 'int8'): ('C1', 's'), ('lucene', 'int4'): ('C2', 'D'),
                  ('lucene', 'int1'): ('C4', 'v'), ('hnswlib', 'float32'): ('C3', '^'),
                  ('faiss', 'float32'): ('C7', 'P')}
        fig, ax = plt.subplots(figsize=(9, 6), dpi=110)
        for i, (key, pts) in enumerate(sweep.items()):
            color, marker = styles.get(key, (f'C{i % 10}', 'o'))
            ax.plot([p['recall'] for p in pts], [qps(p) for p in pts], marker=marker, color=color, label=label(key),
                    linewidth=1.5, markersize=5)
            for p in pts:
                if p['ef'] in (10, 100, 800):
                    ax.annotate(str(p['ef']), (p['recall'], qps(p)), textcoords='offset points', xytext=(4, 4),
                                fontsize=7, color=color)
            if key in default:
                d = default[key]
                ax.plot([d['recall']], [qps(d)], marker='*', color=color, markersize=15, markeredgecolor='black',
                        linestyle='none', label=f'{label(key)}: default (ef {d["ef"]})' if key == ('lucene', 'float32')
                        else None)
        ax.set_yscale('log')
        ax.set_xlabel(f'recall@{k} (against exact search)')
        ax.set_ylabel('queries per second, 1 / median latency (one query at a time, log scale)')
        ax.axvline(0.95, color='grey', linestyle=':', linewidth=1)
        lo = min(r['recall'] for r in rows)
        ax.set_xlim(max(0.0, lo - 0.02), 1.005)
        ax.grid(True, which='both', alpha=0.3)
        date = datetime.date.today().isoformat()
        ax.set_title(f'{n:,} x {dims} embedding-like vectors, {nq} queries, M=16, efConstruction=100 - {date}'
                     + (f'\n{a.title_extra}' if a.title_extra else ''), fontsize=10)
        ax.legend(fontsize=8, loc='lower left')
        fig.tight_layout()
        fig.savefig(a.png)
        print(f'\nplot: {a.png}')


if __name__ == '__main__':
    main()
