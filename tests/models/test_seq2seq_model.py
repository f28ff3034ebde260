"""The shipped date-normalisation encoder-decoder (pycore/data, from models/train_seq2seq.py).

CI does not retrain: this loads the shipped weights, checks them against their config, and
greedy-decodes held-out dates (the "heldout" split: calendar days never seen in training, drawn
with a seed the training script does not use) to measure exact-match accuracy.
"""
import os
import subprocess
import sys
import zipfile

import numpy as np
import pytest

import pycore
from pycore.dates import FORMATS, make_dates
from pycore.pretrained import load_pretrained_seq2seq
from pycore.seq2seq import translate

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HELDOUT_SEED = 2024  # differs from the training seed (0)


@pytest.fixture(scope="module")
def shipped():
    return load_pretrained_seq2seq("dates_seq2seq", dtype="float32")  # as stored


def test_weights_match_config(shipped):
    model, tokenizer = shipped
    assert isinstance(model, pycore.Seq2Seq)
    assert model.config.vocab_size == tokenizer.vocab_size
    shapes = pycore.flatten_params(pycore.parameter_shapes(model.config, "seq2seq"))
    flat = pycore.flatten_params(model.params)
    assert set(flat) == set(shapes)
    for name, a in flat.items():
        assert a.shape == tuple(shapes[name]), name
        assert a.dtype == np.float32, name
        assert np.all(np.isfinite(a)), name


def test_heldout_exact_match_at_least_95_percent(shipped):
    model, tokenizer = shipped
    pairs = make_dates(400, seed=HELDOUT_SEED, split="heldout")
    outputs = translate(model, tokenizer, [s for s, _ in pairs])
    right = [o == t for o, (_, t) in zip(outputs, pairs)]
    wrong = [(s, t, o) for (s, t), o, ok in zip(pairs, outputs, right) if not ok]
    accuracy = float(np.mean(right))
    assert accuracy >= 0.95, f"exact match {accuracy:.3f}; first errors {wrong[:5]}"


def test_every_format_on_one_date(shipped):
    model, tokenizer = shipped
    sources = ["24 Nov 2026", "November 24, 2026", "24/11/2026", "2026 Nov 24"]
    assert len(sources) == len(FORMATS)
    assert translate(model, tokenizer, sources) == ["2026-11-24"] * 4


def test_size_and_loads_from_a_zip_like_the_browser(tmp_path):
    """python.zip puts pycore on sys.path as a zip: the model must load and translate there."""
    assert os.path.getsize(os.path.join(ROOT, "pycore", "data", "dates_seq2seq.npz")) <= 2e6
    archive = tmp_path / "python.zip"
    with zipfile.ZipFile(str(archive), "w") as z:
        for dirpath, _, files in os.walk(os.path.join(ROOT, "pycore")):
            for fn in files:
                if not fn.endswith(".pyc"):
                    full = os.path.join(dirpath, fn)
                    z.write(full, os.path.relpath(full, ROOT))
    code = ("import pycore; from pycore.pretrained import load_pretrained_seq2seq; "
            "from pycore.seq2seq import translate; "
            "assert '.zip' in pycore.__file__, pycore.__file__; "
            "m, t = load_pretrained_seq2seq(); print(translate(m, t, ['3 Feb 1999'])[0])")
    out = subprocess.run([sys.executable, "-c", code], cwd=str(tmp_path), check=True,
                         env={"PYTHONPATH": str(archive), "PATH": os.environ.get("PATH", "")},
                         stdout=subprocess.PIPE, text=True).stdout.split()
    assert out == ["1999-02-03"]


def test_default_load_widens_to_float64():
    model, _ = load_pretrained_seq2seq()
    assert model.params["encoder"]["tokens"].dtype == np.float64
