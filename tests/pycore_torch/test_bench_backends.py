"""bench/bench_backends.py runs end to end on tiny sizes and writes consistent JSON."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("torch")



def test_bench_backends_on_tiny_sizes(tmp_path, capsys):
    from bench import bench_backends as bench

    out = tmp_path / "backends.json"
    bench.main(["--attention", "1", "2", "16", "8", "--matmul", "8", "8", "8",
                "--decoder-batch", "1", "8", "--repeats", "1", "--out", str(out)])
    saved = json.loads(out.read_text())
    assert list(saved)[0] == "generated_by"
    assert saved["generated_by"] == "bench/bench_backends.py"
    for work in ("attention_naive", "matmul", "decoder_fwd_bwd"):
        ratio = saved["ratios"][work]["pycore_cpu / torch_cpu"]
        times = saved["seconds"]
        assert ratio == pytest.approx(times["pycore_cpu"][work] / times["torch_cpu"][work]), work
    assert saved["flops"]["matmul"] == 2 * 8 * 8 * 8
    assert "pycore/torch_cpu" in capsys.readouterr().out
    assert bench.device_peaks("NVIDIA H100 80GB HBM3")[0] == "H100"
    assert bench.device_peaks("NVIDIA H100 PCIe")[0] == "H100 PCIe"
