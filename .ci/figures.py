#!/usr/bin/env python
"""Check that the measured figures in the docs come from a results file or a cell's output, not from a keyboard.

1. The benchmark tables (`benchmarks/results/*.md`, the tables block of `benchmarks/README.md`) are regenerated from
   the results JSON files by `benchmarks/tables.py` and must be identical.
2. Every notebook cell that displays one of those tables (its source names `results/NAME.md`) must hold, as its
   output, that file's current text: a notebook executed before the results changed fails here.
3. In the prose that talks about measurements (the sections listed in `PROSE`), every figure with a decimal point
   or a unit of time, ratio or memory (`0.97`, `111 s`, `1.4×`, `83 MiB`) must be a value found in a results file
   (at the precision it is printed with) or one of the targets in `TARGETS`.

    python .ci/figures.py        # exits 1 and lists what does not match
"""
import json, re, sys
from pathlib import Path
import nbformat

root = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(root/'benchmarks'))
import tables  # benchmarks/tables.py

# (file, heading that starts a checked section); a section runs to the next heading of the same or a higher level
PROSE = [('README.md', '## What the demo shows'), ('README.md', '## Measured speed'),
         ('benchmarks/README.md', '# Benchmarks'),
         ('nbs/05_ig.ipynb', '### How many path points per batch?'), ('nbs/06_lime.ipynb', '## Speed'),
         ('nbs/00b_phantom.ipynb', '## How fast is the phantom?'), ('nbs/index.ipynb', '## What the demo shows'),
         ('nbs/index.ipynb', '## Measured speed'), ('nbs/09_trust.ipynb', "## On the demo's model"), ('nbs/09_trust.ipynb', '## What it costs')]
TARGETS = {'1.5', '1.2', '1.3', '1.15', '2', '0.95', '200', '10', '300', '2', '0.05', '0.9', '0.2'}  # targets the issues set
FIGURE = re.compile(r'(?<![\w.\-/])(\d+(?:,\d{3})*(?:\.\d+)?)\s?(×|x\b|s\b|%|MiB|ms\b)|(?<![\w.\-/])(\d+\.\d+)(?![\w.])')

def known_values():
    "Every number in the results files, as the strings it may be printed as."
    out = set(TARGETS)
    files = list((root/'benchmarks'/'results').glob('*.json')) + list((root/'nbs'/'images'/'demo').glob('*.json'))
    def walk(v):
        if isinstance(v, dict): [walk(w) for w in v.values()]
        elif isinstance(v, list): [walk(w) for w in v]
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            for k in range(4): out.add(f'{v:.{k}f}'); out.add(f'{v * 100:.{k}f}')
    for f in files: walk(json.loads(f.read_text()))
    for f in (root/'benchmarks'/'results').glob('*.md'):
        out.update(m[0] or m[2] for m in FIGURE.findall(f.read_text()))  # derived figures: ratios in the tables
    return out

def sections(path, heading):
    "The markdown text of the section of `path` that starts at `heading`."
    p = root/path
    if p.suffix == '.ipynb':
        nb = nbformat.read(p, as_version=4)
        text = '\n\n'.join(c.source for c in nb.cells if c.cell_type == 'markdown')
    else: text = p.read_text()
    text = re.sub(r'<!-- tables:start -->.*?<!-- tables:end -->', '', text, flags=re.S)
    text = re.sub(r'```.*?```', '', text, flags=re.S)                       # code and outputs are not prose
    text = re.sub(r'^\|.*\|$', '', text, flags=re.M) if path == 'README.md' else text  # generated tables (outputs)
    level = len(heading) - len(heading.lstrip('#'))
    m = re.search(rf'^{re.escape(heading)}\s*$', text, re.M)
    if not m: return None
    end = re.search(rf'^#{{1,{level}}} ', text[m.end():], re.M)
    return text[m.end(): m.end() + end.start() if end else len(text)]

def check_prose(known):
    bad = []
    for path, heading in PROSE:
        if not (root/path).exists(): continue
        sec = sections(path, heading)
        if sec is None: bad.append(f'{path}: section {heading!r} not found'); continue
        for m in FIGURE.finditer(sec):
            num = (m[1] or m[3]).replace(',', '')
            if num not in known:
                ctx = sec[max(0, m.start() - 50): m.end() + 30].replace('\n', ' ')
                bad.append(f'{path} [{heading}]: typed figure {m[0]!r} not in any results file: …{ctx}…')
    return bad

def check_outputs():
    bad = []
    for nb_path in sorted((root/'nbs').glob('*.ipynb')):
        nb = nbformat.read(nb_path, as_version=4)
        for c in nb.cells:
            if c.cell_type != 'code': continue
            for name in re.findall(r'results/(\w+)\.md', c.source):
                f = root/'benchmarks'/'results'/f'{name}.md'
                if not f.exists(): bad.append(f'{nb_path.name} displays results/{name}.md, which does not exist'); continue
                want = f.read_text()
                outs = [o.get('data', {}).get('text/markdown', '') for o in c.get('outputs', [])]
                if want.strip() not in [o.strip() if isinstance(o, str) else ''.join(o).strip() for o in outs]:
                    bad.append(f'{nb_path.name}: the cell showing results/{name}.md does not hold its current text as output '
                               '(execute the notebook after the benchmarks)')
    return bad

def main():
    files, bad = tables.build(), []
    bad += [f'{p.relative_to(root)} is not what benchmarks/tables.py writes from the results files'
            for p, t in files.items() if not p.exists() or p.read_text() != t]
    bad += check_outputs()
    bad += check_prose(known_values())
    for b in bad: print('FAIL:', b)
    if bad: sys.exit(1)
    print(f'figures: {len(files)} tables regenerated and equal; notebook outputs and prose figures match the results files')

if __name__ == '__main__': main()
