"""Transparency's demo: two notices of typical cases, then a year of handled reports.

The notices are made from the demo's decided cases (``office/demo.py`` runs
first) through the same services staff use: the team leader drafts and
rewrites, the administrator approves. The year of reports for the statistics
(``stats_demo``) comes after, so that no notice is drafted from those.
"""

from __future__ import annotations

from tipoff.cases.models import Case
from tipoff.people.models import Body, User
from tipoff.transparency import notices
from tipoff.transparency.stats_demo import stats_demo_load

WORDING = {
    "weddings_funerals": notices.NoticeWording(
        title_zh="市交通运输局某副处长违规大操大办婚礼问题",
        text_zh=(
            "群众举报，市交通运输局一名副处长为子女操办婚礼，宴请规模明显超出规定，"
            "并收受下属单位礼金。\n\n"
            "经核查，反映的问题属实：婚宴近六十桌，收受下属单位礼金十余万元。\n\n"
            "该同志受到党内严重警告处分，并被降级；违规收受的礼金已全部退还。"
            "大操大办婚丧喜庆是享乐主义、奢靡之风的突出表现，必须坚决纠治。"
        ),
        title_en="Deputy division head at the Municipal Transport Bureau held a lavish wedding",
        text_en=(
            "A member of the public reported that a deputy division head of the Municipal "
            "Transport Bureau held a wedding for his child on a scale well beyond the rules, "
            "and accepted cash gifts from subordinate units.\n\n"
            "The inspection found the report true: nearly sixty tables of guests, and cash "
            "gifts of over one hundred thousand yuan from subordinate units.\n\n"
            "He received a serious Party warning and was demoted; the gifts were returned in full."
        ),
        show_unit=True,
    ),
    "official_cars": notices.NoticeWording(
        title_zh="市交通运输局某科长公车私用问题",
        text_zh=(
            "群众举报，市交通运输局一辆公务用车多次在周末被用于私人出游。\n\n"
            "经核查，反映的问题属实：两个月内七次周末私用公车，产生油费、通行费四千余元。\n\n"
            "该科长受到政务警告处分，相关费用已全部退赔。"
        ),
        title_en="Section head at the Municipal Transport Bureau used an official car privately",
        text_en=(
            "A member of the public reported that an official car of the Municipal Transport "
            "Bureau was repeatedly used for private weekend trips.\n\n"
            "The inspection found the report true: seven private weekend trips in two months, "
            "costing over four thousand yuan in fuel and tolls.\n\n"
            "The section head received a warning and repaid the costs in full."
        ),
        show_unit=True,
    ),
}


def load(body: Body, staff: dict[str, User]) -> None:
    drafter, approver = staff["demo-leader"], staff["demo-admin"]
    for case in Case.objects.filter(body=body).order_by("created_at", "id"):
        if not notices.can_draft(drafter, case):
            continue
        notice = notices.notice_draft(case=case, actor=drafter)
        code = notice.category.code if notice.category else ""
        if code in WORDING:
            notices.notice_edit(notice=notice, actor=drafter, wording=WORDING[code])
        notices.notice_submit(notice=notice, actor=drafter)
        notices.notice_approve(notice=notice, actor=approver)
    stats_demo_load(body=body, leader=staff["demo-leader"], inspector=staff["demo-inspector"])
