"""What the trust measures cost (issue 14): seconds per film for each method and measure, a deletion curve against
its bare forward passes, and a 200-film `cxr-xai trust` run.

    python benchmarks/trust.py cells --model M128 --size 128      # method × measure at 128 px, on the demo's model
    python benchmarks/trust.py cells --size 224                   # the same at 224 px (an untrained teaching CNN)
    python benchmarks/trust.py curve --model M128 --sizes 128,224 # perturbation curves against the bare forward passes
    python benchmarks/trust.py run --model M128 --data PHANTOM --n 200   # `cxr-xai trust` over 200 films, as a user runs it
    python benchmarks/trust.py run ... --methods ig,gradcam   # the same with some methods (`--methods` is passed on)

What results/trust.json holds was measured on a loaded shared machine with fewer films and repeats than the defaults
(its 'note' says how): `cells --films 3 --budget 0.5 --min-repeats 1` (then `--add --methods ... --measures ...` for
what did not fit), `curve --sizes 128,224`, and a 200-film `run` stopped after 4 films. On a quiet machine, run the
three parts with their defaults, one after the other, and then `python benchmarks/tables.py`.

Each part merges its result into `--out` (default `benchmarks/results/trust.json`) under its own key, so the parts
can run in separate processes (and on a shared machine, one after the other). `python benchmarks/tables.py` then
writes `results/trust.md` from it. Every process uses one torch thread (`--threads`), so CPU seconds
(`time.process_time`) are the work of this code and not of threads spinning on a loaded machine; wall seconds are
recorded beside them, with the load average at the start and the end.

cells: for every method `trust` uses (the registry, with `trust`'s own options: `TRUST_OPTIONS`) and the edge-map
control, on phantom PNEUMONIA films (`synth_xray`, with their lesion masks), the seconds one film costs for
  explain         the explanation itself (what every measure starts from)
  localisation    pointing game, share and Otsu IoU against the mask (`localisation`)
  faithfulness    deletion + insertion in the map's order and in 2 random orders, 32 steps, blur: 6 curves of 33 images
                  (`trust` runs the 4 random-order curves once per film and shares them among the methods: there, a
                  method's own share is its 2 curves, a third of this figure)
  randomisation   the map of the fully re-initialised model, compared three ways (as `trust` runs it)
  cascading       `cascading_randomisation`: one map per layer group re-initialised, top down (the Adebayo picture)
  seed            `seed_stability`: the map again with another seed (methods that take a seed)
  sensitivity     `max_sensitivity` with 2 perturbed films and the film's map given (as `trust` runs it)
cold = the first call of that method (or measure) in the process, after one forward pass has initialised torch;
warm = the median of the later calls, each on the next film. A cell whose cold call costs more than
`--budget` CPU seconds gets fewer warm repeats (at least `--min-repeats`), recorded with it.

curve: a deletion curve (32 steps: 33 images) and `faithfulness` (6 curves: 198 images) against the same number of
images through the model alone (`inference_mode`, nothing else), each over batch sizes; the ratio is taken at the
best batch size of each, and for `batch_size='auto'` against the best bare batch.

run: `cxr-xai trust MODEL DATA --n N` in a fresh process (all methods, all measures, the defaults), its wall time,
its CPU time (`getrusage` of the child), films per second, and the share of the recorded seconds each method and
measure took (from the per-film records the run writes).
"""
import argparse, json, math, os, platform, resource, shutil, statistics, subprocess, sys, tempfile, time, warnings
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path = [p for p in sys.path if Path(p or '.').resolve() != HERE]   # benchmarks/lime.py must not hide the lime package
OUT = HERE/'results'/'trust.json'
MEASURES = ('explain', 'localisation', 'faithfulness', 'randomisation', 'cascading', 'seed', 'sensitivity')

def machine(threads):
    import torch
    return dict(platform=platform.platform(), cpus=os.cpu_count(), torch=torch.__version__, threads=threads, device='cpu',
                gpu='none (not measured)')

