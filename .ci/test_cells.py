#!/usr/bin/env python
"""Count test cells, not notebooks, from an `nbdev-test --do-print --cell_timing_min=-1` log.

A *test cell* is a code cell that nbdev-test runs (in this mode: slow cells only with `--slow`) and that asserts
(`assert`, `test_eq`, `test_close`, `test_fail`, ...). With `--cell_timing_min=-1` nbdev-test prints
`NOTEBOOK:CELL_ID: SECONDS` after every cell it ran, the failing one included (it stops a notebook at its first
error), so for each notebook:

- a test cell *passed* when it ran and it is not the cell its notebook failed on;
- a test cell *failed* when its notebook failed on it, or never reached it because an earlier cell failed (or
  the notebook crashed or timed out: a notebook without its `- Completed` line did not run to its end);
- a notebook that failed on a cell without an assertion counts that cell as one failed test cell too.

    python .ci/test_cells.py LOG [--slow]     # prints the per-notebook table, then `N passed, M failed`
Exit status 1 when any test cell failed, when no test cell ran, or when the log names no notebook.
"""
import re, sys
from pathlib import Path
from nbdev.test import nb_test_cells

ASSERTS = re.compile(r'(?<![\w.])(assert\s|test_(eq|ne|close|fail|is|warns|stdout|shuffled|eq_type|sig|fig_exists)\()')
root = Path(__file__).resolve().parent.parent

def is_test(cell): return any(ASSERTS.search(l.split('#')[0]) for l in cell.source.splitlines())

def count(log, slow=False):
    text = Path(log).read_text(errors='replace')
    started = [Path(p) for p in re.findall(r'^Starting (.+\.ipynb)$', text, re.M)]
    ran = {}
    for nb, cid in re.findall(r'^(\S+\.ipynb):(\S+): [\d.]+s$', text, re.M): ran.setdefault(nb, []).append(cid)
    failed_nbs = set()
    if 'nbdev Tests Failed On The Following Notebooks' in text:
        failed_nbs = set(re.findall(r'^\t(\S+\.ipynb)$', text.split('nbdev Tests Failed On The Following Notebooks')[1], re.M))
    rows, P, F = [], 0, 0
    completed = set(re.findall(r'^- Completed (.+\.ipynb)$', text, re.M))
    for fn in started:
        cells = nb_test_cells(fn, skip_flags=['slow'], force_flags=['slow'] if slow else [])
        done = ran.get(fn.name, [])
        ok = str(fn) in completed and fn.name not in failed_nbs   # ran to its end (a crash or a timeout never completes)
        bad = None if ok or not done else done[-1]                # the cell it failed on (printed after an error) ...
        if not ok and f'TimeoutError in {fn}' in text:            # ... but a cell that timed out is never printed
            rest = [c.id for c in cells if c.id not in done]
            bad = rest[0] if rest else bad
        tests = [c for c in cells if is_test(c)]
        # a notebook that completed and is not in nbdev's failure list ran every cell (nbdev stops at the first error);
        # its timing lines only locate a failure, and two workers printing at once can garble one of them
        p = len(tests) if ok else sum(1 for c in tests if c.id in done and c.id != bad)
        f = len(tests) - p + (1 if bad is not None and not any(c.id == bad for c in tests) else 0)
        if not ok: f = max(f, 1)
        rows.append((fn.name, len(cells), len(done), len(tests), p, f, bad))
        P += p; F += f
    print(f"{'notebook':22} {'cells to run':>12} {'ran':>5} {'test cells':>10} {'passed':>7} {'failed':>7}  failed on cell")
    for r in rows: print(f"{r[0]:22} {r[1]:>12} {r[2]:>5} {r[3]:>10} {r[4]:>7} {r[5]:>7}  {r[6] or ''}")
    print(f"counting test cells (code cells that assert{', slow cells included' if slow else ''}) in {len(rows)} notebooks; "
          f"a cell a notebook failed on, and the test cells after it, count as failed")
    print(f"{P} passed, {F} failed")
    return P, F, len(rows)

if __name__ == '__main__':
    P, F, n = count(sys.argv[1], slow='--slow' in sys.argv)
    sys.exit(0 if F == 0 and P > 0 and n > 0 else 1)
