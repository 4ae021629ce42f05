"""Replies sent later go through each service's API, at the configured base, as its protocol
says (issue 14 item 8); a reply split between the webhook's answer and the API always carries
the instruction in the answer itself (item 9)."""

from __future__ import annotations

from typing import Any

import pytest
from drivers import TelegramDriver, TwilioDriver, WeChatDriver, WeiboDriver, receipt_in
from fake_apis import TELEGRAM_BOT, WECHAT_SECRET, WEIBO_TOKEN

from tipoff.channels.models import OutboundMessage

MAKERS = {
    "wechat": lambda c, b: WeChatDriver(c, b, safe=True, app_secret=WECHAT_SECRET),
    "weibo": lambda c, b: WeiboDriver(c, b, access_token=WEIBO_TOKEN),
    "telegram": lambda c, b: TelegramDriver(c, b, bot_token=TELEGRAM_BOT),
    "sms": lambda c, b: TwilioDriver(c, b, kind="sms", from_number="+14155550100"),
    "whatsapp": lambda c, b: TwilioDriver(
        c, b, kind="whatsapp", from_number="whatsapp:+14155238886"
    ),
}
SERVICE = {"sms": "twilio", "whatsapp": "twilio"}


@pytest.fixture(params=list(MAKERS))
def driver(request: Any, client: Any, body: Any, settings: Any, apis: Any) -> Any:
    settings.SITE_URL = TwilioDriver.SITE
    return MAKERS[request.param](client, body.body)


def _recipient(call: Any, service: str) -> str:
    if service == "wechat":
        return str(call.json()["touser"])
    if service == "telegram":
        return str(call.json()["chat_id"])
    if service == "twilio":
        return call.form()["To"]
    return call.form()["receiver_id"]


@pytest.mark.django_db
def test_a_late_reply_goes_through_the_api_in_parts_it_accepts(
    driver: Any, apis: Any, settings: Any, body: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from tipoff.people.selectors import teams_directory

    settings.CHANNELS_REPLY_BUDGET_SECONDS = 0  # every turn is too slow for a passive answer
    with django_capture_on_commit_callbacks(execute=True):
        assert driver.say("监督检查室") == ""
    service = SERVICE.get(driver.kind, driver.kind)
    calls = apis.sent(service)
    assert calls, "nothing was sent through the API"
    assert all(_recipient(call, service) == driver.sender for call in calls)
    delivered = "\n\n".join(apis.texts(service))
    for team in teams_directory(body.body):
        assert team.phone in delivered
    assert not OutboundMessage.objects.exists()  # each part was accepted, then forgotten
    if service == "twilio":
        sender = "whatsapp:+14155238886" if driver.kind == "whatsapp" else "+14155550100"
        assert {c.form()["From"] for c in calls} == {sender}


@pytest.mark.django_db
def test_an_unreachable_api_keeps_the_reply_for_a_few_attempts_then_drops_it(
    client: Any, body: Any, apis: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    telegram = TelegramDriver(client, body.body, bot_token=TELEGRAM_BOT)
    settings.CHANNELS_REPLY_BUDGET_SECONDS = 0
    apis.down = 502
    with django_capture_on_commit_callbacks(execute=True):
        telegram.say("hello")
    assert len(apis.sent("telegram")) == 5  # OUTBOX_ATTEMPTS, then nothing is kept
    assert not OutboundMessage.objects.exists()


@pytest.mark.django_db
def test_a_review_split_across_messages_keeps_the_instruction_in_the_answer(
    client: Any, body: Any, apis: Any, django_capture_on_commit_callbacks: Any
) -> None:
    weibo = WeiboDriver(client, body.body, access_token=WEIBO_TOKEN)
    for text in ("你好，我要举报", "4", "市交通运输局", "张明 副局长", "2024-05-01", "金龙大酒店"):
        weibo.say(text)
    weibo.say(
        "张明副局长在金龙大酒店用公款宴请二十多名客人，喝了好几瓶茅台，餐费约两万元，由单位报销。"
        * 3
    )
    for text in ("金龙大酒店", "二十多人", "2万元", "完成"):
        weibo.say(text)
    with django_capture_on_commit_callbacks(execute=True):
        passive = weibo.say("1")
    assert len(passive.encode()) <= 900
    assert passive.rstrip().endswith("发送“确认”提交，发送序号修改该项，或发送“取消”。")
    later = "\n\n".join(apis.texts("weibo"))
    assert "金龙大酒店" in later or "金龙大酒店" in passive
    receipt_in(weibo.say("确认"))


@pytest.mark.django_db
def test_a_reply_that_cannot_be_sent_is_logged_and_its_last_attempt_fails(
    client: Any,
    body: Any,
    apis: Any,
    settings: Any,
    caplog: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Each failed attempt is logged (account, attempt, error type: never the text or the
    recipient); the last one ends the task FAILED, not SUCCESSFUL."""
    from django_tasks.signals import task_finished

    statuses: list[str] = []

    def finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
        if task_result.task.name == "outbox_send":
            statuses.append(str(task_result.status))

    task_finished.connect(finished)
    try:
        telegram = TelegramDriver(client, body.body, bot_token=TELEGRAM_BOT)
        settings.CHANNELS_REPLY_BUDGET_SECONDS = 0
        apis.down = 502
        with caplog.at_level("INFO"), django_capture_on_commit_callbacks(execute=True):
            telegram.say("hello")
    finally:
        task_finished.disconnect(finished)
    assert len(apis.sent("telegram")) == 5 and not OutboundMessage.objects.exists()
    assert statuses.count("FAILED") == 1, statuses
    ours = [r.getMessage() for r in caplog.records if r.name == "tipoff.channels.tasks"]
    assert len(ours) == 5
    account = telegram.account.pk
    assert all(f"telegram account {account}" in m and "ChannelError" in m for m in ours)
    assert "attempt 1 of 5" in ours[0] and "attempt 5 of 5" in ours[-1]
    logged = caplog.text
    assert telegram.sender not in logged and "Make a report" not in logged
