"""Upgrades with data: each migration that rewrites data is run on rows made the old way.

The database is taken back to the state before the migration, rows are made
with the models as they were (``apps`` of that state) and sealed the way the
code sealed them then, the migrations run forward, and the rows are read with
today's code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tipoff.lib import crypto

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def migrate() -> Iterator:
    def to(*targets: tuple[str, str]):
        executor = MigrationExecutor(connection)
        executor.migrate(list(targets))
        # The models as the database now has them: every app at its last applied migration.
        loader = MigrationExecutor(connection).loader
        applied = set(loader.applied_migrations)

        def last_of_its_app(node: tuple[str, str]) -> bool:
            children = loader.graph.node_map[node].children
            return not any(c.key in applied and c.key[0] == node[0] for c in children)

        return loader.project_state([n for n in applied if last_of_its_app(n)]).apps

    yield to
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _body(apps, slug: str = "old"):
    pair = crypto.keypair()
    Body = apps.get_model("people", "Body")
    body = Body.objects.create(
        slug=slug, name_zh="旧", name_en="Old", public_key=pair.public, recovery_wrapped_key=b"x"
    )
    return body, pair


def test_free_text_districts_become_the_list_or_are_sealed(migrate):
    apps = migrate(
        ("people", "0003_no_lockout"), ("reports", "0001_initial"), ("cases", "0003_handling")
    )
    body, pair = _body(apps)
    Unit = apps.get_model("people", "Unit")
    Team = apps.get_model("people", "Team")
    unit = Unit.objects.create(body=body, name_zh="区政府", name_en="Gov", district="东城区")
    team = Team.objects.create(body=body, name_zh="组", name_en="T", districts="东城区, 西城区")
    Category = apps.get_model("people", "Category")
    category = Category.objects.create(body=body, code="c", name_zh="类", name_en="C")
    Case = apps.get_model("cases", "Case")
    Report = apps.get_model("reports", "Report")
    now = "2026-01-01T00:00:00Z"
    kinds = {"东城区": b"a" * 32, "张家村 my village": b"b" * 32}
    for text, lookup in kinds.items():
        case = Case.objects.create(
            body=body, created_at=now, updated_at=now, acknowledge_due=now, conclude_due=now
        )
        Report.objects.create(
            body=body,
            case=case,
            channel="web",
            category=category,
            district=text,
            received_at=now,
            receipt_lookup=lookup,
            sealed_key=b"k",
            reporter_wrapped_key=b"k",
            content=b"c",
        )
    after = migrate(("reports", "0002_district_from_list"))
    from tipoff.people.models import District
    from tipoff.people.models import Unit as UnitNow

    # Teams as the database has them at this point (later migrations add columns).
    TeamNow = after.get_model("people", "Team")
    from tipoff.reports.models import Report as ReportNow

    assert UnitNow.objects.get(pk=unit.pk).district.name_zh == "东城区"
    assert {d.name_zh for d in TeamNow.objects.get(pk=team.pk).districts.all()} == {
        "东城区",
        "西城区",
    }
    assert District.objects.filter(body_id=body.pk).count() == 2
    matched = ReportNow.objects.get(receipt_lookup=kinds["东城区"])
    assert matched.district.name_zh == "东城区" and not bytes(matched.legacy_district)
    typed = ReportNow.objects.get(receipt_lookup=kinds["张家村 my village"])
    assert typed.district is None
    assert crypto.unseal(pair.private, bytes(typed.legacy_district)).decode() == "张家村 my village"


def test_old_cases_get_a_key_and_old_notes_keep_their_report(migrate):
    apps = migrate(("cases", "0003_handling"), ("reports", "0002_district_from_list"))
    body, pair = _body(apps)
    Case = apps.get_model("cases", "Case")
    now = "2026-01-01T00:00:00Z"
    case = Case.objects.create(
        body=body, created_at=now, updated_at=now, acknowledge_due=now, conclude_due=now
    )
    migrate(("cases", "0004_case_keys"))
    from tipoff.cases.models import Case as CaseNow

    sealed = bytes(CaseNow.objects.get(pk=case.pk).sealed_key)
    assert len(crypto.unseal(pair.private, sealed)) == 32


def test_body_members_stop_being_superusers(migrate):
    apps = migrate(("people", "0004_districts"))
    body, _pair = _body(apps)
    User = apps.get_model("people", "User")
    member = User.objects.create(
        username="first-admin", body=body, is_superuser=True, is_staff=True
    )
    operator = User.objects.create(username="ops", body=None, is_superuser=True, is_staff=True)
    migrate(("people", "0005_no_superuser_members"))
    from tipoff.people.models import User as UserNow

    assert not UserNow.objects.get(pk=member.pk).is_superuser
    assert not UserNow.objects.get(pk=member.pk).is_staff
    assert UserNow.objects.get(pk=operator.pk).is_superuser


def _old_channel_key(purpose: str) -> bytes:
    master = hashlib.blake2b(
        settings.CHANNELS_KEY.encode(), person=b"tipoff-chan-mstr", digest_size=32
    ).digest()
    return crypto.keyed_hash(master, purpose.encode(), person=b"tipoff-chan-sub")


def test_channel_secrets_are_sealed_again_under_the_vault(migrate):
    apps = migrate(("channels", "0004_pending_submission"))
    body, _pair = _body(apps)
    old = _old_channel_key("data")
    ChannelAccount = apps.get_model("channels", "ChannelAccount")
    Conversation = apps.get_model("channels", "Conversation")
    account = ChannelAccount.objects.create(body=body, kind="telegram", public_id="pub")
    account.credentials = crypto.encrypt(
        old, b'{"bot_token": "1:a"}', label="channel-credentials:pub"
    )
    account.save()
    old_lookup = crypto.keyed_hash(
        _old_channel_key("lookup"), f"{account.pk}\x00tg-42".encode(), person=b"tipoff-chan-look"
    )
    now = "2026-01-01T00:00:00Z"
    Conversation.objects.create(
        account=account,
        sender_lookup=old_lookup,
        sender=crypto.encrypt(old, b"tg-42", label=f"sender:{account.pk}"),
        state=crypto.encrypt(
            old, b'{"step": "what"}', label=f"conversation:{account.pk}:{old_lookup.hex()}"
        ),
        updated_at=now,
        expires_at=now,
    )
    migrate(("channels", "0005_vault_keys"))
    from tipoff.channels.accounts import credentials_of
    from tipoff.channels.models import CHANNEL_KEY
    from tipoff.channels.models import ChannelAccount as AccountNow
    from tipoff.channels.models import Conversation as ConversationNow

    assert credentials_of(AccountNow.objects.get(pk=account.pk)) == {"bot_token": "1:a"}
    conversation = ConversationNow.objects.get(
        account_id=account.pk, sender_lookup=CHANNEL_KEY.lookup(account.pk, "tg-42")
    )
    assert CHANNEL_KEY.unseal_json(conversation.state, label=conversation.state_label()) == {
        "step": "what"
    }


def test_attendance_templates_are_sealed_again_under_the_vault(migrate):
    import numpy as np

    apps = migrate(("attendance", "0002_checkin_snapshots"))
    body, _pair = _body(apps)
    old = crypto.keyed_hash(
        settings.ATTENDANCE_KEY.encode(),
        b"attendance templates and snapshots",
        person=b"tipoff-attend",
    )
    Site = apps.get_model("attendance", "Site")
    Schedule = apps.get_model("attendance", "Schedule")
    Unit = apps.get_model("people", "Unit")
    Employee = apps.get_model("attendance", "Employee")
    Enrollment = apps.get_model("attendance", "Enrollment")
    site = Site.objects.create(body=body, name_zh="法院", name_en="Court")
    schedule = Schedule.objects.create(body=body, name="Day", start="09:00", end="17:00")
    unit = Unit.objects.create(body=body, name_zh="院", name_en="Court")
    employee = Employee.objects.create(
        site=site, unit=unit, number="7", name="Zhao", schedule=schedule
    )
    vector = np.arange(4, dtype="<f4")
    header = np.array((1, 4), dtype="<u4").tobytes()
    label = f"attendance:template:{employee.pk}:{site.pk}"
    Enrollment.objects.create(
        employee=employee,
        site=site,
        engine="dlib",
        template=crypto.encrypt(old, header + vector.tobytes(), label=label),
        version=1,
        updated_at="2026-01-01T00:00:00Z",
    )
    migrate(("attendance", "0003_vault_keys"))
    from tipoff.attendance.models import Enrollment as EnrollmentNow
    from tipoff.attendance.sealed import open_vectors

    row = EnrollmentNow.objects.get(employee_id=employee.pk)
    assert open_vectors(bytes(row.template), label=label)[0].tolist() == [0.0, 1.0, 2.0, 3.0]


def test_required_questions_become_essential(migrate):
    apps = migrate(("people", "0007_body_retention_days"))
    body, _pair = _body(apps)
    Category = apps.get_model("people", "Category")
    old = [
        {"key": "plate", "label_zh": "车牌号", "type": "text", "required": True},
        {"key": "seen_at", "label_zh": "地点", "type": "text", "required": False},
    ]
    category = Category.objects.create(body=body, code="cars", name_zh="公车", questions=old)
    migrate(("people", "0008_question_essential"))
    from tipoff.people.models import Category as CategoryNow

    questions = CategoryNow.objects.get(pk=category.pk).questions
    assert [(q["key"], q["essential"]) for q in questions] == [("plate", True), ("seen_at", False)]
    assert not any("required" in q for q in questions)
