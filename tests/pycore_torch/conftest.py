"""pycore_torch tests: the ``device`` and ``dtypes`` fixtures (helpers in ``torch_parity``).

torch is an optional extra: without it this folder is skipped as a whole (each test module
also starts with ``pytest.importorskip("torch")``). The at-scale twins are experiments in
``bench/twins`` (a folder of the repository, not of the package), so the repository root is
put on ``sys.path`` for ``import bench.twins``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = str(Path(__file__).resolve().parents[2])
if REPO not in sys.path:
    sys.path.append(REPO)

try:
    import torch
except ImportError:  # no torch: collect nothing here rather than fail at import
    torch = None
    collect_ignore_glob = ["test_*.py"]

if torch is not None:
    from torch_parity import DEVICES, DTYPES

    # The tests use tiny tensors, for which intra-op threads only add synchronisation: on a
    # busy machine two threads made a 30-token generation 20x slower than one.
    torch.set_num_threads(1)

    @pytest.fixture(params=DEVICES)
    def device(request):
        return request.param

    @pytest.fixture(params=DTYPES)
    def dtypes(request):
        return request.param
