"""JSON Schema of the spec language as users write it, for editors (yaml-language-server).

pydantic describes the models after normalisation (``{"kind": "dense", "units": 16}``); users
write ``- dense: {units: 16}``, ``- dense: 16`` or ``- flatten``, and ``optimizer: adam``. This
module rewrites pydantic's schema into those written forms.
"""

from __future__ import annotations

import copy
from typing import Any

from dlspec.layers import BY_KIND, LayerSpec

SCHEMA_URL = "https://json-schema.org/draft/2020-12/schema"


# 'from' names one output, or a list of them; beside the kind or among its arguments.
FROM = {
    "anyOf": [
        {"type": "string"},
        {"type": "array", "items": {"type": "string"}, "minItems": 1},
    ],
    "description": "The layers (or inputs) whose outputs this item takes.",
}


def _item_schema(kinds: list[str], defs: dict[str, Any]) -> dict[str, Any]:
    """The written forms of a layer item for these kinds."""
    forms: list[dict[str, Any]] = []
    bare: list[str] = []
    for kind in kinds:
        cls: type[LayerSpec] = BY_KIND[kind]
        args = copy.deepcopy(defs[cls.__name__])
        args["properties"].pop("kind", None)
        if "from" in args["properties"]:
            args["properties"]["from"] = copy.deepcopy(FROM)
        required = [r for r in args.get("required", []) if r != "kind"]
        if required:
            args["required"] = required
        else:
            args.pop("required", None)
            bare.append(kind)
        choices: list[dict[str, Any]] = [args]
        if cls.MAIN is not None:
            choices.append(copy.deepcopy(args["properties"][cls.MAIN]))
        if not required:
            choices.append({"type": "null"})
        forms.append(
            {
                "type": "object",
                "title": kind,
                "description": (cls.__doc__ or "").strip().splitlines()[0],
                "properties": {
                    kind: {"anyOf": choices} if len(choices) > 1 else args,
                    "name": {"type": "string", "description": "Keras layer name."},
                    "from": copy.deepcopy(FROM),
                },
                "required": [kind],
                "additionalProperties": False,
            }
        )
    if bare:
        forms.append({"type": "string", "enum": bare, "description": "A kind without arguments."})
    return {"anyOf": forms}


def _rewrite(node: Any, defs: dict[str, Any]) -> Any:
    """Replace discriminated unions by their written forms, depth first."""
    if isinstance(node, list):
        return [_rewrite(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _rewrite(value, defs) for key, value in node.items()}
    discriminator = node.get("discriminator")
    if not isinstance(discriminator, dict):
        return node
    mapping: dict[str, str] = discriminator.get("mapping", {})
    tags = sorted(mapping)
    if discriminator.get("propertyName") == "kind":
        name = "LayerItem" if len(tags) == len(BY_KIND) else "RecurrentItem"
        defs.setdefault(name, _item_schema(tags, defs))
        return {"$ref": f"#/$defs/{name}"}
    # A 'type:' choice: also accept the bare name of any member without required fields.
    bare = [
        tag
        for tag, ref in mapping.items()
        if not [r for r in defs[ref.split("/")[-1]].get("required", []) if r != "type"]
    ]
    node.pop("discriminator")
    if bare:
        return {"anyOf": [{"type": "string", "enum": sorted(bare)}, node]}
    return node


def _shorthands(defs: dict[str, Any]) -> None:
    """Scalar shorthands of whole sections: ``input: [28, 28, 1]``, ``early_stopping: 10``."""
    model = defs["ModelSpec"]["properties"]["input"]
    shape = copy.deepcopy(defs["InputSpec"]["properties"]["shape"])
    model["anyOf"] = [shape, *model["anyOf"]]
    inputs = defs["ModelSpec"]["properties"]["inputs"]["anyOf"][0]
    inputs["additionalProperties"] = False  # a name that the pattern refuses is no input
    for named in inputs["patternProperties"].values():
        named["anyOf"] = [copy.deepcopy(shape), {"$ref": named.pop("$ref")}]
    training = defs["TrainingSpec"]["properties"]["early_stopping"]
    training["anyOf"] = [{"type": "integer", "minimum": 0}, *training["anyOf"]]


def generate() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a spec file."""
    from dlspec.spec import Spec

    schema = Spec.model_json_schema(mode="validation")
    defs: dict[str, Any] = schema.setdefault("$defs", {})
    original = copy.deepcopy(defs)
    schema = _rewrite(schema, original)
    defs = schema["$defs"]
    for name, value in original.items():
        if name in ("LayerItem", "RecurrentItem"):
            defs[name] = _rewrite(value, original)
    _shorthands(defs)
    # Layer classes now live inline in LayerItem; keep only the definitions still referenced.
    schema["$defs"] = {name: defs[name] for name in sorted(_referenced(schema))}
    # A spec that extends another may leave out what its base gives (task, model, ...).
    required = schema.pop("required", None)
    if required:
        schema["if"] = {"required": ["extends"]}
        schema["else"] = {"required": required}
    schema["$schema"] = SCHEMA_URL
    schema["title"] = "dlspec spec (version 1)"
    return schema


def _referenced(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            found.add(ref.split("/")[-1])
        for value in node.values():
            found |= _referenced(value)
    elif isinstance(node, list):
        for item in node:
            found |= _referenced(item)
    return found
