"""IG with n_steps='auto' against captum's fixed-step IG (issue 12): model passes to reach a 1% completeness gap.

On N phantom test films (the trained 64 px teaching CNN of `phantom_model`) and for each baseline, count the
gradient evaluations (path points; each is one forward and one backward pass of one image):
  auto           `integrated_gradients(model, x, baseline=b)`: n_steps='auto', tol=0.01 (every point computed is paid)
  captum_raised  captum's `IntegratedGradients(head).attribute(x, baselines=b, target=t, n_steps=n,
                 return_convergence_delta=True)` as its docs show (Gauss-Legendre), started at its default n=50 and
                 doubled until |delta| / |F(x) - F(b)| < 1%: every run is paid, as a user raising n_steps pays it
  captum_from4   the same raising, started at n=4 (4, 8, 16, ...): what a user hunting for a small n pays
  captum_best    the first n in 2..512 (every n to 32, then coarser) whose run reaches 1%: found only by trying them
                 all, so no user pays this little; the lower bound of any fixed-step choice made in advance
Both explain the same quantity (the target's log-odds, `OutputHead`) of the predicted class. The ratio reported is
the median over films of captum's passes ÷ auto's passes.

    python benchmarks/ig_auto.py                       # 24 films, black and blur baselines
    python benchmarks/ig_auto.py --films 20 --baselines black --json results/ig_auto.json
"""
import argparse, json, os, platform, time, warnings
from pathlib import Path
import numpy as np, torch
from captum.attr import IntegratedGradients
from cxr_xai.train import phantom_model
from cxr_xai.data import load_item
from cxr_xai.ig import integrated_gradients, make_baseline
from cxr_xai.explanation import OutputHead, check_xray

TOL = 0.01
BEST_GRID = list(range(2, 33)) + [40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512]

def captum_gap(ig, x, b, t, n, dF):
    "Relative completeness gap of captum's IG with n steps (its defaults otherwise)."
    _, d = ig.attribute(x, baselines=b, target=t, n_steps=n, return_convergence_delta=True)
    return abs(d.item()) / abs(dF)

def raised(ig, x, b, t, dF, start, cap=4096):
    "Passes paid raising n from `start` by doubling until the gap < TOL (None if the cap is hit first)."
    paid, n = 0, start
    while n <= cap:
        paid += n
        if captum_gap(ig, x, b, t, n, dF) < TOL: return paid, n
        n *= 2
    return None, None

def best(ig, x, b, t, dF):
    "The first n of BEST_GRID whose run reaches TOL."
    return next((n for n in BEST_GRID if captum_gap(ig, x, b, t, n, dF) < TOL), None)

def summarize(rows, baselines) -> dict:
    "Per baseline: films compared, how often auto reached the tolerance, medians of passes and of the ratios."
    out = {}
    for bl in baselines:
        rs = [r for r in rows if r['baseline'] == bl and r['captum_raised'] and r['captum_best']]
        if not rs: continue
        med = lambda k: float(np.median([r[k] for r in rs]))
        ratio = lambda k: float(np.median([r[k] / r['auto'] for r in rs]))
        out[bl] = dict(n=len(rs), auto_reached=float(np.mean([r['auto_gap'] < TOL for r in rs])),
                       auto_median=med('auto'), captum_raised_median=med('captum_raised'),
                       captum_from4_median=med('captum_from4'), captum_best_median=med('captum_best'),
                       ratio_raised=ratio('captum_raised'), ratio_from4=ratio('captum_from4'), ratio_best=ratio('captum_best'))
    return out

def main(films=24, baselines=('black', 'blur'), json_out=None):
    torch.manual_seed(0)
    model, items = phantom_model(size=64); model.eval()
    test = items[items.split == 'test'].sample(frac=1, random_state=0).head(films)
    head = OutputHead(model); ig = IntegratedGradients(head)
    rows, t0, c0 = [], time.perf_counter(), time.process_time()
    for src in test.source:
        x0 = load_item(src); x = check_xray(model, x0)
        for bl in baselines:
            b = torch.from_numpy(make_baseline(x0, bl))[:, None]
            with torch.no_grad(): z = model(torch.cat([x, b]))
            t = int(z[0].argmax()); f = head.transform(z)[:, t]; dF = (f[0] - f[1]).item()
            if abs(dF) < 0.05: continue        # nothing to explain: the gap divides by ~0 (as in 05_ig)
            with warnings.catch_warnings():
                warnings.simplefilter('ignore'); e = integrated_gradients(model, x0, baseline=bl, target=t, tol=TOL)
            r = dict(film=Path(src).name, baseline=bl, target=t, dF=dF, auto=e.steps, auto_gap=e.rel_delta)
            r['captum_raised'], r['captum_raised_n'] = raised(ig, x, b, t, dF, 50)
            r['captum_from4'], _ = raised(ig, x, b, t, dF, 4)
            r['captum_best'] = best(ig, x, b, t, dF)
            rows.append(r); print(json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()}), flush=True)
    out = dict(machine=f"{platform.machine()}, {os.cpu_count()} CPU cores, torch {torch.__version__}, shared/loaded",
               films=int(len(test)), tol=TOL, cpu_s=round(time.process_time() - c0, 1), wall_s=round(time.perf_counter() - t0, 1),
               rows=rows, summary=summarize(rows, baselines))
    print(json.dumps(out['summary'], indent=1))
    if json_out: Path(json_out).write_text(json.dumps(out, indent=1))
    return out

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--films', type=int, default=24)
    p.add_argument('--baselines', nargs='+', default=['black', 'blur'])
    p.add_argument('--json', default=str(Path(__file__).parent/'results'/'ig_auto.json'))
    p.add_argument('--from-log', default=None, help='rebuild the JSON from the rows a run printed (one JSON object a line)')
    a = p.parse_args()
    if a.from_log:
        rows = [json.loads(l) for l in Path(a.from_log).read_text().splitlines() if l.startswith('{"film"')]
        out = dict(machine=f"{platform.machine()}, {os.cpu_count()} CPU cores, torch {torch.__version__}, shared/loaded",
                   films=len({r['film'] for r in rows}), tol=TOL, note=f'rebuilt from {Path(a.from_log).name}', rows=rows,
                   summary=summarize(rows, tuple(a.baselines)))
        Path(a.json).write_text(json.dumps(out, indent=1)); print(json.dumps(out['summary'], indent=1))
    else: main(a.films, tuple(a.baselines), a.json)
