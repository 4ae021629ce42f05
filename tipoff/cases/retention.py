"""Retention, the case's part: what staff wrote about a finished case is removed.

``case_contents_purge`` deletes a case's internal notes and files and blanks
the encrypted parts of its decisions (reasoning, officials named); the case
row, its history, findings and measure kinds stay for statistics. It returns
the storage names of the removed files, for the caller to shred once its
transaction has committed. Called by ``reports.retention``, which purges the
reports themselves in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from tipoff.cases.models import Case, CaseFile, CaseNote, Decision, DecisionSanction


@dataclass(frozen=True)
class PurgedContents:
    notes: int
    file_names: list[str]
    decisions: int


def case_contents_purge(*, case: Case) -> PurgedContents:
    file_names = list(CaseFile.objects.filter(case=case).values_list("storage_name", flat=True))
    CaseFile.objects.filter(case=case).delete()
    notes, _ = CaseNote.objects.filter(case=case).delete()
    decisions = Decision.objects.filter(case=case).update(reasoning=b"")
    DecisionSanction.objects.filter(decision__case=case).update(official=b"")
    return PurgedContents(notes=notes, file_names=file_names, decisions=decisions)
