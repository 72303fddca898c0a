"""The ``dlspec`` command line: one thin module per command (options -> call -> render -> exit).

Importing this package stays light (no Keras, TensorFlow or scikit-learn): commands that build
or train import the heavy side inside their bodies. ``app`` registers the commands in the
order ``dlspec --help`` lists them.
"""

from __future__ import annotations

import importlib

from dlspec.startup import long_lived

# Each command's module registers it on ``app`` when imported; --help lists them in this order.
COMMANDS = (
    "lint",
    "summary",
    "schema",
    "train",
    "sweep",
    "evaluate",
    "predict",
    "export",
    "runs",
    "generate",
)
with long_lived():
    from dlspec.cli.app import app

    for _command in COMMANDS:
        importlib.import_module(f"dlspec.cli.{_command}")

__all__ = ["COMMANDS", "app", "main"]


def main() -> None:
    """Entry point of the ``dlspec`` console script.

    Every failure leaves as a message and an exit status, never a traceback
    (``dlspec.cli.boundary``).
    """
    from dlspec.cli import boundary

    boundary.run(app)
