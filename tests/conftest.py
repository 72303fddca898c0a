"""Fixtures for every test: ``shell`` runs dlspec commands as a user's shell does."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


# One thread per process: the suite runs in parallel processes (pytest-xdist, each dlspec command
# its own process), and on a small machine threads inside each would only fight over the cores.
# Set before anything imports TensorFlow or NumPy's BLAS; subprocesses inherit it.
for _name, _value in {
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
}.items():
    os.environ.setdefault(_name, _value)
# XLA (JAX's compiler) sizes its own thread pool to the machine; one thread, as above.
if "--xla_cpu_multi_thread_eigen" not in os.environ.get("XLA_FLAGS", ""):
    os.environ["XLA_FLAGS"] = " ".join(
        filter(None, [os.environ.get("XLA_FLAGS"), "--xla_cpu_multi_thread_eigen=false"])
    )
# Keras's backend, pinned before any test imports Keras, for this process and the commands it
# starts: TensorFlow, whose eager mode runs one layer on one batch at once where JAX compiles
# every operation (the layer-by-layer comparisons with Keras take 12 s on TensorFlow, 100 s on
# JAX). dlspec's own default (JAX where installed) is what a user's shell gets: the README's
# commands run without this pin (tests/train/test_readme_shell.py), and the tests that name JAX
# run it in their own processes.
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def _command() -> list[str]:
    """The installed ``dlspec`` script beside this Python, else ``python -m dlspec``."""
    script = Path(sys.executable).parent / "dlspec"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "dlspec"]


@dataclass
class Done:
    """A finished command: its exit status and what it printed."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """stdout as one JSON value."""
        return json.loads(self.stdout)

    def ok(self) -> Done:
        """This command, after checking that it exited 0 (the test fails with stderr if not)."""
        assert self.returncode == 0, f"dlspec {' '.join(self.args)}: {self.stderr[-4000:]}"
        return self


@dataclass
class Shell:
    """Runs ``dlspec ARGS`` in a new process in ``cwd``, as typed at a shell prompt.

    Nothing is shared with the test process: every command imports dlspec (and Keras) afresh,
    so what a user's next shell would not have (a registered class, a cached module) is not
    there either.
    """

    cwd: Path

    def __call__(self, *args: str | Path, timeout: float = 600, without: str | None = None) -> Done:
        """``without``: a module the command's process cannot import, as if not installed."""
        words = tuple(str(a) for a in args)
        return self._finished([(words, self.start(*args, without=without))], timeout)[0]

    def start(
        self, *args: str | Path, env: dict[str, str] | None = None, without: str | None = None
    ) -> subprocess.Popen[str]:
        """Start ``dlspec ARGS`` in a new process and return at once (to signal it, say).

        ``env``: variables to set in that process besides the test's own. ``without``: a module
        that process cannot import (an extra left uninstalled).
        """
        command = _command()
        if without is not None:
            hide = (
                f"import sys; sys.modules[{without!r}] = None; from dlspec.cli import main; main()"
            )
            command = [sys.executable, "-c", hide]
        return subprocess.Popen(
            [*command, *(str(a) for a in args)],
            cwd=self.cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "COLUMNS": "100", "NO_COLOR": "1", **(env or {})},
        )

    def together(self, *commands: list[str | Path], timeout: float = 600) -> list[Done]:
        """Run several commands at once, each in its own new process, as from two terminals."""
        started = [(tuple(str(a) for a in args), self.start(*args)) for args in commands]
        return self._finished(started, timeout)

    @staticmethod
    def _finished(
        started: list[tuple[tuple[str, ...], subprocess.Popen[str]]], timeout: float
    ) -> list[Done]:
        """Wait for each started command; on a timeout, leave nothing running behind the test."""
        finished = []
        try:
            for words, process in started:
                stdout, stderr = process.communicate(timeout=timeout)
                finished.append(Done(words, process.returncode, stdout, stderr))
        finally:
            for _, process in started:
                if process.poll() is None:  # a timeout: leave nothing running behind the test
                    process.kill()
                    process.communicate()
        return finished


@pytest.fixture
def shell(tmp_path: Path) -> Shell:
    """A shell whose working folder is the test's own temporary folder."""
    return Shell(tmp_path)


# -- made once per session, shared by every xdist worker -----------------------------------------


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def made_once(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[str, Callable[[Path], None]], Path]:
    """``made_once(name, make)``: a folder that ``make(folder)`` fills once in the whole run.

    A session fixture runs once per pytest-xdist worker; this runs once per test session, in
    whichever worker asks first, while the others wait on a file lock and then read its folder.
    For expensive results that several tests only read (a trained run). A ``make`` that fails
    leaves nothing behind, so the next test to ask tries again and fails on its own.
    """
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base

    def made(name: str, make: Callable[[Path], None]) -> Path:
        folder = root / f"made-once-{name}"
        with _locked(root / f"made-once-{name}.lock"):
            if not (folder / ".made").is_file():
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir()
                try:
                    make(folder)
                except BaseException:
                    shutil.rmtree(folder, ignore_errors=True)
                    raise
                (folder / ".made").touch()
        return folder

    return made


# -- the order ---------------------------------------------------------------------------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that need Keras run first, the light ones after them (a stable sort).

    Under pytest-xdist the light tests then fill the workers' last minutes, instead of one worker
    starting a long training test while the other has nothing left to do.
    """
    items.sort(key=lambda item: item.get_closest_marker("keras") is None)


# -- the fast loop stays light -------------------------------------------------------------------

# What `pytest -m "not keras"` never imports in its own process (subprocesses may).
HEAVY = ("tensorflow", "keras", "jax")
WHOLE_MODULE_KERAS = "pytestmark = pytest.mark.keras"


def _fast_loop(config: pytest.Config) -> bool:
    return config.getoption("markexpr", "").replace(" ", "") == "notkeras"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """In the fast loop, a test module marked keras as a whole is not even imported."""
    if _fast_loop(config) and collection_path.suffix == ".py" and collection_path.is_file():
        if WHOLE_MODULE_KERAS in collection_path.read_text(encoding="utf-8"):
            return True
    return None


def _heavy_imported() -> list[str]:
    return [name for name in HEAVY if name in sys.modules]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """Under pytest-xdist, collect what each worker process imported (see below)."""
    heavy = getattr(node, "workeroutput", {}).get("heavy", [])
    node.config.stash.setdefault(_WORKERS_HEAVY, set()).update(heavy)


_WORKERS_HEAVY = pytest.StashKey[set[str]]()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the fast loop when something in this process imported TensorFlow, Keras or JAX.

    Under pytest-xdist the tests run in worker processes: each worker hands its list to the
    controller, which judges them all together.
    """
    if not _fast_loop(session.config):
        return
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: report, the controller decides
        workeroutput["heavy"] = _heavy_imported()
        return
    heavy = sorted({*_heavy_imported(), *session.config.stash.get(_WORKERS_HEAVY, set())})
    if heavy:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                f"the fast loop imported {', '.join(heavy)}: mark the test that needs it "
                "'keras', or import it inside that test",
                red=True,
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
