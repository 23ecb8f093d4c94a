"""Explaining a folder in one process and in two (torchrun, gloo, CPU), and resuming a finished run.

    python benchmarks/scale.py [--n 200] [--size 64] [--method saliency] [--repeats 3] [--out benchmarks/results/scale.json]

For each setting it runs `cxr-xai explain` over the same phantom folder into a fresh output folder and measures
the wall time and the CPU time of the whole process tree (user + system of the launcher's children, from
`getrusage(RUSAGE_CHILDREN)`), per film; then runs the finished command again (resume: every film is skipped)
and reports its wall time against the first run. Targets (issue 15): two processes cost <= 1.1x the CPU time
per film of one; resuming a finished run costs < 2% of the run. Medians over --repeats. Each process is given
one thread (OMP_NUM_THREADS=1), so two processes use the two cores and one process uses one: the wall-time
ratio is the speed-up from sharding, the CPU ratio its overhead. No GPU here: mixed precision is not measured.
"""
import argparse, json, os, resource, shutil, statistics, subprocess, sys, tempfile, time
from pathlib import Path

def _run(cmd, env):
    "Wall seconds and CPU seconds (children) of one command; raises if it fails."
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN); t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t; r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode: sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-3000:]}")
    return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, default=200); ap.add_argument('--size', type=int, default=64)
    ap.add_argument('--method', default='saliency'); ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--out', default=str(Path(__file__).resolve().parent/'results'/'scale.json'))
    a = ap.parse_args()
    from cxr_xai.data import make_phantom
    from cxr_xai.train import phantom_model
    from cxr_xai.model import save_model
    work = Path(tempfile.mkdtemp(prefix='cxr_xai_scale_'))
    try:
        ph = make_phantom(work/'phantom', n=a.n, size=a.size, seed=0)
        model, _ = phantom_model(size=a.size)
        save_model(model, work/'model.safetensors')
        env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONWARNINGS='ignore')
        films = [str(p) for p in sorted(Path(ph).rglob('*.jpeg'))][:a.n]
        args = ['explain', str(work/'model.safetensors'), *films, '--method', a.method]
        rows = {}
        for name, pre in [('one process', ['cxr-xai']), ('two processes', ['torchrun', '--nproc_per_node', '2', '--no-python', 'cxr-xai'])]:
            runs, resumes = [], []
            for r in range(a.repeats):
                out = work/f'out-{len(rows)}-{r}'
                runs.append(_run([*pre, *args, '--out', str(out)], env))
                resumes.append(_run([*pre, *args, '--out', str(out)], env))
                shutil.rmtree(out, ignore_errors=True)
            med = lambda xs: statistics.median(xs)
            rows[name] = dict(films=len(films), wall_s=round(med([w for w, c in runs]), 2), cpu_s=round(med([c for w, c in runs]), 2),
                              cpu_s_per_film=round(med([c for w, c in runs]) / len(films), 4),
                              resume_wall_s=round(med([w for w, c in resumes]), 2),
                              resume_share=round(med([w for w, c in resumes]) / med([w for w, c in runs]), 4),
                              repeats=a.repeats)
        one, two = rows['one process'], rows['two processes']
        res = dict(method=a.method, size=a.size, n=len(films), rows=rows,
                   cpu_ratio_two_over_one=round(two['cpu_s_per_film'] / one['cpu_s_per_film'], 3),
                   wall_speedup=round(one['wall_s'] / two['wall_s'], 3),
                   targets=dict(cpu_ratio_max=1.1, resume_share_max=0.02),
                   note=("Both wall and CPU time include starting Python and the model in each process (a fixed cost, "
                         "larger in the two-process run: two interpreters, torchrun and the gloo group). "
                         "The resume run also pays that start-up; the films themselves are only stat-ed."),
                   cpus=os.cpu_count(), load_average=[round(x, 2) for x in os.getloadavg()], gpu='none (not measured)')
        Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(json.dumps(res, indent=1))
        print(json.dumps(res, indent=1))
    finally: shutil.rmtree(work, ignore_errors=True)

if __name__ == '__main__': main()
