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
