"""Grad-CAM, occlusion, saliency and SmoothGrad speed: cxr_xai against captum's defaults and the floor (issue 12).

Same model, same x-ray (a phantom pneumonia film), same target, for each architecture and method:
  cxr_xai  `explain(model, x, method=..., **options)`: log-odds head, input checks, the `Explanation` record
  captum   the captum class on the raw model as its docs show, `target=t`, every other argument at its default:
           Saliency(model).attribute(x, target=t); NoiseTunnel(Saliency(model)).attribute(x, nt_type='smoothgrad',
           nt_samples=n, stdevs=s, target=t) (all samples in one batch); Occlusion(model).attribute(x,
           sliding_window_shapes, strides, target=t) (one window per forward pass); LayerGradCam(model, layer)
           .attribute(x, target=t) then LayerAttribution.interpolate(attr, (H, W))
  floor    only the passes the method cannot avoid, at the best batch size of a few candidates (each timed like
           the others; the floor is the fastest): saliency 1 forward+backward to the input; SmoothGrad n
           forward+backward to the input; occlusion (windows + 1) forward passes under inference_mode;
           Grad-CAM 1 forward + backward to the layer. Nothing else (no noise, no occluded copies, no checks),
           so no implementation of the method can beat it.
Cold = the first call on a freshly built model (its caches empty: Grad-CAM's layer search), in a warm process;
warm = later calls. Variants are interleaved round-robin, so a busy machine slows each alike; each figure is the
median of `--repeats` calls, in CPU seconds (time.process_time, all threads) and wall seconds.

    python benchmarks/explainers.py                       # resnet18 and teaching at 224 px, 5 repeats
    # what results/explainers.json holds: one process per model, side by side, then joined
    python benchmarks/explainers.py --archs resnet18 --json /tmp/r.json & python benchmarks/explainers.py --archs teaching --json /tmp/t.json; wait
    python benchmarks/explainers.py --combine /tmp/r.json /tmp/t.json
    python benchmarks/explainers.py --archs teaching --size 64 --repeats 3 --json /tmp/x.json   # a quick look
SmoothGrad runs 8 samples and occlusion a 56-px window at stride 56 (16 positions) by default here, fewer than the
methods' own defaults (32 samples; 28-px window, stride 14: 225 positions), so that 5 cold and 5 warm repeats of
every variant fit on a shared 2-core machine. Per window or sample, the work beyond the floor (building the
occluded or noisy copies) stays the same with more of them; the fixed part (checks, the record) only shrinks.
The JSON (and its markdown table) is rewritten after every method, so a stopped run keeps what it measured.
"""
import argparse, json, math, os, platform, sys, time, warnings
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or '.') != HERE]   # benchmarks/lime.py must not hide the lime package
from datetime import datetime, timezone
import numpy as np, torch
from captum.attr import LayerAttribution, LayerGradCam, NoiseTunnel, Occlusion, Saliency
from cxr_xai.data import synth_xray
from cxr_xai.model import create_model
from cxr_xai.explanation import explain
from cxr_xai.explainers import OCCLUSION_PX_BUDGET, find_layer, occlusion_grid
from cxr_xai.ig import auto_batch_size

def setup(arch, size):
    torch.manual_seed(0)
    return create_model(arch, size=size).eval()

def variants(method, model, x, t, o):
    "name -> function(model) running that variant once; the floors by batch size."
    xb = x[None, None]; H, W = x.shape
    if method == 'saliency':
        def floor(m):
            inp = xb.clone().requires_grad_(); torch.autograd.grad(m(inp)[0, t], inp)
        return dict(cxr_xai=lambda m: explain(m, x, 'saliency', target=t),
                    captum=lambda m: Saliency(m).attribute(xb.clone().requires_grad_(), target=t), floor_1=floor)
    if method == 'smoothgrad':
        n, sd = o['opts']['samples'], o['opts']['noise']
        def floor(c):
            def f(m):
                for i in range(0, n, c):
                    inp = xb.expand(min(c, n - i), -1, -1, -1).clone().requires_grad_()
                    torch.autograd.grad(m(inp)[:, t].sum(), inp)
            return f
        return dict(cxr_xai=lambda m: explain(m, x, 'smoothgrad', target=t, **o['opts']),
                    captum=lambda m: NoiseTunnel(Saliency(m)).attribute(xb, nt_type='smoothgrad', nt_samples=n,
                                                                         stdevs=sd, target=t),
                    **{f'floor_{c}': floor(c) for c in o['cands']})
    if method == 'occlusion':
        w, s, n = occlusion_grid((H, W), o['opts']['window'], o['opts']['stride'])
        def floor(c):
            def f(m):
                with torch.inference_mode():
                    for i in range(0, n + 1, c): m(xb.expand(min(c, n + 1 - i), -1, -1, -1))
            return f
        return dict(cxr_xai=lambda m: explain(m, x, 'occlusion', target=t, **o['opts']),
                    captum=lambda m: Occlusion(m).attribute(xb, sliding_window_shapes=(1, w, w), strides=(1, s, s), target=t),
                    **{f'floor_{c}': floor(c) for c in o['cands']})
    if method == 'gradcam':
        def floor(m):
            layer, out = m.get_submodule(find_layer(m)), []
            h = layer.register_forward_hook(lambda mod, i, a: out.append(a))
            try: z = m(xb)
            finally: h.remove()
            torch.autograd.grad(z[0, t], out[0])
        def captum(m):
            a = LayerGradCam(m, m.get_submodule(find_layer(m))).attribute(xb, target=t)
            return LayerAttribution.interpolate(a, (H, W))
        return dict(cxr_xai=lambda m: explain(m, x, 'gradcam', target=t), captum=captum, floor_1=floor)

