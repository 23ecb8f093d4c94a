#!/usr/bin/env python
"""Time the demo and keep every timed run in `results/demo.json`: the one source of the demo's times.

    python benchmarks/demo.py run [--quick] [--out DIR] [--note TEXT]   # run `cxr-xai demo` in a fresh process and time it
    python benchmarks/demo.py add OUT_DIR [--wall S] [--note TEXT]      # add a demo run elsewhere (its folder's metrics.json)

Each run records the demo's own step seconds (its `metrics.json`), the wall and CPU seconds of the process when
this script ran it, the load average before and after, the machine, the commit and a note (say how many other
jobs shared the machine). `benchmarks/tables.py` writes from this file the README's table (the range of each
preset over the runs) and the times `cxr-xai demo --help` prints.
"""
import argparse, json, os, platform, resource, subprocess, sys, tempfile, time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE/'results'/'demo.json'

def commit():
    r = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=HERE, capture_output=True, text=True)
    return r.stdout.strip() or None

def record(out, note='', wall=None, cpu=None, load=None):
    "One run's entry, from the demo folder `out` (its metrics.json) and what was measured around it."
    m = json.loads((Path(out)/'metrics.json').read_text())
    return dict(preset=m['preset'], started=m['started'], machine=m['machine'], cxr_xai_commit=commit() if wall is not None else None,
                seconds=m['seconds'], wall_s=None if wall is None else round(wall, 1), cpu_s=None if cpu is None else round(cpu, 1),
                load_avg_1min=load, test_auc=round(m['test']['metrics']['roc_auc']['value'], 3),
                n=m['config']['n'], size=m['config']['size'], note=note)

def save(entry):
    d = json.loads(RESULTS.read_text()) if RESULTS.exists() else dict(runs=[])
    d['runs'].append(entry)
    RESULTS.write_text(json.dumps(d, indent=1, ensure_ascii=False) + '\n')
    print(f"{entry['preset']}: {entry['seconds']['total']} s (wall {entry['wall_s']}, CPU {entry['cpu_s']}) added to {RESULTS}")

def run(quick, out, note):
    out = Path(out or tempfile.mkdtemp(prefix='cxr_demo_'))/'demo'
    cmd = [sys.executable, '-c', 'import sys; from cxr_xai.cli import main; sys.exit(main())', 'demo', '--out', str(out)] + (['--quick'] if quick else [])
    l0, r0, t0 = os.getloadavg()[0], resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL)
    wall, r1, l1 = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_CHILDREN), os.getloadavg()[0]
    if p.returncode: sys.exit(f'the demo failed (exit {p.returncode})')
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    save(record(out, note, wall, cpu, [round(l0, 1), round(l1, 1)]))
    print(f'its folder: {out}')

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest='what', required=True)
    r = sub.add_parser('run'); r.add_argument('--quick', action='store_true'); r.add_argument('--out'); r.add_argument('--note', default='')
    a = sub.add_parser('add'); a.add_argument('out'); a.add_argument('--wall', type=float); a.add_argument('--note', default='')
    args = ap.parse_args()
    if args.what == 'run': run(args.quick, args.out, args.note)
    else: save(record(args.out, args.note, args.wall))
