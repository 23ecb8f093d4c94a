"""Trust on the demo's model: the method × measure table of `cxr-xai trust`, ROAD faithfulness, and a search for better maps.

    python benchmarks/trust_demo.py --demo DEMO_OUT [--part trust|road|variants|all] [--n 40] [--out benchmarks/results/trust_demo.json]

DEMO_OUT is a finished `cxr-xai demo` folder (128-px teaching CNN, 1200 phantom films): its `model/model.safetensors`
and its phantom `data/` (films with lesion masks) are read, never written. Three parts, each written into the same
JSON as it finishes (a later part keeps the earlier parts' results):

- `trust`: `cxr_xai.trust.trust` (what `cxr-xai trust` runs) on --n PNEUMONIA test films with every registered
  method and its affordable `TRUST_OPTIONS`, all measures (randomisation and stability on the first 5 films), into
  a scratch folder; per method and measure the mean, its 95% patient-bootstrap interval, and seconds per film.
- `road`: deletion and insertion gains over random order with ROAD's noisy linear imputation as the hidden value
  (`hide='road'`, 10 steps as in Rong et al. 2022, one random order) beside the blur hidden value at the same settings,
  for every method on the first --road-n films.
- `variants`: `compare_variants` (pointing game, IoU, share/area, rank correlation of |map| with the map of the fully
  randomised model) on the --n films (randomisation on the first --sanity-n), and `cascade_ranks` (rank correlation at
  every stage of the cascade) on the first --cascade-n films, for variants that might localise better: smoothing,
  superpixel pooling, SmoothGrad over IG, IG baselines, Grad-CAM layers, Grad-CAM × a fine map, LRP composites,
  occlusion windows and hidden values. The aim (issue 14): pointing game >= 0.9 with rank correlation < 0.2.

Times are wall seconds per film (the machine is shared: the load average at the start and end is recorded) and, for
each part, the CPU seconds of the process. One torch thread.
"""
import argparse, json, os, platform, sys, tempfile, time, warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path = [p for p in sys.path if Path(p or '.').resolve() != HERE]   # benchmarks/lime.py would shadow the lime package
import numpy as np, pandas as pd, torch

def variants(tr):
    "name -> (method, options): the candidates, from the issue's list."
    sm, po, tg = tr.smoothed, tr.pooled, tr.times_gradcam
    ig = dict(n_steps=32)
    return {
        'ig, blur baseline': ('ig', dict(ig, baseline='blur')),
        'ig, black baseline': ('ig', ig),
        'ig, uniform-noise baseline': ('ig', dict(ig, baseline='uniform')),
        'ig, black + smooth σ3': (sm('ig', 3.), ig),
        'smoothgrad over ig (8 × 16 steps), black': ('ig', dict(n_steps=16, nt_samples=8, nt_stdev=0.1)),
        'saliency': ('saliency', {}),
        'saliency + smooth σ3': (sm('saliency', 3.), {}),
        'smoothgrad (16)': ('smoothgrad', dict(samples=16)),
        'smoothgrad (16) + smooth σ3': (sm('smoothgrad', 3.), dict(samples=16)),
        'smoothgrad (16) + pool 50': (po('smoothgrad', 50), dict(samples=16)),
        'gradcam (block4, 8×8)': ('gradcam', {}),
        'gradcam (block3, 16×16)': ('gradcam', dict(layer='block3')),
        'saliency × gradcam': (tg('saliency'), {}),
        'smoothgrad (16) × gradcam': (tg('smoothgrad'), dict(samples=16)),
        'lrp EpsilonPlusFlat': ('lrp', {}),
        'lrp EpsilonAlpha2Beta1Flat': ('lrp', dict(composite='EpsilonAlpha2Beta1Flat')),
        'lrp EpsilonGammaBox': ('lrp', dict(composite='EpsilonGammaBox')),
        'lrp EpsilonPlusFlat + smooth σ2': (sm('lrp', 2.), {}),
        'lrp EpsilonPlusFlat + smooth σ3': (sm('lrp', 3.), {}),
        'lrp EpsilonPlusFlat + pool 50': (po('lrp', 50), {}),
        'lrp EpsilonPlusFlat × gradcam': (tg('lrp'), {}),
        'occlusion 16/8, black': ('occlusion', dict(window=16, stride=8)),
        'occlusion 16/8, blur': ('occlusion', dict(window=16, stride=8, hide='blur')),
        'occlusion 32/16, blur': ('occlusion', dict(window=32, stride=16, hide='blur')),
        'sobel (control)': (tr.sobel_map, {}),
        'sobel + smooth σ3 (control)': (sm(tr.sobel_map, 3.), {}),
    }

