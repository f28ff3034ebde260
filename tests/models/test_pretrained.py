"""The shipped models (pycore/data, from models/train_lm.py): config, files and quality bars.

CI does not retrain: these tests load the shipped weights and measure them on the held-out
last 10 % of models/corpus.txt (the split train_lm.py never trained on).
"""
import os
import subprocess
import sys
import zipfile

import numpy as np
import pytest

import pycore
from pycore.pretrained import PRETRAINED, load_pretrained, load_pretrained_seq2seq

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "models", "corpus.txt")
DATA = os.path.join(ROOT, "pycore", "data")


def _split():
    with open(CORPUS, encoding="utf-8") as f:
        text = f.read()
    cut = int(len(text) * 0.9)  # the same split as models/train_lm.py
    return text[:cut], text[cut:]


def _val_ce(model, val_ids, T, n_windows=48):
    n = min(n_windows, (len(val_ids) - 1) // T)
    x = np.stack([val_ids[i * T:(i + 1) * T] for i in range(n)])  # (n, T)
    y = np.stack([val_ids[i * T + 1:(i + 1) * T + 1] for i in range(n)])  # (n, T)
    return pycore.cross_entropy(model.forward(x), y)


def _unigram_ce(tok, train_text, val_ids):
    counts = np.bincount(tok.encode(train_text), minlength=tok.vocab_size) + 1.0  # add-one
    p = counts / counts.sum()
    return float(-np.mean(np.log(p[val_ids])))


@pytest.mark.parametrize("name", sorted(PRETRAINED))
def test_shipped_model_matches_its_config(name):
    model, tok = load_pretrained(name)
    c = model.config
    assert c.vocab_size == tok.vocab_size, f"{name}: vocab {c.vocab_size} != {tok.vocab_size}"
    assert (c.norm_position, c.positional) == ("pre", "rope"), f"{name}: {c}"
    shapes = pycore.flatten_params(pycore.parameter_shapes(c, "decoder"))
    flat = pycore.flatten_params(model.params)
    assert sorted(flat) == sorted(shapes), f"{name}: parameter names differ from the config's"
    for k, a in flat.items():
        assert a.shape == tuple(shapes[k]), f"{name}.{k} has shape {a.shape}"
        assert np.all(np.isfinite(a)), f"{name}.{k} has non-finite values"
    size = os.path.getsize(os.path.join(DATA, PRETRAINED[name][0]))
    assert size <= 2 * 1024 * 1024, f"{name} weights are {size} bytes (> 2 MB)"


def test_tokenizer_round_trips_the_corpus():
    _, tok = load_pretrained("lm_tiny")
    train_text, val_text = _split()
    assert tok.decode(tok.encode(val_text)) == val_text


def test_lm_tiny_beats_unigram_by_one_nat_on_held_out_text():
    model, tok = load_pretrained("lm_tiny")
    train_text, val_text = _split()
    val_ids = np.array(tok.encode(val_text), dtype=np.int64)
    unigram = _unigram_ce(tok, train_text, val_ids)
    ce = _val_ce(model, val_ids, model.config.max_len)
    assert ce <= unigram - 1.0, f"validation CE {ce:.3f} vs unigram {unigram:.3f} nats/char"


def test_draft_is_better_than_unigram_and_worse_than_lm_tiny():
    draft, tok = load_pretrained("lm_draft")
    big, _ = load_pretrained("lm_tiny")
    train_text, val_text = _split()
    val_ids = np.array(tok.encode(val_text), dtype=np.int64)
    unigram = _unigram_ce(tok, train_text, val_ids)
    ce_draft = _val_ce(draft, val_ids, draft.config.max_len)
    ce_big = _val_ce(big, val_ids, big.config.max_len)
    assert ce_big < ce_draft < unigram - 0.5, (ce_big, ce_draft, unigram)


def test_unknown_name_is_rejected():
    with pytest.raises(ValueError, match="unknown pretrained model"):
        load_pretrained("gpt-5")
    with pytest.raises(ValueError, match="unknown pretrained seq2seq model"):
        load_pretrained_seq2seq("nope")


def test_loads_from_a_zip_like_the_browser(tmp_path):
    """python.zip puts pycore on sys.path as a zip: pkgutil.get_data must still find data/."""
    archive = tmp_path / "python.zip"
    with zipfile.ZipFile(str(archive), "w") as z:
        for dirpath, _, files in os.walk(os.path.join(ROOT, "pycore")):
            for fn in files:
                if fn.endswith(".pyc"):
                    continue
                full = os.path.join(dirpath, fn)
                z.write(full, os.path.relpath(full, ROOT))
    code = ("import pycore, sys; m, t = pycore.load_pretrained('lm_tiny'); "
            "assert '.zip' in pycore.__file__, pycore.__file__; "
            "print(m.config.vocab_size, t.vocab_size)")
    out = subprocess.run([sys.executable, "-c", code], cwd=str(tmp_path), check=True,
                         env={"PYTHONPATH": str(archive), "PATH": os.environ.get("PATH", "")},
                         stdout=subprocess.PIPE, text=True).stdout.split()
    model, tok = load_pretrained("lm_tiny")
    assert out == [str(model.config.vocab_size), str(tok.vocab_size)]
