__version__ = "0.0.1"

# fastai (2.8) calls `torch.jit.script` when it is imported, which torch >= 2.10 answers with a FutureWarning on
# every import of this package. It says nothing about cxr_xai or the user's work, so it is silenced here, narrowly.
import warnings as _warnings
_warnings.filterwarnings('ignore', message=r'`torch\.jit\.script` is deprecated', category=FutureWarning)

# The top-level API, loaded lazily (PEP 562): `import cxr_xai` stays light (no torch, no fastai), and
# `cxr_xai.load_model` imports `cxr_xai.model` on first use. `train` and `evaluate` are module names here
# (`cxr_xai.train`, `cxr_xai.evaluate`), so their functions are exposed as `train_model` and `evaluate_model`.
_API = {
    'CxrError': ('cxr_xai.core', 'CxrError'), 'CLASSES': ('cxr_xai.core', 'CLASSES'),
    'SEED': ('cxr_xai.core', 'SEED'),
    'load_xray': ('cxr_xai.xray', 'load_xray'), 'synth_xray': ('cxr_xai.phantom', 'synth_xray'),
    'make_phantom': ('cxr_xai.phantom', 'make_phantom'), 'read_items': ('cxr_xai.layouts', 'read_items'),
    'load_model': ('cxr_xai.model', 'load_model'), 'save_model': ('cxr_xai.model', 'save_model'),
    'train_model': ('cxr_xai.train', 'train'), 'phantom_model': ('cxr_xai.train', 'phantom_model'),
    'evaluate_model': ('cxr_xai.evaluate', 'evaluate'),
    'explain': ('cxr_xai.explanation', 'explain'),
}
__all__ = sorted(_API)

def __getattr__(name):
    "Import the module behind a top-level name on first use."
    if name not in _API: raise AttributeError(f"module 'cxr_xai' has no attribute {name!r}")
    import importlib
    mod, attr = _API[name]
    value = getattr(importlib.import_module(mod), attr)
    globals()[name] = value  # later look-ups skip this function
    return value

def __dir__(): return sorted(set(globals()) | set(_API))
