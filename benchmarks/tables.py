#!/usr/bin/env python
"""Write the benchmark tables from the results files, so that no figure is typed by hand.

    python benchmarks/tables.py            # writes benchmarks/results/*.md and the tables of benchmarks/README.md
    python benchmarks/tables.py --check    # exits 1 when any of them is not what the results files give (CI)

Reads `benchmarks/results/{phantom,train,ig,lime,trust,trust_demo,demo}.json` (written by the benchmark scripts; `demo.json` by
`benchmarks/demo.py`: every timed demo run) and the test metrics of the demo run whose pictures the README shows,
`nbs/images/demo/metrics.json`. Also writes `cxr_xai/demo_times.txt`, the times `cxr-xai demo --help` prints. Writes one markdown table per file into
`benchmarks/results/NAME.md`, the block between `<!-- tables:start -->` and `<!-- tables:end -->` of
`benchmarks/README.md`, and, as their output, the text of each notebook cell that displays one of the `.md` files
(the notebooks' speed sections and the index, hence the README): the same as executing those cells.
"""
import json, re, sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RES, ROOT = HERE/'results', HERE.parent
DEMO = ROOT/'nbs'/'images'/'demo'
NAMES = {'teaching': 'teaching CNN', 'resnet18': 'ResNet-18'}
START, END = '<!-- tables:start -->', '<!-- tables:end -->'

def load(p):
    p = Path(p)
    return json.loads(p.read_text()) if p.exists() else None

