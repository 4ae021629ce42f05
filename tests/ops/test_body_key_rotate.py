"""Rotating a body's keys: reports and cases still open, staff keep access, the old keys do not."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tipoff.audit.services import audit_verify
from tipoff.cases.selectors import case_key
from tipoff.lib import vault
from tipoff.people.models import Body, User
from tipoff.people.services import KeyUnavailable, body_key_from_recovery, staff_body_keys


@pytest.mark.django_db
def test_rotation_moves_every_key(body, submit, tmp_path, capsys, demo_password):
    result = submit()
    old_key = body.private_key
    recovery_file = tmp_path / "recovery"
    recovery_file.write_text(body.recovery_key)
    intake = User.objects.get(username="demo-intake")
    generation = intake.session_generation

    call_command("body_key_rotate", body.body.slug, recovery_key_file=str(recovery_file))
    new_recovery = capsys.readouterr().out.strip().splitlines()[-1].strip()

    fresh = Body.objects.get(pk=body.body.pk)
    with pytest.raises(KeyUnavailable):
        body_key_from_recovery(body=fresh, recovery_key=body.recovery_key)
    new_key = body_key_from_recovery(body=fresh, recovery_key=new_recovery)
    assert new_key != old_key
    assert staff_body_keys(user=intake, password=demo_password) == {fresh.pk: new_key}
    report = type(result.report).objects.get(pk=result.report.pk)
    data_key = vault.open_sealed(new_key, report.sealed_key)
    assert vault.unseal(data_key, report.content, label="report")
    with pytest.raises(vault.DecryptionError):
        vault.open_sealed(old_key, report.sealed_key)
    assert case_key(case=report.case, body_private_key=new_key)
    intake.refresh_from_db()
    assert intake.session_generation == generation + 1, "sessions holding the old key end"
    assert audit_verify() is None


@pytest.mark.django_db
def test_rotation_moves_the_search_index_to_the_new_key(body, staff, settings, monkeypatch):
    """Stored segments hold every report's words: the old key must not open them any more,
    and search must keep working (not a DecryptionError) straight after the rotation."""
    from tests.office.bulk import bulk_reports
    from tipoff.cases.models import Case
    from tipoff.office import index
    from tipoff.office.models import SearchSegment
    from tipoff.office.queues import queue_search
    from tipoff.ops.rotation import body_key_rotate

    settings.SEARCH_INDEX_BUILD_SECONDS = 600
    monkeypatch.setattr(index, "SEGMENT_SIZE", 20)
    monkeypatch.setattr(index, "RECHECK_IDS", 5)
    texts = [f"琥珀湾山庄第{i}桌" if i % 7 == 0 else f"上班时间打牌{i}" for i in range(50)]
    bulk_reports(body.body, texts)
    old_key = body.private_key
    index.build_all(body_id=body.body.pk, body_key=old_key)
    segments = SearchSegment.objects.filter(body=body.body)
    assert segments.count() == 2
    qs = Case.objects.filter(body=body.body)
    before = queue_search(user=staff["admin"], qs=qs, query="琥珀湾", body_key=old_key)
    assert before.matches == 8

    rotated = body_key_rotate(body=body.body, old_private_key=old_key)
    new_key = body_key_from_recovery(
        body=Body.objects.get(pk=body.body.pk), recovery_key=rotated.recovery_key
    )

    assert segments.count() == 2
    for segment in segments:
        label = index._label(body.body.pk, segment.first_report_id, segment.last_report_id)
        with pytest.raises(vault.DecryptionError):
            vault.unseal(index.index_key(old_key), segment.blob, label=label)
        assert vault.unseal(index.index_key(new_key), segment.blob, label=label)
    index.forget_all()  # a fresh process: the index comes from the stored segments
    after = queue_search(user=staff["admin"], qs=qs, query="琥珀湾", body_key=new_key)
    assert after.case_ids == before.case_ids and after.pending == 0
