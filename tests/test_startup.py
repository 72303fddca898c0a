"""Start-up imports run without the garbage collector and leave their objects frozen."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from dlspec.startup import long_lived


def test_the_collector_is_off_inside_and_back_on_after() -> None:
    assert gc.isenabled()
    with long_lived():
        assert not gc.isenabled()
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0


def test_a_collector_switched_off_by_the_caller_stays_off() -> None:
    gc.disable()
    try:
        with long_lived():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_comes_back_when_an_import_fails() -> None:
    with pytest.raises(ModuleNotFoundError), long_lived():
        import dlspec_no_such_module  # noqa: F401

    assert gc.isenabled()


@pytest.mark.keras
def test_a_command_starts_keras_with_the_collector_on_and_its_objects_frozen() -> None:
    # A new process, as the console script runs: the CLI's imports, then Keras's.
    script = (
        "import gc, dlspec.cli; from dlspec import backend; "
        "cli = gc.get_freeze_count(); backend.start(); "
        "print(gc.isenabled(), cli, gc.get_freeze_count())"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    enabled, cli, started = done.stdout.split()
    assert enabled == "True"
    assert 0 < int(cli) < int(started)  # Keras's objects frozen on top of the CLI's