def clock(f, m):
    c, w = time.process_time(), time.perf_counter(); f(m)
    return time.process_time() - c, time.perf_counter() - w

def med(v): return round(float(np.median(v)), 4)

def bench(arch, size, method, o, repeats):
    "Cold and warm CPU and wall medians of each variant of `method` on `arch`."
    model = setup(arch, size)
    x = torch.from_numpy(synth_xray(size, pneumonia=True, seed=1)[0])
    with torch.no_grad(): t = int(model(x[None, None]).argmax())
    fns = variants(method, model, x, t, o)
    for f in fns.values(): f(model)                                   # warm-up: lazy init, allocator
    warm = {k: [] for k in fns}
    for _ in range(repeats):
        for k, f in fns.items(): warm[k].append(clock(f, model))
    floors = {k: med([c for c, _ in v]) for k, v in warm.items() if k.startswith('floor_')}
    best = min(floors, key=floors.get)
    cold = {k: [] for k in ('cxr_xai', 'captum', best)}
    for _ in range(repeats):
        for k in cold:
            m = setup(arch, size)                                     # a fresh model: per-model caches empty
            cold[k].append(clock(fns[k], m))
    e = explain(model, x, method, target=t, **o.get('opts', {}))
    r = dict(arch=arch, size=size, method=method, target=t, params=e.params, passes=e.passes, best_floor=best,
             warm={k: dict(cpu=med([c for c, _ in v]), wall=med([w for _, w in v])) for k, v in warm.items()},
             cold={k: dict(cpu=med([c for c, _ in v]), wall=med([w for _, w in v])) for k, v in cold.items()})
    for when in ('warm', 'cold'):
        s = r[when]
        r[f'{when}_ratio'] = {clk: dict(cxr_over_floor=round(s['cxr_xai'][clk] / s[best][clk], 3),
                                        captum_over_cxr=round(s['captum'][clk] / s['cxr_xai'][clk], 3)) for clk in ('cpu', 'wall')}
    return r

