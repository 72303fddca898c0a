"""``--device`` and ``training.mixed_precision``, each command in its own process as from a shell.

A run trained in 16 bits records its precision and device, and a new process reloads it (every
layer keeps the precision it trained in) and repeats its test scores. Where a GPU is asked for
and the backend sees none, the command stops before making a run folder. Every layer kind
trains a step under both mixed precisions in tests/compiler/test_model.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_saved import check_evaluate_repeats_the_test_scores

pytestmark = pytest.mark.keras

# Attention under float16: on JAX's CPU it takes Keras's einsum path (the fused one refuses it).
ATTENTION = """\
name: sine_attention
data: {source: "synthetic:sine", samples: 160, window: {length: 12, horizon: 1}}
task: regression
model:
  layers:
    - dense: 8
    - transformer_block: {num_heads: 2, ff_dim: 16}
    - global_average_pooling1d
training: {epochs: 2, batch_size: 32, mixed_precision: float16}
validation: {type: holdout}
"""


def test_a_float16_run_on_the_cpu_records_it_and_reloads_in_a_new_process(shell) -> None:
    (shell.cwd / "spec.yaml").write_text(ATTENTION)
    args = ["spec.yaml", "--backend", "jax", "--device", "cpu", "--output", "runs"]
    summary = shell("train", *args, "--json").ok().json()
    assert summary["backend"] == "jax"
    assert summary["precision"] == "mixed_float16"
    assert summary["device"].startswith("CPU")
    run = shell.cwd / summary["run_dir"]
    recorded = json.loads((run / "environment.json").read_text())
    assert {k: recorded[k] for k in ("backend", "device", "precision")} == {
        k: summary[k] for k in ("backend", "device", "precision")
    }
    model = json.loads(_config(run))["config"]["layers"]
    policies = {layer["config"]["name"]: layer["config"]["dtype"] for layer in model}
    assert "mixed_float16" in json.dumps(policies["transformer_block_1"])
    assert '"float32"' in json.dumps(policies["head"])  # the head computes in float32
    check_evaluate_repeats_the_test_scores(shell("evaluate", run, "--json"), run)


def test_the_report_names_the_device_and_precision(shell) -> None:
    (shell.cwd / "spec.yaml").write_text(ATTENTION.replace("float16", "true"))
    report = shell("train", "spec.yaml", "--output", "runs", "--quiet").ok().stdout
    assert "trained on CPU" in report and "by tensorflow in mixed_bfloat16" in report


def test_a_gpu_that_is_not_there_stops_before_a_run_folder(shell) -> None:
    (shell.cwd / "spec.yaml").write_text(ATTENTION)
    done = shell("train", "spec.yaml", "--device", "gpu", "--output", "runs")
    assert done.returncode == 2
    assert "error[DLS419]: --device gpu, but the tensorflow backend sees no GPU" in done.stderr
    assert "hint: install the backend's CUDA build" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (shell.cwd / "runs").exists()
    wrong = shell("train", "spec.yaml", "--device", "tpu")
    assert wrong.returncode == 2 and "'tpu' is not one of 'auto', 'cpu', 'gpu'" in wrong.stderr


def _config(run: Path) -> str:
    """The model's architecture, as ``model.keras`` (a zip) holds it."""
    import zipfile

    with zipfile.ZipFile(run / "model.keras") as archive:
        return archive.read("config.json").decode()
