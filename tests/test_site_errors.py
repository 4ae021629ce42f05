"""Error pages: in the visitor's language, never a stack trace, never a 500 for bad input."""

from __future__ import annotations

from django.test import Client, RequestFactory
from django.utils import translation

from tipoff.views import server_error


def test_csrf_failure_is_a_friendly_bilingual_403(body):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/report/banqueting/", {"what": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "表单已失效" in page and "This form has expired" in page
    assert '<div lang="zh-Hans"' in page and '<div lang="en"' in page
    # The visitor's own language comes first.
    assert page.index("表单已失效") < page.index("This form has expired")
    english = strict.post("/followup/", {"code": "1"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert english.index("This form has expired") < english.index("表单已失效")
    assert "<h1>This form has expired</h1>" in english


def test_404_in_both_languages(client, db):
    response = client.get("/nothing-here/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()
    english = client.get("/nothing-here/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Page not found" in english.content.decode()


def test_500_page_reveals_nothing(db):
    request = RequestFactory().get("/")
    with translation.override("zh-hans"):
        response = server_error(request)
    assert response.status_code == 500
    assert "出现错误" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_too_many_fields_on_a_plain_form_is_400(client, db):
    data = {f"f{n}": "x" for n in range(500)}
    response = client.post("/followup/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "more fields or files than this site accepts" in response.content.decode()


def test_oversized_plain_form_is_413(client, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/followup/", {"code": "1" * 5000})
    assert response.status_code == 413
    assert "一次发送的内容过多" in response.content.decode()


def test_wrong_method_is_405(client, db):
    assert client.put("/report/").status_code == 405
    assert client.post("/teams/").status_code == 405
