"""Integrated Gradients speed: cxr_xai's defaults against captum's defaults and the floor (issue 5).

Same model, same image, 50 steps, for each architecture and size:
  cxr_xai         `integrated_gradients(model, x)`: its defaults (Gauss-Legendre, `internal_batch_size='auto'`,
                  completeness check)
  captum          `IntegratedGradients(model).attribute(x, target=t, n_steps=50)`: captum's defaults (one batch of 50)
  captum_chunked  the same call with `internal_batch_size` = cxr_xai's automatic chunk: what remains of
                  "faster than captum" once captum is given the same chunks (cxr_xai's gain is the chunking)
  floor_C         50 forward+backward passes w.r.t. the input in chunks of C (the least any IG can cost)
Timings are interleaved round-robin over `--rounds` rounds (default 5), after a warm-up round; the JSON keeps the
median and the minimum of wall-clock and of process CPU seconds, and the ratios are of medians of CPU seconds
(less disturbed by other jobs on a shared machine than wall-clock time). Peak memory is measured in a fresh subprocess per variant (CPU: peak RSS, sampled every ms, above
the RSS before the run; CUDA: `torch.cuda.max_memory_allocated`). Targets: captum/cxr_xai >= 1.5, cxr_xai/floor <= 1.3.

    python benchmarks/ig.py                      # resnet18 and teaching at 224 px
    python benchmarks/ig.py --archs teaching --sizes 64,224 --rounds 5 --json out.json
"""
import argparse, json, os, platform, resource, subprocess, sys, time, warnings
import numpy as np, torch
from captum.attr import IntegratedGradients
from cxr_xai.model import create_model
from cxr_xai.data import synth_xray
from cxr_xai.ig import integrated_gradients, auto_batch_size

CHUNKS = (1, 2, 5, 10, 25, 50)

def setup(arch, size, device):
    torch.manual_seed(0)
    model = create_model(arch, size=size).to(device).eval()
    x = torch.from_numpy(synth_xray(size, pneumonia=True, seed=1)[0]).to(device)
    with torch.no_grad(): t = int(model(x[None, None]).argmax())
    return model, x, t

def sync(device):
    if device == 'cuda': torch.cuda.synchronize()

def variants(model, x, t, n_steps, chunks, chunk=None):
    "name -> zero-argument function running that variant once (`chunk`: cxr_xai's automatic chunk size)."
    xb = x[None, None]
    def cxr(): integrated_gradients(model, x, n_steps=n_steps)
    def captum(): IntegratedGradients(model).attribute(xb, target=t, n_steps=n_steps)
    def captum_chunked(): IntegratedGradients(model).attribute(xb, target=t, n_steps=n_steps, internal_batch_size=chunk)
    def floor(c):
        def f():
            for i in range(0, n_steps, c):
                inp = xb.expand(min(c, n_steps - i), -1, -1, -1).clone().requires_grad_()
                torch.autograd.grad(model(inp)[:, t].sum(), inp)
        return f
    return dict(cxr_xai=cxr, captum=captum, **({'captum_chunked': captum_chunked} if chunk else {}),
                **{f'floor_{c}': floor(c) for c in chunks})

def time_all(fns, rounds, device):
    "Wall-clock and CPU seconds of each variant: {name: dict(wall=[...], cpu=[...])}, one entry per round."
    for f in fns.values(): f()                     # warm up (allocator, lazy init)
    sync(device); times = {k: dict(wall=[], cpu=[]) for k in fns}
    for _ in range(rounds):
        for k, f in fns.items():
            t0, c0 = time.perf_counter(), time.process_time(); f(); sync(device)
            times[k]['wall'].append(time.perf_counter() - t0); times[k]['cpu'].append(time.process_time() - c0)
    return times

def rss_mb():
    with open('/proc/self/statm') as f: return int(f.read().split()[1]) * resource.getpagesize() / 2**20

