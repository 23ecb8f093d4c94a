"""LIME speed: cxr_xai's `lime_explain` against LIME as its tutorials use it, and against the floor, cold and warm.

Same model, same x-ray, `num_samples` perturbed images (default 1000), per architecture and size:

- **tutorial**: `LimeImageExplainer().explain_instance(rgb_uint8, batch_predict, top_labels=5, hide_color=0,
  num_samples=n)` with LIME's defaults (quickshift, `batch_size=10`) and a numpy `batch_predict` that stacks the
  images into a tensor and calls the model, as in LIME's PyTorch tutorial.
- **cxr_xai**: `lime_explain(model, xray, num_samples=n)` at its defaults (SLIC, batch size 'auto').
- **floor**: `n` forward passes (and a softmax) of the model alone, in batches of the size `lime_explain` chose.
  Those passes are part of what `lime_explain` does, in the same batches, so `lime_explain` cannot beat this floor
  (up to timing noise): the ratio cxr_xai ÷ floor is what LIME's own work (masks, images, surrogate) adds.

All three run in one process, after one forward pass has initialised torch's kernels, `--repeats` times
(default 5), interleaved. cxr_xai is timed **cold** (its first call on a model: it measures the batch size on
its first batches; the remembered size is forgotten before every cold call) and **warm** (a second call, the
size remembered). The tutorial and the floor keep no state between calls, so each has one figure. Reported:
medians over the repeats of process CPU seconds (the compared figure: it moves much less than wall-clock time
when other jobs share the machine) and of wall-clock seconds. One torch thread by default (`--threads`), so
that CPU seconds are not inflated by threads spinning while they wait for a core. Untrained weights (the time does not depend on them).

Targets (issue 6): cxr_xai within 1.2x of the floor for every model, and at least 2x faster than the tutorial for
the teaching CNN.

    python benchmarks/lime.py [--archs teaching resnet18] [--sizes 224] [--repeats 5] [--out results/lime.json]
"""
import argparse, json, os, platform, sys, time
from datetime import datetime, timezone
# This file is called lime.py: run as a script, its folder is first on sys.path and would shadow the `lime` package.
_here = os.path.dirname(os.path.abspath(__file__))
sys.path = [q for q in sys.path if os.path.abspath(q or '.') != _here]
import numpy as np


class Clock:
    "Wall-clock and process CPU seconds of a `with` block."
    def __enter__(self): self.w, self.c = time.perf_counter(), time.process_time(); return self
    def __exit__(self, *a): self.wall, self.cpu = time.perf_counter() - self.w, time.process_time() - self.c


def bench(arch, size, n, repeats):
    "Time cxr_xai (cold and warm), the tutorial and the floor `repeats` times, interleaved; medians in the row."
    import torch, torch.nn.functional as F
    from unittest.mock import patch
    from lime import lime_image
    from cxr_xai.data import synth_xray
    from cxr_xai.model import create_model
    from cxr_xai import limexp
    torch.manual_seed(0)
    model = create_model(arch, size=size).eval()
    xray, _ = synth_xray(size, pneumonia=True, seed=0)
    with torch.inference_mode(): model(torch.rand(2, 1, size, size))  # torch's lazy initialisation, outside every timing
    def batch_predict(images):  # as in LIME's tutorial: stack the numpy images, forward, softmax, back to numpy
        batch = torch.stack([torch.from_numpy(i[..., 0] / 255.).float()[None] for i in images])
        return F.softmax(model(batch), dim=1).detach().cpu().numpy()
    img = np.repeat((xray * 255).round().astype(np.uint8)[..., None], 3, -1)
    def tutorial():
        with patch.object(lime_image, 'tqdm', lambda it: it):  # no progress bar in the timing
            lime_image.LimeImageExplainer(random_state=0).explain_instance(img, batch_predict, top_labels=5, hide_color=0, num_samples=n)
    info = {}
    def cxr():
        e = limexp.lime_explain(model, xray, num_samples=n); info.update(bs=e.params['batch_size'], segments=e.params['segments'])
    def floor():  # the forward passes alone, in the batches lime_explain chose
        bs = info['bs']; x = torch.rand(bs, 1, size, size)
        with torch.inference_mode():
            for i in range(0, n, bs): model(x[:min(bs, n - i)]).softmax(1)
    runs = {k: [] for k in ('cxr_xai_cold', 'cxr_xai_warm', 'tutorial', 'floor')}
    for _ in range(repeats):
        limexp._BEST_BS.pop(model, None)  # forget the measured batch size: the next call is cold
        for k, f in (('cxr_xai_cold', cxr), ('cxr_xai_warm', cxr), ('tutorial', tutorial), ('floor', floor)):
            with Clock() as c: f()
            runs[k].append(dict(cpu_s=c.cpu, wall_s=c.wall, bs=info.get('bs')))
    r = dict(arch=arch, size=size, num_samples=n, repeats=repeats, cxr_bs=sorted({x['bs'] for x in runs['cxr_xai_warm']}),
             floor_bs=info['bs'], segments=info['segments'], runs=runs)
    for k, v in runs.items():
        for unit in ('cpu_s', 'wall_s'): r[f'{k}_{unit}'] = float(np.median([x[unit] for x in v]))
    for unit in ('cpu_s', 'wall_s'):
        r[f'cxr_over_floor_warm_{unit}'] = r[f'cxr_xai_warm_{unit}'] / r[f'floor_{unit}']
        for when in ('cold', 'warm'): r[f'tutorial_over_cxr_{when}_{unit}'] = r[f'tutorial_{unit}'] / r[f'cxr_xai_{when}_{unit}']
    return r


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--archs', nargs='+', default=['teaching', 'resnet18'])
    p.add_argument('--sizes', nargs='+', type=int, default=[224])
    p.add_argument('--samples', type=int, default=1000)
    p.add_argument('--repeats', type=int, default=5, help='interleaved repeats; medians are reported')
    p.add_argument('--threads', type=int, default=1, help='torch threads in every process')
    p.add_argument('--out', default=None, help='write the results as JSON here')
    a = p.parse_args()
    import torch
    torch.set_num_threads(a.threads)
    res = dict(date=datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC'), torch=torch.__version__, threads=a.threads,
               machine=dict(platform=platform.platform(), cpus=os.cpu_count(), load_avg_at_start=os.getloadavg()),
               results=[])
    for size in a.sizes:
        for arch in a.archs:
            r = bench(arch, size, a.samples, a.repeats); res['results'].append(r)
            print(f"{arch} @{size}px, {a.samples} samples, {r['segments']} superpixels, batch {r['floor_bs']} "
                  f"(medians of {a.repeats} repeats, CPU seconds):")
            print(f"  floor {r['floor_cpu_s']:.2f} | cxr_xai warm {r['cxr_xai_warm_cpu_s']:.2f} = {r['cxr_over_floor_warm_cpu_s']:.2f}x floor"
                  f" | cxr_xai cold {r['cxr_xai_cold_cpu_s']:.2f} | tutorial {r['tutorial_cpu_s']:.2f} = "
                  f"{r['tutorial_over_cxr_warm_cpu_s']:.2f}x cxr_xai warm, {r['tutorial_over_cxr_cold_cpu_s']:.2f}x cold", flush=True)
    res['machine']['load_avg_at_end'] = os.getloadavg()
    if a.out:
        with open(a.out, 'w') as f: json.dump(res, f, indent=1)


if __name__ == '__main__': main()
