"""The home page and the directory of inspection teams."""

from __future__ import annotations

from tipoff.people.models import Body


def test_home_explains_reporting_and_protection(client, body):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-Hans">' in page
    assert body.body.name_zh in page and "实名举报优先办理" in page  # the body's own intro
    assert "举报流程" in page and "如何保护举报人" in page
    assert "不记录 IP 地址" in page and "删除照片信息" in page and "加密保存" in page
    assert 'href="/report/"' in page and 'href="/followup/"' in page and 'href="/teams/"' in page
    assert "7 天内确认收到举报" in page


def test_home_in_english(client, body):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page
    assert body.body.name_en in page and "Named reports are handled first" in page
    assert "How you are protected" in page and "No IP addresses kept." in page
    assert "Follow up a report" in page


def test_language_cookie_wins_and_switch_offers_the_other(client, body):
    client.cookies["tipoff_lang"] = "en"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "How reporting works" in page
    assert 'name="language" value="zh-hans"' in page


def test_switching_language(client, body):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/teams/"})
    assert response.status_code == 302 and response["Location"] == "/teams/"
    assert "Inspection Team 1" in client.get("/teams/").content.decode()


def test_home_without_any_body_is_503(client, db):
    assert not Body.objects.exists()
    response = client.get("/")
    assert response.status_code == 503
    assert "尚未开放" in response.content.decode()
    assert client.get("/teams/").status_code == 404


def test_teams_directory_lists_contacts(client, body):
    response = client.get("/teams/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "第一监督检查室" in page and "第六监督检查室" in page
    assert 'href="tel:0571-88001201"' in page and "0571-8800 1201" in page
    assert 'href="mailto:team1@jw.demo.example"' in page
    assert "示范市人民大道100号" in page and "市交通运输局" in page
    english = client.get("/teams/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Inspection Team 1" in english and "People&#x27;s Avenue" in english
    assert "Responsible for" in english
