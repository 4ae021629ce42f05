"""Both languages: the attendance catalogue is complete, and pages and kiosk messages come out in Chinese."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.test import Client
from django.utils import translation

from tipoff.attendance.checkin import greeting
from tipoff.attendance.devices import kiosk_pairing_code
from tipoff.attendance.models import DailyRecord, Kiosk

CATALOGUE = (
    Path(__file__).resolve().parents[2] / "tipoff/attendance/locale/zh_Hans/LC_MESSAGES/django.po"
)


def test_catalogue_is_complete():
    po = polib.pofile(str(CATALOGUE))
    assert not po.metadata_is_fuzzy
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert len(po.translated_entries()) > 250


@pytest.mark.django_db
def test_kiosk_and_staff_pages_in_chinese(site, staff, make_employee):
    kiosk = Kiosk.objects.create(site=site, name="大厅")
    code = kiosk_pairing_code(kiosk=kiosk, actor=staff["admin"])
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "配对考勤机" in client.get("/attendance/kiosk/").content.decode()
    client.post("/attendance/kiosk/pair/", {"code": code})
    page = client.get("/attendance/kiosk/").content.decode()
    assert "签到" in page and "签退" in page and "使用 PIN 码" in page
    assert 'data-t-photo="第 %(n)s 张，共 %(total)s 张"' in page
    prompts = [s["prompt"] for s in client.post("/attendance/kiosk/challenge/").json()["steps"]]
    assert "请慢慢眨一次眼。" in prompts and any("转头" in p for p in prompts)
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.cookies = client.cookies
    assert (
        'data-t-photo="Photo %(n)s of %(total)s"'
        in english.get("/attendance/kiosk/").content.decode()
    )

    admin = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    admin.force_login(staff["admin"])
    assert "月度报表" in admin.get(f"/attendance/sites/{site.pk}/report/").content.decode()
    employee = make_employee("李娜")
    record = DailyRecord(employee=employee, status="late", late_minutes=12)
    with translation.override("zh-hans"):
        import datetime as dt

        headline, detail = greeting(
            employee, record, "in", dt.datetime(2026, 9, 1, 1, 0, tzinfo=dt.UTC)
        )
    assert headline == "李娜，09:00 已签到。" and detail == "迟到 12 分钟。"
