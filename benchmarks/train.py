"""Benchmark of `cxr_xai.train`: training-loop throughput against a plain PyTorch loop, and the phantom recipe.

Run:  python benchmarks/train.py            (about 5 minutes on a 2-core laptop CPU)
      python benchmarks/train.py --quick    (a smoke run, under a minute)

1. Throughput. The same DataLoaders (`xray_dls`, augmentation on, as in training), the same architecture and
   initial weights, the same optimiser (Adam with decoupled weight decay) and one-cycle schedule, the same number of epochs, each followed by
   a validation pass. Once through `xray_learner` + `fit_one_cycle` (fastai: callbacks, recorder, metrics), once
   through a hand-written PyTorch loop. Reports training images per second of each and their ratio
   (plain / cxr_xai; target <= 1.15), by wall time and by CPU time of this process (steadier on a shared
   machine). The runs alternate and the best of `--repeats` is kept, since the CPU may be shared.
2. The phantom recipe: make a phantom, `train()` it from the folder (learning-rate finder, one-cycle, best-AUC
   checkpoint, early stopping), then the validation AUC (from `train`) and the AUC on the phantom's held-out
   test rows. Reports wall time (target: AUC >= 0.95 within 5 minutes on 2 cores).

Prints a human-readable summary and, last, one JSON line with every figure.
"""
import argparse, json, math, os, platform, sys, tempfile, time, warnings
from pathlib import Path

warnings.simplefilter('ignore')
import numpy as np, torch
from torch import nn
import torch.nn.functional as F
import sklearn.metrics as skm

from fastai.torch_core import set_seed
from cxr_xai.data import make_phantom, read_items, resplit, xray_dls, load_item
from cxr_xai.model import load_model
from cxr_xai.train import xray_learner, train


def fastai_run(dls, epochs, lr, state, arch):
    "Train with the cxr_xai Learner; returns (seconds, training images seen)."
    learn = xray_learner(dls, arch=arch)
    learn.model.load_state_dict(state)
    t, c = time.perf_counter(), time.process_time()
    with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(epochs, lr)
    return time.perf_counter() - t, time.process_time() - c, epochs * len(dls.train) * dls.train.bs


def plain_run(dls, epochs, lr, state, arch):
    "The same training written as a plain PyTorch loop over the same DataLoaders."
    learn = xray_learner(dls, arch=arch)  # only to build the identical model and loss weights
    model = learn.model
    model.load_state_dict(state)
    weight = dls.xray.class_weights.float()
    # fastai's defaults: Adam with decoupled weight decay 0.01, eps 1e-5, betas (0.9, 0.99); one-cycle 25% warm-up
    opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.99), eps=1e-5, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=epochs * len(dls.train), pct_start=0.25,
                                                div_factor=25, final_div_factor=1e5 / 25)
    t, c = time.perf_counter(), time.process_time()
    for _ in range(epochs):
        model.train()
        for xb, yb in dls.train:
            xb, yb = xb.as_subclass(torch.Tensor), yb.as_subclass(torch.Tensor)  # plain tensors, no fastai types
            loss = F.cross_entropy(model(xb), yb, weight=weight)
            opt.zero_grad(); loss.backward(); opt.step(); sched.step()
        model.eval(); ps, ys = [], []
        with torch.no_grad():
            for xb, yb in dls.valid:
                xb, yb = xb.as_subclass(torch.Tensor), yb.as_subclass(torch.Tensor)
                ps.append(model(xb).softmax(1)[:, 1]); ys.append(yb)
        y, p = torch.cat(ys).numpy(), torch.cat(ps).numpy()
        _ = skm.roc_auc_score(y, p) if len(np.unique(y)) == 2 else float('nan')
    return time.perf_counter() - t, time.process_time() - c, epochs * len(dls.train) * dls.train.bs


