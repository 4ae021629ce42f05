"""Issue 10: search and duplicates over every report of the body, through the encrypted index.

Search used to look only at the newest 2,000 reports (and found 1 of 52
matches at 50,000); duplicate suggestions only at the newest 200 open cases.
"""

from __future__ import annotations

import pytest
from django.db import connection

from tests.office.bulk import bulk_reports
from tipoff.cases.models import Case, Status
from tipoff.office import index, triage
from tipoff.office.models import SearchSegment
from tipoff.office.queues import queue_search
from tipoff.office.suggestions import duplicates_suggest

pytestmark = pytest.mark.django_db
FILLER = "科室里有人上班时间打牌，群众办事找不到人。"


def _database_text() -> bytes:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return bytes(connection.connection.serialize())
    with connection.cursor() as cursor:
        cursor.execute("SELECT blob FROM office_searchsegment")
        return b"".join(bytes(row[0]) for row in cursor.fetchall())


def test_search_finds_the_oldest_report_behind_thousands_of_newer_ones(body, staff, settings):
    settings.SEARCH_INDEX_BUILD_SECONDS = 600
    oldest = bulk_reports(body.body, ["多年前在琥珀湾山庄用公款摆了二十桌。"])[0]
    bulk_reports(body.body, [FILLER] * 2600)
    admin = staff["admin"]
    found = queue_search(
        user=admin,
        qs=Case.objects.filter(body=body.body),
        query="琥珀湾",
        body_key=body.private_key,
    )
    assert found.case_ids == [oldest.case_id] and found.pending == 0
    common = queue_search(
        user=admin, qs=Case.objects.filter(body=body.body), query="打牌", body_key=body.private_key
    )
    assert common.matches == 2600  # every match, none dropped


def test_suggestions_find_an_old_duplicate_among_thousands(body, staff, settings):
    settings.SEARCH_INDEX_BUILD_SECONDS = 600
    story = "吕建国局长每周五晚上开公车去城东农家乐钓鱼，车上还坐着家属，已经持续半年。"
    old = bulk_reports(body.body, [story], official_name="吕建国")[0]
    bulk_reports(body.body, [FILLER] * 1500)
    new = bulk_reports(
        body.body,
        [story.replace("每周五晚上", "每逢周五晚")],
        status=Status.RECEIVED,
        official_name="呂建國",  # traditional characters: the same man
    )[0]
    suggestions = duplicates_suggest(
        case=new.case, actor=staff["intake"], body_key=body.private_key
    )
    assert suggestions and suggestions[0].case.pk == old.case_id
    assert "被举报人相同" in suggestions[0].reasons  # same official named


def test_the_index_is_stored_only_encrypted_under_the_body_key(body, staff, settings):
    settings.SEARCH_INDEX_BUILD_SECONDS = 600
    canary = "金丝雀村口的小卖部"
    count = index.SEGMENT_SIZE + index.RECHECK_IDS + 10
    bulk_reports(body.body, [f"{canary}{i}号" for i in range(count)])
    built = index.build_all(body_id=body.body.pk, body_key=body.private_key)
    assert len(built) == count
    assert SearchSegment.objects.filter(body=body.body).count() == 1
    dump = _database_text()
    assert canary.encode() not in dump and canary.encode("unicode_escape") not in dump
    # Another key neither finds this index in memory nor opens the stored segment.
    from tipoff.lib import crypto

    with pytest.raises(crypto.DecryptionError):
        index._load_segments(body.body.pk, index.index_key(crypto.random_key()))


