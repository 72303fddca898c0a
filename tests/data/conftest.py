"""Shared helpers of the data tests: a spec file in tmp_path, loading it, its diagnostics."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from dlspec import spec as specs
from dlspec.data.dataset import Dataset
from dlspec.diagnostics import Diagnostic, SpecError
from dlspec.sources import DataInfo, describe, load
from dlspec.spec import Spec
from dlspec.spec.document import SourceMap


@dataclass
class Case:
    """A parsed spec file with its source map."""

    spec: Spec
    source_map: SourceMap
    file: Path

    def load(self) -> Dataset:
        return load(self.spec, self.file, source_map=self.source_map)

    def errors(self) -> list[Diagnostic]:
        """The diagnostics ``load`` raises (the test fails if it loads)."""
        with pytest.raises(SpecError) as raised:
            self.load()
        return raised.value.diagnostics

    def describe(self) -> DataInfo:
        info, found = describe(self.spec.data, self.source_map)
        assert found == []
        return info

    def line_of(self, text: str) -> int:
        """The 1-based line of the spec file that contains ``text``."""
        lines = self.file.read_text().splitlines()
        return next(i for i, line in enumerate(lines, start=1) if text in line)


@pytest.fixture
def case(tmp_path: Path):
    """``case(data_yaml, task="multiclass", extra="", model=...)``: write a spec and parse it.

    ``data_yaml`` is the body of the ``data`` mapping (indented here); ``extra`` more sections.
    """

    def make(
        data: str, task: str = "multiclass", extra: str = "", model: str = "{layers: []}"
    ) -> Case:
        body = textwrap.indent(textwrap.dedent(data).strip(), "  ")
        file = tmp_path / "spec.yaml"
        file.write_text(f"data:\n{body}\ntask: {task}\nmodel: {model}\n{extra}")
        spec, source_map = specs.load(file)
        return Case(spec, source_map, file)

    return make
