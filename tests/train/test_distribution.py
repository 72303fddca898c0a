"""``training.distribution``: data-parallel training through tf.distribute and keras.distribution.

Each command runs in its own process, as from a shell: the CPU is split into logical devices
before the backend's runtime starts, which only a new process allows.
"""

from __future__ import annotations

import json
import socket

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
        ("tensorflow:2", "TF_CONFIG names no task of its cluster for this process"),
    ],
)
def test_multi_worker_that_cannot_run_is_refused_before_a_run_folder(
    shell, backend: str, message: str
) -> None:
    (shell.cwd / "spec.yaml").write_text(
        SPEC.replace("{type: mirrored, devices: [/cpu:0, /cpu:1]}", "multi_worker")
    )
    backend, _, index = backend.partition(":")  # a task index the cluster does not have
    config = {"TF_CONFIG": _tf_config(["127.0.0.1:1", "127.0.0.1:2"], int(index))} if index else {}
    process = shell.start(
        "train", "spec.yaml", "--backend", backend, "--output", "runs", env=config
    )
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 1
    assert f"spec.yaml:11:17: error[DLS420]: {message}" in stderr
    assert "hint: " in stderr and "Traceback" not in stderr
    assert not (shell.cwd / "runs").exists()


def test_two_workers_on_localhost_train_one_run(shell) -> None:
    # Two processes, as two machines would run them, each with TF_CONFIG naming both on
    # loopback ports: the chief (worker 0) writes the run, the other keeps nothing.
    (shell.cwd / "spec.yaml").write_text(
        SPEC.replace("{type: mirrored, devices: [/cpu:0, /cpu:1]}", "multi_worker")
    )
    workers = [f"127.0.0.1:{port}" for port in _free_ports(2)]
    started = [
        shell.start(
            "train",
            "spec.yaml",
            "--json",
            "--output",
            "runs",
            env={"TF_CONFIG": _tf_config(workers, i)},
        )
        for i in range(2)
    ]
    finished = []
    for process in started:
        stdout, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr[-4000:]
        finished.append((json.loads(stdout), stderr))
    (chief, _), (worker, said) = finished
    assert worker["run_dir"] is None and "the chief writes the run" in said
    assert worker["test"] == chief["test"]  # one model, trained together
    assert chief["test"]["accuracy"] >= 0.85
    runs = [path for path in (shell.cwd / "runs").rglob("metrics.json")]
    assert [path.parent for path in runs] == [shell.cwd / chief["run_dir"]]
    run = shell.cwd / chief["run_dir"]
    check_evaluate_repeats_the_test_scores(shell("evaluate", run, "--json"), run)


def _tf_config(workers: list[str], index: int) -> str:
    return json.dumps({"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}})


def _free_ports(count: int) -> list[int]:
    """Ports the system has just given out as free (held together, so they differ)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for handle in sockets:
            handle.bind(("127.0.0.1", 0))
        return [handle.getsockname()[1] for handle in sockets]
    finally:
        for handle in sockets:
            handle.close()
