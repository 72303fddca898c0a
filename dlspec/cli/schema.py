"""``dlspec schema``: the JSON Schema of spec files."""

from __future__ import annotations

import json

from dlspec.cli.app import app, out


@app.command(short_help="Print the JSON Schema of spec files.")
def schema() -> None:
    """Print the JSON Schema of spec files, for editors (yaml-language-server) and CI."""
    from dlspec.spec import schema as schema_module

    out.out(json.dumps(schema_module.generate(), indent=2), highlight=False)
