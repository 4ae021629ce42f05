"""Deadlines with the clock frozen: flags, queues, extensions, and e-mail reminders."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from tipoff.cases import deadlines
from tipoff.cases.models import DeadlineExtension
from tipoff.cases.permissions import NotAllowed
from tipoff.cases.selectors import case_deadline
from tipoff.cases.services import TransitionRefused
from tipoff.office.queues import queue_cases

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_due_dates_follow_the_body_policy(clock, make_case, body):
    body.body.acknowledge_days, body.body.conclude_days = 5, 60
    body.body.save()
    case = make_case("received")
    assert case.acknowledge_due == START + dt.timedelta(days=5)
    assert case.conclude_due == START + dt.timedelta(days=60)


def test_acknowledge_deadline_flags_then_conclude_deadline(clock, make_case, people):
    case = make_case("received")
    assert case_deadline(case).kind == "acknowledge" and case_deadline(case).flag == ""
    clock.shift(dt.timedelta(days=5, hours=1))
    assert case_deadline(case).flag == "due_soon"
    assert case in queue_cases(user=people["intake"], queue="due_soon")
    clock.shift(dt.timedelta(days=2))
    assert case_deadline(case).flag == "overdue"
    assert case in queue_cases(user=people["intake"], queue="overdue")
    assert case not in queue_cases(user=people["intake"], queue="due_soon")


def test_conclusion_deadline_after_triage(clock, make_case, people):
    case = make_case("investigating")
    deadline = case_deadline(case)
    assert deadline.kind == "conclude" and deadline.due == START + dt.timedelta(days=90)
    clock.shift(dt.timedelta(days=80))
    assert case_deadline(case).flag == "due_soon"
    assert case in queue_cases(user=people["owner"], queue="due_soon")
    clock.shift(dt.timedelta(days=11))
    assert case_deadline(case).flag == "overdue"
    assert case in queue_cases(user=people["owner"], queue="overdue")


def test_ended_cases_have_no_deadline(clock, make_case, people):
    case = make_case("closed")
    clock.shift(dt.timedelta(days=400))
    assert case_deadline(case) is None
    assert case not in queue_cases(user=people["leader"], queue="overdue")


def test_extension_moves_the_deadline_and_records_why(clock, make_case, people):
    case = make_case("investigating")
    with pytest.raises(TransitionRefused):
        deadlines.deadline_extend(case=case, actor=people["leader"], days=30, reason="")
    with pytest.raises(TransitionRefused):
        deadlines.deadline_extend(case=case, actor=people["leader"], days=999, reason="Long.")
    with pytest.raises(NotAllowed):
        deadlines.deadline_extend(
            case=case, actor=people["owner"], days=30, reason="I want more time."
        )
    extension = deadlines.deadline_extend(
        case=case, actor=people["leader"], days=90, reason="Bank records take long."
    )
    case.refresh_from_db()
    assert case.conclude_due == START + dt.timedelta(days=180)
    assert (
        extension.old_due == START + dt.timedelta(days=90)
        and extension.reason == "Bank records take long."
    )
    assert case.events.get(action="deadline_extended").reason == "Bank records take long."
    assert DeadlineExtension.objects.count() == 1


def test_extension_through_http(clock, client, make_case, people, sign_in):
    case = make_case("investigating")
    sign_in(client, people["leader"])
    assert (
        client.post(f"/office/cases/{case.pk}/do/extend/", {"days": "0", "reason": "x"}).status_code
        == 400
    )
    assert (
        client.post(
            f"/office/cases/{case.pk}/do/extend/", {"days": "abc", "reason": "x"}
        ).status_code
        == 400
    )
    assert (
        client.post(
            f"/office/cases/{case.pk}/do/extend/", {"days": "30", "reason": "Witness abroad."}
        ).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.conclude_due == START + dt.timedelta(days=120)


def test_reminders_go_to_the_handler_once_a_day_and_name_no_contents(
    clock, make_case, people, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    new = make_case("received")
    working = make_case("investigating")
    assert deadlines.reminders_send() == 0
    clock.shift(dt.timedelta(days=6))  # acknowledging is due soon
    assert deadlines.reminders_send() == 1
    assert sorted(mail.outbox[0].to) == sorted(u.email for u in [people["intake"], people["admin"]])
    assert new.reference in mail.outbox[0].subject
    assert "banquet" not in mail.outbox[0].body and "Wang" not in mail.outbox[0].body
    assert deadlines.reminders_send() == 0  # not twice the same day
    clock.shift(dt.timedelta(days=85))  # both overdue now
    mail.outbox.clear()
    assert deadlines.reminders_send() == 2
    to_owner = [m for m in mail.outbox if working.reference in m.subject]
    assert to_owner[0].to == [people["owner"].email] and "OVERDUE" in to_owner[0].subject


def test_reminders_fall_back_to_the_team_leader(clock, make_case, people, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    case = make_case("investigating")
    case.assignee = None
    case.save()
    clock.shift(dt.timedelta(days=91))
    deadlines.reminders_send()
    assert mail.outbox[0].to == [people["leader"].email]


def test_reminder_task_and_command(clock, make_case, settings):
    from django_tasks_db.models import DBTaskResult

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_case("investigating")
    clock.shift(dt.timedelta(days=91))
    call_command("case_reminders")
    assert (
        DBTaskResult.objects.filter(task_path="tipoff.cases.tasks.deadline_reminders").count() == 1
    )
    from tipoff.cases.tasks import deadline_reminders

    assert deadline_reminders.call() == 1
    call_command("case_reminders", "--now")
    assert len(mail.outbox) == 1  # already reminded today
