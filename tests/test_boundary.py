"""Whatever goes wrong, `dlspec` ends with a message and an exit status, never a traceback.

Each case runs the real entry point (``dlspec.cli.main``) in a new process. A command that
fails unexpectedly is made by replacing the Typer app in that process with one that raises:
no input is known to crash dlspec (each one found is fixed and tested where it belongs).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Run main() with the app replaced by one that raises ``error``.
CRASH = """
import sys
import dlspec.cli as cli
{prelude}

def app():
    raise {error}

cli.app = app
sys.argv = ["dlspec", "train", "spec.yaml"]
cli.main()
"""


def crash(error: str, cwd: Path, prelude: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CRASH.format(error=error, prelude=prelude)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )


def test_an_unexpected_error_is_one_line_exit_3_and_its_traceback_is_kept(tmp_path: Path) -> None:
    state = tmp_path / "state"
    done = crash("ValueError('the\\nshape is wrong')", tmp_path, XDG_STATE_HOME=str(state))
    assert done.returncode == 3 and done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("dlspec: internal error: ValueError: the shape is wrong (")
    assert "Traceback" not in done.stderr
    (kept,) = (state / "dlspec" / "crashes").iterdir()
    assert f"the traceback is in {kept};" in line
    text = kept.read_text()
    assert "command: dlspec train spec.yaml" in text and f"folder: {tmp_path}" in text
    assert "Traceback (most recent call last)" in text and "ValueError: the\nshape is wrong" in text


def test_a_long_message_is_cut_to_one_readable_line(tmp_path: Path) -> None:
    done = crash("RuntimeError('x' * 5000)", tmp_path, XDG_STATE_HOME=str(tmp_path))
    assert done.returncode == 3
    (line,) = done.stderr.splitlines()
    assert "x" * 290 in line and "x" * 400 not in line and "..." in line


def test_without_a_writable_state_folder_the_traceback_goes_to_the_temporary_folder(
    tmp_path: Path,
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    done = crash("KeyError('k')", tmp_path, XDG_STATE_HOME=str(blocked), TMPDIR=str(tmp_path))
    assert done.returncode == 3
    (kept,) = tmp_path.glob("dlspec-crash-*.txt")
    assert f"the traceback is in {kept};" in done.stderr
    assert "KeyError: 'k'" in kept.read_text()


def test_nowhere_to_keep_the_traceback_still_ends_in_one_line(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    full = "import tempfile\ndef full(**_):\n    raise OSError(28, 'No space left on device')\n"
    full += "tempfile.mkstemp = full\n"
    done = crash("OSError('disk')", tmp_path, full, XDG_STATE_HOME=str(blocked))
    assert done.returncode == 3 and "Traceback" not in done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith("dlspec: internal error: OSError: disk (its traceback could not be")
    assert "(No space left on device)" in line


@pytest.mark.parametrize(("raised", "code"), [("KeyboardInterrupt()", 130), ("SystemExit(4)", 4)])
def test_ctrl_c_and_exits_keep_their_status(tmp_path: Path, raised: str, code: int) -> None:
    done = crash(raised, tmp_path, XDG_STATE_HOME=str(tmp_path))
    assert done.returncode == code and "Traceback" not in done.stderr
    assert not (tmp_path / "dlspec").exists()  # nothing was kept: nothing went wrong


# -- inputs that ended in a traceback or the wrong status, each typed at a fresh shell ----------

DEEP = "task: multiclass\ndata: {source: sklearn:iris}\ndescription: " + "[" * 500 + "]" * 500


def test_a_spec_nested_500_deep_is_a_located_error_in_every_command(shell, tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "deep.yaml").write_text(DEEP)
    (tmp_path / "specs" / "zero.yaml").write_text(
        "task: multiclass\ndata: {source: sklearn:iris}\nmodel: {layers: [dense: 0]}\n"
    )
    linted = shell("lint", "specs")
    assert linted.returncode == 1 and "Traceback" not in linted.stderr
    # The deep file does not hide the other file's finding.
    assert "specs/deep.yaml:3:77: error[DLS110]: the YAML nests deeper than 64" in linted.stdout
    assert "specs/zero.yaml:3:25: error[DLS205]" in linted.stdout
    for command in ("summary", "train"):
        done = shell(command, "specs/deep.yaml")
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert "specs/deep.yaml:3:77: error[DLS110]" in done.stderr


def test_a_missing_spec_is_a_usage_error_in_every_command(shell) -> None:
    for command in ("lint", "summary", "train"):
        done = shell(command, "missing.yaml")
        assert done.returncode == 2, (command, done.stderr)
        said = done.stdout + done.stderr
        assert "missing.yaml" in said and "no such file" in said and "Traceback" not in said


def test_a_nul_byte_is_located_where_it_is(shell, tmp_path: Path) -> None:
    (tmp_path / "nul.yaml").write_text('task: multiclass\ndescription: "a\0b"\n')
    done = shell("lint", "nul.yaml")
    assert done.returncode == 1
    assert "nul.yaml:2:16: error[DLS101]: YAML error: character #x0000 is not allowed" in (
        done.stdout
    )


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("model: {layers: [dense: " + "9" * 400 + "]}", "expected units <= 2147483647, got a "
         "400-digit number"),
        ("seed: 4294967296", "expected seed <= 4294967295, got 4294967296"),
        # Found by tests/test_fuzz.py: each trained into a division by zero or an OverflowError.
        ("training: {batch_size: 9223372036854775808}", "expected batch_size <= 2147483647"),
        ("training: {epochs: 9223372036854775808}", "expected epochs <= 2147483647"),
    ],
    ids=["400-digit units", "seed past 32 bits", "batch_size past 63 bits", "epochs past 63 bits"],
)  # fmt: skip
def test_numbers_too_large_to_use_are_range_errors(shell, tmp_path: Path, line: str, said: str):
    text = "task: multiclass\ndata: {source: sklearn:iris}\n" + line + "\n"
    if "model" not in line:
        text += "model: {layers: [dense: 4]}\n"
    (tmp_path / "big.yaml").write_text(text)
    done = shell("lint", "big.yaml")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "big.yaml:3:" in done.stdout and f"error[DLS205]: {said}" in done.stdout


def test_a_target_column_the_table_lacks_stops_train_before_it_starts(shell, tmp_path) -> None:
    (tmp_path / "t.csv").write_text("a,b,y\n1,2,0\n3,4,1\n")
    (tmp_path / "spec.yaml").write_text(
        "data: {source: csv:t.csv}\ntask: binary\nmodel: {layers: [dense: 4]}\n"
    )
    done = shell("train", "spec.yaml", "--set", "data.target=bogus", "--output", "runs")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "error[DLS328]: no column 'bogus' in 't.csv'" in done.stderr
    assert "the columns are: a, b, y" in done.stderr
    assert not (tmp_path / "runs").exists()  # nothing started
