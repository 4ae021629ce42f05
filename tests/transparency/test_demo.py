"""The demo: two published notices, each approved by someone other than its drafter."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.test_site_html import audit
from tipoff.audit.models import AuditEvent
from tipoff.audit.services import audit_verify
from tipoff.people.models import Team
from tipoff.transparency.models import Notice, NoticeState

pytestmark = pytest.mark.django_db


def test_demo_load_publishes_two_notices_through_the_services(client, capsys):
    call_command("demo_load")
    published = Notice.objects.filter(state=NoticeState.PUBLISHED)
    assert published.count() == 2
    for notice in published:
        assert notice.approved_by_id and notice.approved_by_id != notice.drafted_by_id
        actions = list(
            AuditEvent.objects.filter(object_type="notice", object_id=str(notice.pk))
            .order_by("seq")
            .values_list("action", flat=True)
        )
        assert actions == [
            "notice.drafted",
            "notice.edited",
            "notice.submitted",
            "notice.approved",
        ]
        for lang, html_lang in (("zh-hans", "zh-Hans"), ("en", "en")):
            response = client.get(f"/notices/{notice.pk}/", HTTP_ACCEPT_LANGUAGE=lang)
            assert response.status_code == 200
            assert audit(response).lang == html_lang
    assert audit_verify() is None
    assert all(team.hours_zh and team.hours_en for team in Team.objects.all())
    assert len(client.get("/open311/v2/requests.json").json()) == 2
