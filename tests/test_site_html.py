"""Every public page keeps the content-security promises: no inline script or
style, no event-handler attributes, nothing from other hosts, a strict CSP."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import pytest
from django.test import Client
from PIL import Image

from tipoff.middleware import CSP


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.in_inline_script = False
        self.lang = None

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "html":
            self.lang = names.get("lang")
        if tag == "script" and not names.get("src"):
            self.in_inline_script = True
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"style= on <{tag}>")
            if name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}>")
            external = value and value.startswith(("http:", "https:", "//"))
            if name in ("src", "href", "action", "poster", "srcset") and external:
                self.problems.append(f"external {name}={value}")
            if name == "href" and value and value.lower().startswith("javascript:"):
                self.problems.append("javascript: link")


def audit(response) -> _Audit:
    assert response["Content-Security-Policy"] == CSP
    assert "script-src 'self'" in CSP and "style-src 'self'" in CSP
    checker = _Audit()
    checker.feed(response.content.decode())
    assert not checker.problems, checker.problems
    return checker


def _jpeg() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (30, 30), (1, 2, 3)).save(out, "JPEG")
    out.seek(0)
    out.name = "a.jpg"
    return out


GET_PAGES = [
    "/",
    "/teams/",
    "/report/",
    "/report/banqueting/",
    "/report/official_cars/",
    "/followup/",
    "/offline/",
    "/notices/",
    "/teams/print/",
    "/teams/poster/",
    "/no-such-page/",
]


@pytest.mark.parametrize("lang,html_lang", [("zh-hans", "zh-Hans"), ("en", "en")])
@pytest.mark.parametrize("path", GET_PAGES)
def test_get_pages_are_clean(client, body, path, lang, html_lang):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code in (200, 404)
    assert audit(response).lang == html_lang


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_pages_after_posting_are_clean(client, body, submit, lang, settings):
    headers = {"HTTP_ACCEPT_LANGUAGE": lang}
    form = {
        "submission": "x",
        "what": "The director held a banquet at public cost.",
        "identity": "anonymous",
        "answer_venue": "Golden Dragon",
    }
    receipt = client.post("/report/banqueting/", {**form, "evidence": [_jpeg()]}, **headers)
    assert receipt.status_code == 200 and "data-receipt" in receipt.content.decode()
    audit(receipt)
    audit(client.post("/report/banqueting/", form, **headers))  # 409: sent twice
    audit(
        client.post("/report/banqueting/", {**form, "submission": "y", "what": ""}, **headers)
    )  # 400
    audit(
        client.generic(
            "POST", "/report/banqueting/", b"", content_type="multipart/form-data", **headers
        )
    )
    audit(
        client.post("/followup/", {"code": "1" * settings.RECEIPT_DIGITS}, **headers)
    )  # wrong code

    filed = submit()
    assert client.post("/followup/", {"code": filed.receipt}, **headers).status_code == 302
    client.post("/followup/report/", {"text": "More details."}, **headers)
    page = client.get("/followup/report/", **headers)
    assert "More details." in page.content.decode()
    audit(page)
    audit(client.post("/followup/report/", {"text": ""}, **headers))  # 400

    settings.RECEIPT_ATTEMPTS_PER_CLIENT = 1
    client.post("/followup/", {"code": "2" * settings.RECEIPT_DIGITS}, **headers)
    limited = client.post("/followup/", {"code": "2" * settings.RECEIPT_DIGITS}, **headers)
    assert limited.status_code == 429
    audit(limited)


def test_csrf_failure_page_is_clean(body):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/followup/", {"code": "1"})
    assert response.status_code == 403
    audit(response)
