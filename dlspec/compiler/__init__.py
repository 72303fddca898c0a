"""Spec -> keras.Model: the heavy side of dlspec, from here down everything may import Keras.

    check.analyse(path) -> (spec, source_map, inference)
      -> compiler.model(spec, inference)  one named Keras layer per spec layer, then the head
      -> compiler.compile(model, spec)    the optimizer, the task's loss and metrics

``from_file`` does all three for one spec file. Nothing on the light side (``spec``, ``check``,
``layers`` at import time, ``cli`` at import time) imports this package.
"""

from __future__ import annotations

from dlspec.compiler.heads import compile, loss, metrics
from dlspec.compiler.network import from_file, model

__all__ = ["compile", "from_file", "loss", "metrics", "model"]
