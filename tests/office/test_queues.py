"""Queues, filters, full-text search within what one may read, CSV export."""

from __future__ import annotations

import csv
import io

import pytest

from tipoff.audit.models import AuditEvent
from tipoff.office import queues

pytestmark = pytest.mark.django_db


def test_each_role_lands_on_its_queue(client, people, sign_in):
    for who, queue in [
        ("intake", "triage"),
        ("owner", "mine"),
        ("leader", "team"),
        ("admin", "all"),
        ("auditor", "all"),
    ]:
        sign_in(client, people[who])
        assert client.get("/office/")["Location"] == f"/office/queue/{queue}/", who
        client.post("/staff/logout/")


def test_queues_hold_the_right_cases(client, make_case, people, sign_in):
    new, assigned, closed = make_case("received"), make_case("investigating"), make_case("closed")
    sign_in(client, people["intake"])
    page = client.get("/office/queue/triage/").content.decode()
    assert new.reference in page and assigned.reference not in page
    client.post("/staff/logout/")
    sign_in(client, people["owner"])
    page = client.get("/office/queue/mine/").content.decode()
    assert assigned.reference in page and closed.reference not in page and new.reference not in page
    client.post("/staff/logout/")
    sign_in(client, people["teammate"])
    assert assigned.reference in client.get("/office/queue/team/").content.decode()
    assert assigned.reference not in client.get("/office/queue/mine/").content.decode()


def test_filters(client, make_case, people, sign_in, body):
    banquet = make_case("received")
    car = make_case(
        "received",
        category_id=body.category("official_cars").pk,
        answers={"plate": "浙A12345"},
        unit_id=body.unit("南湖区人民政府").pk,
        channel="wechat",
    )
    sign_in(client, people["admin"])

    def listed(**query):
        response = client.get("/office/queue/all/", query)
        assert response.status_code == 200
        page = response.content.decode()
        return {c.reference for c in (banquet, car) if c.reference in page}

    assert listed(category="official_cars") == {car.reference}
    assert listed(unit=body.unit().pk) == {banquet.reference}
    nanhu = body.unit("南湖区人民政府").district
    assert listed(district=nanhu.pk) == {car.reference}
    assert listed(channel="wechat") == {car.reference}
    assert listed(status="received") == {banquet.reference, car.reference}
    assert listed(date_from="2000-01-01", date_to="2100-01-01") == {
        banquet.reference,
        car.reference,
    }
    assert listed(date_from="2100-01-01") == set()


def test_bad_filters_are_a_400_not_a_500(client, people, sign_in):
    sign_in(client, people["admin"])
    assert client.get("/office/queue/all/", {"date_from": "yesterday"}).status_code == 400
    assert client.get("/office/queue/all/", {"status": "dancing"}).status_code == 400
    assert client.get("/office/queue/all/", {"unit": "x"}).status_code == 400
    assert client.get("/office/queue/nonsense/").status_code == 404


def test_search_finds_words_inside_encrypted_reports_and_is_audited(
    client, make_case, people, sign_in
):
    hotel = make_case("received", what="局长周五在金鼎酒店用公款请客，二十多人参加。")
    other = make_case("received", what="The clerk left work at two every afternoon for a month.")
    sign_in(client, people["intake"])
    page = client.get("/office/queue/triage/", {"q": "金鼎酒店"}).content.decode()
    assert hotel.reference in page and other.reference not in page
    page = client.get("/office/queue/triage/", {"q": "CLERK month"}).content.decode()
    assert other.reference in page and hotel.reference not in page
    event = AuditEvent.objects.filter(action="case.search").last()
    assert event.details["matched"] == [other.pk]
    assert "clerk" not in str(event.details).lower()  # what was searched for is not kept


@pytest.mark.parametrize("ids_per_query", [2000, 0])  # by ids, or the whole queue's ids
def test_search_only_covers_what_the_user_may_read(
    client, make_case, people, sign_in, monkeypatch, ids_per_query
):
    monkeypatch.setattr(queues, "IDS_PER_QUERY", ids_per_query)
    hidden = make_case("investigating", what="金鼎酒店的宴请另有一次。")
    sign_in(client, people["outsider"])
    page = client.get("/office/queue/all/", {"q": "金鼎酒店"}).content.decode()
    assert hidden.reference not in page
    client.logout()
    sign_in(client, people["teammate"])  # sees the team's case, not another untriaged one
    untriaged = make_case("received", what="金鼎酒店门口停着公车。")
    page = client.get("/office/queue/all/", {"q": "金鼎酒店"}).content.decode()
    assert hidden.reference in page and untriaged.reference not in page


def test_csv_export_has_clear_fields_only_and_is_audited(client, make_case, people, sign_in):
    case = make_case("investigating")
    sign_in(client, people["leader"])
    response = client.get("/office/queue/team/export.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.streaming  # in constant memory, however long the queue
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["reference", "status", "received"]
    assert rows[1][0] == case.reference and rows[1][1] == "investigating"
    assert rows[1][3] == "banqueting" and rows[1][6] == "web"
    assert "twenty people" not in text and "Wang" not in text
    event = AuditEvent.objects.get(action="queue.exported_csv")
    assert event.actor == people["leader"] and event.details == {"queue": "team", "rows": 1}


def test_search_does_not_reveal_a_case_to_the_official_it_names(client, make_case, people, sign_in):
    case = make_case(
        "received", what="金鼎酒店又有一次宴请。", official_name="受理员 李强"
    )  # the demo intake officer
    sign_in(client, people["intake"])
    page = client.get("/office/queue/triage/", {"q": "金鼎酒店"}).content.decode()
    assert case.reference not in page
    assert case.exclusions.filter(user=people["intake"]).exists()


def test_an_empty_queue_pages_without_an_error(client, people, sign_in):
    """The team queue of someone in no team can match nothing: a page, not a 500."""
    sign_in(client, people["admin"])  # the demo administrator is in no team
    response = client.get("/office/queue/team/")
    assert response.status_code == 200


def test_a_deadline_queue_is_the_same_query_all_minute_so_its_count_is_reused(people):
    import time_machine

    sql = []
    for second in (1, 59):
        with time_machine.travel(f"2026-11-30 09:15:{second:02d}Z"):
            sql.append(str(queues.queue_cases(user=people["leader"], queue="overdue").query))
    assert sql[0] == sql[1]