def load_avg(): return [round(v, 2) for v in os.getloadavg()]

def merge(path, key, value):
    "Write `value` under `key` of the JSON file at `path`, keeping the other parts."
    p = Path(path); d = json.loads(p.read_text()) if p.exists() else {}
    d[key] = value; p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(d, indent=1) + '\n')

def clock(f):
    "CPU and wall seconds of one call, and its result."
    c, w = time.process_time(), time.perf_counter(); r = f()
    return time.process_time() - c, time.perf_counter() - w, r

def med(xs): return round(statistics.median(xs), 4) if xs else None

# ---------------------------------------------------------------------------------------------------- cells
def films_at(size, n):
    from cxr_xai.data import synth_xray
    return [synth_xray(size, True, seed=1000 + k) for k in range(n)]

def model_at(size, model_file):
    import torch
    from cxr_xai.model import create_model, load_model
    if model_file: m = load_model(model_file); assert m.size == size, f"{model_file} is a {m.size}-px model"
    else: torch.manual_seed(0); m = create_model('teaching', size=size)
    return m.eval()

def cells(a):
    import numpy as np, torch
    torch.set_num_threads(a.threads)
    from cxr_xai.explanation import method_names
    from cxr_xai import trust as T
    size = a.size; model = model_at(size, a.model); films = films_at(size, a.films)
    with torch.inference_mode(): model(torch.as_tensor(films[0][0])[None, None])   # torch's own first-call cost is no method's
    methods = {m: (m, T.TRUST_OPTIONS.get(m, {})) for m in (a.methods.split(',') if a.methods else method_names())}
    if not a.add or 'sobel' in (a.methods or ''): methods[T.CONTROL] = (T.sobel_map, {})
    L = len(T.layer_groups(model)); tgt = 'PNEUMONIA'
    res = dict(size=size, model=(f"the demo's trained model ({Path(a.model).name}, {a.model_note})" if a.model else
                                 "a teaching CNN at 224 px with untrained weights (torch seed 0): the cost does not depend on the weights"),
               films=f"{a.films} phantom PNEUMONIA films (synth_xray, seeds 1000-{999 + a.films}) with their lesion masks",
               layer_groups=L, methods={}, load_avg_at_start=load_avg(), started=datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC'))
    if a.add and Path(a.out).exists():                                   # add methods to an earlier run of this size
        old = json.loads(Path(a.out).read_text()).get(f'cells_{size}')
        if old: res['methods'], res['load_avg_at_start'], res['started'] = old['methods'], old['load_avg_at_start'], old['started']
    todo = a.measures.split(',') if a.measures else MEASURES
    t_all = time.perf_counter()
    for name, (method, kw) in methods.items():
        fn = T.explainer_of(method); seeded = 'seed' in __import__('inspect').signature(fn).parameters
        exps = {}
        def ex(k): e = T.run_explainer(model, films[k][0], method, tgt, **kw); exps[k] = e; return e
        calls = dict(
            explain=ex,
            localisation=lambda k: T.localisation(exps[k], films[k][1]),
            faithfulness=lambda k: T.faithfulness(model, exps[k], 'blur', 32, n_random=2, reuse_reference=False),
            randomisation=lambda k: (lambda er: (T.rank_correlation(exps[k], er), T.rank_correlation(exps[k], er, absolute=False),
                                                  T.map_ssim(exps[k], er)))(
                T.run_explainer(T.randomise_top(model, L), films[k][0], method, exps[k].target, **kw)),
            cascading=lambda k: T.cascading_randomisation(model, films[k][0], method, tgt, **kw),
            seed=(lambda k: T.seed_stability(model, films[k][0], method, target=tgt, **kw)) if seeded else None,
            sensitivity=lambda k: T.max_sensitivity(model, films[k][0], method, n=2, target=exps[k].target, e=exps[k], **kw))
        row = {}
        for meas in MEASURES:
            f = calls[meas]
            if f is None: row[meas] = None; continue
            if meas not in todo and meas != 'explain': continue         # not measured (absent from the table's cell)
            c0, w0, _ = clock(lambda: f(0))
            reps = a.repeats if c0 <= a.budget else max(a.min_repeats, min(a.repeats, int(a.budget * a.repeats / c0)))
            cs, ws = [], []
            for r in range(reps):
                k = 1 + r % (len(films) - 1)
                c, w, _ = clock(lambda: f(k)); cs.append(c); ws.append(w)
            if meas == 'explain': [ex(k) for k in range(len(films)) if k not in exps]   # every film gets its map
            row[meas] = dict(cold_cpu_s=round(c0, 4), cold_wall_s=round(w0, 4), warm_cpu_s=med(cs), warm_wall_s=med(ws), repeats=reps)
            print(f"{size} px {name:16s} {meas:13s} cold {c0:7.3f} s  warm {med(cs):7.3f} s CPU ({reps} repeats)", flush=True)
        res['methods'][name] = dict(options={k: v for k, v in kw.items()}, seeded=seeded, films=a.films, cells=row)
        res['load_avg_at_end'] = load_avg(); res['wall_s'] = round(time.perf_counter() - t_all, 1)
        res['repeats'], res['budget_cpu_s'], res['machine'] = a.repeats, a.budget, machine(a.threads)
        merge(a.out, f'cells_{size}', res)                          # a stopped run keeps what it measured
    return res

# ---------------------------------------------------------------------------------------------------- curve
def curve(a):
    import numpy as np, torch
    torch.set_num_threads(a.threads)
    from cxr_xai import trust as T
    from cxr_xai.explanation import Explanation
    out = dict(load_avg_at_start=load_avg(), machine=machine(a.threads), repeats=a.repeats, sizes={})
    for size in [int(s) for s in a.sizes.split(',')]:
        model = model_at(size, a.model if size == 128 else None)
        x, m = films_at(size, 1)[0]; amap = np.random.default_rng(0).random((size, size)).astype(np.float32)
        e = Explanation(amap, x, 'noise', {}, target=1)
        def bare(n, bs):
            xb = torch.as_tensor(np.stack([x] * n))[:, None]
            def f():
                with torch.inference_mode():
                    for i in range(0, n, bs): model(xb[i:i + bs])
            return f
        with torch.inference_mode(): model(torch.as_tensor(x)[None, None])
        n1, auto = 33, T.curve_batch_size(33, size * size)
        bss = sorted({1, 2, 4, 8, 16, 33, auto})
        def sweep(make, keys):
            "Median CPU and wall seconds of each variant, interleaved round-robin over the repeats."
            cs, ws = {k: [] for k in keys}, {k: [] for k in keys}
            for k in keys: make(k)()                                  # one call each first, not scored
            for _ in range(a.repeats):
                for k in keys: c, w, _ = clock(make(k)); cs[k].append(c); ws[k].append(w)
            return {str(k): dict(cpu_s=med(cs[k]), wall_s=med(ws[k])) for k in keys}
        row = dict(images=n1, auto_batch_size=auto)
        row['bare'] = sweep(lambda bs: bare(n1, bs), bss)
        row['curve'] = sweep(lambda bs: (lambda: T.perturbation_curve(model, e, batch_size=bs)), bss + ['auto'])
        # faithfulness as `trust` runs it (2 map curves, 2 x 2 random ones: 198 images), the reference not reused
        row['faithfulness_images'] = 6 * n1
        row['faithfulness'] = sweep(lambda bs: (lambda: T.faithfulness(model, e, n_random=2, batch_size=bs, reuse_reference=False)), ['auto', 64])
        best = lambda d, ks=None: min((v['cpu_s'], k) for k, v in d.items() if ks is None or k in ks)
        (bc, bk), (cc, ck) = best(row['bare']), best(row['curve'], [str(b) for b in bss])
        row['ratio_best'] = dict(curve_bs=ck, bare_bs=bk, cpu=round(cc / bc, 3))
        row['ratio_auto'] = round(row['curve']['auto']['cpu_s'] / bc, 3)
        row['ratio_old_default_64'] = round(row['curve']['33']['cpu_s'] / bc, 3)   # 64 per pass = all 33 in one pass
        row['faithfulness_ratio_auto'] = round(row['faithfulness']['auto']['cpu_s'] / (6 * bc), 3)   # floor: 6 x 33 images at the best batch
        row['faithfulness_ratio_old_default_64'] = round(row['faithfulness']['64']['cpu_s'] / (6 * bc), 3)
        out['sizes'][str(size)] = row
        print(size, json.dumps({k: v for k, v in row.items() if 'ratio' in k}), flush=True)
    out['load_avg_at_end'] = load_avg(); out['target'] = 1.2
    merge(a.out, 'curve', out)
    return out

# ---------------------------------------------------------------------------------------------------- run
def _proc_cpu(pid):
    "User + system CPU seconds of a live process (Linux /proc), or None."
    try: f = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()
    except OSError: return None
    return (int(f[11]) + int(f[12])) / os.sysconf('SC_CLK_TCK')

def run(a):
    out = Path(a.work)/'trust_run'
    if out.exists() and not (a.resume or a.stopped): shutil.rmtree(out)
    env = dict(os.environ, OMP_NUM_THREADS=str(a.threads), MKL_NUM_THREADS=str(a.threads), PYTHONWARNINGS='ignore')
    cmd = ['cxr-xai', 'trust', a.model, a.data, '--n', str(a.n), '--out', str(out)] + (['--methods', a.methods] if a.methods else [])
    la0 = load_avg(); started = datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN); t = time.perf_counter(); cpu = None
    if a.stopped:   # a run stopped by hand: its wall and CPU seconds (from /proc/PID/stat before the stop), its start
        wall, cpu, la, started = a.stopped.split(',', 3); la0 = [float(la)]
        return summarise_run(a, out, float(wall), float(cpu), False, la0, started, cmd)
    with open(Path(a.work)/'trust_run.log', 'w') as log:
        p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        while p.poll() is None:
            time.sleep(2)
            if a.deadline_s and time.perf_counter() - t > a.deadline_s:   # stop it as a user would (it resumes later)
                cpu = _proc_cpu(p.pid); p.terminate(); p.wait(); break
    wall = time.perf_counter() - t; r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    finished = cpu is None
    if finished and p.returncode: sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}; see {Path(a.work)/'trust_run.log'}")
    if finished: cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return summarise_run(a, out, wall, cpu, finished, la0, started, cmd)

