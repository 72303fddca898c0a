"""The fast loop, `pytest -m "not keras"`, never imports TensorFlow, Keras or JAX in-process.

tests/conftest.py enforces it on every run (a session that imported one fails); these tests
show that the guard holds for the real suite and that it catches a test that breaks it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parent


def pytest_run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_collecting_the_fast_loop_imports_no_heavy_module() -> None:
    done = pytest_run("-m", "not keras", "--collect-only", "-q", str(TESTS), cwd=TESTS.parent)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "the fast loop imported" not in done.stdout


def _suite(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir()
    shutil.copy(TESTS / "conftest.py", folder / "conftest.py")
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one process", "xdist"])
def test_the_guard_skips_keras_modules_and_fails_a_test_that_imports_keras(
    tmp_path: Path, workers: list[str]
) -> None:
    marked = "import keras\nimport pytest\n\npytestmark = pytest.mark.keras\n\n"
    light = _suite(
        tmp_path / "light",
        {
            "test_light.py": "def test_light():\n    import json\n",
            "test_marked.py": marked + "def test_heavy():\n    assert keras\n",
        },
    )
    done = pytest_run("-m", "not keras", "-q", *workers, cwd=light)
    assert done.returncode == 0, done.stdout  # the marked module was never imported
    sneaky = _suite(
        tmp_path / "sneaky", {"test_sneaky.py": "def test_sneaky():\n    import keras\n"}
    )
    done = pytest_run("-m", "not keras", "-q", *workers, cwd=sneaky)
    assert done.returncode == 1 and "the fast loop imported" in done.stdout
    assert "keras" in done.stdout.split("the fast loop imported")[1]
