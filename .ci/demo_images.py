#!/usr/bin/env python
"""Copy the README's demo pictures and results from a finished full demo's folder into nbs/images/demo/.

    python .ci/demo_images.py OUT_DIR     # OUT_DIR: what `cxr-xai demo --out OUT_DIR` wrote (the default preset)

Copies `metrics.json` and `trust.json` (the test metrics and trust section the index quotes through
`benchmarks/tables.py` and its cells), and the pictures the demo drew: the explanation grid (every registered
method), the ROC curve and the cascading-randomisation picture, each shrunk to at most 1600 px wide (PNG,
256 colours, optimised). Then run `python benchmarks/tables.py` and `python .ci/readme.py`.
"""
import json, shutil, sys
from pathlib import Path
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
DEST = ROOT/'nbs'/'images'/'demo'
PICTURES = {'explanations.png': 'explanations.png', 'eval/roc.png': 'roc.png', 'trust_randomisation.png': 'trust_randomisation.png'}
MAX_W = 1600

def main(out):
    out = Path(out)
    m = json.loads((out/'metrics.json').read_text()) if (out/'metrics.json').exists() else None
    if not m or m.get('preset') != 'default': sys.exit(f"{out}: not a finished `cxr-xai demo` folder of the default preset")
    missing = [p for p in list(PICTURES) + ['trust.json'] if not (out/p).exists()]
    if missing: sys.exit(f"{out}: missing {', '.join(missing)} (a demo older than its trust section?)")
    DEST.mkdir(parents=True, exist_ok=True)
    for src, dst in PICTURES.items():
        im = Image.open(out/src)
        if im.width > MAX_W: im = im.resize((MAX_W, round(im.height * MAX_W / im.width)), Image.LANCZOS)
        im = im.convert('RGB').quantize(256, dither=Image.Dither.NONE)   # 256 colours: a fraction of the bytes, no visible change
        im.save(DEST/dst, optimize=True)
        print(f'{src} -> {(DEST/dst).relative_to(ROOT)} ({im.width}×{im.height}, {(DEST/dst).stat().st_size // 1024} KiB)')
    for f in ('metrics.json', 'trust.json'): shutil.copyfile(out/f, DEST/f)
    print(f"metrics.json, trust.json -> {DEST.relative_to(ROOT)} (run {m['started']}, {m['seconds']['total']:.0f} s)")

if __name__ == '__main__':
    if len(sys.argv) != 2: sys.exit(__doc__)
    main(sys.argv[1])
