"""LIME speed: cxr_xai's `lime_explain` against LIME as its tutorials use it, and against the floor, cold and warm.

Same model, same x-ray, `num_samples` perturbed images (default 1000), per architecture and size:

- **tutorial**: `LimeImageExplainer().explain_instance(rgb_uint8, batch_predict, top_labels=5, hide_color=0,
  num_samples=n)` with LIME's defaults (quickshift, `batch_size=10`) and a numpy `batch_predict` that stacks the
  images into a tensor and calls the model, as in LIME's PyTorch tutorial.
- **cxr_xai**: `lime_explain(model, xray, num_samples=n)` at its defaults (SLIC, batch size 'auto').
- **floor**: `n` forward passes (and a softmax) of the model alone, in batches of the size `lime_explain` chose.
  Those passes are part of what `lime_explain` does, in the same batches, so `lime_explain` cannot beat this floor
  (up to timing noise): the ratio cxr_xai ÷ floor is what LIME's own work (masks, images, surrogate) adds.

Each of the three runs in its own fresh process, `--repeats` times (default 5): the first call in the process is
**cold** (lazy initialisation of torch's kernels, and for cxr_xai the measurement of its batch size) and the
second **warm**. Reported: medians over the repeats of process CPU seconds (the compared figure: it moves much
less than wall-clock time when other jobs share the machine) and of wall-clock seconds. One torch thread by
default (`--threads`), so that CPU seconds are not inflated by threads spinning while they wait for a core.
Untrained weights (the time does not depend on them).

Targets (issue 6): cxr_xai within 1.2x of the floor for every model, and at least 2x faster than the tutorial for
the teaching CNN.

    python benchmarks/lime.py [--archs teaching resnet18] [--sizes 224] [--repeats 5] [--out results/lime.json]
"""
import argparse, json, os, platform, subprocess, sys, time
from datetime import datetime, timezone
# This file is called lime.py: run as a script, its folder is first on sys.path and would shadow the `lime` package.
_here = os.path.dirname(os.path.abspath(__file__))
sys.path = [q for q in sys.path if os.path.abspath(q or '.') != _here]
import numpy as np


class Clock:
    "Wall-clock and process CPU seconds of a `with` block."
    def __enter__(self): self.w, self.c = time.perf_counter(), time.process_time(); return self
    def __exit__(self, *a): self.wall, self.cpu = time.perf_counter() - self.w, time.process_time() - self.c


def one(variant, arch, size, n, bs=None):
    "In this (fresh) process: time `variant` twice (cold, then warm); returns a dict of the clocks."
    import torch, torch.nn.functional as F
    from unittest.mock import patch
    from lime import lime_image
    from cxr_xai.data import synth_xray
    from cxr_xai.model import create_model
    from cxr_xai.limexp import lime_explain
    torch.manual_seed(0)
    model = create_model(arch, size=size).eval()
    xray, _ = synth_xray(size, pneumonia=True, seed=0)
    extra = {}
    if variant == 'cxr_xai':
        def run():
            e = lime_explain(model, xray, num_samples=n)
            extra.update(bs=e.params['batch_size'], segments=e.params['segments'])
    elif variant == 'tutorial':
        def batch_predict(images):  # as in LIME's tutorial: stack the numpy images, forward, softmax, back to numpy
            batch = torch.stack([torch.from_numpy(i[..., 0] / 255.).float()[None] for i in images])
            return F.softmax(model(batch), dim=1).detach().cpu().numpy()
        img = np.repeat((xray * 255).round().astype(np.uint8)[..., None], 3, -1)
        def run():
            with patch.object(lime_image, 'tqdm', lambda it: it):  # no progress bar in the timing
                lime_image.LimeImageExplainer(random_state=0).explain_instance(
                    img, batch_predict, top_labels=5, hide_color=0, num_samples=n)
    else:  # floor: the forward passes alone, in lime_explain's batches
        x = torch.rand(bs, 1, size, size)
        def run():
            with torch.inference_mode():
                for i in range(0, n, bs): model(x[:min(bs, n - i)]).softmax(1)
    out = {}
    for when in ('cold', 'warm'):
        with Clock() as c: run()
        out[when] = dict(cpu_s=c.cpu, wall_s=c.wall)
    return dict(out, **extra)


