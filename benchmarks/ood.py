#!/usr/bin/env python
"""What the OOD reference costs at the end of `train`, against the training it follows.

    python benchmarks/ood.py [--n 600] [--size 128] [--epochs 5] [--repeats 5] [--out benchmarks/results/ood.json]

Trains the teaching CNN on a phantom of N films at SIZE px with the recipe `train` uses (one-cycle, fixed lr so no
finder), timing each epoch (CPU time of this process and wall time); then fits the OOD reference with
`learner_ood` (the call `train` makes: one pass without gradients over the training and validation films, read
through the DataLoaders' validation pipeline, then Ledoit-Wolf) REPEATS times. Reports medians, the ratio of the
OOD fit to one epoch, and its share of a default 10-epoch `train` (epochs only: the lr finder and the evaluation
are left out, which makes the share an over-estimate). Also the size the reference adds to the model file.
The machine this runs on may be shared: read the CPU-time ratios, not the wall seconds.
"""
import argparse, json, os, statistics, tempfile, time
from pathlib import Path

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, default=600); ap.add_argument('--size', type=int, default=128)
    ap.add_argument('--epochs', type=int, default=5); ap.add_argument('--repeats', type=int, default=5)
    ap.add_argument('--out', default=str(Path(__file__).resolve().parent/'results'/'ood.json'))
    a = ap.parse_args()
    import torch
    from fastai.callback.core import Callback
    from fastai.torch_core import set_seed
    from cxr_xai.data import make_phantom, read_items, resplit, xray_dls
    from cxr_xai.train import xray_learner, learner_ood
    from cxr_xai.model import save_model
    work = Path(tempfile.mkdtemp(prefix='cxr_xai_ood_'))
    items = resplit(read_items(make_phantom(work/'phantom', n=a.n, size=a.size, seed=0)), valid_pct=0.2, seed=0)
    set_seed(0, reproducible=True)
    learn = xray_learner(xray_dls(items, size=a.size, bs=32, seed=0), arch='teaching')
    class EpochTimes(Callback):
        def before_epoch(self): self.t = (time.process_time(), time.perf_counter())
        def after_epoch(self): times.append((time.process_time() - self.t[0], time.perf_counter() - self.t[1]))
    times = []
    with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(a.epochs, 1e-2, cbs=[EpochTimes()])
    ood = []
    for _ in range(a.repeats):
        c, w = time.process_time(), time.perf_counter()
        ref = learner_ood(learn, items)
        ood.append((time.process_time() - c, time.perf_counter() - w))
    learn.model.ood = None; plain = save_model(learn.model, work/'plain.safetensors').stat().st_size
    learn.model.ood = ref; with_ref = save_model(learn.model, work/'ood.safetensors').stat().st_size
    med = lambda xs, i: statistics.median(x[i] for x in xs)
    fit = items[items.split != 'test']
    res = dict(n=a.n, size=a.size, arch='teaching', train_films=int((~fit.is_valid).sum()), valid_films=int(fit.is_valid.sum()),
               epochs_timed=a.epochs, repeats=a.repeats, threads=torch.get_num_threads(),
               epoch_cpu_s=round(med(times, 0), 3), epoch_wall_s=round(med(times, 1), 3),
               ood_cpu_s=round(med(ood, 0), 3), ood_wall_s=round(med(ood, 1), 3),
               ood_over_epoch_cpu=round(med(ood, 0) / med(times, 0), 3), ood_over_epoch_wall=round(med(ood, 1) / med(times, 1), 3),
               share_of_10_epochs_cpu=round(med(ood, 0) / (med(ood, 0) + 10 * med(times, 0)), 4),
               model_file_bytes=dict(without=plain, with_reference=with_ref), dim=len(ref.mean), threshold=ref.threshold,
               machine='shared 2-core CPU machine (other jobs running): read ratios, not seconds', loadavg=os.getloadavg()[0])
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(res, indent=1) + '\n')
    print(json.dumps(res, indent=1))

if __name__ == '__main__': main()
