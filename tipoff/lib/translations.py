"""Compile every gettext catalogue (.po to .mo) with polib.

``python -m tipoff.lib.translations`` runs it; no GNU gettext needed, so a
fresh machine gets working translations from the install step alone.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]


def catalogues() -> list[Path]:
    return sorted(ROOT.glob("**/locale/*/LC_MESSAGES/*.po"))


def compile_all() -> int:
    count = 0
    for po_path in catalogues():
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        count += 1
    return count


if __name__ == "__main__":
    compiled = compile_all()
    print(f"translations: {compiled} catalogue(s) compiled", file=sys.stderr)
