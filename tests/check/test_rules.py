"""dlspec.check.rules: one module per rule, one code per rule, and the table that runs them."""

from __future__ import annotations

import pkgutil
from pathlib import Path

import pytest

from dlspec import check, spec
from dlspec.check import rules
from dlspec.check.rules import RULES, Context
from dlspec.diagnostics import CODES

CASES = Path(__file__).parents[1] / "cases"


def test_each_rule_is_one_module_named_after_its_code() -> None:
    modules = {info.name for info in pkgutil.iter_modules(rules.__path__) if info.name != "rule"}
    named = {rule.name.replace("-", "_") for rule in RULES}
    assert named == modules
    assert len({rule.code for rule in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.code in CODES and rule.summary == CODES[rule.code][1]
        assert rule.check.__module__ == f"dlspec.check.rules.{rule.name.replace('-', '_')}"


def _contexts() -> list[tuple[str, Context]]:
    found = []
    for path in sorted(CASES.glob("*.yaml")):
        try:
            parsed, source_map = spec.load(path)
        except Exception:  # noqa: BLE001 - cases that fail to parse have no context to check
            continue
        inference = check.run(parsed, source_map)
        found.append((path.name, Context(parsed, inference.data, source_map, inference.layers)))
    return found


CONTEXTS = _contexts()


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_a_rule_finds_only_its_own_code_and_fires_on_some_case(rule) -> None:
    fired = []
    for name, context in CONTEXTS:
        found = rule(context)
        assert {d.code for d in found} <= {rule.code}, name
        if found:
            fired.append(name)
    assert fired, f"no case in tests/cases makes {rule.code} ({rule.name}) fire"


def test_every_rule_finding_is_in_the_lint_result() -> None:
    for name, context in CONTEXTS:
        linted = check.run(context.spec, context.source_map).diagnostics
        for rule in RULES:
            for diagnostic in rule(context):
                assert diagnostic in linted, (name, diagnostic)
