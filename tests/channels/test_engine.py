"""The conversation engine on its own (pure logic, fake ports): any input keeps it sane."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from tipoff.channels.conversation import parsing
from tipoff.channels.conversation.engine import (
    Engine,
    Incoming,
    MediaCounts,
    StatusResult,
    SubmitResult,
    fresh_state,
)
from tipoff.channels.conversation.prompts import Catalogue, Choice

CATALOGUE = Catalogue(
    categories=[
        Choice(1, "官僚主义", "Bureaucratism"),
        Choice(
            2,
            "公车私用",
            "Misuse of official cars",
            [
                {
                    "key": "plate",
                    "label_zh": "车牌号",
                    "label_en": "Plate",
                    "type": "text",
                    "essential": True,
                },
                {"key": "n", "label_zh": "人数", "label_en": "People", "type": "number"},
                {"key": "d", "label_zh": "日期", "label_en": "Date", "type": "date"},
                {
                    "key": "c",
                    "label_zh": "选择",
                    "label_en": "Pick",
                    "type": "choice",
                    "choices": [{"value": "a", "label_zh": "甲", "label_en": "A"}],
                },
            ],
        ),
    ],
    units=[
        Choice(10, "市教育局", "Municipal Education Bureau"),
        Choice(11, "市交通运输局", "Transport Bureau"),
    ],
)


class FakePorts:
    def __init__(self) -> None:
        self.submitted: list[dict[str, Any]] = []
        self.posted: list[str] = []

    def submit(self, draft: dict[str, Any], language: str) -> SubmitResult:
        if len(draft.get("what", "")) < 10:
            return SubmitResult(errors={"what": ["too short"]})
        self.submitted.append(dict(draft))
        return SubmitResult(receipt="1" * 20)

    def status(self, code: str) -> StatusResult | str | None:
        return (
            StatusResult(lines=["ok"], report_id=1, key_hex="00" * 32) if code == "2" * 20 else None
        )

    def post_reply(self, report_id: int, key_hex: str, text: str) -> str | None:
        self.posted.append(text)
        return None

    def teams(self) -> str:
        return "teams"

    def media(self) -> MediaCounts:
        return MediaCounts()

    def discard_media(self) -> None:
        pass


NOW = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)
words = st.sampled_from(
    [
        "1",
        "2",
        "3",
        "9",
        "skip",
        "跳过",
        "done",
        "完成",
        "confirm",
        "确认",
        "cancel",
        "status",
        "help",
        "English",
        "中文",
        "teams",
        "2024-02-30",
        "昨天",
        "Wang Wu, director",
        "王五，局长",
        "a",
        "x" * 6000,
        "",
        "１２",
        "status " + "2" * 20,
        "A long enough description of what happened.",
        "粤B12345",
        "4",
        "7",
        "keep",
        "保留",
        "5万元",
        "十余人",
        "张明 副局长",
        "你好，我要举报",
        "我要举报市交通局王局长上周开公车去参加婚礼",
    ]
)
refs = st.sampled_from(["", "m1", "m2", "m3"])
messages = st.one_of(
    words.map(lambda w: Incoming(text=w)),
    st.tuples(words, refs).map(lambda p: Incoming(text=p[0], ref=p[1])),
    st.tuples(words, refs).map(lambda p: Incoming(kind="edit", text=p[0], ref=p[1])),
    st.tuples(words, st.sampled_from(["en", "zh-hans", None])).map(
        lambda p: Incoming(text=p[0], language=p[1])
    ),
    st.text(max_size=50).map(lambda w: Incoming(text=w)),
    st.just(Incoming(kind="media", media_notes=["accepted"])),
    words.map(lambda w: Incoming(kind="media", media_notes=["accepted", "too_large"], text=w)),
    st.just(Incoming(kind="location", latitude=1.5, longitude=2.5, label="here")),
    st.sampled_from(["report", "status", "teams", "welcome"]).map(
        lambda m: Incoming(kind="menu", menu=m)
    ),
    st.just(Incoming(kind="unsupported")),
)


@settings(max_examples=150, deadline=None)
@given(script=st.lists(messages, max_size=40), english=st.booleans())
def test_any_sequence_of_messages_gets_replies_and_a_valid_state(
    script: list[Incoming], english: bool
) -> None:
    ports = FakePorts()
    state = fresh_state("en" if english else "zh-hans")
    with translation.override("en" if english else "zh-hans"):
        for incoming in script:
            result = Engine(catalogue=CATALOGUE, ports=ports, now=NOW).handle(state, incoming)
            assert result.replies and all(isinstance(r, str) for r in result.replies)
            state = result.state
            assert state["step"] in {
                "idle",
                "category",
                "unit",
                "official",
                "when",
                "where",
                "what",
                "questions",
                "evidence",
                "identity",
                "name",
                "contact",
                "review",
                "status_code",
                "followup",
            }
    for draft in ports.submitted:
        assert draft["category_id"] in (1, 2) and len(draft["what"]) >= 10
        if draft["category_id"] == 2:
            assert draft["answers"].get("plate")


def test_parsing_helpers() -> None:
    assert parsing.command_of(" 确认。") == "confirm"
    assert parsing.command_of("ＳＫＩＰ") == "skip"
    assert parsing.date_of("2024年5月1日", today=NOW.date()) == dt.date(2024, 5, 1)
    assert parsing.date_of("2024-02-30", today=NOW.date()) is None
    assert parsing.status_request("查询 1234 5678 9012 3456 7890") == "12345678901234567890"
    assert parsing.detect_language("举报") == "zh-hans" and parsing.detect_language("hi") == "en"
    assert parsing.split_official("王五，局长") == ("王五", "局长")
    assert parsing.split_official("张明 副局长") == ("张明", "副局长")
    assert parsing.command_of("保留") == "keep"


def test_today_and_yesterday_are_the_bodys_days_not_utcs() -> None:
    """At 00:30 in Beijing it is still the previous day in UTC; "昨天" means Beijing's yesterday
    (a CI run just after 16:00 UTC caught the engine counting days in UTC)."""
    after_midnight_in_beijing = dt.datetime(2026, 11, 29, 16, 30, tzinfo=dt.UTC)
    ports = FakePorts()
    state = fresh_state("zh-hans")
    with translation.override("zh-hans"):
        for text in ("我要举报市交通局王局长上周开公车去参加婚礼", "1", "1", "王五，局长", "昨天"):
            state = (
                Engine(catalogue=CATALOGUE, ports=ports, now=after_midnight_in_beijing)
                .handle(state, Incoming(text=text))
                .state
            )
    assert state["draft"]["occurred_on"] == "2026-11-29"
