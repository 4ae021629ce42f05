"""Demo cases at every stage, so a newcomer opens a living office.

Reports enter through ``report_submit`` like any other; the handling is done
with the same services staff use. The demo staff also get a second factor
already set up (random secrets, this machine only): ``manage.py demo_totp``
prints their current codes, so nobody needs a phone to try the office.
``demo_load`` refuses to run in production, and ``demo_totp`` too.
"""

from __future__ import annotations

import datetime as dt

import pyotp
from django.utils import timezone

from tipoff.cases.models import Case, SanctionKind
from tipoff.office import decisions, investigation, triage
from tipoff.people import signin
from tipoff.people.demo import DEMO_PASSWORD
from tipoff.people.models import Body, Category, Unit, User
from tipoff.people.services import staff_body_keys
from tipoff.reports.models import Author, Report
from tipoff.reports.selectors import report_data_key
from tipoff.reports.services import ReportInput, SubmittedReport, message_post, report_submit


def _file(body: Body, category: str, unit: str, what: str, **extra: object) -> SubmittedReport:
    data = ReportInput(
        body=body,
        channel=str(extra.pop("channel", "web")),
        category_id=Category.objects.get(body=body, code=category).pk,
        unit_id=Unit.objects.get(body=body, name_zh=unit).pk,
        what=what,
        **extra,  # type: ignore[arg-type]
    )
    return report_submit(data=data)


def _age(case: Case, days: int) -> None:
    """Pretend a case arrived ``days`` ago, so deadlines look lived-in."""
    shift = dt.timedelta(days=days)
    case.refresh_from_db()
    Case.objects.filter(pk=case.pk).update(
        created_at=case.created_at - shift,
        acknowledge_due=case.acknowledge_due - shift,
        conclude_due=case.conclude_due - shift,
        acknowledged_at=case.acknowledged_at - shift if case.acknowledged_at else None,
        closed_at=case.closed_at - shift + dt.timedelta(days=30) if case.closed_at else None,
    )
    Report.objects.filter(case=case).update(received_at=case.created_at - shift)


def _reporter_says(report: Report, key: bytes, text: str) -> None:
    message_post(
        report=report,
        data_key=report_data_key(report=report, body_private_key=key),
        text=text,
        author=Author.REPORTER,
    )


def _enrol_second_factor(staff: dict[str, User]) -> None:
    for user in staff.values():
        secret = pyotp.random_base32()
        signin.totp_enrol(user=user, secret=secret, code=pyotp.TOTP(secret).now())
        # The enrolment used up this 30-second step; let a sign-in use it too.
        User.objects.filter(pk=user.pk).update(totp_last_step=0)


