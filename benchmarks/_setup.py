"""Shared start of the numpy-vs-PyTorch benchmarks: import it before numpy or torch.

Sets the BLAS thread variables (both sides get the same thread budget; ``--threads``
changes it later where a benchmark offers it) and puts the repository on ``sys.path``.
"""

import os
import sys
from pathlib import Path

THREADS_DEFAULT = 2
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, str(THREADS_DEFAULT))  # before numpy / torch load BLAS

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