def table(report):
    "The markdown table of a report (what the README shows), generated, not typed."
    m = report['meta']
    side = f" ({len(m['runs'])} runs side by side, one per model)" if len(m.get('runs', ())) > 1 else ""
    lines = [f"Measured {m['date']}{side} on {m['machine']}, torch {m['torch']}, {m['threads']} threads; load average "
             f"{m['load_start']} at the start and {m['load_end']} at the end (the highest of the runs): **the machine was shared** with other jobs, "
             f"so read ratios within a row (interleaved runs), not seconds across rows. Medians of {m['repeats']} calls; "
             "cold = first call on a freshly built model. Target: cxr_xai ≤ 1.2× the floor.", "",
             "| model @ px | method (options) | passes F+B | cxr_xai warm s (CPU / wall) | captum default warm s | floor warm s (batch) | cxr_xai ÷ floor warm (CPU / wall) | cold: cxr_xai ÷ floor (CPU / wall) | captum ÷ cxr_xai (CPU) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in report['results']:
        w, b = r['warm'], r['best_floor']
        opts = ', '.join(f"{k}={v}" for k, v in r['params'].items() if k in ('samples', 'noise', 'window', 'stride', 'batch_size', 'layer', 'grid'))
        lines.append(f"| {r['arch']} @ {r['size']} | {r['method']} ({opts}) | {r['passes']['forward']}+{r['passes']['backward']} | "
                     f"{w['cxr_xai']['cpu']:.3f} / {w['cxr_xai']['wall']:.3f} | {w['captum']['cpu']:.3f} / {w['captum']['wall']:.3f} | "
                     f"{w[b]['cpu']:.3f} / {w[b]['wall']:.3f} ({b[6:]}) | {r['warm_ratio']['cpu']['cxr_over_floor']:.2f} / "
                     f"{r['warm_ratio']['wall']['cxr_over_floor']:.2f} | {r['cold_ratio']['cpu']['cxr_over_floor']:.2f} / "
                     f"{r['cold_ratio']['wall']['cxr_over_floor']:.2f} | {r['warm_ratio']['cpu']['captum_over_cxr']:.2f} |")
    return '\n'.join(lines) + '\n'

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--archs', default='resnet18,teaching'); p.add_argument('--size', type=int, default=224)
    p.add_argument('--methods', default='saliency,gradcam,smoothgrad,occlusion')
    p.add_argument('--repeats', type=int, default=5); p.add_argument('--samples', type=int, default=8)
    p.add_argument('--window', type=int, default=56); p.add_argument('--stride', type=int, default=56)
    p.add_argument('--threads', type=int, default=0, help='torch threads (0: leave as is)')
    p.add_argument('--json', default=os.path.join(HERE, 'results', 'explainers.json'))
    p.add_argument('--combine', nargs='+', default=None, help='JSON files of earlier runs (e.g. one per arch, run side by side) to join into --json')
    a = p.parse_args()
    if a.combine: return write(combine(a.combine), a.json)
    if a.threads: torch.set_num_threads(a.threads)
    warnings.simplefilter('ignore')
    meta = dict(date=datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC'), threads=torch.get_num_threads(),
                machine=f"{platform.machine()}, {os.cpu_count()} CPU cores, no GPU used", torch=torch.__version__,
                repeats=a.repeats, load_start=round(os.getloadavg()[0], 1), shared=True)
    report = dict(meta=meta, results=[])
    n_win = occlusion_grid((a.size, a.size), a.window, a.stride)[2]
    for arch in a.archs.split(','):
        for method in a.methods.split(','):
            o = {}
            if method == 'smoothgrad':
                o = dict(opts=dict(samples=a.samples, noise=0.1),
                         cands=sorted({2, 8, a.samples, auto_batch_size(1, a.samples, a.size * a.size)}))   # + cxr_xai's own
            if method == 'occlusion':
                per = min(n_win, OCCLUSION_PX_BUDGET['cpu'] // (a.size * a.size))
                o = dict(opts=dict(window=a.window, stride=a.stride),
                         cands=sorted({8, 32, n_win + 1, math.ceil(n_win / math.ceil(n_win / per))}))   # + cxr_xai's own
            t0 = time.perf_counter()
            r = bench(arch, a.size, method, o, a.repeats)
            report['results'].append(r)
            meta['load_end'] = round(os.getloadavg()[0], 1); write(report, a.json, show=False)   # keep what is measured so far
            print(f"{arch} {method}: warm cxr/floor cpu {r['warm_ratio']['cpu']['cxr_over_floor']:.2f} wall "
                  f"{r['warm_ratio']['wall']['cxr_over_floor']:.2f} ({r['best_floor']}); cold cpu {r['cold_ratio']['cpu']['cxr_over_floor']:.2f}; "
                  f"captum/cxr cpu {r['warm_ratio']['cpu']['captum_over_cxr']:.2f}  [{time.perf_counter() - t0:.0f}s]", flush=True)
    meta['load_end'] = round(os.getloadavg()[0], 1)
    write(report, a.json)

def combine(paths):
    "One report from the runs in `paths`: their results in order, the meta of the first with the load range of all."
    reps = [json.load(open(p)) for p in paths]
    meta = dict(reps[0]['meta'], runs=[dict(r['meta'], file=os.path.basename(p)) for p, r in zip(paths, reps)])
    meta['load_start'] = max(r['meta']['load_start'] for r in reps); meta['load_end'] = max(r['meta']['load_end'] for r in reps)
    return dict(meta=meta, results=[x for r in reps for x in r['results']])

def write(report, path, show=True):
    "`path` (JSON) and the markdown table beside it (`.md`), generated from the same report."
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, 'w') as f: json.dump(report, f, indent=1)
    with open(os.path.splitext(path)[0] + '.md', 'w') as f: f.write(table(report))
    if show: print(table(report))

if __name__ == '__main__': main()