def data_only(dls):
    "Images per second of the DataLoader alone (reading, resizing, augmenting), for context."
    t = time.perf_counter(); n = 0
    for xb, _ in dls.train: n += len(xb)
    return n / (time.perf_counter() - t)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--size', type=int, default=64)
    ap.add_argument('--n', type=int, default=400, help='phantom x-rays for the throughput runs')
    ap.add_argument('--epochs', type=int, default=2, help='epochs per throughput run')
    ap.add_argument('--repeats', type=int, default=2)
    ap.add_argument('--arch', default='teaching')
    ap.add_argument('--bs', type=int, default=32)
    ap.add_argument('--recipe-n', type=int, default=600)
    ap.add_argument('--recipe-epochs', type=int, default=12)
    ap.add_argument('--recipe-size', type=int, default=64)
    ap.add_argument('--threads', type=int, default=0, help='torch threads (0: leave as is)')
    ap.add_argument('--skip-recipe', action='store_true', help='throughput only')
    ap.add_argument('--quick', action='store_true', help='a smoke run: small phantom, one repeat, short recipe')
    a = ap.parse_args()
    if a.quick: a.n, a.epochs, a.repeats, a.recipe_n, a.recipe_epochs = 200, 1, 1, 200, 2
    if a.threads: torch.set_num_threads(a.threads)
    tmp = Path(tempfile.mkdtemp(prefix='cxr_xai_bench_'))
    out = dict(machine=dict(python=platform.python_version(), torch=torch.__version__, threads=torch.get_num_threads(),
                            cpus=os.cpu_count(), load_avg_1min=os.getloadavg()[0]), args=vars(a))

    # 1. throughput
    items = resplit(read_items(make_phantom(tmp/'tp', n=a.n, size=a.size, seed=0)), valid_pct=0.25, seed=0)
    set_seed(0)
    dls = xray_dls(items, size=a.size, bs=a.bs, seed=0)
    state = {k: v.clone() for k, v in xray_learner(dls, arch=a.arch).model.state_dict().items()}
    fastai_run(dls, 1, 1e-3, state, a.arch)  # warm-up (thread pools, allocator)
    res = {'cxr_xai': [], 'plain': []}; cpu = {'cxr_xai': [], 'plain': []}
    for _ in range(a.repeats):
        for name, fn in (('cxr_xai', fastai_run), ('plain', plain_run)):
            s, c, n = fn(dls, a.epochs, 1e-2, state, a.arch)
            res[name].append(n / s); cpu[name].append(n / c)
    ips = {k: max(v) for k, v in res.items()}
    ipc = {k: max(v) for k, v in cpu.items()}
    out['throughput'] = dict(images_per_s=ips, images_per_cpu_s=ipc, all_runs=res,
                             ratio_plain_over_cxr_xai=ips['plain'] / ips['cxr_xai'],
                             ratio_cpu_time=ipc['plain'] / ipc['cxr_xai'],
                             data_only_images_per_s=data_only(dls), train_images=len(dls.train_ds), size=a.size,
                             arch=a.arch, bs=a.bs, epochs=a.epochs)
    print(f"throughput ({a.arch}, {a.size} px, bs {a.bs}, {len(dls.train_ds)} training x-rays, {a.epochs} epochs + validation, best of {a.repeats}):")
    print(f"  cxr_xai Learner  {ips['cxr_xai']:7.1f} img/s wall, {ipc['cxr_xai']:7.1f} img per CPU-second")
    print(f"  plain PyTorch    {ips['plain']:7.1f} img/s wall, {ipc['plain']:7.1f} img per CPU-second")
    print(f"  ratio plain/cxr_xai {out['throughput']['ratio_plain_over_cxr_xai']:.3f} wall, "
          f"{out['throughput']['ratio_cpu_time']:.3f} CPU time (target <= 1.15)")
    print(f"  DataLoader alone {out['throughput']['data_only_images_per_s']:7.1f} img/s")
    if a.skip_recipe: print(json.dumps(out)); return

    # 2. the phantom recipe, end to end
    t = time.perf_counter()
    pdir = make_phantom(tmp/'recipe', n=a.recipe_n, size=a.recipe_size, seed=1)
    r = train(pdir, tmp/'run', size=a.recipe_size, epochs=a.recipe_epochs, bs=a.bs, lr=None, seed=1, valid_pct=0.25, patience=4)
    wall = time.perf_counter() - t
    model = load_model(r['model'])
    test = read_items(pdir); test = test[test.split == 'test']
    with torch.no_grad():
        p = torch.cat([model(torch.tensor(np.stack([load_item(s) for s in test.source[i:i+64]]))[:, None]).softmax(1)[:, 1]
                       for i in range(0, len(test), 64)]).numpy()
    test_auc = skm.roc_auc_score(test.label, p)
    out['recipe'] = dict(n=a.recipe_n, size=a.recipe_size, max_epochs=a.recipe_epochs, epochs_run=r['epochs_run'],
                         lr=r['lr'], valid=r['valid'], test_auc=float(test_auc), n_test=len(test), wall_s=wall,
                         train_s=r['seconds'])
    print(f"phantom recipe ({a.recipe_n} x-rays at {a.recipe_size} px, lr-find + one-cycle, {r['epochs_run']}/{a.recipe_epochs} epochs):")
    print(f"  valid AUC {r['valid']['roc_auc']:.3f}  test AUC {test_auc:.3f} ({len(test)} x-rays)  wall {wall:.0f} s "
          f"(target AUC >= 0.95 within 300 s)")
    print(f"  load average at start {out['machine']['load_avg_1min']:.1f} on {os.cpu_count()} CPUs (figures are slower on a shared CPU)")
    print(json.dumps(out))


if __name__ == '__main__':
    main()
