"""demos/12/gradient_check.py: backprop agrees with finite differences for every group."""
import re

import pycore as pc
from demos import demo_path
from demos.params import with_values
from demos.runner import run_demo

LINE = re.compile(r"^(\S+)\s+\(.*\)\s+relative error (\S+)$", re.M)


def _check(activation, norm):
    path = demo_path("12/gradient_check")
    source = with_values(path.read_text(encoding="utf-8"), activation=activation, norm=norm)
    outcome = run_demo(source, filename=str(path))
    assert outcome["error"] is None, outcome["error"]
    result = outcome["result"]
    config = pc.TransformerConfig(vocab_size=7, d_model=8, n_heads=2, n_layers=1, d_ff=16,
                                  max_len=5, activation=activation, norm=norm)
    names = set(pc.flatten_params(pc.init_params(config, 0)))
    printed = {name: float(error) for name, error in LINE.findall(outcome["stdout"])}
    assert set(printed) == names, "one printed relative error per parameter group"
    assert max(printed.values()) < 1e-6, printed
    assert result["tolerance"] == 1e-6
    assert result["n_groups"] == result["groups_within_tolerance"] == len(names)
    assert result["n_entries"] == pc.count_parameters(config)


def test_default_settings():
    _check("gelu", "layer")


def test_rmsnorm_swiglu():
    _check("swiglu", "rms")
