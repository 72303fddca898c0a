"""Shared helpers of the static-check tests: a spec text in, the Inference out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dlspec import check, spec
from dlspec.check import Inference

Infer = Callable[..., Inference]


@pytest.fixture
def infer(tmp_path: Path) -> Infer:
    """``infer(text, files={name: content})``: write the spec (and data files), parse, run."""

    def run(text: str, files: dict[str, str] | None = None) -> Inference:
        for name, content in (files or {}).items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
        path = tmp_path / "spec.yaml"
        path.write_text(text, encoding="utf-8")
        parsed, source_map = spec.load(path)
        return check.run(parsed, source_map)

    return run