def summarise_run(a, out, wall, cpu, finished, la0, started, cmd):
    "The run's entry of the results file, from its timings and the per-film records it wrote."
    prev = json.loads(Path(a.out).read_text()).get('run') if a.resume and Path(a.out).exists() else None
    if prev and not prev.get('finished'):                     # a resumed run: the sessions' seconds add up
        wall, cpu, sessions, la0, started = wall + prev['wall_s'], cpu + prev['cpu_s'], prev.get('sessions', 1) + 1, prev['load_avg_at_start'], prev['started']
    else: sessions = 1
    recs = sorted(out.rglob('*_trust.json'))
    rows = [row for f in recs for row in json.loads(f.read_text())]
    info = json.loads((out/'trust.json').read_text()) if finished else {}
    secs = {}
    for row in rows:
        for k, v in row.items():
            if k.startswith('sec_') and v is not None: secs.setdefault(row['method'], {}).setdefault(k[4:], 0.); secs[row['method']][k[4:]] += v
    total = sum(v for d in secs.values() for v in d.values())
    by_measure = {}
    for d in secs.values():
        for k, v in d.items(): by_measure[k] = by_measure.get(k, 0.) + v
    done = len(recs)
    r = dict(command=f'cxr-xai trust MODEL DATA --n {a.n} --out DIR' + (f' --methods {a.methods}' if a.methods else ''), methods=info.get('methods', sorted(secs)),
             measures=info.get('measures', ['localisation', 'faithfulness', 'randomisation', 'stability']),
             sanity_n=info.get('sanity_n', 5), films=a.n, films_done=done, finished=finished, data=a.data_note, model=a.model_note,
             threads=a.threads, sessions=sessions, wall_s=round(wall, 1), cpu_s=round(cpu, 1), films_per_s_wall=round(done / wall, 4),
             films_per_cpu_s=round(done / cpu, 4), wall_s_per_film=round(wall / max(done, 1), 3), cpu_s_per_film=round(cpu / max(done, 1), 3),
             recorded_s=round(total, 1), recorded_share_of_wall=round(total / wall, 3),
             share_by_method={m: round(sum(d.values()) / total, 4) for m, d in secs.items()},
             share_by_measure={k: round(v / total, 4) for k, v in sorted(by_measure.items(), key=lambda kv: -kv[1])},
             share_by_method_measure={m: {k: round(v / total, 4) for k, v in d.items()} for m, d in secs.items()},
             note=("Shares are of the wall seconds each film's record holds (`sec_*`, measured around each step); the rest of "
                   "the wall time is starting Python and the model, reading films, the summary and the report's pictures. "
                   + ("" if finished else f"The run was stopped after {wall:.0f} s (the benchmark's time limit on a shared "
                      "machine), as a user would stop it: `cxr-xai trust` resumes where it stopped; the figures are of the films it finished, "
                      f"the first {min(5, done)} of which carry the randomisation and stability checks (`--sanity-n 5`).")
                   + ("" if sessions == 1 else f" Wall and CPU seconds are summed over {sessions} sessions (resumed with --resume), "
                      "each paying the start-up again.")),
             load_avg_at_start=la0, load_avg_at_end=load_avg(), machine=machine(a.threads), started=started)
    merge(a.out, 'run', r)
    print(json.dumps(r, indent=1))
    return r

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('part', choices=['cells', 'curve', 'run'])
    ap.add_argument('--model', default=None, help='a 128-px teaching-CNN model file (the demo\'s)')
    ap.add_argument('--model-note', default="the model of `cxr-xai demo`, 128 px, trained on 1200 phantom films")
    ap.add_argument('--size', type=int, default=128); ap.add_argument('--sizes', default='128,224')
    ap.add_argument('--films', type=int, default=6); ap.add_argument('--methods', default=None)
    ap.add_argument('--repeats', type=int, default=5); ap.add_argument('--min-repeats', type=int, default=2)
    ap.add_argument('--budget', type=float, default=4., help='CPU seconds a cold call may take before warm repeats are cut')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--measures', default=None, help='cells: a comma list of measures (default all)')
    ap.add_argument('--add', action='store_true', help='cells: add methods to the results of an earlier run of the same size')
    ap.add_argument('--data', default=None); ap.add_argument('--data-note', default='')
    ap.add_argument('--n', type=int, default=200); ap.add_argument('--work', default=tempfile.gettempdir())
    ap.add_argument('--deadline-s', type=float, default=0, help='stop the trust run after this many seconds (0: never)')
    ap.add_argument('--resume', action='store_true', help='keep an earlier run\'s folder (the run resumes)')
    ap.add_argument('--stopped', default=None, help="WALL,CPU,LOAD,STARTED of a run stopped by hand: summarise its folder")
    ap.add_argument('--out', default=str(OUT))
    a = ap.parse_args()
    warnings.simplefilter('ignore')
    dict(cells=cells, curve=curve, run=run)[a.part](a)

if __name__ == '__main__': main()