def spawn(variant, arch, size, n, threads, bs=None):
    "Run `one` in a fresh Python process and return its result."
    cmd = [sys.executable, os.path.abspath(__file__), '--_one', variant, '--archs', arch, '--sizes', str(size),
           '--samples', str(n), '--threads', str(threads)] + (['--_bs', str(bs)] if bs else [])
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode: sys.exit(f'{variant} {arch}@{size} failed:\n{r.stderr[-2000:]}')
    return json.loads(r.stdout.strip().splitlines()[-1])


def med(runs, when, unit): return float(np.median([r[when][unit] for r in runs]))


def bench(arch, size, n, repeats, threads):
    "Every variant `repeats` times, interleaved (cxr_xai, tutorial, floor), each in a fresh process."
    runs = dict(cxr_xai=[], tutorial=[], floor=[])
    bs = None
    for _ in range(repeats):
        runs['cxr_xai'].append(spawn('cxr_xai', arch, size, n, threads))
        bs = bs or runs['cxr_xai'][0]['bs']
        runs['tutorial'].append(spawn('tutorial', arch, size, n, threads))
        runs['floor'].append(spawn('floor', arch, size, n, threads, bs))
    r = dict(arch=arch, size=size, num_samples=n, repeats=repeats, cxr_bs=sorted({x['bs'] for x in runs['cxr_xai']}),
             floor_bs=bs, segments=runs['cxr_xai'][0]['segments'], runs=runs)
    for v in runs:
        for when in ('cold', 'warm'):
            for unit in ('cpu_s', 'wall_s'): r[f'{v}_{when}_{unit}'] = med(runs[v], when, unit)
    for when in ('cold', 'warm'):
        for unit in ('cpu_s', 'wall_s'):
            r[f'cxr_over_floor_{when}_{unit}'] = r[f'cxr_xai_{when}_{unit}'] / r[f'floor_{when}_{unit}']
            r[f'tutorial_over_cxr_{when}_{unit}'] = r[f'tutorial_{when}_{unit}'] / r[f'cxr_xai_{when}_{unit}']
    return r


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--archs', nargs='+', default=['teaching', 'resnet18'])
    p.add_argument('--sizes', nargs='+', type=int, default=[224])
    p.add_argument('--samples', type=int, default=1000)
    p.add_argument('--repeats', type=int, default=5, help='fresh processes per variant; medians are reported')
    p.add_argument('--threads', type=int, default=1, help='torch threads in every process')
    p.add_argument('--out', default=None, help='write the results as JSON here')
    p.add_argument('--_one', default=None, help=argparse.SUPPRESS); p.add_argument('--_bs', type=int, default=None, help=argparse.SUPPRESS)
    a = p.parse_args()
    import torch
    torch.set_num_threads(a.threads)
    if a._one:
        print(json.dumps(one(a._one, a.archs[0], a.sizes[0], a.samples, a._bs))); return
    res = dict(date=datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC'), torch=torch.__version__, threads=a.threads,
               machine=dict(platform=platform.platform(), cpus=os.cpu_count(), load_avg_at_start=os.getloadavg()),
               results=[])
    for size in a.sizes:
        for arch in a.archs:
            r = bench(arch, size, a.samples, a.repeats, a.threads); res['results'].append(r)
            print(f"{arch} @{size}px, {a.samples} samples, {r['segments']} superpixels, batch {r['floor_bs']} "
                  f"(medians of {a.repeats} fresh processes each):")
            for when in ('cold', 'warm'):
                print(f"  {when}, CPU s: floor {r[f'floor_{when}_cpu_s']:.2f} | cxr_xai {r[f'cxr_xai_{when}_cpu_s']:.2f} "
                      f"= {r[f'cxr_over_floor_{when}_cpu_s']:.2f}x floor | tutorial {r[f'tutorial_{when}_cpu_s']:.2f} "
                      f"= {r[f'tutorial_over_cxr_{when}_cpu_s']:.2f}x cxr_xai", flush=True)
    res['machine']['load_avg_at_end'] = os.getloadavg()
    if a.out:
        with open(a.out, 'w') as f: json.dump(res, f, indent=1)


if __name__ == '__main__': main()