def table(head, rows):
    "A markdown table."
    return '\n'.join(['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)] +
                     ['| ' + ' | '.join(str(c) for c in r) + ' |' for r in rows]) + '\n'

def x(v): return f'{v:.2f}×'
def s(v): return f'{v:.2f} s' if v < 10 else f'{v:.1f} s'
def yes(ok): return 'yes' if ok else 'no'

def phantom_md(d):
    return table(['films, size', 'drawing alone, films per CPU-second', 'drawing + writing (`make_phantom`), films per CPU-second',
                  'same, per wall-clock second', 'target', 'met?'],
                 [[f"{d['n']}, {d['size']} px, one core", f"{d['draw_cpu_images_per_s']:.0f}", f"{d['make_cpu_images_per_s']:.0f}",
                   f"{d['make_wall_images_per_s']:.0f}", f"≥ {d['target_images_per_s']}", yes(d['make_cpu_images_per_s'] >= d['target_images_per_s'])]])

def train_md(d):
    t, r = d['throughput'], d.get('recipe')
    rows = [['training loop, plain PyTorch ÷ cxr_xai (images per CPU-second)', f"{t['ratio_cpu_time']:.2f} "
             f"({t['images_per_cpu_s']['plain']:.0f} vs {t['images_per_cpu_s']['cxr_xai']:.0f})", '≤ 1.15', yes(t['ratio_cpu_time'] <= 1.15)]]
    if r: rows.append([f"phantom recipe: lr-find + one-cycle, {r['n']} films at {r['size']} px",
                       f"valid AUC {r['valid']['roc_auc']:.3f}, test AUC {r['test_auc']:.3f}, {r['wall_s']:.0f} s wall",
                       'AUC ≥ 0.95 within 300 s', yes(r['test_auc'] >= 0.95 and r['wall_s'] <= 300)])
    return table(['what', 'measured', 'target', 'met?'], rows)

def ig_rows(d): return list(d['results'].values())

def ig_md(d):
    rows = []
    for r in ig_rows(d):
        c, m = r['median_cpu_s'], r.get('peak_mib') or {}
        rows.append([f"{NAMES.get(r['arch'], r['arch'])}, {r['size']} px", r['auto_internal_batch_size'], s(c['cxr_xai']),
                     s(c['captum']), s(c['captum_chunked']), f"{s(c[r['best_floor']])} ({r['best_floor'][6:]})",
                     x(r['captum_over_cxr']), x(r['captum_chunked_over_cxr']), x(r['cxr_over_floor']),
                     ' / '.join(f"{m.get(k, float('nan')):.0f}" for k in ('cxr_xai', 'captum', 'captum_chunked')) if m else '–'])
    return table(['network, input', 'auto chunk', 'cxr_xai', 'captum default', 'captum, same chunks', 'floor (chunk)',
                  'captum ÷ cxr_xai', 'captum same chunks ÷ cxr_xai', 'cxr_xai ÷ floor', 'peak MiB: cxr_xai / captum / captum chunked'], rows)

def ig_chunks_md(d):
    rows = ig_rows(d)
    chunks = sorted({int(k[6:]) for r in rows for k in r['median_cpu_s'] if k.startswith('floor_')})
    return table(['network, input'] + [f'{c}' + (' (captum\'s default)' if c == d.get('steps', 50) else '') for c in chunks],
                 [[f"{NAMES.get(r['arch'], r['arch'])}, {r['size']} px"] + [f"{r['median_cpu_s'][f'floor_{c}']:.3f}" for c in chunks] for r in rows])

def lime_md(d):
    rows = []
    for r in d['results']:
        rows.append([f"{NAMES.get(r['arch'], r['arch'])}, {r['size']} px", r['num_samples'], r['floor_bs'],
                     s(r['floor_cpu_s']), s(r['cxr_xai_warm_cpu_s']), s(r['cxr_xai_cold_cpu_s']), s(r['tutorial_cpu_s']),
                     x(r['cxr_over_floor_warm_cpu_s']), x(r['tutorial_over_cxr_warm_cpu_s']), x(r['tutorial_over_cxr_cold_cpu_s'])])
    return table(['model, input', 'samples', 'batch', 'floor', 'cxr_xai warm', 'cxr_xai cold', 'tutorial',
                  'cxr_xai ÷ floor (warm)', 'tutorial ÷ cxr_xai (warm)', 'tutorial ÷ cxr_xai (cold)'], rows)

TRUST_MEASURES = (('explain', 'explain'), ('localisation', 'localisation'), ('faithfulness', 'deletion + insertion'),
                  ('randomisation', 'randomisation (full, as `trust`)'), ('cascading', 'cascading randomisation'),
                  ('seed', 'seed stability'), ('sensitivity', 'max-sensitivity'))

def _sec(v): return '–' if v is None else f'{v:.3f}' if v < 1 else f'{v:.2f}' if v < 10 else f'{v:.1f}'

def trust_cells_md(c, clock):
    "One table: method × measure, warm (cold) seconds per film on `clock` ('cpu' or 'wall'); repeats where fewer than asked."
    rows = []
    for m, r in c['methods'].items():
        cells = []
        for k, _ in TRUST_MEASURES:
            if k not in r['cells']: cells.append('not measured'); continue
            v = r['cells'][k]
            if v is None: cells.append('–'); continue
            few = f" [{v['repeats']}×]" if v['repeats'] < c['repeats'] else ''
            cells.append(f"{_sec(v[f'warm_{clock}_s'])} ({_sec(v[f'cold_{clock}_s'])}){few}")
        rows.append([m] + cells)
    return table(['method'] + [name for _, name in TRUST_MEASURES], rows)

def trust_md(d):
    "The cost of the trust measures: per method and measure at each size, the deletion curve against its forward passes, a 200-film run."
    out = []
    for key in sorted(k for k in d if k.startswith('cells_')):
        c = d[key]
        nf = sorted({r.get('films', 0) for r in c['methods'].values()})
        films = f"{nf[0]}" if len(nf) == 1 else f"{nf[0]} to {nf[-1]}"
        out.append(f"**{c['size']} px: {c['model']}.** Seconds per film, warm median (cold), on {films} phantom PNEUMONIA films "
                   f"(`synth_xray`, with their lesion masks) per method; "
                   f"median of {c['repeats']} warm calls except where [n×] says fewer; load average "
                   f"{c['load_avg_at_start'][0]:.1f} at the start, {c['load_avg_at_end'][0]:.1f} at the end.\n")
        out.append('CPU seconds:\n'); out.append(trust_cells_md(c, 'cpu'))
        out.append('\nWall seconds:\n'); out.append(trust_cells_md(c, 'wall'))
        out.append('')
    if d.get('curve'):
        cv, rows = d['curve'], []
        for size, r in cv['sizes'].items():
            b = min((v['cpu_s'], k) for k, v in r['bare'].items())
            rows.append([f"{size} px", r['images'], f"{b[0]:.3f} s ({b[1]})",
                         f"{r['curve'][r['ratio_best']['curve_bs']]['cpu_s']:.3f} s ({r['ratio_best']['curve_bs']})",
                         f"{r['curve']['auto']['cpu_s']:.3f} s ({r['auto_batch_size']})", f"{r['curve']['33']['cpu_s']:.3f} s",
                         x(r['ratio_best']['cpu']), x(r['ratio_auto']), x(r['ratio_old_default_64']),
                         x(r['faithfulness_ratio_auto']), x(r['faithfulness_ratio_old_default_64']),
                         f"≤ {cv['target']}×", yes(r['ratio_auto'] <= cv['target'])])
        out.append(f"**A deletion curve against its bare forward passes** (CPU seconds, median of {cv['repeats']}, batch size in "
                   f"brackets; load average {cv['load_avg_at_start'][0]:.1f} at the start):\n")
        out.append(table(['input', 'images per curve', 'bare forward, best batch', 'curve, best batch', "curve, `batch_size='auto'`",
                          'curve, all in one pass (the old default)', 'best ÷ bare', 'auto ÷ bare', 'one pass ÷ bare',
                          'faithfulness (6 curves), auto ÷ bare', 'faithfulness, one pass per curve ÷ bare', 'target', 'met (auto)?'], rows))
        out.append('')
    for key in ('run', 'run_all'):
        if not d.get(key): continue
        r = d[key]
        share = ', '.join(f"{k} {v:.0%}" for k, v in r['share_by_measure'].items())
        meth = ', '.join(f"{k} {v:.0%}" for k, v in sorted(r['share_by_method'].items(), key=lambda kv: -kv[1]))
        part = '' if r.get('finished', True) else f" (stopped after {r['films_done']} films)"
        which = 'the registry and the control' if '--methods' not in r['command'] else r['command'].split('--methods ')[1].split()[0].replace(',', ', ') + ' and the control'
        out.append(f"**`cxr-xai trust` over {r['films']} films**{part}, {len(r['methods'])} methods ({which}), "
                   f"all measures, randomisation and stability on the first {r['sanity_n']}, {r['threads']} torch thread; load average "
                   f"{r['load_avg_at_start'][0]:.1f} at the start, {r['load_avg_at_end'][0]:.1f} at the end:\n")
        out.append(table(['films', 'wall', 'CPU', 'films per wall second', 'CPU seconds per film', 'share of the recorded time by measure',
                          'by method'],
                         [[r['films_done'] if not r.get('finished', True) else r['films'], f"{r['wall_s']:.0f} s", f"{r['cpu_s']:.0f} s",
                           f"{r['films_per_s_wall']:.3f}", f"{r['cpu_s_per_film']:.2f}", share, meth]]))
        mm = r.get('share_by_method_measure') or {}
        if len(mm) > 1 and r.get('finished'):   # the random-order curves of a film are shared: the first method judged pays for them
            first, rest = r['methods'][0], [v.get('faithfulness', 0) for k, v in mm.items() if k != r['methods'][0]]
            out.append(f"\nA film's random-order reference curves are run once and shared by its methods; they are counted under the "
                       f"first method judged ({first}: deletion + insertion {mm[first].get('faithfulness', 0):.0%} of the time, the "
                       f"others {min(rest):.0%}–{max(rest):.0%} each).\n")
        out.append('')
    return '\n'.join(out)

def _range(v, unit=' s'):
    "min–max of the values (one value when they agree), rounded to whole units."
    lo, hi = f'{min(v):.0f}', f'{max(v):.0f}'
    return (lo if lo == hi else f'{lo}–{hi}') + unit

DEMO_PRESETS = (('default', '`cxr-xai demo`'), ('quick', '`cxr-xai demo --quick`'))

def _runs(n): return f"{n} run{'s' if n != 1 else ''}"

def demo_runs(d, preset): return [r for r in (d or {}).get('runs', []) if r['preset'] == preset]

def _loads(rs):
    ls = [l for r in rs for l in (r.get('load_avg_1min') or [])]
    return _range(ls, '') if ls else 'not recorded'

def demo_md(d):
    "The demo's times: per preset the range over every timed run in results/demo.json, then the runs themselves."
    rows = []
    for preset, name in DEMO_PRESETS:
        rs = demo_runs(d, preset)
        if rs: rows.append([name, len(rs), _range([r['seconds']['total'] for r in rs]), _range([r['seconds']['train'] for r in rs]),
                            ', '.join(sorted({r['machine'] for r in rs})), _loads(rs)])
    runs = [[r['started'], r['preset'], f"{r['seconds']['total']:.0f} s", f"{r['seconds']['train']:.0f} s", f"{r['seconds']['explain']:.0f} s",
             f"{r['seconds']['trust']:.0f} s" if 'trust' in r['seconds'] else '–', _loads([r]), r.get('note') or ''] for r in d['runs']]
    return (table(['command', 'timed runs', 'total', 'of which training', 'machine', 'load average (1 min) around the runs'], rows) + '\n' +
            table(['run', 'preset', 'total', 'training', 'explaining', 'judging (trust)', 'load average', 'note'], runs))

def demo_help(d):
    "The times `cxr-xai demo --help` prints (cxr_xai/demo_times.txt), from the same runs."
    parts = [f"{name.strip('`')}: {_range([r['seconds']['total'] for r in demo_runs(d, p)])} over {_runs(len(demo_runs(d, p)))}"
             for p, name in DEMO_PRESETS if demo_runs(d, p)]
    machines = ', '.join(sorted({r['machine'] for r in d['runs']}))
    return (f"Measured times ({machines}; load average {_loads(d['runs'])}, most runs on a machine shared with other jobs): "
            + '; '.join(parts) + '. The time grows with the load; the README lists each run (benchmarks/results/demo.json).\n')

def demo_test_md(d):
    "The sentence of the index that gives the demo's test metrics."
    m = d['test']; a, op = m['metrics']['roc_auc'], m['operating_points']['sens>=0.95']
    return (f"The teaching CNN on the phantom's test split ({m['n']} films, {m['n_patients']} patients): ROC AUC {a['value']:.3f} "
            f"(95% CI {a['lo']:.3f}–{a['hi']:.3f}, bootstrap by patient); at the threshold chosen on validation for sensitivity "
            f"≥ 0.95, test sensitivity {op['sensitivity']['value']:.3f} and specificity {op['specificity']['value']:.3f}:\n")

def _ci(m, digits=2):
    "A measure's value with its interval: 0.15 [0.05–0.28]."
    if not m or m.get('value') is None: return '–'
    v = f"{m['value']:.{digits}f}"
    return v + (f" [{m['lo']:.{digits}f}–{m['hi']:.{digits}f}]" if m.get('lo') is not None and m.get('hi') is not None else '')

def _v(m, digits=2): return '–' if not m or m.get('value') is None else f"{m['value']:.{digits}f}"

def trust_demo_md(d):
    "The method × measure table of `cxr-xai trust` on the demo's model, with ROAD's faithfulness beside blur's."
    t, road = d['trust'], (d.get('road') or {}).get('results', {})
    rows = []
    for name, r in t['results'].items():
        rd = road.get(name, {})
        sane = sum(r[k]['value'] for k in ('sec_randomisation', 'sec_stability') if k in r)
        rows.append([name, _ci(r.get('pointing')), _v(r.get('ratio'), 1), _v(r.get('iou')), _ci(r.get('deletion_gain')),
                     _ci(r.get('insertion_gain')), _v(rd.get('blur_deletion_gain')), _v(rd.get('road_deletion_gain')),
                     _v(rd.get('road_insertion_gain')), _ci(r.get('rand_rank_abs')), _v(r.get('rand_ssim')),
                     _v(r.get('sensitivity')), _v(r.get('seed_rank')), f"{r['sec_explain']['value']:.2f}",
                     f"{r['sec_faithfulness']['value']:.1f}" if 'sec_faithfulness' in r else '–', f"{sane:.1f}"])
    return table(['method', f"pointing game [95% CI], {t['n']} films", 'share ÷ area', 'Otsu IoU',
                  'deletion gain, blur', 'insertion gain, blur', f"deletion gain, blur, 10 steps ({d.get('road', {}).get('n', '–')} films)",
                  'deletion gain, ROAD', 'insertion gain, ROAD', f"ρ under full randomisation ({t['sanity_n']} films)", 'SSIM',
                  'max-sensitivity', 'seed ρ', 'explain, s/film', 'faithfulness (blur), s/film', 'randomisation + stability, s per film checked'], rows)

def trust_demo_variants_md(d):
    "The search for better maps: localisation, randomisation at each stage of the cascade, and the issue's aim."
    v = d['variants']; aim = v['aim']; rows = []
    for name, r in v['results'].items():
        c = r.get('cascade', {})
        ok = r['pointing'] >= aim['pointing_min'] and r['rand_rank_abs'] < aim['rank_max']
        rows.append([name, f"{r['pointing']:.2f} [{r['pointing_lo']:.2f}–{r['pointing_hi']:.2f}]", f"{r['iou']:.2f}", f"{r['ratio']:.1f}",
                     f"{r['rand_rank_abs']:.2f}"] + [f"{x:.2f}" for x in c.values()] + [yes(ok), f"{r['sec_explain']:.2f}"])
    stages = list(next(iter(v['results'].values())).get('cascade', {}))
    return table(['variant', f"pointing game [95% CI], {v['n']} films", 'Otsu IoU', 'share ÷ area',
                  f"ρ, all layers random ({v['sanity_n']} films)"] + [f"ρ, cascade down to {s.lstrip('…')} ({v['cascade_n']} films)" for s in stages]
                 + [f"pointing ≥ {aim['pointing_min']} and ρ < {aim['rank_max']}?", 'explain, s/film'], rows)

def summary_md(R):
    "The short table of the index and README: one row per benchmark, with its target."
    rows = []
    if R.get('phantom'):
        d = R['phantom']; rows.append([f"phantom films drawn and written, {d['size']} px, one core", f"{d['make_cpu_images_per_s']:.0f} per CPU-second", f"≥ {d['target_images_per_s']}", yes(d['make_cpu_images_per_s'] >= d['target_images_per_s'])])
    if R.get('train'):
        t = R['train']['throughput']; rows.append(['training loop, plain PyTorch ÷ cxr_xai (CPU time)', f"{t['ratio_cpu_time']:.2f}", '≤ 1.15', yes(t['ratio_cpu_time'] <= 1.15)])
    if R.get('ig'):
        for r in ig_rows(R['ig']):
            rows.append([f"IG, 50 steps, {NAMES.get(r['arch'], r['arch'])} at {r['size']} px: captum's default ÷ cxr_xai",
                         f"{x(r['captum_over_cxr'])} (captum with the same chunks: {x(r['captum_chunked_over_cxr'])})", '≥ 1.5×', yes(r['captum_over_cxr'] >= 1.5)])
    if R.get('lime'):
        for r in R['lime']['results']:
            rows.append([f"LIME, {r['num_samples']} samples, {NAMES.get(r['arch'], r['arch'])} at {r['size']} px: cxr_xai ÷ floor (warm)",
                         x(r['cxr_over_floor_warm_cpu_s']), '≤ 1.2×', yes(r['cxr_over_floor_warm_cpu_s'] <= 1.2)])
            ok = r['tutorial_over_cxr_warm_cpu_s'] >= 2
            rows.append([f"LIME, {NAMES.get(r['arch'], r['arch'])} at {r['size']} px: tutorial ÷ cxr_xai (warm; cold)",
                         f"{x(r['tutorial_over_cxr_warm_cpu_s'])}; {x(r['tutorial_over_cxr_cold_cpu_s'])}",
                         '≥ 2×' if r['arch'] == 'teaching' else '–', yes(ok) if r['arch'] == 'teaching' else '–'])
    for preset, name in DEMO_PRESETS:
        rs, lim = demo_runs(R.get('demo_runs'), preset), (120 if preset == 'quick' else 600)
        if not rs: continue
        tot = [r['seconds']['total'] for r in rs]
        auc = f", test ROC AUC {R['demo']['test']['metrics']['roc_auc']['value']:.3f} on the phantom" if preset == 'default' and R.get('demo') else ''
        met = 'yes' if max(tot) <= lim else 'no' if min(tot) > lim else f'on {sum(t <= lim for t in tot)} of {len(tot)} runs (see the load)'
        rows.append([name, f"{_range(tot)} over {_runs(len(rs))}{auc}", '≤ 10 min, AUC ≥ 0.95' if preset == 'default' else '≤ 2 min', met])
    return table(['what', 'measured', 'target', 'met?'], rows)

def machine_md(R):
    "One line per results file: when and where it was measured."
    out = []
    if R.get('lime'):
        m = R['lime']['machine']; out.append(f"- `lime.json`: {R['lime']['date']}, {m['platform']}, {m['cpus']} CPUs, torch {R['lime']['torch']}, "
                                             f"{R['lime']['threads']} torch thread(s); load average {m['load_avg_at_start'][0]:.1f} at the start and "
                                             f"{m.get('load_avg_at_end', [float('nan')])[0]:.1f} at the end (a shared machine)")
    if R.get('ig'):
        m = R['ig']['machine']; out.append(f"- `ig.json`: {m['platform']}, {m['cpus']} CPUs, torch {m['torch']}, {m['threads']} torch thread(s), "
                                           f"{m['device']}; load average {m['load_avg_at_start'][0]:.1f} at the start; medians of {R['ig']['rounds']} rounds")
    if R.get('phantom'): out.append(f"- `phantom.json`: one core; load average {R['phantom']['load_average'][0]:.1f}")
    if R.get('train'): out.append(f"- `train.json`: torch {R['train']['machine']['torch']}, {R['train']['machine']['cpus']} CPUs; load average "
                                  f"{R['train']['machine']['load_avg_1min']:.1f}")
    if R.get('demo_runs'): out.append(f"- `demo.json`: {len(R['demo_runs']['runs'])} timed demo runs, {_range([r['seconds']['total'] for r in R['demo_runs']['runs']])}; "
                                      f"load average {_loads(R['demo_runs']['runs'])}")
    if R.get('demo'): out.append(f"- `nbs/images/demo/metrics.json` (the README's pictures and test metrics): {R['demo'].get('started', '')}, {R['demo'].get('machine', '')}")
    return '\n'.join(out) + '\n'

def build():
    "{path: text} of every generated file, from the results files."
    R = dict(phantom=load(RES/'phantom.json'), train=load(RES/'train.json'), ig=load(RES/'ig.json'), lime=load(RES/'lime.json'),
             demo=load(DEMO/'metrics.json'), demo_runs=load(RES/'demo.json'), trust=load(RES/'trust.json'))
    if R['ig'] and 'results' not in R['ig']: R['ig'] = None      # the format before the captum-with-chunks row
    if R['lime'] and 'tutorial_over_cxr_cold_cpu_s' not in (R['lime'].get('results') or [{}])[0]: R['lime'] = None  # before cold/warm
    files = {RES/'summary.md': summary_md(R), RES/'machines.md': machine_md(R)}
    if R['phantom']: files[RES/'phantom.md'] = phantom_md(R['phantom'])
    if R['train']: files[RES/'train.md'] = train_md(R['train'])
    if R['ig']: files[RES/'ig.md'] = ig_md(R['ig']); files[RES/'ig_chunks.md'] = ig_chunks_md(R['ig'])
    if R['lime']: files[RES/'lime.md'] = lime_md(R['lime'])
    if R['trust']: files[RES/'trust.md'] = trust_md(R['trust'])
    if R['demo']: files[RES/'demo_test.md'] = demo_test_md(R['demo'])
    if R['demo_runs']: files[RES/'demo.md'] = demo_md(R['demo_runs']); files[ROOT/'cxr_xai'/'demo_times.txt'] = demo_help(R['demo_runs'])
    td = load(RES/'trust_demo.json')
    if td and td.get('trust'): files[RES/'trust_demo.md'] = trust_demo_md(td)
    if td and td.get('variants'): files[RES/'trust_demo_variants.md'] = trust_demo_variants_md(td)
    readme = (HERE/'README.md').read_text()
    if START in readme and END in readme:
        parts = ['**Where and when each results file was measured**\n', files[RES/'machines.md'], '\n**Summary** (targets from the issues)\n',
                 files[RES/'summary.md']]
        for name, title in (('phantom', 'Phantom drawing'), ('train', 'Training'), ('ig', 'Integrated Gradients (median CPU seconds)'),
                            ('ig_chunks', 'IG: 50 forward+backward passes by chunk size (median CPU seconds)'),
                            ('lime', 'LIME (median CPU seconds over fresh processes)'), ('trust', 'What the trust measures cost'),
                            ('demo', 'The demo (every timed run, results/demo.json)')):
            if RES/f'{name}.md' in files: parts += [f'\n**{title}**\n', files[RES/f'{name}.md']]
        block = START + '\n' + '\n'.join(p.rstrip('\n') + '\n' for p in parts) + END
        files[HERE/'README.md'] = readme[:readme.index(START)] + block + readme[readme.index(END) + len(END):]
    return files

SHOWS = re.compile(r'results/(\w+)\.md')

def refresh_outputs(files):
    "Give every notebook cell that displays `results/NAME.md` that file's text as its output; the notebooks changed."
    changed = []
    for nb_path in sorted((ROOT/'nbs').glob('*.ipynb')):
        nb = json.loads(nb_path.read_text())
        dirty = False
        for c in nb['cells']:
            src = ''.join(c['source']) if isinstance(c['source'], list) else c['source']
            names = SHOWS.findall(src) if c['cell_type'] == 'code' else []
            if len(names) != 1 or RES/f'{names[0]}.md' not in files: continue
            text = files[RES/f'{names[0]}.md']
            out = [dict(output_type='execute_result', execution_count=None, metadata={},
                        data={'text/markdown': text.splitlines(keepends=True), 'text/plain': ['<IPython.core.display.Markdown object>']})]
            if c.get('outputs') != out: c['outputs'] = out; dirty = True
        if dirty:
            nb_path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n'); changed.append(nb_path.name)
    return changed

def main():
    files = build()
    if '--check' in sys.argv:
        stale = [str(p.relative_to(ROOT)) for p, t in files.items() if not p.exists() or p.read_text() != t]
        if stale: sys.exit('benchmark tables out of step with the results files: ' + ', '.join(stale) + '; run `python benchmarks/tables.py`')
        return print(f'{len(files)} benchmark tables in step with the results files')
    for p, t in files.items(): p.write_text(t)
    print(f"wrote {', '.join(str(p.relative_to(ROOT)) for p in files)}")
    changed = refresh_outputs(files)
    if changed: print(f"outputs of the cells showing these tables refreshed in {', '.join(changed)} (run nbdev-clean)")

if __name__ == '__main__': main()
