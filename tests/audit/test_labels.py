"""Every code and detail key written to the audit trail has a label, in both languages.

The code base is read (not imported) for what it writes: the ``action`` of each
``audit_record`` call, the case actions that ``case_transition`` and
``case_event_record`` write as ``case.<action>``, the code-like strings handed
to helpers that call ``audit_record`` for them, and the keys of every details
dictionary. A code added later without a label fails here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation

from tipoff.audit import labels

pytestmark = pytest.mark.one_leg

ROOT = Path(__file__).resolve().parents[2] / "tipoff"
FAMILIES = "|".join(labels.FAMILY_LABELS)
CODE = re.compile(rf"^({FAMILIES})\.[a-z_]+(\.[a-z_]+)*$")
# Codes made from a variable part: each family, with every value the part takes.
FAMILIES_WITH_A_PART = {
    "attendance.attempt.": {"confirmed", "dismissed"},  # attendance/views/review.py
    "notice.": {"drafted", "edited", "submitted", "approved", "returned", "withdrawn"},
}


def _trees() -> list[tuple[Path, ast.AST]]:
    return [
        (path, ast.parse(path.read_text(), str(path)))
        for path in sorted(ROOT.rglob("*.py"))
        if "migrations" not in path.parts and path.name != "labels.py"
    ]


def _name(call: ast.Call) -> str:
    return getattr(call.func, "id", None) or getattr(call.func, "attr", None) or ""


def _strings(node: ast.AST) -> set[str]:
    return {
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def _written_codes() -> tuple[set[str], list[str]]:
    codes: set[str] = set()
    unknown_dynamic: list[str] = []
    for path, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                codes |= {node.value} if CODE.match(node.value) else set()
            if not isinstance(node, ast.Call):
                continue
            action = next((k.value for k in node.keywords if k.arg == "action"), None)
            if action is None:
                continue
            name = _name(node)
            if name in ("case_transition", "case_event_record", "report_intake_note"):
                codes |= {f"case.{s}" for s in _strings(action)}
            elif name == "audit_record" and isinstance(action, ast.JoinedStr):
                prefix = "".join(v.value for v in action.values if isinstance(v, ast.Constant))
                if prefix == "case.":
                    continue  # case_event_record's own call: its callers are read above
                if prefix not in FAMILIES_WITH_A_PART:
                    unknown_dynamic.append(f"{path.name}: {ast.unparse(action)}")
                    continue
                codes |= {prefix + part for part in FAMILIES_WITH_A_PART[prefix]}
    return codes, unknown_dynamic


def _detail_keys() -> set[str]:
    keys: set[str] = set()
    for _path, tree in _trees():
        for node in ast.walk(tree):
            dicts: list[ast.AST] = []
            if isinstance(node, ast.Call) and _name(node) in (
                "audit_record",
                "case_event_record",
                "case_transition",
            ):
                dicts = [k.value for k in node.keywords if k.arg == "details"]
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "details" for t in node.targets
            ):
                dicts = [node.value]
            for value in dicts:
                for d in ast.walk(value):
                    if isinstance(d, ast.Dict):
                        keys |= {k.value for k in d.keys if isinstance(k, ast.Constant)}
    return keys


def test_every_action_code_written_anywhere_has_a_label():
    codes, unknown_dynamic = _written_codes()
    assert unknown_dynamic == [], "codes built from a variable: list their values above"
    assert len(codes) > 80  # the scan finds them (there are about ninety)
    assert {"case.read", "staff.sign_in", "case.reassign", "attendance.kiosk.add"} <= codes
    missing = sorted(codes - set(labels.ACTION_LABELS))
    assert missing == []


def test_every_detail_key_has_a_label():
    keys = _detail_keys()
    assert {"reports", "notes", "from", "to", "assignee", "previous_team"} <= keys
    assert sorted(keys - set(labels.DETAIL_LABELS)) == []


def test_every_label_is_translated_into_chinese():
    untranslated = []
    with translation.override("zh-hans"):
        for table in (labels.ACTION_LABELS, labels.DETAIL_LABELS, labels.FAMILY_LABELS):
            for code, label in table.items():
                # Acronyms (PDF, CSV, PIN) may stay; English words may not.
                text = re.sub(r"\b[A-Z]{2,}\b", "", str(label))
                if re.search(r"[A-Za-z]{2,}", text) or not re.search(r"[\u4e00-\u9fff]", text):
                    untranslated.append(f"{code}: {label}")
    assert untranslated == []


def test_details_are_lines_never_a_repr():
    with translation.override("en"):
        lines = labels.detail_lines(
            {"before": {"acknowledge_days": 7}, "reports": [3, 4], "verify": True, "reason": ""}
        )
    assert lines == [
        ("before", "days to acknowledge 7"),
        ("reports", "3, 4"),
        ("chain checked", "yes"),
    ]
    with translation.override("zh-hans"):
        assert labels.detail_lines({"verify": False}) == [("已校验哈希链", "否")]
        assert labels.action_label("case.read") == "查阅案件内容"
    assert labels.action_label("something.unknown") == "something.unknown"
