"""Switching warnings off: --disable, '# dlspec: disable=' comments, [tool.dlspec] in pyproject.

Each case runs ``dlspec lint`` in a fresh process on files the test writes, as from a shell.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dlspec.check import suppress

SPEC = """\
task: multiclass
data: {source: sklearn:iris}
model:
  layers:
    - dense: 8
training: {epochs: 5, early_stopping: 10}
"""


def write(folder: Path, text: str = SPEC, name: str = "spec.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_warning_fails_strict_until_it_is_disabled_by_code_or_name(shell, tmp_path) -> None:
    spec = write(tmp_path)
    strict = shell("lint", "--strict", spec)
    assert strict.returncode == 1 and "DLS312" in strict.stdout
    for word in ("DLS312", "patience-too-long", "dls312,DLS315"):
        done = shell("lint", "--strict", "--disable", word, spec)
        assert done.returncode == 0 and "DLS312" not in done.stdout, word


def test_an_unknown_code_is_a_usage_error(shell, tmp_path) -> None:
    done = shell("lint", "--disable", "DLS999", write(tmp_path))
    assert done.returncode == 2 and "unknown code 'DLS999'" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("where", "hidden"),
    [
        ("# dlspec: disable=DLS312\n" + SPEC, True),  # its own line: the whole file
        (
            SPEC.replace("early_stopping: 10}", "early_stopping: 10}  # dlspec: disable=DLS312"),
            True,
        ),
        (SPEC.replace("dense: 8", "dense: 8  # dlspec: disable=DLS312"), False),  # another line
        ("# dlspec: disable=DLS315\n" + SPEC, False),  # another code
    ],
    ids=["own-line", "end-of-its-line", "end-of-another-line", "another-code"],
)
def test_a_comment_switches_a_warning_off_for_the_file_or_its_line(
    shell, tmp_path, where: str, hidden: bool
) -> None:
    done = shell("lint", "--strict", write(tmp_path, where))
    assert (done.returncode == 0) == hidden
    assert ("DLS312" in done.stdout) != hidden


def test_the_nearest_pyproject_above_the_spec_switches_codes_off(shell, tmp_path) -> None:
    spec = write(tmp_path / "specs" / "deep")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.dlspec]\ndisable = ["patience-too-long"]\n'
    )
    assert shell("lint", "--strict", spec).returncode == 0
    # A nearer pyproject without the table takes over: the warning is back.
    (tmp_path / "specs" / "pyproject.toml").write_text('[project]\nname = "y"\n')
    assert shell("lint", "--strict", spec).returncode == 1


def test_a_bad_pyproject_table_is_a_usage_error(shell, tmp_path) -> None:
    spec = write(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.dlspec]\ndisable = "DLS312"\n')
    done = shell("lint", spec)
    assert done.returncode == 2 and "must be a list of codes" in done.stderr
    (tmp_path / "pyproject.toml").write_text('[tool.dlspec]\ndisable = ["nope"]\n')
    done = shell("lint", spec)
    assert done.returncode == 2 and "unknown code 'nope'" in done.stderr


def test_errors_are_never_switched_off(shell, tmp_path) -> None:
    spec = write(tmp_path, SPEC.replace("task: multiclass", "task: {type: multiclass, loss: mae}"))
    done = shell("lint", "--disable", "DLS308", spec)
    assert done.returncode == 1 and "error[DLS308]" in done.stdout


def test_codes_are_read_by_code_and_name_and_unknown_words_are_refused() -> None:
    assert suppress.codes(["DLS312, no-op-layer", "dls315"], "x") == {"DLS312", "DLS314", "DLS315"}
    with pytest.raises(suppress.UnknownCode, match="'nope'"):
        suppress.codes(["DLS312,nope"], "--disable")