def test_a_new_report_a_merge_and_a_purge_reach_the_index(body, staff, submit, settings):
    admin, intake = staff["admin"], staff["intake"]
    qs = Case.objects.filter(body=body.body)
    first = bulk_reports(body.body, ["琥珀湾的第一份举报，宴请二十人。"])[0]
    assert queue_search(user=admin, qs=qs, query="琥珀湾", body_key=body.private_key).matches == 1
    second = submit(what="琥珀湾的第二份举报：又是那家酒店，宴请二十人。")
    found = queue_search(user=admin, qs=qs, query="琥珀湾", body_key=body.private_key)
    assert set(found.case_ids) == {first.case_id, second.report.case_id}
    triage.case_merge(
        case=second.report.case,
        actor=intake,
        target=Case.objects.get(pk=first.case_id),
        body_key=body.private_key,
    )
    merged = queue_search(user=admin, qs=qs, query="琥珀湾", body_key=body.private_key)
    assert merged.case_ids == [first.case_id]  # one matter, shown once
    from tipoff.reports.models import Report

    Report.objects.filter(pk=first.pk).delete()
    from tipoff.people.services import body_content_touch

    body_content_touch(body_id=body.body.pk)
    after = queue_search(user=admin, qs=qs, query="第一份", body_key=body.private_key)
    assert after.matches == 0


def test_a_large_first_build_is_spread_over_requests_and_says_so(body, staff, settings):
    settings.SEARCH_INDEX_BUILD_SECONDS = 0  # open one report per request at most
    bulk_reports(body.body, [FILLER] * 5)
    admin = staff["admin"]
    qs = Case.objects.filter(body=body.body)
    first = queue_search(user=admin, qs=qs, query="打牌", body_key=body.private_key)
    assert first.pending > 0 and first.matches < 5
    for _ in range(10):
        later = queue_search(user=admin, qs=qs, query="打牌", body_key=body.private_key)
    assert later.pending == 0 and later.matches == 5


def test_a_report_committed_late_with_a_lower_id_is_still_found(body, staff, settings):
    """Transactions commit out of id order: the index looks at the newest ids again."""
    settings.SEARCH_INDEX_BUILD_SECONDS = 600
    admin = staff["admin"]
    qs = Case.objects.filter(body=body.body)
    made = bulk_reports(body.body, [FILLER] * 20)
    late_id = made[-5].pk
    from tipoff.reports.models import Report

    late_case = made[-5].case
    Report.objects.filter(pk=late_id).delete()
    assert queue_search(user=admin, qs=qs, query="打牌", body_key=body.private_key).matches == 19
    late = bulk_reports(body.body, ["迟到的举报：琥珀湾有人公款吃喝。"])[0]
    Report.objects.filter(pk=late.pk).update(id=late_id, case=late_case)
    found = queue_search(user=admin, qs=qs, query="琥珀湾", body_key=body.private_key)
    assert found.case_ids == [late_case.pk]


def test_a_purged_reports_words_leave_the_stored_segments(body, staff, settings):
    """Retention deletes a report; the index in memory forgets it at once, and the stored
    segment that held its words is written again without them at the next use by staff
    (the server cannot open segments without a staff member's key)."""
    from tipoff.people.services import body_content_touch
    from tipoff.reports.models import Report

    settings.SEARCH_INDEX_BUILD_SECONDS = 600
    count = index.SEGMENT_SIZE + index.RECHECK_IDS + 10
    texts = [f"{FILLER}第{i}份" for i in range(count)]
    texts[3] = "翡翠巷的举报：局长在酒店宴请二十人。"
    reports = bulk_reports(body.body, texts)
    index.build_all(body_id=body.body.pk, body_key=body.private_key)
    key = index.index_key(body.private_key)

    def stored_ids() -> set[int]:
        docs, _last = index._load_segments(body.body.pk, key)
        return set(docs.ids)

    assert reports[3].pk in stored_ids()
    Report.objects.filter(pk__in=[reports[3].pk, reports[4].pk]).delete()
    body_content_touch(body_id=body.body.pk)  # as the retention purge does
    qs = Case.objects.filter(body=body.body)
    found = queue_search(user=staff["admin"], qs=qs, query="翡翠巷", body_key=body.private_key)
    assert found.matches == 0
    left = stored_ids()
    assert reports[3].pk not in left and reports[4].pk not in left
    assert reports[5].pk in left and len(left) == index.SEGMENT_SIZE - 2
