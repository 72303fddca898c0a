"""dlspec.sources: the registry is the one list of schemes, and each scheme is one file."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from pydantic import ValidationError

import dlspec
from dlspec.sources import SOURCES, saved_location
from dlspec.sources.source import Source
from dlspec.spec.sections import DataSpec

PACKAGE = Path(dlspec.__file__).parent


@pytest.mark.parametrize("scheme", list(SOURCES))
def test_each_scheme_lives_in_its_own_file(scheme: str) -> None:
    source = SOURCES[scheme]
    assert source.scheme == scheme and isinstance(source, Source)
    module = importlib.import_module(f"dlspec.sources.{scheme}")
    assert type(source).__module__ == module.__name__


@pytest.mark.parametrize("scheme", list(SOURCES))
def test_the_spec_accepts_what_the_registry_lists_and_nothing_else(scheme: str) -> None:
    source = SOURCES[scheme]
    for rest in source.datasets or ("some/file.ext",):
        assert DataSpec(source=f"{scheme}:{rest}").scheme == scheme
    if source.datasets:
        with pytest.raises(ValidationError, match=f"unknown {scheme} dataset"):
            DataSpec(source=f"{scheme}:no_such_set")
    assert source.usage in DataSpec.model_fields["source"].description
    with pytest.raises(ValidationError, match="unknown data source"):
        DataSpec(source=f"{scheme}x:whatever")


def test_a_saved_spec_makes_path_sources_absolute_and_keeps_named_sets(tmp_path: Path) -> None:
    spec_file = tmp_path / "experiments" / "spec.yaml"
    for scheme, source in SOURCES.items():
        data = DataSpec(source=f"{scheme}:{source.datasets[0] if source.datasets else 'd/x'}")
        saved = saved_location(data, spec_file)
        if source.takes_path:
            assert saved == f"{scheme}:{(spec_file.parent / 'd' / 'x').resolve()}"
        else:
            assert saved == data.source


def test_no_module_outside_sources_branches_on_a_scheme() -> None:
    # A scheme's behaviour is its file's: ``if data.scheme == "csv"`` elsewhere is a copy that
    # a new scheme would miss.
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if PACKAGE / "sources" in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                named = any(getattr(side, "attr", None) == "scheme" for side in sides)
                if named:
                    found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert found == []