def load(body: Body, staff: dict[str, User]) -> None:
    key = staff_body_keys(user=staff["demo-admin"], password=DEMO_PASSWORD)[body.pk]
    intake, leader, inspector = staff["demo-intake"], staff["demo-leader"], staff["demo-inspector"]
    team = inspector.team
    assert team is not None
    decisions.sanction_kinds_seed(body=body)

    def investigate(case: Case) -> None:
        """Accept, assign to the demo inspector and start: where most cases pass."""
        triage.case_accept(case=case, actor=intake, body_key=key)
        triage.case_assign(case=case, actor=leader, team=team, inspector=inspector)
        decisions.case_start(case=case, actor=inspector)

    kinds = {k.code: k.pk for k in SanctionKind.objects.filter(body=body)}

    # 1-2. New, to triage: a banquet report and a likely duplicate of it.
    first = _file(
        body,
        "banqueting",
        "市交通运输局",
        "上周五晚上，市交通运输局王建国副局长在金鼎大酒店宴请二十多人，据说是用单位的招待费报销的。",
        official_name="王建国",
        official_position="副局长",
        place="金鼎大酒店",
        answers={"venue": "金鼎大酒店", "people": "22"},
    )
    _file(
        body,
        "banqueting",
        "市交通运输局",
        "交通局王副局长周五在金鼎大酒店请了二十几个人吃饭，花的是公款。",
        official_name="王建国",
        channel="wechat",
    )
    _age(first.report.case, 6)  # acknowledging is due soon

    # 3. New and already overdue for acknowledgement.
    late = _file(
        body,
        "official_cars",
        "市住房和城乡建设局",
        "住建局的公务车周末经常停在滨江花园小区，用于接送领导家属。",
        answers={"plate": "浙A·D1234", "seen_at": "滨江花园小区"},
        channel="sms",
    )
    _age(late.report.case, 9)

    # 4. Rejected as out of scope, with the reason the reporter reads.
    shop = _file(
        body,
        "other",
        "市市场监督管理局",
        "小区门口的超市卖过期牛奶，老板态度很差。",
        language="zh-hans",
    )
    triage.case_reject(
        case=shop.report.case,
        actor=intake,
        reason="超市经营问题不属于纪检监察机关受理范围，请向市场监管部门（12315）反映。",
        body_key=key,
    )

    # 5. Accepted, waiting for a team.
    gifts = _file(
        body,
        "gifts",
        "市住房和城乡建设局",
        "春节前，住建局规划科科长收了开发商送的购物卡，每张五千元。",
        official_name="刘洋",
        official_position="科长",
        answers={"value": "5000"},
        is_named=True,
        reporter_name="陈先生",
        reporter_contact="13800000000",
    )
    triage.case_accept(case=gifts.report.case, actor=intake, body_key=key)

    # 6. Investigating, with a question to the reporter and their answer.
    bus = _file(
        body,
        "absenteeism",
        "市交通运输局",
        "交通局运输科的李科长最近一个月几乎每天下午三点就离开单位，去打牌。",
        official_name="李明",
        official_position="运输科科长",
        language="en",
    )
    case = bus.report.case
    investigate(case)
    investigation.case_message(
        case=case,
        actor=inspector,
        report=bus.report,
        text="Which days did you see him leave early? Do you know where he goes?",
        body_key=key,
    )
    _reporter_says(
        bus.report, key, "Most weekdays since the 3rd. He goes to the tea house on Hubin Road."
    )
    investigation.note_add(
        case=case, actor=inspector, text="门禁记录已调取，待比对。", body_key=key
    )
    _age(case, 80)  # conclusion due soon

    # 7. Decision proposed, waiting for the team leader.
    hall = _file(
        body,
        "extravagance",
        "市住房和城乡建设局",
        "住建局新装修的会议室花了两百多万，超出标准很多。",
        official_name="赵刚",
        official_position="办公室主任",
        answers={"amount": "2000000"},
    )
    case = hall.report.case
    investigate(case)
    decisions.decision_propose(
        case=case,
        actor=inspector,
        finding="partly",
        summary="经核查，会议室装修存在超标准问题，已责令整改并对相关责任人作出处理。",
        reasoning="装修合同金额 186 万元，超出标准约 60 万元；审批手续不全。",
        body_key=key,
        sanctions=[decisions.SanctionInput("赵刚", "办公室主任", kinds["admonishing_talk"])],
    )

    # 8. Closed, with a finding and sanctions the reporter was told about.
    wedding = _file(
        body,
        "weddings_funerals",
        "市交通运输局",
        "交通局张副处长给儿子办婚礼，摆了六十桌，下属单位都送了礼金。",
        official_name="张强",
        official_position="副处长",
        answers={"guests": "600"},
    )
    case = wedding.report.case
    investigate(case)
    decisions.decision_propose(
        case=case,
        actor=inspector,
        finding="founded",
        summary="经查，反映的问题属实。相关人员已受到党纪处分，收受的礼金已全部退还。",
        reasoning="婚宴 58 桌，收受下属单位礼金共 12.6 万元。",
        body_key=key,
        sanctions=[
            decisions.SanctionInput("张强", "副处长", kinds["party_serious_warning"]),
            decisions.SanctionInput("张强", "副处长", kinds["demotion"]),
        ],
    )
    decisions.decision_approve(case=case, actor=leader, body_key=key)
    decisions.case_close(case=case, actor=leader)
    _age(case, 40)

    # 9. Decided (not yet closed): an official car used for private trips.
    car = _file(
        body,
        "official_cars",
        "市交通运输局",
        "交通局一辆公务车每逢周末都开到邻市的景区，车上是局里一位科长和他的家人。",
        official_name="周涛",
        official_position="科长",
        answers={"plate": "浙A·G5678", "seen_at": "邻市景区停车场"},
    )
    case = car.report.case
    investigate(case)
    decisions.decision_propose(
        case=case,
        actor=inspector,
        finding="founded",
        summary="经查，反映的公车私用问题属实，相关人员已受到处分并退赔费用。",
        reasoning="行车记录显示 2 个月内 7 次周末出行，油费、通行费共 4,300 元。",
        body_key=key,
        sanctions=[decisions.SanctionInput("周涛", "科长", kinds["warning"])],
    )
    decisions.decision_approve(case=case, actor=leader, body_key=key)
    _age(case, 60)

    _enrol_second_factor(staff)
    print(  # demo_load has no stdout to hand us; this is for the person who ran it
        "Demo staff have a second factor set up already: "
        "`.venv/bin/python manage.py demo_totp` prints their current codes."
    )
    Case.objects.filter(body=body).update(updated_at=timezone.now())
