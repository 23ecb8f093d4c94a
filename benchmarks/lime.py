"""LIME speed: cxr_xai's `lime_explain` against LIME as its tutorials use it, and against the floor.

Same model, same x-ray, `num_samples` perturbed images (default 1000), per architecture:

- (a) **tutorial**: `LimeImageExplainer().explain_instance(rgb_uint8, batch_predict, top_labels=5, hide_color=0,
  num_samples=1000)` with LIME's defaults (quickshift, `batch_size=10`) and a numpy `batch_predict` that stacks the
  images into a tensor and calls the model, as in LIME's PyTorch tutorial.
- (b) **floor**: `num_samples` forward passes of the model alone, at the fastest batch size of (8, 16, 32, 64, 128)
  (a probe of 128 images at each size picks it by CPU time, then the full count is timed). No segmentation, no masks, no surrogate:
  nothing LIME-shaped can be faster than this.
- **cxr_xai**: `lime_explain(model, xray, num_samples=1000)` (SLIC, batch size 'auto'): the first call (which measures
  the batch size on its first batches) is reported apart; the compared figure is a later call (batch size remembered).

Targets (issue 6): cxr_xai within 1.2x of (b) for every model, and at least 2x faster than (a) for the teaching CNN.
Untrained weights (timing does not depend on them). Run: `python benchmarks/lime.py [--archs teaching resnet18]`.
Prints wall-clock and process CPU seconds and writes JSON (`--out`). On a busy machine wall-clock times swing with
other jobs; CPU seconds much less, so compare ratios within one run, preferably in CPU time, with `--repeats 2` or more.
"""
import argparse, json, os, platform, sys, time
# This file is called lime.py: run as a script, its folder is first on sys.path and would shadow the `lime` package.
_here = os.path.dirname(os.path.abspath(__file__))
sys.path = [q for q in sys.path if os.path.abspath(q or '.') != _here]
from unittest.mock import patch
import numpy as np, torch, torch.nn.functional as F
from lime import lime_image
from cxr_xai.data import synth_xray
from cxr_xai.model import create_model
from cxr_xai.limexp import lime_explain


class Clock:
    "Wall-clock and process CPU seconds of a `with` block (CPU time is less disturbed by other jobs on the machine)."
    def __enter__(self): self.w, self.c = time.perf_counter(), time.process_time(); return self
    def __exit__(self, *a): self.wall, self.cpu = time.perf_counter() - self.w, time.process_time() - self.c