def clean(v):
    if isinstance(v, dict): return {k: clean(w) for k, w in v.items()}
    if isinstance(v, (list, tuple)): return [clean(w) for w in v]
    if isinstance(v, (np.floating, float)): return None if not np.isfinite(v) else round(float(v), 4)
    if isinstance(v, np.integer): return int(v)
    return v

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--demo', default=None); ap.add_argument('--part', default='all', choices=['trust', 'road', 'variants', 'all'])
    ap.add_argument('--n', type=int, default=40); ap.add_argument('--sanity-n', type=int, default=8)
    ap.add_argument('--cascade-n', type=int, default=4)
    ap.add_argument('--trust-sanity-n', type=int, default=5, help='films that get the randomisation and stability checks in the trust part'); ap.add_argument('--road-n', type=int, default=8)
    ap.add_argument('--scratch', default=None, help='folder for the trust run (resumable); default a new temporary one')
    ap.add_argument('--only', default=None, help='variant names separated by ; (default all)')
    ap.add_argument('--out', default=str(HERE/'results'/'trust_demo.json'))
    ap.add_argument('--merge', nargs='*', default=None, help='only merge the parts of these JSON files into --out')
    a = ap.parse_args([x for x in sys.argv[1:] if x != '--'])   # torchrun wants `--` before the script's own options
    if a.merge is not None:          # parts run as separate processes, each into its own file
        out = Path(a.out); res = json.loads(out.read_text()) if out.exists() else {}
        for f in a.merge:
            part = json.loads(Path(f).read_text())
            old = (res.get('variants') or {}).get('results', {})
            res.update(part)
            if 'variants' in part and old: res['variants']['results'] = {**old, **part['variants']['results']}
        return out.write_text(json.dumps(res, indent=1, ensure_ascii=False) + '\n')
    torch.set_num_threads(1); warnings.simplefilter('ignore')
    import cxr_xai.trust as tr
    from cxr_xai.model import load_model
    from cxr_xai.data import read_items
    from cxr_xai.explanation import method_names
    demo = Path(a.demo); mf, data = demo/'model'/'model.safetensors', demo/'data'
    out = Path(a.out); res = json.loads(out.read_text()) if out.exists() else {}
    meta = json.loads((demo/'metrics.json').read_text()) if (demo/'metrics.json').exists() else {}
    res['demo'] = dict(folder=demo.name, size=meta.get('config', {}).get('size'), films=meta.get('config', {}).get('n'),
                       seed=meta.get('seed'), started=meta.get('started'),
                       test_auc=meta.get('test', {}).get('metrics', {}).get('roc_auc', {}).get('value'))
    res['machine'] = dict(platform=platform.platform(), cpus=os.cpu_count(), torch=torch.__version__, threads=1)
    model = load_model(mf)
    films = tr.load_films(tr.pick_films(read_items(data), 'test', a.n, 0, str(data)), model.size)   # the films `trust` picks
    parts = ['trust', 'road', 'variants'] if a.part == 'all' else [a.part]

    def save(): out.parent.mkdir(parents=True, exist_ok=True); out.write_text(json.dumps(clean(res), indent=1, ensure_ascii=False) + '\n')

    if 'trust' in parts:
        load0, c0, t0 = os.getloadavg()[0], time.process_time(), time.perf_counter()
        scratch = Path(a.scratch) if a.scratch else Path(tempfile.mkdtemp(prefix='trust_demo_'))/'trust'
        r = tr.trust(mf, data, methods='all', n=a.n, out=scratch, sanity_n=a.trust_sanity_n, progress=False)
        if not r: return            # another process of a launched run (torchrun): rank 0 writes
        res['trust'] = dict(n=a.n, sanity_n=r['sanity_n'], methods=r['methods'], options={k: v for k, v in tr.TRUST_OPTIONS.items()},
                            hide='blur', steps=32, n_random=2, results=r['results'], skipped=r['skipped'],
                            wall_s=time.perf_counter() - t0, cpu_s=time.process_time() - c0, load_avg=[load0, os.getloadavg()[0]])
        save(); print('trust done', round(time.perf_counter() - t0), 's', flush=True)

    if 'road' in parts:
        load0, c0, t0 = os.getloadavg()[0], time.process_time(), time.perf_counter()
        meths = {m: (m, tr.TRUST_OPTIONS.get(m, {})) for m in method_names()} | {tr.CONTROL: (tr.sobel_map, {})}
        rows = []
        for i, f in enumerate(films[:a.road_n]):
            for name, (m, kw) in meths.items():
                e = tr.run_explainer(model, f['xray'], m, 'PNEUMONIA', **kw)
                for hide in ('blur', 'road'):
                    t = time.perf_counter(); fa = tr.faithfulness(model, e, hide, steps=10, n_random=1, seed=i)
                    rows.append(dict(method=name, hide=hide, patient=f['patient'], deletion_gain=fa['deletion_gain'],
                                     insertion_gain=fa['insertion_gain'], sec=time.perf_counter() - t))
        rows = pd.DataFrame(rows); summ = {}
        for (name, hide), g in rows.groupby(['method', 'hide'], sort=False):
            s = summ.setdefault(name, {})
            for k in ('deletion_gain', 'insertion_gain'):
                b = tr.bootstrap_mean(g[k], g.patient, 1000); s[f'{hide}_{k}'] = dict(value=b['value'], lo=b['lo'], hi=b['hi'], n=b['n'])
            s[f'{hide}_sec'] = float(g.sec.mean())
        res['road'] = dict(n=a.road_n, steps=10, n_random=1, results=summ, wall_s=time.perf_counter() - t0,
                           cpu_s=time.process_time() - c0, load_avg=[load0, os.getloadavg()[0]])
        save(); print('road done', round(time.perf_counter() - t0), 's', flush=True)

    if 'variants' in parts:
        V = variants(tr)
        if a.only: V = {k: V[k] for k in a.only.split(';')}
        load0, c0, t0 = os.getloadavg()[0], time.process_time(), time.perf_counter()
        cmp = tr.compare_variants(model, films, V, sanity_n=a.sanity_n, n_boot=1000)
        print('compare done', round(time.perf_counter() - t0), 's', flush=True)
        cas = tr.cascade_ranks(model, films, V, sanity_n=a.cascade_n)
        old = (res.get('variants') or {}).get('results', {}) if a.only else {}
        rows = {**old, **{name: dict(**{k: cmp.loc[name, k] for k in cmp.columns}, cascade={c: cas.loc[name, c] for c in cas.columns})
                          for name in V}}
        res['variants'] = dict(n=a.n, sanity_n=a.sanity_n, cascade_n=a.cascade_n, aim=dict(pointing_min=0.9, rank_max=0.2),
                               results=rows, wall_s=time.perf_counter() - t0, cpu_s=time.process_time() - c0,
                               load_avg=[load0, os.getloadavg()[0]])
        save(); print('variants done', round(time.perf_counter() - t0), 's', flush=True)

if __name__ == '__main__': main()
