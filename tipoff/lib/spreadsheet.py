"""CSV cells that a spreadsheet program opens as text, never as a formula."""

from __future__ import annotations

from collections.abc import Iterable

# Spreadsheets run a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """``value`` as a CSV cell; a leading quote stops a formula from running."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_row(values: Iterable[object]) -> list[str]:
    return [csv_cell(v) for v in values]
