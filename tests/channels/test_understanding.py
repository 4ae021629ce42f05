"""Understanding people as they write: amounts and counts, names with titles, greetings with a
request, a story told first, and changing any item — the category's own questions too — from
the review (issue 14 item 9, issue 9 item 3)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from drivers import TelegramDriver, WeChatDriver, receipt_in

from tipoff.channels.conversation.numbers import number_in
from tipoff.channels.conversation.parsing import intent_of, split_official
from tipoff.channels.models import Conversation
from tipoff.reports.models import Report


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("5万元", 50000),
        ("50000元", 50000),
        ("50,000 元", 50000),
        ("十余人", 10),
        ("二十多人", 20),
        ("约30人", 30),
        ("3.5万", 35000),
        ("一万五", 15000),
        ("两千块钱", 2000),
        ("一百零五", 105),
        ("5-6人", 5),
        ("八九十人", 80),
        ("10到20万", 100000),
        ("¥1,200", 1200),
        ("２０", 20),
        ("about 40 people", 40),
        ("3k", 3000),
    ],
)
def test_amounts_and_counts_as_people_write_them(typed: str, meant: int) -> None:
    assert number_in(typed) == Decimal(meant)


@pytest.mark.parametrize(
    "typed",
    ["很多", "不清楚的数", "abc", "-5", "", "1e999999999", "NaN", "Infinity", "9" * 5000, "1e30"],
)
def test_what_is_not_a_number(typed: str) -> None:
    assert number_in(typed) is None


@pytest.mark.parametrize(
    ("typed", "name", "position"),
    [
        ("张明 副局长", "张明", "副局长"),
        ("张明　副局长", "张明", "副局长"),  # ideographic space from a Chinese keyboard
        ("张明副局长", "张明", "副局长"),
        ("王五，局长", "王五", "局长"),
        ("欧阳明华 常务副市长", "欧阳明华", "常务副市长"),
        ("李四 市交通局办公室主任", "李四", "市交通局办公室主任"),
        ("交通局局长", "", "交通局局长"),
        ("Li Si, deputy director", "Li Si", "deputy director"),
        ("Li Si deputy director", "Li Si", "deputy director"),
        ("张明", "张明", ""),
    ],
)
def test_names_and_positions(typed: str, name: str, position: str) -> None:
    from tipoff.channels.conversation.parsing import normalise

    assert split_official(normalise(typed) if "　" in typed else typed) == (name, position)


@pytest.mark.parametrize(
    ("typed", "intent"),
    [
        ("你好，我要举报", "report"),
        ("您好！我想举报一个干部", "report"),
        ("在吗？我要投诉", "report"),
        ("Hi, I want to report something", "report"),
        ("请问怎么举报？", "report"),
        ("你好，我想查一下进度", "status"),
        ("你好", "help"),
        ("我要举报市交通局王局长上周开公车去参加婚礼", None),  # a story, not a request
    ],
)
def test_requests_said_in_a_sentence(typed: str, intent: str | None) -> None:
    assert intent_of(typed) == intent


@pytest.mark.parametrize(
    ("typed", "story"),
    [
        ("我要举报市交通局王局长上周开公车去参加婚礼", True),
        ("The director of the roads office took money from contractors last May", True),
        ("我想了解一下举报的流程是怎样的？", False),
        ("请问匿名举报会被查到吗", False),
        ("How long does it take before someone answers?", False),
        ("你好", False),
    ],
)
def test_what_counts_as_a_story_told_first(typed: str, story: bool) -> None:
    from tipoff.channels.conversation.parsing import is_story

    assert is_story(typed) is story


@pytest.mark.django_db
def test_greeting_with_a_request_starts_the_report(client: Any, body: Any) -> None:
    wechat = WeChatDriver(client, body.body, safe=True)
    reply = wechat.say("你好，我要举报")
    assert "举报类别" in reply or "哪一类" in reply or "违规公款吃喝" in reply
    assert Conversation.objects.get().step == "category"


@pytest.mark.django_db
def test_banquet_report_with_amounts_in_words_and_a_title_after_a_space(
    client: Any, body: Any, content_of: Any
) -> None:
    wechat = WeChatDriver(client, body.body, safe=False)
    wechat.say("你好，我要举报")
    wechat.say("4")  # banqueting on public funds
    wechat.say("跳过")
    wechat.say("张明 副局长")
    wechat.say("2024-05-01")
    wechat.say("金龙大酒店")
    wechat.say("副局长用公款请客，一桌喝了好几瓶茅台，单位报销。")
    wechat.say("金龙大酒店")  # venue
    assert "数字" not in wechat.say("十余人")  # people
    review_ready = wechat.say("5万元")  # amount
    assert "数字" not in review_ready
    wechat.say("完成")
    review = wechat.say("1")
    assert "张明, 副局长" in review and "50000" in review and "10" in review
    receipt_in(wechat.say("确认"))
    content = content_of(Report.objects.get())
    assert (content.official_name, content.official_position) == ("张明", "副局长")
    assert content.answers == {"venue": "金龙大酒店", "people": "10", "amount": "50000"}


def _to_review(driver: Any, category: str) -> str:
    for text in ("English", "1", category, "skip", "skip", "skip", "skip"):
        driver.say(text)
    driver.say("The director refused to stamp our permits unless we paid him.")
    return driver.say("done") if category == "1" else ""


@pytest.mark.django_db
def test_changing_the_category_from_the_review_asks_its_questions(
    client: Any, body: Any, content_of: Any
) -> None:
    """Issue 9: it went straight back to the review, and the new category's essential
    question then made every confirm fail until the reporter cancelled."""
    cars = body.category("official_cars")
    cars.questions[0]["essential"] = True
    cars.save()
    telegram = TelegramDriver(client, body.body)
    _to_review(telegram, "1")  # bureaucratism: no extra questions
    review = telegram.say("1")  # anonymous
    assert "7. Files" in review
    assert "kind of misconduct" in telegram.say("1")  # change the kind…
    asked = telegram.say("5")  # …to misuse of official cars: its plate is essential
    assert "Licence plate" in asked and "An answer is needed" in asked
    telegram.say("粤B12345")
    review = telegram.say("In the car park of the city hall")
    assert "粤B12345" in review and "7. Details for this kind" in review
    assert "9. Your identity" in review
    receipt_in(telegram.say("confirm"))
    assert content_of(Report.objects.get()).answers["plate"] == "粤B12345"


@pytest.mark.django_db
def test_dont_know_answers_an_essential_question(client: Any, body: Any, content_of: Any) -> None:
    """Issue 15: a witness who missed the plate number can still report the car."""
    cars = body.category("official_cars")
    cars.questions[0]["essential"] = True
    cars.save()
    wechat = WeChatDriver(client, body.body, safe=False)
    for text in ("中文", "1", "5", "跳过", "跳过", "跳过", "跳过"):
        wechat.say(text)
    asked = wechat.say("局长开公车送孩子上学，每天早上都这样。")
    assert "车牌号" in asked and "不清楚" in asked
    assert "看到车辆的地点" in wechat.say("不清楚")  # accepted: the next question
    wechat.say("学校门口")
    wechat.say("完成")
    review = wechat.say("1")
    assert "车牌号: 不清楚" in review
    receipt_in(wechat.say("确认"))
    assert content_of(Report.objects.get()).answers == {"plate": "?", "seen_at": "学校门口"}


@pytest.mark.django_db
def test_extra_answers_can_be_changed_from_the_review(
    client: Any, body: Any, content_of: Any
) -> None:
    telegram = TelegramDriver(client, body.body)
    _to_review(telegram, "5")
    telegram.say("粤B12345")
    telegram.say("Outside the Grand Hotel")
    telegram.say("done")
    review = telegram.say("1")
    assert "7. Details for this kind" in review
    first = telegram.say("7")
    assert "Licence plate" in first and "粤B12345" in first and "keep" in first
    telegram.say("keep")  # the plate stays
    review = telegram.say("At the school gate")  # a new place the car was seen
    assert "At the school gate" in review and "粤B12345" in review
    receipt_in(telegram.say("confirm"))
    assert content_of(Report.objects.get()).answers == {
        "plate": "粤B12345",
        "seen_at": "At the school gate",
    }


@pytest.mark.django_db
def test_a_story_told_first_is_kept_and_the_rest_is_asked(
    client: Any, body: Any, content_of: Any
) -> None:
    story = "我要举报市交通运输局王局长，上周六开公车去参加他儿子的婚礼，车牌粤B12345。"
    wechat = WeChatDriver(client, body.body, safe=True)
    first = wechat.say(story)
    assert "已作为举报内容保存" in first or "保存" in first
    assert Conversation.objects.get().step == "category"
    wechat.say("5")
    wechat.say("市交通运输局")
    wechat.say("王局长")
    wechat.say("上周六")
    asked = wechat.say("跳过")  # where: no "what happened?" question follows
    assert "车牌" in asked
    wechat.say("粤B12345")
    wechat.say("跳过")
    wechat.say("完成")
    review = wechat.say("1")
    assert "上周六开公车" in review
    receipt_in(wechat.say("确认"))
    assert content_of(Report.objects.get()).what == story
