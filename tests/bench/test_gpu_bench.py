"""bench/gpu.sh runs at a tiny size on the CPU: both models, both precisions, one table.

The bench itself stops when the two contenders differ in parameters or rows.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.keras


def test_the_gpu_bench_measures_dlspec_and_the_keras_script_side_by_side() -> None:
    command = ["bash", str(ROOT / "bench" / "gpu.sh"), "--examples", "256", "--epochs", "2"]
    command += ["--batches", "32"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "samples per second, JAX, cpu" in done.stdout
    rows = re.findall(
        r"│ (\w+) +│ (\w+) +│ +(\d+) │ +(\d+) │ +([\d,]+) │ +([\d,]+) │ +([\d.]+) │", done.stdout
    )
    measured = {(case, precision) for case, precision, *_ in rows}
    assert measured == {
        (case, precision)
        for case in ("convnet", "transformer")
        for precision in ("float32", "mixed_bfloat16")
    }
    for _, _, batch, train_rows, ours, theirs, ratio in rows:
        # 256 examples, holdout of 10 % validation and 10 % test: both trained on the same rows.
        assert batch == "32" and int(train_rows) == 207
        ours_rate, theirs_rate = (float(n.replace(",", "")) for n in (ours, theirs))
        assert ours_rate > 0 and theirs_rate > 0
        assert float(ratio) == pytest.approx(ours_rate / theirs_rate, abs=0.01)
