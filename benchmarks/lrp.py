"""LRP speed (issue 13): `cxr_xai.lrp.lrp` against its floor and against IG-50, CPU time and wall time.

For each architecture (random init, 224 px, one phantom film), these variants:
  lrp           `lrp(model, x)`: the whole call (plain forward for the target, deep copy + canonize, hooked
                forward + backward, conservation check)
  floor_plain   one forward + one backward w.r.t. the input on the model, no hooks (what a gradient costs)
  floor_hooked  one forward + one backward through the canonized copy with zennit's EpsilonPlusFlat hooks
                registered (what the rules themselves cost; canonizing not included)
  canonize      the deep copy + canonizers alone
  ig50          `integrated_gradients(model, x, n_steps=50)` (cxr_xai's IG defaults)
Warm: median of --repeats runs after one warm-up, variants interleaved round-robin so a busy machine hurts all
alike. Cold: the first call in a fresh process (imports and model built beforehand, not timed), one process per
variant, --cold-repeats processes, median. CPU time is `time.process_time` (all threads of the process), wall
is `time.perf_counter`. The load average is recorded at the start and the end: read ratios within one run.

    python benchmarks/lrp.py                                  # teaching + resnet18 at 224 px -> results/lrp.json, lrp.md
    python benchmarks/lrp.py --archs teaching --size 64 --repeats 5 --cold-repeats 1 --out /tmp/x
"""
import argparse, json, os, platform, subprocess, sys, time, warnings
from pathlib import Path
import numpy as np, torch
from cxr_xai.model import create_model
from cxr_xai.data import synth_xray
from cxr_xai.ig import integrated_gradients
from cxr_xai.lrp import lrp, canonize, explained_weights, _set_output, _lrp_pass

VARIANTS = ('lrp', 'floor_plain', 'floor_hooked', 'canonize', 'ig50')

def setup(arch, size):
    torch.manual_seed(0)
    model = create_model(arch, pretrained=False, size=size).eval()
    x = torch.from_numpy(synth_xray(size, pneumonia=True, seed=1)[0])
    return model, x

def variants(model, x):
    "name -> zero-argument function running that variant once."
    xb = x[None, None]
    with torch.no_grad(): z = model(xb)
    t = int(z.argmax()); w = explained_weights(z[0], t)
    net = _set_output(canonize(model.net)[0], w)
    def f_lrp(): lrp(model, x)
    def f_plain():
        inp = xb.clone().requires_grad_(True); torch.autograd.grad((model(inp)[0] @ w), inp)
    def f_hooked(): _lrp_pass(model, net, xb, 'EpsilonPlusFlat', 1e-6, 0.25)
    def f_canon(): canonize(model.net)
    def f_ig():
        with warnings.catch_warnings(): warnings.simplefilter('ignore'); integrated_gradients(model, x, n_steps=50)
    return dict(lrp=f_lrp, floor_plain=f_plain, floor_hooked=f_hooked, canonize=f_canon, ig50=f_ig)

def timed(f):
    c0, t0 = time.process_time(), time.perf_counter(); f()
    return time.perf_counter() - t0, time.process_time() - c0

def warm(fns, repeats):
    for f in fns.values(): f()
    runs = {k: [] for k in fns}
    for _ in range(repeats):
        for k, f in fns.items(): runs[k].append(timed(f))
    return {k: dict(wall=float(np.median([r[0] for r in v])), cpu=float(np.median([r[1] for r in v])), n=len(v),
                    wall_all=[round(r[0], 4) for r in v]) for k, v in runs.items()}

def cold(arch, size, variant, threads):
    "Time the first call of `variant` in a fresh process."
    out = subprocess.run([sys.executable, __file__, '--archs', arch, '--size', str(size), '--threads', str(threads),
                          '--_cold', variant], capture_output=True, text=True)
    if out.returncode: raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])

