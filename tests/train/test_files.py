"""train.files: atomic writes, and file-system errors that name the path."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from dlspec.diagnostics import SpecError
from dlspec.train import files


def test_a_write_replaces_the_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "metrics.json"
    path.write_text("old")
    files.write_text(path, "new")
    assert path.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["metrics.json"]  # no temporary left


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "model.keras"
    path.write_text("old")
    with pytest.raises(RuntimeError), files.replacing(path, ".keras") as temporary:
        assert temporary.name.endswith(".keras") and temporary.parent == tmp_path
        temporary.write_text("half of a new fi")
        raise RuntimeError("killed")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["model.keras"]


def test_a_refused_write_names_the_path(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    path = tmp_path / "file" / "history.csv"  # under a file
    with pytest.raises(SpecError) as raised:
        files.write_text(path, "epoch\n")
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.code == "DLS412" and diagnostic.span.file == str(path)
    assert f"cannot write '{path}'" in diagnostic.message


@pytest.mark.parametrize(
    ("number", "hint"),
    [
        (errno.ENOSPC, "free some disk space"),
        (errno.EACCES, "a folder you can write to"),
        (errno.ENAMETOOLONG, "shorten the spec's 'name'"),
    ],
)
def test_each_file_system_error_gets_its_hint(number: int, hint: str) -> None:
    error = files.unwritable(Path("runs/x"), OSError(number, "reason"))
    assert hint in error.diagnostics[0].hint
    assert error.diagnostics[0].message == "cannot write 'runs/x': reason"
