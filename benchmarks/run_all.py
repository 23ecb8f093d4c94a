#!/usr/bin/env python
"""Re-run every benchmark, one after the other, and keep what each printed.

    python benchmarks/run_all.py [--quick]

Each benchmark's output goes to `benchmarks/results/NAME.log` (and its JSON to `NAME.json` where it writes one);
then `benchmarks/tables.py` writes the tables of `benchmarks/README.md` and `results/*.md` from those JSON files.
IG and LIME compare medians of CPU seconds (less disturbed by other jobs than wall-clock time); a quiet machine
still gives the most trustworthy figures.
"""
import json, os, platform, subprocess, sys, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RES = HERE/'results'
RUNS = {  # name: arguments (the JSON path is added where the script takes one)
    'phantom': [],
    'train': [],
    'ig': ['--sizes', '64,224', '--json', str(RES/'ig.json')],
    'lime': ['--repeats', '5', '--out', str(RES/'lime.json')],
}
QUICK = {'train': ['--quick'], 'lime': ['--archs', 'teaching', '--sizes', '64', '--out', str(RES/'lime.json')],
         'ig': ['--archs', 'teaching', '--sizes', '64', '--json', str(RES/'ig.json')]}

def main():
    quick = '--quick' in sys.argv
    RES.mkdir(exist_ok=True)
    machine = dict(python=platform.python_version(), machine=platform.machine(), cpus=os.cpu_count(),
                   load_avg_at_start=os.getloadavg())
    summary = {}
    for name, args in RUNS.items():
        args = QUICK.get(name, args) if quick else args
        cmd = [sys.executable, str(HERE/f'{name}.py'), *args]
        print(f"== {' '.join(['python', f'benchmarks/{name}.py', *args])}", flush=True)
        t = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True)
        secs = time.perf_counter() - t
        (RES/f'{name}.log').write_text(r.stdout + ('\n--- stderr ---\n' + r.stderr if r.stderr.strip() else ''))
        print(r.stdout[-3000:], flush=True)
        if name in ('phantom', 'train') and r.returncode == 0:  # these print their JSON as the last line
            last = [l for l in r.stdout.splitlines() if l.startswith('{')]
            if last: (RES/f'{name}.json').write_text(json.dumps(json.loads(last[-1]), indent=1))
        summary[name] = dict(seconds=round(secs, 1), returncode=r.returncode)
        if r.returncode: print(f'   {name} FAILED (exit {r.returncode}); see {RES/name}.log', flush=True)
    (RES/'run_all.json').write_text(json.dumps(dict(machine=machine, runs=summary), indent=1))
    print(json.dumps(summary))
    subprocess.run([sys.executable, str(HERE/'tables.py')])
    sys.exit(1 if any(v['returncode'] for v in summary.values()) else 0)

if __name__ == '__main__': main()