def table(rep):
    "The markdown table of a report."
    m = rep['machine']
    lines = [f"LRP cost (`python benchmarks/lrp.py`), {rep['size']} px, random-init models, one film; {m['cpus']} CPUs, "
             f"{m['torch_threads']} torch threads, torch {m['torch']}; load average {m['load_start']} at the start, "
             f"{m['load_end']} at the end (the machine was shared with other jobs: read ratios, not seconds). "
             f"Warm: median of {rep['repeats']}; cold: median of {rep['cold_repeats']} fresh processes.", "",
             "| model | variant | warm CPU s | warm wall s | cold CPU s | cold wall s | warm CPU ÷ floor_plain |",
             "|---|---|---|---|---|---|---|"]
    for arch, r in rep['archs'].items():
        fp = r['warm']['floor_plain']['cpu']
        for v in VARIANTS:
            w, c = r['warm'][v], r['cold'].get(v, {})
            lines.append(f"| {arch} | {v} | {w['cpu']:.3f} | {w['wall']:.3f} | {c.get('cpu', float('nan')):.3f} | "
                         f"{c.get('wall', float('nan')):.3f} | {w['cpu'] / fp:.1f}× |")
    lines += ["", "| model | LRP ÷ floor_plain (CPU) | LRP ÷ floor_hooked (CPU) | IG-50 ÷ LRP (CPU) | IG-50 ÷ LRP (wall) |",
              "|---|---|---|---|---|"]
    for arch, r in rep['archs'].items():
        q = r['ratios']
        lines.append(f"| {arch} | {q['lrp_over_floor_plain_cpu']:.2f} | {q['lrp_over_floor_hooked_cpu']:.2f} | "
                     f"{q['ig50_over_lrp_cpu']:.2f} | {q['ig50_over_lrp_wall']:.2f} |")
    return '\n'.join(lines) + '\n'

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--archs', default='teaching,resnet18'); p.add_argument('--size', type=int, default=224)
    p.add_argument('--repeats', type=int, default=5); p.add_argument('--cold-repeats', type=int, default=3)
    p.add_argument('--threads', type=int, default=0, help='torch threads (0: leave as is)')
    p.add_argument('--out', default=str(Path(__file__).parent / 'results'), help='folder for lrp.json and lrp.md')
    p.add_argument('--_cold', default=None, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    warnings.simplefilter('ignore')
    if a._cold:                                    # child: one variant's first call
        model, x = setup(a.archs, a.size); f = variants(model, x)[a._cold] if a._cold != 'lrp' else (lambda: lrp(model, x))
        wall, cpu = timed(f); print(json.dumps(dict(wall=wall, cpu=cpu))); return
    load0 = [round(v, 1) for v in os.getloadavg()]
    rep = dict(size=a.size, repeats=a.repeats, cold_repeats=a.cold_repeats, archs={})
    for arch in a.archs.split(','):
        model, x = setup(arch, a.size)
        w = warm(variants(model, x), a.repeats)
        c = {}
        for v in VARIANTS:
            runs = [cold(arch, a.size, v, torch.get_num_threads()) for _ in range(a.cold_repeats)]
            c[v] = dict(wall=float(np.median([r['wall'] for r in runs])), cpu=float(np.median([r['cpu'] for r in runs])), n=len(runs))
        ratios = dict(lrp_over_floor_plain_cpu=w['lrp']['cpu'] / w['floor_plain']['cpu'],
                      lrp_over_floor_hooked_cpu=w['lrp']['cpu'] / w['floor_hooked']['cpu'],
                      ig50_over_lrp_cpu=w['ig50']['cpu'] / w['lrp']['cpu'], ig50_over_lrp_wall=w['ig50']['wall'] / w['lrp']['wall'],
                      lrp_over_floor_plain_wall=w['lrp']['wall'] / w['floor_plain']['wall'])
        rep['archs'][arch] = dict(warm=w, cold=c, ratios=ratios)
        print(arch, json.dumps(ratios), flush=True)
        write(rep, a.out, load0)                     # after each model: a stopped run keeps what it measured

def write(rep, out, load0):
    rep['machine'] = dict(cpus=os.cpu_count(), torch_threads=torch.get_num_threads(), torch=torch.__version__,
                          python=platform.python_version(), load_start=load0, load_end=[round(v, 1) for v in os.getloadavg()],
                          note='shared machine: other jobs were running (see the load averages)')
    out = Path(out); out.mkdir(parents=True, exist_ok=True)
    (out / 'lrp.json').write_text(json.dumps(rep, indent=1))
    (out / 'lrp.md').write_text(table(rep))
    print(table(rep))

if __name__ == '__main__': main()
