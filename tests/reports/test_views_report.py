"""The public report form: choosing a category, filling the form, the receipt page."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from tipoff.lib import receipts
from tipoff.limits.proof import solve
from tipoff.people.models import District
from tipoff.reports.models import Evidence, Report

RECEIPT = re.compile(r"data-receipt>([0-9 ]+)<")


def jpeg(size: tuple[int, int] = (64, 48)) -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(out, "JPEG")
    out.seek(0)
    out.name = "photo.jpg"
    return out


def form(body, **overrides):
    data = {
        "submission": "token-" + str(id(overrides)),
        "unit": str(body.unit().pk),
        "official_name": "王五",
        "official_position": "局长",
        "occurred_on": "2026-01-15",
        "when_detail": "晚上七点",
        "place": "金龙大酒店",
        "district": str(District.objects.get(body=body.body, name_zh="东城区").pk),
        "what": "局长用公款宴请二十人，花费约两万元。",
        "answer_venue": "金龙大酒店",
        "answer_people": "20",
        "answer_amount": "20000",
        "identity": "anonymous",
    }
    data.update(overrides)
    return data


def receipt_of(response) -> str:
    match = RECEIPT.search(response.content.decode())
    assert match, "the receipt is on the page"
    return match.group(1)


def test_category_list_shows_active_categories(client, body):
    response = client.get("/report/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "违规公款吃喝" in page and "/report/banqueting/" in page
    assert "您要举报什么问题？" in page
    english = client.get("/report/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Banqueting on public funds" in english and "What do you want to report?" in english


def test_form_shows_fields_questions_and_limits(client, body, settings):
    settings.EVIDENCE_MAX_FILES = 7
    settings.EVIDENCE_MAX_FILE_MB = 13
    response = client.get("/report/banqueting/")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("no-store")
    page = response.content.decode()
    for name in ("unit", "unit_other", "official_name", "official_position", "occurred_on", "what"):
        assert f'name="{name}"' in page
    assert 'name="answer_venue"' in page and "饭店或场所名称" in page
    assert 'type="file" name="evidence"' in page and "multiple" in page
    assert 'accept="image/jpeg,' in page
    assert "最多 7 个文件，每个不超过 13 MB" in page
    assert "市交通运输局" in page and "其他或不清楚" in page
    assert 'value="anonymous"' in page and "checked" in page
    assert "匿名举报至少需要写明被举报人的姓名和职务" in page
    english = client.get("/report/banqueting/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Restaurant or venue" in english and "Up to 7 files, at most 13 MB each" in english


def test_unknown_or_inactive_category_is_404(client, body):
    assert client.get("/report/no-such-thing/").status_code == 404
    category = body.category("gifts")
    category.active = False
    category.save()
    assert client.get("/report/gifts/").status_code == 404


def test_submit_shows_receipt_once_and_stores_report(client, body):
    response = client.post(
        "/report/banqueting/", {**form(body), "evidence": [jpeg(), jpeg((80, 60))]}
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    code = receipt_of(response)
    assert re.fullmatch(r"(\d{4} )+\d{1,4}", code)
    page = response.content.decode()
    assert "您的举报已收到" in page and "data-clear-draft" in page
    assert "7 天内确认收到" in page
    assert response["Cache-Control"].startswith("no-store")
    report = Report.objects.get()
    assert report.channel == "web" and report.language == "zh-hans"
    assert report.category.code == "banqueting" and report.district.name_zh == "东城区"
    assert str(report.occurred_on) == "2026-01-15"
    assert Evidence.objects.filter(report=report).count() == 2
    # The receipt is nowhere but the page body.
    digits = receipts.normalise(code)
    for header, value in response.items():
        assert digits not in value.replace(" ", ""), header
    for morsel in response.cookies.values():
        assert digits not in morsel.OutputString()
    assert digits not in str(dict(client.session))


def test_english_submission_records_language(client, body):
    response = client.post(
        "/report/other/",
        form(body, what="Officials leave early every Friday."),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Your report has been received" in response.content.decode()
    assert Report.objects.get().language == "en"


def test_unit_other_and_named_report(client, body, submit):
    response = client.post(
        "/report/other/",
        form(
            body,
            unit="other",
            unit_other="区环卫所",
            identity="named",
            reporter_name="李四",
            reporter_contact="lisi@example.org",
        ),
    )
    assert response.status_code == 200
    report = Report.objects.get()
    assert report.unit is None and report.is_named


def test_validation_errors_keep_input_and_give_400(client, body):
    response = client.post(
        "/report/official_cars/",
        form(
            body,
            what="短",
            official_name="赵六",
            identity="named",
            reporter_name="",
            reporter_contact="not a contact",
            evidence=[jpeg()],
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "有问题需要更正" in page
    assert "请至少写10个字，描述发生了什么。" in page  # what: too short
    assert "实名举报需要填写您的姓名。" in page
    assert "请填写电话号码或电子邮箱。" in page
    assert 'value="赵六"' in page and "not a contact" in page and "短</textarea>" in page
    assert 'value="named"' in page and re.search(r'value="named"[^>]*checked', page)
    assert "文件需要重新添加" in page
    assert Report.objects.count() == 0 and Evidence.objects.count() == 0


def test_form_level_errors_give_400(client, body):
    response = client.post(
        "/report/banqueting/", form(body, occurred_on="15/01/2026", unit="999999")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "YYYY-MM-DD" in page
    assert 'value="15/01/2026"' in page
    assert Report.objects.count() == 0


def test_empty_report_lists_every_problem_at_once(client, body):
    response = client.post("/report/official_cars/", {"identity": "anonymous"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "请至少写10个字，描述发生了什么。" in page and "此问题需要回答。" not in page


def test_future_date_is_refused_by_the_service(client, body):
    response = client.post("/report/banqueting/", form(body, occurred_on="2999-01-01"))
    assert response.status_code == 400
    assert "日期不能晚于今天。" in response.content.decode()


def test_disguised_file_is_refused_with_message(client, body):
    fake = io.BytesIO(b"MZ\x90\x00 this is not a photo at all" * 20)
    fake.name = "holiday.jpg"
    response = client.post("/report/banqueting/", {**form(body), "evidence": [fake]})
    assert response.status_code == 400
    assert "第 1 个文件" in response.content.decode()
    assert Report.objects.count() == 0


def test_oversized_file_is_refused_before_reading(client, body, settings):
    settings.EVIDENCE_MAX_FILE_MB = 1
    big = io.BytesIO(b"\0" * (1024 * 1024 + 10))
    big.name = "big.jpg"
    response = client.post("/report/banqueting/", {**form(body), "evidence": [jpeg(), big]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "第 2 个文件超过 1 MB。" in page and 'value="王五"' in page
    assert Report.objects.count() == 0


def test_too_many_files(client, body, settings):
    settings.EVIDENCE_MAX_FILES = 1
    response = client.post("/report/banqueting/", {**form(body), "evidence": [jpeg(), jpeg()]})
    assert response.status_code == 400
    assert "最多可以附加 1 个文件。" in response.content.decode()


def test_resending_the_same_form_does_not_file_twice(client, body):
    data = form(body, submission="same-token")
    first = client.post("/report/banqueting/", data)
    assert first.status_code == 200
    again = client.post("/report/banqueting/", data)
    assert again.status_code == 409
    assert "该举报已经提交" in again.content.decode()
    assert RECEIPT.search(again.content.decode()) is None
    assert Report.objects.count() == 1


def test_token_is_released_when_the_form_had_errors(client, body):
    bad = client.post("/report/banqueting/", form(body, submission="t1", what="短"))
    assert bad.status_code == 400 and 'value="t1"' in bad.content.decode()
    good = client.post("/report/banqueting/", form(body, submission="t1"))
    assert good.status_code == 200


def test_past_the_hourly_budget_a_report_needs_a_proof_of_work(client, body, settings):
    """Intake never closes: past the client's budget, the form asks the browser for a
    proof of work and keeps what was typed."""
    settings.SUBMISSIONS_PER_CLIENT_PER_HOUR = 2
    settings.POW_BASE_DIFFICULTY = 8
    for n in range(2):
        assert client.post("/report/banqueting/", form(body, submission=f"s{n}")).status_code == 200
    asked = client.post("/report/banqueting/", form(body, submission="s3"))
    assert asked.status_code == 429
    page = asked.content.decode()
    assert "data-pow-challenge" in page and "局长用公款宴请二十人" in page
    assert Report.objects.count() == 2
    challenge = asked.context["pow_challenge"]
    sent = client.post(
        "/report/banqueting/", form(body, submission="s3", pow=f"{challenge}~{solve(challenge)}")
    )
    assert sent.status_code == 200 and RECEIPT.search(sent.content.decode())
    # Another client is not affected.
    other = client.post(
        "/report/banqueting/", form(body, submission="s4"), REMOTE_ADDR="198.51.100.9"
    )
    assert other.status_code == 200
    assert Report.objects.count() == 4


@pytest.mark.parametrize("lang,text", [("zh-hans", "最多 10 个文件"), ("en", "at most 10 files")])
def test_request_over_total_limit_is_413_before_reading(client, body, lang, text):
    response = client.generic(
        "POST",
        "/report/banqueting/",
        b"x" * 100,
        content_type="multipart/form-data; boundary=zzz",
        CONTENT_LENGTH=str(10**10),
        HTTP_ACCEPT_LANGUAGE=lang,
    )
    assert response.status_code == 413
    assert text in response.content.decode()


def test_text_over_memory_limit_is_413(client, body, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = client.post(
        "/report/banqueting/", form(body, what="很" * 20_000), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 413
    assert "larger than this site accepts" in response.content.decode()
    assert Report.objects.count() == 0


def test_too_many_fields_is_400(client, body):
    data = {f"f{n}": "x" for n in range(300)}
    response = client.post("/report/banqueting/", {**form(body), **data})
    assert response.status_code == 400
    assert "字段或文件过多" in response.content.decode()
    assert Report.objects.count() == 0


def test_too_many_files_for_the_parser_is_400(client, body, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    response = client.post(
        "/report/banqueting/",
        {**form(body), "evidence": [jpeg(), jpeg(), jpeg()]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "more fields or files than this site accepts" in response.content.decode()
    assert Report.objects.count() == 0


@pytest.mark.parametrize(
    "content_type,payload",
    [
        ("multipart/form-data", b"--x\r\n"),  # no boundary
        ("multipart/form-data; boundary=" + "b" * 300, b"--b\r\n"),  # invalid boundary
        (
            "multipart/form-data; boundary=xyz",
            b'--xyz\r\nContent-Disposition: form-data; name="evidence"; filename="a.jpg"\r\n'
            b"Content-Transfer-Encoding: base64\r\n\r\n@@@not base64@@@\r\n--xyz--\r\n",
        ),
    ],
)
def test_broken_multipart_is_400_in_the_users_language(client, body, content_type, payload):
    response = client.generic("POST", "/report/banqueting/", payload, content_type=content_type)
    assert response.status_code == 400
    assert "上传不完整" in response.content.decode()
    en = client.generic(
        "POST", "/report/banqueting/", payload, content_type=content_type, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert en.status_code == 400 and "The upload was incomplete" in en.content.decode()
    assert Report.objects.count() == 0


def _answers_of(body, report):
    from tipoff.reports.selectors import report_content, report_data_key

    key = report_data_key(report=report, body_private_key=body.private_key)
    return report_content(report=report, data_key=key).answers


def test_every_question_offers_i_dont_know_and_none_blocks(client, body):
    """Issue 15: the plate number was required, with no "I don't know"."""
    page = client.get("/report/official_cars/").content.decode()
    assert 'name="answer_plate__unknown"' in page and 'name="answer_seen_at__unknown"' in page
    assert "不清楚" in page
    plate = re.search(r"<input[^>]*name=\"answer_plate\"[^>]*>", page)
    assert plate and "required" not in plate.group(0)
    response = client.post(
        "/report/official_cars/",
        form(body, what="局长开公车送孩子上学，每天早上都这样。", answer_plate=""),
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    assert _answers_of(body, Report.objects.get()) == {}


def test_i_dont_know_is_an_answer_to_an_essential_question(client, body):
    cars = body.category("official_cars")
    cars.questions[0]["essential"] = True
    cars.questions.append(
        {
            "key": "colour",
            "label_zh": "车身颜色",
            "label_en": "Colour",
            "type": "choice",
            "choices": [{"value": "black", "label_zh": "黑色", "label_en": "Black"}],
        }
    )
    cars.save()
    page = client.get("/report/official_cars/").content.decode()
    assert "选填" not in re.search(r'for="id_answer_plate">[^<]*(<span[^<]*</span>)?', page)[0]
    assert '<option value="?">不清楚</option>' in page
    what = "局长开公车送孩子上学，每天早上都这样。"
    refused = client.post("/report/official_cars/", form(body, what=what))
    assert refused.status_code == 400 and Report.objects.count() == 0
    response = client.post(
        "/report/official_cars/",
        form(body, what=what, answer_plate__unknown="on", answer_colour="?", submission="t2"),
    )
    assert response.status_code == 200
    report = Report.objects.get()
    assert _answers_of(body, report) == {"plate": "?", "colour": "?"}


def test_error_summary_names_and_links_each_field_and_the_title_says_error(client, body):
    """Issue 15: the summary only said "please check the marked fields"."""
    response = client.post(
        "/report/banqueting/",
        form(body, what="有人违规。", identity="named", reporter_contact="x", evidence=[jpeg()]),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(r"<title>错误：", page)
    summary = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', page, re.S)
    assert summary, "an error summary"
    opening = re.search(r'<div class="error-summary"[^>]*>', page)[0]
    assert 'tabindex="-1"' in opening and "autofocus" in opening and "role=" not in opening
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary.group(1))
    assert links == [
        ("id_what", "问题描述：请至少写10个字，描述发生了什么。"),
        ("id_reporter_name", "您的姓名：实名举报需要填写您的姓名。"),
        ("id_reporter_contact", "您的电话号码或电子邮箱：请填写电话号码或电子邮箱。"),
    ]
    for anchor, _text in links:
        assert f'id="{anchor}"' in page
    english = client.post(
        "/report/banqueting/", form(body, what="short"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert re.search(r"<title>Error: ", english)
    assert '<a href="#id_what">What happened: ' in english


def test_the_minimum_length_is_stated_before_anyone_is_refused(client, body):
    page = client.get("/report/banqueting/").content.decode()
    hint = re.search(r'<p class="hint" id="id_what_helptext">([^<]+)</p>', page)
    assert hint and "至少10个字" in hint.group(1)
    assert re.search(r'<textarea[^>]*minlength="10"', page)
    assert "<title>错误" not in page and "error-summary" not in page
    english = client.get("/report/banqueting/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "At least 10 characters." in english


def test_the_receipt_form_summary_links_the_code_field(client, body):
    response = client.post("/followup/", {"code": "1234"})
    page = response.content.decode()
    assert response.status_code == 400
    assert re.search(r"<title>错误：", page)
    assert '<a href="#id_code">查询码：查询码共有 20 位数字' in page


def test_the_receipt_form_says_how_many_digits_before_anyone_types(client, body, settings):
    page = client.get("/followup/").content.decode()
    hint = re.search(r'<p class="hint" id="id_code_helptext">([^<]+)</p>', page)
    assert hint and f"{settings.RECEIPT_DIGITS}位" in hint.group(1).replace(" ", "")
