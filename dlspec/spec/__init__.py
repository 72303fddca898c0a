"""The spec language: YAML with positions, sections, task table, extends, --set, errors.

Loading keeps every value's position; pydantic's errors become located diagnostics.

    document.read -> loading.resolve (extends, --set) -> loading.parse (pydantic)
      -> root.Spec + document.SourceMap

``tasks.TASKS`` is the one task table every later stage reads. Nothing here imports numpy,
scikit-learn or Keras: lint and summary run on this package, ``layers`` and ``sources``.
"""

from __future__ import annotations

from dlspec.spec.document import SourceMap
from dlspec.spec.loading import load, parse, resolve
from dlspec.spec.root import Spec

__all__ = ["SourceMap", "Spec", "load", "parse", "resolve"]
