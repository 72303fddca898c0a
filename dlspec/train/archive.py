"""A saved ``model.keras`` checked without Keras: a whole archive holding only safe classes.

A ``.keras`` file is a zip of ``config.json`` (every object as ``module``, ``class_name`` and
``registered_name``) and the weights. Before Keras reads it, ``problem`` walks the config and
accepts only Keras's own classes, Keras's built-in functions, its serialisation markers and
dlspec's classes. A Lambda layer carries Python bytecode, and an unknown class would have to
be imported from somewhere: a model file that holds either is refused, and nothing in it runs.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

MEMBERS = ("config.json", "model.weights.h5")  # what every .keras archive holds
# The names Keras saves dlspec's classes by; dlspec.compiler.saving.classes() is the same set (a
# test keeps them equal), but importing it here would import Keras.
DLSPEC_CLASSES = frozenset(
    f"dlspec>{name}"
    for name in (
        "PositionalEncoding",
        "SelfAttention",
        "TransformerBlock",
        "Residual",
        "CrossAttention",
        "TransformerDecoderBlock",
        "Perplexity",
        "RootMeanSquaredError",
        "TokenAccuracy",
        "ExactMatch",
    )
)
CODE = ("Lambda", "__lambda__")  # a layer and an object that hold Python bytecode


def _foreign(obj: dict[str, Any]) -> str | None:
    """What one serialised object is, when it is not Keras's or dlspec's, or holds code."""
    name, module = obj["class_name"], obj.get("module")
    registered = obj.get("registered_name")
    if name in CODE:
        layer = obj.get("config", {}).get("name") if isinstance(obj.get("config"), dict) else None
        return f"a Lambda layer{f' {layer!r}' if layer else ''}, which is Python code"
    if module is None:
        return None if name.startswith("__") else f"the class {name!r} of no module"
    if module == "builtins" and name == "function" and isinstance(obj.get("config"), str):
        return None  # a Keras function by name, such as 'relu'
    if module == "keras" or module.startswith("keras."):
        return None
    if registered in DLSPEC_CLASSES:
        return None
    return f"{registered or module + '.' + name!r}, a class outside Keras and dlspec"


def foreign(config: Any) -> str | None:
    """The first object in a model's config that dlspec will not load, or None."""
    stack = [config]
    while stack:  # a loop, not recursion: a deeply nested file cannot exhaust the stack
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(reversed(value))
        elif isinstance(value, dict):
            if isinstance(value.get("class_name"), str):
                found = _foreign(value)
                if found:
                    return found
            stack.extend(reversed(list(value.values())))
    return None


def problem(path: Path, *, deep: bool = False) -> tuple[str, str] | None:
    """``(code, reason)`` when ``path`` is not a whole, safe Keras archive, else None.

    ``deep`` also checks every member's checksum, reading the whole file.
    """
    if path.stat().st_size == 0:
        return "DLS410", "is empty"
    try:
        with zipfile.ZipFile(path) as archive:
            missing = [m for m in MEMBERS if m not in archive.namelist()]
            if missing:
                return "DLS410", f"is not a Keras model file (it lacks {', '.join(missing)})"
            broken = archive.testzip() if deep else None
            text = archive.read("config.json")
    except (zipfile.BadZipFile, OSError):
        return "DLS410", "is not a Keras model file (truncated or corrupt)"
    if broken is not None:
        return "DLS410", f"is corrupt ({broken} fails its checksum)"
    try:
        config = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return "DLS410", "is corrupt (its config.json is not valid JSON)"
    found = foreign(config)
    if found:
        return "DLS411", f"holds {found}: dlspec never runs code from a model file"
    return None
