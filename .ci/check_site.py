#!/usr/bin/env python
"""Check the docs pages (and any HTML reports) in a real, headless Chromium.

Quarto cannot be installed on the CI machine, so the site itself is rendered by the deploy workflow. What can be
checked offline is checked here: every notebook processed by `nbdev-proc-nbs` (in `_proc/`) is rendered to HTML
with nbconvert, opened in headless Chromium, and fails the check when the page shows an error traceback, an
image that did not load, or fewer figures than the notebook holds. Extra HTML files (the demo's report.html) get
the same image and traceback checks. Screenshots go to the artifacts folder.

usage: python .ci/check_site.py PROC_DIR ARTIFACTS [--html extra.html ...] [--shots index 05_ig]
"""
import argparse, json, subprocess, sys, tempfile
from pathlib import Path

import nbformat

def nb_figures(nb_path):
    "Number of image outputs a notebook holds."
    nb = nbformat.read(nb_path, as_version=4)
    return sum(1 for c in nb.cells if c.cell_type == 'code' for o in c.get('outputs', [])
               if any(k.startswith('image/') for k in o.get('data', {})))

def render(nb_path, out_dir):
    "Render one notebook to a standalone HTML page with nbconvert (nbdev's own cell keys, such as `has_sd`, removed)."
    from nbconvert import HTMLExporter
    raw = json.loads(Path(nb_path).read_text())
    keep = {'cell_type', 'metadata', 'source', 'outputs', 'execution_count', 'id', 'attachments'}
    for c in raw['cells']:
        for k in set(c) - keep: del c[k]
        c.get('metadata', {}).pop('execution', None)  # nbdev's timings (floats where the schema wants strings)
    html, _ = HTMLExporter().from_notebook_node(nbformat.reads(json.dumps(raw), as_version=4))
    out = Path(out_dir)/(Path(nb_path).stem + '.html')
    out.write_text(html, encoding='utf-8')
    return out

def browser():
    "A headless Chromium driven by Selenium, using Debian's chromium and chromedriver (nothing downloaded)."
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = '/usr/bin/chromium'
    for a in ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
              '--disable-background-networking', '--disable-component-update', '--disable-sync',
              '--disable-dev-shm-usage', '--window-size=1280,1600', f'--user-data-dir={tempfile.mkdtemp()}']:
        opts.add_argument(a)
    return webdriver.Chrome(service=Service('/usr/bin/chromedriver'), options=opts)

JS_IMAGES = "return Array.from(document.images).map(i => [i.src.slice(0, 60), i.complete && i.naturalWidth > 0]);"
TRACEBACK_MARKERS = ['Traceback (most recent call last)', 'jp-OutputArea-output jp-RenderedText" data-mime-type="application/vnd.jupyter.stderr']

def check_page(drv, html, want_figs, shot=None):
    "Open `html` in the browser; return a list of problems (empty when the page is good)."
    drv.get(Path(html).resolve().as_uri())
    imgs = drv.execute_script(JS_IMAGES)
    text = drv.find_element('tag name', 'body').text
    probs = []
    broken = [s for s, ok in imgs if not ok]
    if broken: probs.append(f'{len(broken)} image(s) did not load: {broken[:3]}')
    loaded = sum(ok for _, ok in imgs)
    if loaded < want_figs: probs.append(f'{loaded} figure(s) shown, the notebook holds {want_figs}')
    if 'Traceback (most recent call last)' in text or drv.find_elements('css selector', '.jp-RenderedText[data-mime-type="application/vnd.jupyter.error"], .output_error'):
        probs.append('an error traceback is shown')
    if shot:
        h = drv.execute_script('return Math.min(document.body.scrollHeight, 12000)')
        drv.set_window_size(1280, max(800, h))
        drv.save_screenshot(str(shot))
        drv.set_window_size(1280, 1600)
    return probs, loaded

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('proc'); ap.add_argument('artifacts')
    ap.add_argument('--html', nargs='*', default=[]); ap.add_argument('--shots', nargs='*', default=['index', '05_ig', '11_demo'])
    a = ap.parse_args()
    art = Path(a.artifacts); art.mkdir(parents=True, exist_ok=True)
    nbs = sorted(Path(a.proc).glob('*.ipynb'))
    if not nbs: sys.exit(f'check_site: no processed notebooks in {a.proc}')
    drv, bad, report = browser(), 0, {}
    try:
        for nb in nbs:
            html = render(nb, nb.parent)  # beside the notebook, so its relative picture links resolve
            shot = art/f'{nb.stem}.png' if nb.stem in a.shots else None
            probs, n = check_page(drv, html, nb_figures(nb), shot)
            report[nb.name] = dict(figures=n, problems=probs)
            print(f"{'ok  ' if not probs else 'FAIL'} {nb.name}: {n} figure(s)" + ''.join(f'\n     - {p}' for p in probs))
            bad += bool(probs)
        for h in a.html:
            probs, n = check_page(drv, h, 1, art/(Path(h).stem + '.png'))
            report[str(h)] = dict(figures=n, problems=probs)
            print(f"{'ok  ' if not probs else 'FAIL'} {h}: {n} figure(s)" + ''.join(f'\n     - {p}' for p in probs))
            bad += bool(probs)
    finally: drv.quit()
    (art/'site_check.json').write_text(json.dumps(report, indent=1))
    print(f'site check: {len(report) - bad} pages good, {bad} with problems')
    sys.exit(1 if bad else 0)

if __name__ == '__main__': main()
