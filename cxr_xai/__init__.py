__version__ = "0.0.1"

# fastai (2.8) calls `torch.jit.script` when it is imported, which torch >= 2.10 answers with a FutureWarning on
# every import of this package. It says nothing about cxr_xai or the user's work, so it is silenced here, narrowly.
import warnings as _warnings
_warnings.filterwarnings('ignore', message=r'`torch\.jit\.script` is deprecated', category=FutureWarning)
