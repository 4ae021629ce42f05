"""Open311 GeoReport v2, read-only: checked against the field and element names of the spec.

The spec (wiki.open311.org/GeoReport_v2) gives, for GET services, a root
``services`` with ``service`` elements carrying service_code, service_name,
description, metadata, type, keywords and group; for GET requests a root
``service_requests`` with ``request`` elements carrying the fields in
``SPEC_REQUEST_FIELDS``; errors as ``errors``/``error`` with code and
description (JSON: a list of {code, description}).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from tests.transparency.conftest import SECRETS
from tipoff.people.models import Category
from tipoff.people.services import body_create
from tipoff.transparency import notices
from tipoff.transparency.models import Notice

pytestmark = pytest.mark.django_db


def _parse(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - our own answer


SPEC_SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
SPEC_REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
WORDS = {"title_zh": "公款吃喝通报", "text_zh": "经核查属实，给予警告处分。"}


def _w3(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value)
    assert moment.tzinfo is not None  # the spec: timezone information must be included
    return moment


def test_services_json_lists_the_active_categories(client, body):
    Category.objects.filter(body=body.body, code="other").update(active=False)
    response = client.get("/open311/v2/services.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    services = response.json()
    codes = [s["service_code"] for s in services]
    assert "banqueting" in codes and "other" not in codes
    assert all(list(s) == SPEC_SERVICE_FIELDS for s in services)
    banquet = next(s for s in services if s["service_code"] == "banqueting")
    assert banquet["service_name"] == "违规公款吃喝" and banquet["metadata"] is False
    assert banquet["type"] in ("realtime", "batch", "blackbox")


def test_services_xml_has_the_spec_root_and_declaration(client, body):
    response = client.get("/open311/v2/services.xml", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<services>')
    root = _parse(response.content)
    assert root.tag == "services"
    first = root.find("service")
    assert [child.tag for child in first] == SPEC_SERVICE_FIELDS
    assert first.findtext("metadata") == "false"


def test_requests_expose_published_notices_only_with_public_fields(
    client, decided_case, make_case, people, publish
):
    published = publish(decided_case, **WORDS)
    notices.notice_draft(case=make_case("decided"), actor=people["leader"])
    response = client.get("/open311/v2/requests.json")
    rows = response.json()
    assert [r["service_request_id"] for r in rows] == [str(published.pk)]
    row = rows[0]
    assert list(row) == SPEC_REQUEST_FIELDS
    assert row["status"] == "closed"
    assert row["service_code"] == "banqueting" and row["service_name"] == "违规公款吃喝"
    assert WORDS["text_zh"] in row["description"]
    assert "属实" in row["status_notes"] and "警告" in row["status_notes"]
    assert row["agency_responsible"] == published.body.name_zh
    assert _w3(row["requested_datetime"]) == published.published_at.replace(microsecond=0)
    assert row["lat"] is None and row["address"] == ""
    everything = response.content.decode()
    for secret in SECRETS.values():
        assert secret not in everything


def test_requests_xml_has_the_spec_root_and_elements(client, decided_case, publish):
    publish(decided_case, **WORDS)
    root = _parse(client.get("/open311/v2/requests.xml").content)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert [child.tag for child in request] == SPEC_REQUEST_FIELDS
    assert request.findtext("status") == "closed"
    assert request.findtext("service_name") == "违规公款吃喝"  # UTF-8 throughout
    assert WORDS["text_zh"] in request.findtext("description")
    assert request.findtext("lat") == ""


def test_query_parameters(client, decided_case, make_case, people, publish):
    first = publish(decided_case, **WORDS)
    second = publish(make_case("decided", category_id=Category.objects.get(code="gifts").pk))
    Notice.objects.filter(pk=first.pk).update(published_at=timezone.now() - dt.timedelta(days=30))

    def ids(query: str) -> list[str]:
        response = client.get("/open311/v2/requests.json?" + query)
        assert response.status_code == 200, response.content
        return sorted(r["service_request_id"] for r in response.json())

    both = sorted([str(first.pk), str(second.pk)])
    assert ids("") == both
    assert ids("service_code=gifts") == [str(second.pk)]
    assert ids("service_code=gifts,banqueting") == both
    assert ids("status=open") == []
    assert ids("status=closed") == both and ids("status=open,closed") == both
    week_ago = (timezone.now() - dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(f"start_date={week_ago}") == [str(second.pk)]
    assert ids(f"end_date={week_ago}") == [str(first.pk)]
    # service_request_id wins over the other filters, as the spec says.
    assert ids(f"service_request_id={first.pk}&service_code=gifts") == [str(first.pk)]
    # Without dates: the last 90 days.
    Notice.objects.filter(pk=first.pk).update(published_at=timezone.now() - dt.timedelta(days=120))
    assert ids("") == [str(second.pk)]
    assert ids("start_date=2000-01-01T00:00:00Z") == both


def test_one_request_by_id(client, decided_case, make_case, people, publish):
    notice = publish(decided_case, **WORDS)
    rows = client.get(f"/open311/v2/requests/{notice.pk}.json").json()
    assert len(rows) == 1 and rows[0]["service_request_id"] == str(notice.pk)
    root = _parse(client.get(f"/open311/v2/requests/{notice.pk}.xml").content)
    assert root.tag == "service_requests" and len(root.findall("request")) == 1
    draft = notices.notice_draft(case=make_case("decided"), actor=people["leader"])
    response = client.get(f"/open311/v2/requests/{draft.pk}.json")
    assert response.status_code == 404
    assert response.json() == [{"code": 404, "description": "service_request_id not found"}]
    notices.notice_withdraw(notice=notice, actor=people["admin"], reason="Withdrawn")
    assert client.get(f"/open311/v2/requests/{notice.pk}.json").status_code == 404
    assert client.get("/open311/v2/requests.json").json() == []


def test_errors_have_the_spec_shape(client, body):
    response = client.get("/open311/v2/requests.json?start_date=yesterday")
    assert response.status_code == 400
    [error] = response.json()
    assert list(error) == ["code", "description"] and error["code"] == 400
    response = client.get("/open311/v2/requests.xml?status=pending")
    assert response.status_code == 400
    root = _parse(response.content)
    assert root.tag == "errors"
    assert [c.tag for c in root.find("error")] == ["code", "description"]
    assert root.find("error").findtext("code") == "400"
    assert client.get("/open311/v2/services.json?jurisdiction_id=nowhere").status_code == 404
    assert client.get("/open311/v2/requests.csv").status_code == 404


def test_writing_is_refused(client, body):
    for url in (
        "/open311/v2/requests.json",
        "/open311/v2/services.xml",
        "/open311/v2/requests/1.json",
    ):
        response = client.post(url, {"service_code": "banqueting", "description": "x"})
        assert response.status_code == 405
        assert "GET" in response["Allow"]
    response = client.post("/open311/v2/requests.json", {"service_code": "banqueting"})
    assert response.json()[0]["code"] == 405
    response = client.post("/open311/v2/requests.xml", {"service_code": "banqueting"})
    assert _parse(response.content).tag == "errors"
    assert not Notice.objects.exists()


def test_jurisdiction_id_chooses_the_body(client, decided_case, publish):
    publish(decided_case, **WORDS)
    other = body_create(slug="beta", name_zh="乙区纪委", name_en="Beta").body
    Category.objects.create(body=other, code="beta_only", name_zh="乙", name_en="Beta")
    codes = [
        s["service_code"]
        for s in client.get("/open311/v2/services.json?jurisdiction_id=beta").json()
    ]
    assert codes == ["beta_only"]
    assert client.get("/open311/v2/requests.json?jurisdiction_id=beta").json() == []
    assert len(client.get("/open311/v2/requests.json?jurisdiction_id=demo").json()) == 1


@pytest.mark.parametrize(
    "path",
    [
        "/open311/v2/requests.json?service_request_id=%C2%B2",
        "/open311/v2/requests.json?service_request_id=99999999999999999999",
        "/open311/v2/requests/%C2%B2.json",
        "/open311/v2/requests/99999999999999999999.json",
        "/open311/v2/requests.json?start_date=2026-02-30",
        "/open311/v2/requests.json?start_date=2026-01-01T00:00:00%2B99:00",
        "/open311/v2/requests.json?start_date=0001-01-01",
        "/open311/v2/requests.json?end_date=9999-12-31T23:59:59",
    ],
)
def test_impossible_ids_and_dates_are_a_4xx_not_a_500(client, body, path):
    response = client.get(path)
    assert 400 <= response.status_code < 500 or response.status_code == 200, path
    if response.status_code == 400:
        assert response.json()[0]["code"] == 400
