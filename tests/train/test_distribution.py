"""``training.distribution``: data-parallel training through tf.distribute and keras.distribution.

Each command runs in its own process, as from a shell: the CPU is split into logical devices
before the backend's runtime starts, which only a new process allows.
"""

from __future__ import annotations

import json

import pytest
from test_saved import check_evaluate_repeats_the_test_scores

pytestmark = pytest.mark.keras

SPEC = """\
name: iris_mirrored
seed: 3
data: {source: "sklearn:iris", scale: standard}
task: multiclass
model:
  layers: [dense: {units: 16, activation: relu}]
optimizer: {type: adam, learning_rate: 0.02}
training:
  epochs: 30
  batch_size: 16
  distribution: {type: mirrored, devices: [/cpu:0, /cpu:1]}
validation: {type: holdout}
"""
ONE_DEVICE = "training.distribution={type: mirrored, devices: [/cpu:0]}"


def test_mirrored_training_over_two_cpus_lands_where_one_device_does(shell) -> None:
    (shell.cwd / "spec.yaml").write_text(SPEC)
    train = ["train", "spec.yaml", "--json", "--output"]
    two, jax, one, plain = (
        done.ok().json()
        for done in shell.together(
            [*train, "two"],
            [*train, "jax", "--backend", "jax"],
            [*train, "one", "--set", ONE_DEVICE],
            [*train, "plain", "--set", "training.distribution=null"],
        )
    )
    # Over one device, a strategy's fit is the plain fit: the same batches in the same order.
    assert one["test"] == pytest.approx(plain["test"], rel=1e-5)
    # Over two (each step 16 rows a device, 32 in all), TensorFlow's and JAX's engines land in
    # the same accuracy band as one device.
    for found in (two, jax):
        assert found["test"]["accuracy"] >= 0.85
        assert abs(found["test"]["accuracy"] - plain["test"]["accuracy"]) <= 0.1
    assert two["test"] != plain["test"]  # the global batch did change the fit
    run = shell.cwd / two["run_dir"]
    spec = (run / "spec.yaml").read_text()
    assert "devices: [/cpu:0, /cpu:1]" in spec or "- /cpu:1" in spec
    check_evaluate_repeats_the_test_scores(shell("evaluate", run, "--json"), run)


@pytest.mark.parametrize(
    ("backend", "message"),
    [
        ("tensorflow", "multi_worker training needs TF_CONFIG, which names every worker"),
        ("jax", "multi_worker training runs through tf.distribute, on the TensorFlow backend"),
    ],
)
def test_multi_worker_that_cannot_run_is_refused_before_a_run_folder(
    shell, backend: str, message: str
) -> None:
    (shell.cwd / "spec.yaml").write_text(
        SPEC.replace("{type: mirrored, devices: [/cpu:0, /cpu:1]}", "multi_worker")
    )
    done = shell("train", "spec.yaml", "--backend", backend, "--output", "runs")
    assert done.returncode == 1
    assert f"spec.yaml:11:17: error[DLS420]: {message}" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (shell.cwd / "runs").exists()
    assert json.loads(json.dumps(done.args))  # the command as typed
