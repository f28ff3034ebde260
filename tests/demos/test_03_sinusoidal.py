"""demos/03/sinusoidal.py: the encodings follow the interleaved formula; similarity is by offset."""
import numpy as np


def test_default_and_controls(run_with):
    for T, d, base in ((64, 32, 10000.0), (40, 24, 100.0), (8, 8, 1000.0)):
        result = run_with("03/sinusoidal", T=T, d=d, base=base)
        assert result["shape"] == [T, d]
        assert result["formula_error"] < 1e-12
        assert result["offset_only_error"] < 1e-12
        assert abs(result["norm"] - np.sqrt(d / 2)) < 1e-12, "each row has norm sqrt(d/2)"
        assert abs(result["shortest_wavelength"] - 2 * np.pi) < 1e-12
        longest = 2 * np.pi * base ** ((d - 2) / d)
        assert abs(result["longest_wavelength"] / longest - 1) < 1e-12
