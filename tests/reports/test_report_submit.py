"""report_submit: the one way in. Validation, atomicity, receipts, reading back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import storages
from PIL import Image

from tipoff.cases.models import Case, Status
from tipoff.lib import receipts
from tipoff.reports.models import Author, Evidence, Report
from tipoff.reports.selectors import (
    evidence_chunks,
    report_content,
    report_data_key,
    report_initial_evidence,
    report_thread,
)
from tipoff.reports.services import EvidenceFile, SubmissionInvalid, message_post, reporter_open
from tipoff.reports.validation import DONT_KNOW


def _stored_files() -> list[Path]:
    root = Path(storages["evidence"].location)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.django_db
def test_a_report_opens_a_case_and_gives_a_receipt(submit, body):
    result = submit(what="The director used the official car for a family holiday.")
    report = result.report
    assert receipts.is_well_formed(result.receipt, settings.RECEIPT_DIGITS)
    assert report.case.status == Status.RECEIVED
    assert report.case.acknowledge_due - report.case.created_at == dt.timedelta(days=7)
    assert report.case.conclude_due - report.case.created_at == dt.timedelta(days=90)
    assert report.unit == body.unit() and report.category == body.category()
    # Staff read it back with the body key.
    content = report_content(
        report=report, data_key=report_data_key(report=report, body_private_key=body.private_key)
    )
    assert content.what == "The director used the official car for a family holiday."
    assert content.official_name == "Wang Wu"


@pytest.mark.django_db
def test_receipt_opens_the_report_for_the_reporter(submit):
    result = submit()
    access = reporter_open(code=receipts.display(result.receipt))
    assert access is not None and access.report.pk == result.report.pk
    assert report_content(report=access.report, data_key=access.data_key).what.startswith(
        "The director"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["", "123", "abcd" * 5, "0" * 20, "1" * 64])
def test_wrong_receipts_open_nothing(submit, code):
    submit()
    assert reporter_open(code=code) is None


@pytest.mark.django_db
def test_named_report_keeps_identity_encrypted(submit, body):
    result = submit(is_named=True, reporter_name="Li Lei", reporter_contact="+86 138 0000 0000")
    assert result.report.is_named
    raw = bytes(result.report.content)
    assert b"Li Lei" not in raw
    content = report_content(
        report=result.report,
        data_key=report_data_key(report=result.report, body_private_key=body.private_key),
    )
    assert (content.reporter_name, content.reporter_contact) == ("Li Lei", "+86 138 0000 0000")


@pytest.mark.django_db
def test_anonymous_report_drops_any_identity_sent(submit, body):
    result = submit(is_named=False, reporter_name="Li Lei", reporter_contact="li@example.com")
    content = report_content(
        report=result.report,
        data_key=report_data_key(report=result.report, body_private_key=body.private_key),
    )
    assert content.reporter_name == "" and content.reporter_contact == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"what": "short"}, "what"),
        ({"what": "x" * 5001}, "what"),
        ({"category_id": None}, "category"),
        ({"category_id": 999999}, "category"),
        ({"unit_id": 999999}, "unit"),
        ({"is_named": True, "reporter_name": "", "reporter_contact": "a@b.cn"}, "reporter_name"),
        (
            {"is_named": True, "reporter_name": "Li", "reporter_contact": "not a contact"},
            "reporter_contact",
        ),
        ({"is_named": True, "reporter_name": "Li", "reporter_contact": "bad@"}, "reporter_contact"),
        ({"occurred_on": dt.date.today() + dt.timedelta(days=30)}, "occurred_on"),
        ({"official_name": "n" * 201}, "official_name"),
        ({"district_id": 999999}, "district"),
        ({"evidence": [EvidenceFile(data=b"MZ\x90\x00 not an image")]}, "evidence"),
        ({"evidence": [EvidenceFile(data=b"")]}, "evidence"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(submit, fields, error_field):
    before = (
        Report.objects.count(),
        Case.objects.count(),
        Evidence.objects.count(),
        len(_stored_files()),
    )
    with pytest.raises(SubmissionInvalid) as caught:
        submit(**fields)
    assert error_field in caught.value.errors
    assert all(isinstance(m, str) and m for m in caught.value.errors[error_field])
    after = (
        Report.objects.count(),
        Case.objects.count(),
        Evidence.objects.count(),
        len(_stored_files()),
    )
    assert before == after


@pytest.mark.django_db
def test_too_many_files_is_refused(submit, gps_jpeg, settings):
    settings.EVIDENCE_MAX_FILES = 2
    with pytest.raises(SubmissionInvalid) as caught:
        submit(evidence=[EvidenceFile(data=gps_jpeg)] * 3)
    assert "evidence" in caught.value.errors


@pytest.mark.django_db
def test_one_bad_file_among_good_ones_writes_nothing(submit, gps_jpeg):
    files_before = set(_stored_files())
    with pytest.raises(SubmissionInvalid):
        submit(evidence=[EvidenceFile(data=gps_jpeg), EvidenceFile(data=b"%PDF-1.4 broken")])
    assert Report.objects.count() == 0 and set(_stored_files()) == files_before


@pytest.mark.django_db
def test_a_failure_while_storing_removes_written_files(submit, gps_jpeg, monkeypatch):
    from tipoff.reports import services

    def explode(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "case_open", explode)
    files_before = set(_stored_files())
    with pytest.raises(RuntimeError):
        submit(evidence=[EvidenceFile(data=gps_jpeg)])
    assert Report.objects.count() == 0 and Evidence.objects.count() == 0
    assert set(_stored_files()) == files_before


@pytest.mark.django_db
def test_category_questions_are_checked(submit, body):
    cars = body.category("official_cars")
    cars.questions[0]["essential"] = True  # the body insists on the plate number
    cars.save()
    with pytest.raises(SubmissionInvalid) as caught:
        submit(category_id=cars.pk, answers={})
    assert "answers.plate" in caught.value.errors
    banquet = body.category("banqueting")
    with pytest.raises(SubmissionInvalid) as caught:
        submit(category_id=banquet.pk, answers={"people": "twenty"})
    assert "answers.people" in caught.value.errors
    for not_a_count in ("nan", "inf", "1e999"):  # float() takes these; nobody means them
        with pytest.raises(SubmissionInvalid) as caught:
            submit(category_id=banquet.pk, answers={"people": not_a_count})
        assert "answers.people" in caught.value.errors
    result = submit(category_id=cars.pk, answers={"plate": "浙A·12345", "unknown": "dropped"})
    content = report_content(
        report=result.report,
        data_key=report_data_key(report=result.report, body_private_key=body.private_key),
    )
    assert content.answers == {"plate": "浙A·12345"}


@pytest.mark.django_db
def test_no_demo_category_needs_its_extra_questions(submit, body):
    """Issue 15: a witness who missed the plate number could not report a car."""
    from tipoff.people.models import Category

    categories = Category.objects.filter(body=body.body)
    assert categories.count() == 10
    for category in categories:
        assert not any(q.get("essential") for q in category.questions)
        assert submit(category_id=category.pk, answers={}).report.category == category


@pytest.mark.django_db
def test_i_dont_know_answers_even_an_essential_question(submit, body):
    cars = body.category("official_cars")
    cars.questions[0]["essential"] = True
    cars.save()
    for said in ("?", "不清楚", "Don’t know"):
        result = submit(category_id=cars.pk, answers={"plate": said, "seen_at": "不知道"})
        content = report_content(
            report=result.report,
            data_key=report_data_key(report=result.report, body_private_key=body.private_key),
        )
        assert content.answers == {"plate": DONT_KNOW, "seen_at": DONT_KNOW}
    with pytest.raises(SubmissionInvalid) as caught:
        submit(category_id=cars.pk, answers={"plate": "  "})
    assert "不清楚" in " ".join(caught.value.errors["answers.plate"])


@pytest.mark.django_db
def test_categories_of_another_body_are_refused(submit, body):
    from tipoff.people.models import Category
    from tipoff.people.services import body_create

    other = body_create(slug="other", name_zh="其他", name_en="Other").body
    foreign = Category.objects.create(body=other, code="x", name_zh="x", name_en="x")
    with pytest.raises(SubmissionInvalid):
        submit(category_id=foreign.pk)


@pytest.mark.django_db
def test_control_characters_are_removed(submit, body):
    result = submit(what="Banquet\x00 at\x07 the hotel\r\nwith twenty guests")
    content = report_content(
        report=result.report,
        data_key=report_data_key(report=result.report, body_private_key=body.private_key),
    )
    assert content.what == "Banquet at the hotel\nwith twenty guests"


@pytest.mark.django_db
def test_evidence_is_encrypted_and_comes_back_clean(submit, body, gps_jpeg):
    result = submit(evidence=[EvidenceFile(data=gps_jpeg)])
    (item,) = report_initial_evidence(report=result.report)
    assert item.kind == "image" and item.media_type == "image/jpeg"
    data_key = report_data_key(report=result.report, body_private_key=body.private_key)
    clean = b"".join(evidence_chunks(item=item, data_key=data_key))
    assert clean[:3] == b"\xff\xd8\xff"
    import io

    image = Image.open(io.BytesIO(clean))
    assert image.size == (640, 480)
    assert not image.getexif()
    stored = Path(storages["evidence"].path(item.storage_name)).read_bytes()
    assert b"\xff\xd8\xff" not in stored[:16]


@pytest.mark.django_db
def test_thread_between_reporter_and_inspector(submit, body, staff, gps_jpeg):
    result = submit()
    access = reporter_open(code=result.receipt)
    assert access is not None
    staff_key = report_data_key(report=result.report, body_private_key=body.private_key)
    message_post(
        report=result.report,
        data_key=staff_key,
        text="Which restaurant?",
        author=Author.STAFF,
        staff=staff["inspector"],
    )
    message_post(
        report=access.report,
        data_key=access.data_key,
        text="The Golden Dragon.",
        author=Author.REPORTER,
        files=[EvidenceFile(data=gps_jpeg)],
    )
    thread = report_thread(report=result.report, data_key=access.data_key)
    assert [(t.message.author, t.text) for t in thread] == [
        ("staff", "Which restaurant?"),
        ("reporter", "The Golden Dragon."),
    ]
    assert len(thread[1].evidence) == 1


@pytest.mark.django_db
def test_empty_message_is_refused(submit):
    result = submit()
    access = reporter_open(code=result.receipt)
    assert access is not None
    with pytest.raises(SubmissionInvalid):
        message_post(
            report=access.report, data_key=access.data_key, text="   ", author=Author.REPORTER
        )


@pytest.mark.django_db
def test_new_report_notification_tells_nothing_of_the_contents(submit, staff, mailoutbox, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from django_tasks import task_backends

    task_backends._settings = None  # pick up the override
    with pytest.MonkeyPatch.context():
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            submit(what="The canary sings at the banquet hall every Friday.")
    assert mailoutbox, "intake staff are told"
    for mail in mailoutbox:
        assert "canary" not in mail.body and "canary" not in mail.subject
