"""Exports: a case as a PDF dossier (a queue as CSV is ``queue_export``). Audited.

The PDF uses reportlab's built-in CID font ``STSong-Light`` for Chinese: the
reader's PDF viewer supplies the glyphs, so no font file ships with tipoff.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tipoff.audit.services import audit_record
from tipoff.cases import permissions
from tipoff.cases.models import Case, Finding
from tipoff.cases.selectors import case_deadline
from tipoff.office.presenters import decisions_view, timeline
from tipoff.office.reading import case_read
from tipoff.people.models import User

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    return {
        "h1": ParagraphStyle("h1", fontName=font, fontSize=16, leading=22, spaceAfter=6),
        "h2": ParagraphStyle(
            "h2", fontName=font, fontSize=12.5, leading=18, spaceBefore=10, spaceAfter=4
        ),
        "p": ParagraphStyle("p", fontName=font, fontSize=10, leading=15, wordWrap="CJK"),
        "small": ParagraphStyle("small", fontName=font, fontSize=8, leading=11, wordWrap="CJK"),
    }


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _table(rows: list[list[Any]], style: ParagraphStyle, widths: list[float]) -> Table:
    table = Table([[_p(c, style) for c in row] for row in rows], colWidths=widths)
    table.setStyle(
        TableStyle(
            [("VALIGN", (0, 0), (-1, -1), "TOP"), ("GRID", (0, 0), (-1, -1), 0.3, "#999999")]
        )
    )
    return table


def case_pdf(*, case: Case, actor: User, body_key: bytes) -> bytes:
    permissions.require(actor, "export", case)
    contents = case_read(case=case, actor=actor, body_key=body_key)
    s = _styles()
    story: list = [_p(_("Case dossier %(ref)s") % {"ref": case.reference}, s["h1"])]
    deadline = case_deadline(case)
    facts: list[list[Any]] = [
        [_("Body"), case.body.name()],
        [_("Status"), case.get_status_display()],
        [_("Received"), timezone.localtime(case.created_at).strftime("%Y-%m-%d %H:%M")],
        [_("Team"), case.team or "—"],
        [_("Inspector"), case.assignee or "—"],
        [
            _("Deadline"),
            f"{deadline.label} {timezone.localtime(deadline.due):%Y-%m-%d}" if deadline else "—",
        ],
    ]
    story.append(_table(facts, s["p"], [40 * mm, 130 * mm]))
    for read in contents.reports:
        r, c = read.report, read.content
        story.append(
            _p(
                _("Report of %(date)s (%(channel)s)")
                % {
                    "date": timezone.localtime(r.received_at).strftime("%Y-%m-%d"),
                    "channel": r.get_channel_display(),
                },
                s["h2"],
            )
        )
        rows: list[list[Any]] = [
            [_("Category"), r.category],
            [_("Unit"), r.unit or c.unit_other or "—"],
            [_("Official"), f"{c.official_name} {c.official_position}".strip() or "—"],
            [_("When"), f"{r.occurred_on or ''} {c.when_detail}".strip() or "—"],
            [_("Where"), c.place or "—"],
            [_("What happened"), c.what],
            [
                _("Reporter"),
                f"{c.reporter_name} · {c.reporter_contact}" if r.is_named else _("Anonymous"),
            ],
            *[[label, value] for label, value in read.answer_rows()],
            [_("Evidence files"), len(read.evidence)],
        ]
        story.append(_table(rows, s["p"], [40 * mm, 130 * mm]))
    for entry in decisions_view(case, contents.key):
        d = entry["decision"]
        story.append(_p(_("Decision (%(state)s)") % {"state": d.get_state_display()}, s["h2"]))
        rows = [
            [_("Finding"), Finding(d.finding).label],
            [_("Outcome for the reporter"), d.summary],
            [_("Reasoning"), entry["reasoning"] or "—"],
            [_("Proposed by"), d.proposed_by],
            [_("Approved by"), d.approved_by or "—"],
        ]
        rows += [
            [
                _("Measure"),
                f"{x['official'].get('name', '')} {x['official'].get('position', '')}: {x['kind']}",
            ]
            for x in entry["sanctions"]
        ]
        story.append(_table(rows, s["p"], [40 * mm, 130 * mm]))
    story.append(_p(_("Timeline"), s["h2"]))
    rows = [
        [timezone.localtime(i.at).strftime("%Y-%m-%d %H:%M"), i.who, f"{i.title}\n{i.text}".strip()]
        for i in timeline(case, contents)
    ]
    if rows:
        story.append(_table(rows, s["small"], [28 * mm, 32 * mm, 110 * mm]))
    story.append(Spacer(1, 6 * mm))
    story.append(
        _p(
            _("Exported by %(who)s on %(when)s. Confidential.")
            % {"who": actor, "when": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
            s["small"],
        )
    )
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, title=f"{case.reference}", leftMargin=20 * mm, rightMargin=20 * mm
    )
    doc.build(story)
    audit_record(actor=actor, action="case.exported_pdf", body_id=case.body_id, obj=case)
    return buffer.getvalue()


def case_pdf_response(*, case: Case, actor: User, body_key: bytes) -> HttpResponse:
    response = HttpResponse(
        case_pdf(case=case, actor=actor, body_key=body_key), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="case-{case.reference}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