def peak_memory(arch, size, device, variant, n_steps):
    "Run one variant in this process and return its peak memory in MiB above what the model and image take."
    model, x, t = setup(arch, size, device)
    chunk = auto_batch_size(1, n_steps, size * size, device)
    f = variants(model, x, t, n_steps, [int(variant.split('_')[1])] if variant.startswith('floor_') else [], chunk)[variant]
    if device == 'cuda':
        sync(device); torch.cuda.reset_peak_memory_stats(); base = torch.cuda.memory_allocated()
        f(); sync(device); return (torch.cuda.max_memory_allocated() - base) / 2**20
    import threading
    f(); base = rss_mb(); peak = [base]; done = threading.Event()   # warm run first: lazy init is not the variant's
    def watch():
        while not done.is_set(): peak[0] = max(peak[0], rss_mb()); time.sleep(0.001)
    th = threading.Thread(target=watch); th.start(); f(); done.set(); th.join()
    return peak[0] - base

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--archs', default='resnet18,teaching'); p.add_argument('--sizes', default='224')
    p.add_argument('--steps', type=int, default=50); p.add_argument('--rounds', type=int, default=5)
    p.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    p.add_argument('--threads', type=int, default=0, help='torch threads (0: leave as is)')
    p.add_argument('--no-memory', action='store_true'); p.add_argument('--json', default=None)
    p.add_argument('--_mem', default=None, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    warnings.simplefilter('ignore')
    if a._mem:                                      # child process: one variant's peak memory
        print(json.dumps(peak_memory(a.archs, int(a.sizes), a.device, a._mem, a.steps))); return
    print(f"device={a.device} threads={torch.get_num_threads()} sizes={a.sizes} steps={a.steps} rounds={a.rounds}")
    report = dict(machine=dict(platform=platform.platform(), cpus=os.cpu_count(), load_avg_at_start=os.getloadavg(),
                               torch=torch.__version__, threads=torch.get_num_threads(), device=a.device),
                  rounds=a.rounds, steps=a.steps, results={})
    for size in map(int, a.sizes.split(',')):
        for arch in a.archs.split(','):
            report['results'][f'{arch}@{size}'] = r = bench(arch, size, a)
            s, c = r['median_wall_s'], r['median_cpu_s']
            print(f"\n{arch} @ {size}px, {a.steps} steps (medians of {a.rounds} rounds; auto chunk = {r['auto_internal_batch_size']})")
            print("  floor by chunk, CPU s: " + "  ".join(f"{k[6:]}:{v:.3f}" for k, v in c.items() if k.startswith('floor_')))
            print(f"  CPU s: cxr_xai {c['cxr_xai']:.3f} | captum default {c['captum']:.3f} | captum, same chunks "
                  f"{c['captum_chunked']:.3f} | floor ({r['best_floor']}) {c[r['best_floor']]:.3f}")
            print(f"  captum/cxr_xai = {r['captum_over_cxr']:.2f}x (target >= 1.5)   captum same chunks/cxr_xai = "
                  f"{r['captum_chunked_over_cxr']:.2f}x   cxr_xai/floor = {r['cxr_over_floor']:.2f}x (target <= 1.3)")
            if 'peak_mib' in r: print("  peak memory MiB: " + "  ".join(f"{k} {v}" for k, v in r['peak_mib'].items()))
            if a.json:  # after every row, so a long run stopped half-way keeps what it measured
                with open(a.json, 'w') as f: json.dump(report, f, indent=1)

def bench(arch, size, a):
    "Time every variant for one architecture and size; the result row of the JSON."
    model, x, t = setup(arch, size, a.device)
    chunk = auto_batch_size(1, a.steps, size * size, a.device)
    times = time_all(variants(model, x, t, a.steps, CHUNKS, chunk), a.rounds, a.device)
    med = {u: {k: round(float(np.median(v[u])), 4) for k, v in times.items()} for u in ('wall', 'cpu')}
    floors = {k: v for k, v in med['cpu'].items() if k.startswith('floor_')}
    best = min(floors, key=floors.get)
    r = dict(arch=arch, size=size, steps=a.steps, device=a.device, target=t, auto_internal_batch_size=chunk,
             median_wall_s=med['wall'], median_cpu_s=med['cpu'],
             min_wall_s={k: round(min(v['wall']), 4) for k, v in times.items()}, best_floor=best)
    c = med['cpu']
    r.update(captum_over_cxr=c['captum'] / c['cxr_xai'], captum_chunked_over_cxr=c['captum_chunked'] / c['cxr_xai'],
             cxr_over_floor=c['cxr_xai'] / c[best])
    if not a.no_memory:
        r['peak_mib'] = {}
        for v in ('cxr_xai', 'captum', 'captum_chunked', best):
            out = subprocess.run([sys.executable, __file__, '--archs', arch, '--sizes', str(size), '--steps',
                                  str(a.steps), '--device', a.device, '--threads', str(torch.get_num_threads()),
                                  '--_mem', v], capture_output=True, text=True,
                                 env={**os.environ, 'MALLOC_MMAP_THRESHOLD_': '65536'})  # freed memory leaves RSS
            r['peak_mib'][v] = round(float(out.stdout.strip().splitlines()[-1]), 1) if out.returncode == 0 else None
    return r

if __name__ == '__main__': main()