def floor_seconds(model, size, n, sizes=(8, 16, 32, 64, 128)):
    "Clock of `n` forward passes at the fastest batch size (each probed on 128 images, by CPU time), and that size."
    x = torch.rand(max(sizes), 1, size, size)
    per = {}
    with torch.inference_mode():
        model(x[:2])  # warm-up
        for bs in sizes:
            k = -(-128 // bs)
            with Clock() as c:
                for _ in range(k): model(x[:bs]).softmax(1)
            per[bs] = c.cpu / (k * bs)
        bs = min(per, key=per.get)
        with Clock() as c:
            for i in range(0, n, bs): model(x[:min(bs, n - i)]).softmax(1)
    return c, bs, per


def tutorial_seconds(model, xray, n):
    "Clock of LIME as its PyTorch tutorial runs it: numpy classifier fn, batch_size=10, quickshift, top_labels=5."
    def batch_predict(images):  # as in LIME's tutorial: stack the numpy images, forward, softmax, back to numpy
        model.eval()
        batch = torch.stack([torch.from_numpy(i[..., 0] / 255.).float()[None] for i in images])
        probs = F.softmax(model(batch), dim=1)
        return probs.detach().cpu().numpy()
    img = np.repeat((xray * 255).round().astype(np.uint8)[..., None], 3, -1)
    with patch.object(lime_image, 'tqdm', lambda it: it), Clock() as c:  # no progress bar in the timing
        lime_image.LimeImageExplainer(random_state=0).explain_instance(img, batch_predict, top_labels=5, hide_color=0,
                                                                       num_samples=n)
    return c


def cxr_seconds(model, xray, n):
    "Clock of `lime_explain` at its defaults, and the explanation."
    with Clock() as c: e = lime_explain(model, xray, num_samples=n)
    return c, e


def bench(arch, size=224, n=1000, skip_tutorial=False, repeats=1):
    "Every measurement `repeats` times (interleaved), keeping the fastest of each."
    model = create_model(arch, size=size).eval()
    xray, _ = synth_xray(size, pneumonia=True, seed=0)
    r = dict(arch=arch, size=size, num_samples=n, repeats=repeats)
    c, e = cxr_seconds(model, xray, n)  # first call: measures the batch size on its first batches
    r.update(cxr_first_s=c.wall, cxr_first_cpu_s=c.cpu)
    best = {}
    for _ in range(repeats):
        fc, r['floor_bs'], probe = floor_seconds(model, size, n)
        cc, e = cxr_seconds(model, xray, n)
        runs = dict(floor=fc, cxr=cc)
        if not skip_tutorial: runs['tutorial'] = tutorial_seconds(model, xray, n)
        for k, v in runs.items():
            for unit in ('wall', 'cpu'):
                key = f"{k}_{'s' if unit == 'wall' else 'cpu_s'}"
                best[key] = min(best.get(key, float('inf')), getattr(v, unit))
    r.update(best)
    r.update(cxr_bs=e.params['batch_size'], segments=e.params['segments'],
             floor_probe_cpu_ms_per_img={k: round(v * 1e3, 2) for k, v in probe.items()})
    for u in ('s', 'cpu_s'):
        r[f'cxr_over_floor_{u}'] = r[f'cxr_{u}'] / r[f'floor_{u}']
        if not skip_tutorial: r[f'tutorial_over_cxr_{u}'] = r[f'tutorial_{u}'] / r[f'cxr_{u}']
    for k in [k for k in r if k.endswith('_s') and not k.startswith(('cxr_over', 'tutorial_over'))]:
        r[k[:-2] + '_per_1000'] = r[k] * 1000 / n
    return r


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--archs', nargs='+', default=['teaching', 'resnet18'])
    p.add_argument('--size', type=int, default=224)
    p.add_argument('--samples', type=int, default=1000)
    p.add_argument('--skip-tutorial', action='store_true', help='skip (a), the slowest part')
    p.add_argument('--repeats', type=int, default=1, help='run each measurement this many times, keep the fastest')
    p.add_argument('--out', default=None, help='write the results as JSON here')
    a = p.parse_args()
    torch.manual_seed(0)
    rows = []
    for arch in a.archs:
        r = bench(arch, a.size, a.samples, a.skip_tutorial, a.repeats); rows.append(r)
        print(f"{arch} @{a.size}px, {a.samples} samples, {r['segments']} superpixels (fastest of {a.repeats}):")
        for u, name in (('s', 'wall'), ('cpu_s', 'CPU')):
            print(f"  {name:>4} s: floor {r['floor_' + u]:7.2f} (bs {r['floor_bs']}) | cxr_xai {r['cxr_' + u]:7.2f} (bs {r['cxr_bs']};"
                  f" first call {r['cxr_first_' + u]:.2f}) = {r['cxr_over_floor_' + u]:.2f}x floor"
                  + (f" | tutorial {r['tutorial_' + u]:7.2f} = {r['tutorial_over_cxr_' + u]:.2f}x cxr_xai" if not a.skip_tutorial else ''),
                  flush=True)
    for u, name in (('s', 'wall-clock'), ('cpu_s', 'CPU-time')):
        ok = all(r['cxr_over_floor_' + u] <= 1.2 for r in rows) and all(
            r.get('tutorial_over_cxr_' + u, 2) >= 2 for r in rows if r['arch'] == 'teaching')
        print(f'targets on {name} (<=1.2x floor; >=2x faster than the tutorial for the teaching CNN):', 'met' if ok else 'NOT met')
    res = dict(results=rows, torch=torch.__version__, threads=torch.get_num_threads(), machine=platform.processor() or platform.machine())
    if a.out:
        with open(a.out, 'w') as f: json.dump(res, f, indent=1)


if __name__ == '__main__': main()
