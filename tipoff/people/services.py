"""Write operations on bodies and staff, including the key hierarchy.

A body's private key is never stored in clear: it exists sealed to each
authorised staff member's public key and wrapped under the body's recovery key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tipoff.lib import crypto
from tipoff.people.models import Body, BodyKeyGrant, Role, StaffInvite, StaffKeyring, User


class KeyUnavailable(Exception):
    """The staff member holds no usable key for this body."""


def staff_kdf_params() -> crypto.KdfParams:
    return crypto.KdfParams(ops=settings.STAFF_KDF_OPS, mem_kib=settings.STAFF_KDF_MEM_KIB)


@dataclass(frozen=True)
class CreatedBody:
    body: Body
    recovery_key: str  # shown once, never stored


def body_create(*, slug: str, name_zh: str, name_en: str, is_default: bool = False) -> CreatedBody:
    pair = crypto.keypair()
    recovery = crypto.random_key()
    body = Body.objects.create(
        slug=slug,
        name_zh=name_zh,
        name_en=name_en,
        is_default=is_default,
        public_key=pair.public,
        recovery_wrapped_key=crypto.encrypt(recovery, pair.private, label=f"body-recovery:{slug}"),
    )
    return CreatedBody(body=body, recovery_key=crypto.recovery_key_text(recovery))


def body_content_touch(*, body_id: int) -> None:
    """Reports of the body changed hands (merge, forward, purge): search indexes catch up."""
    Body.objects.filter(pk=body_id).update(content_version=F("content_version") + 1)


# Apps above this layer that keep data under a key derived from a body's private key
# (the back office's search index) say here how to move it when the key is rotated:
# ``mover(body_id=…, old_private_key=…, new_private_key=…)`` returns how many rows moved.
BodyKeyMover = Callable[..., int]
_body_key_movers: dict[str, BodyKeyMover] = {}


def body_key_mover_register(*, name: str, mover: BodyKeyMover) -> None:
    """Called from an app's ``ready()``; key rotation runs every mover in its transaction."""
    _body_key_movers[name] = mover


def body_key_movers() -> dict[str, BodyKeyMover]:
    return dict(_body_key_movers)


def body_key_from_recovery(*, body: Body, recovery_key: str) -> bytes:
    try:
        raw = crypto.recovery_key_bytes(recovery_key)
        private = crypto.decrypt(
            raw, bytes(body.recovery_wrapped_key), label=f"body-recovery:{body.slug}"
        )
    except crypto.DecryptionError as exc:
        raise KeyUnavailable("wrong recovery key") from exc
    return private


def _keyring_write(user: User, password: str, private: bytes, public: bytes) -> None:
    params = staff_kdf_params()
    salt = crypto.new_salt()
    wrapping = crypto.derive_key(password.encode(), salt, params)
    StaffKeyring.objects.update_or_create(
        user=user,
        defaults={
            "public_key": public,
            "wrapped_private_key": crypto.encrypt(wrapping, private, label=f"staff:{user.pk}"),
            "salt": salt,
            "kdf_ops": params.ops,
            "kdf_mem_kib": params.mem_kib,
        },
    )


@transaction.atomic
def staff_create(
    *,
    username: str,
    password: str,
    body: Body | None,
    role: str = Role.INSPECTOR,
    display_name: str = "",
    email: str = "",
    team_id: int | None = None,
) -> User:
    """Create a staff member of ``body`` with their own key pair, wrapped by their password.

    They can read reports only once someone holding the body key grants it
    (``body_key_grant``), so an administrator never needs to know their password.
    Nobody made here can use Django's admin: that is for platform operators
    (``operator_create``).
    """
    user = User(
        username=username,
        body=body,
        role=role,
        display_name=display_name,
        email=email,
        team_id=team_id,
        is_staff=False,
        is_superuser=False,
    )
    user.set_password(password)
    user.save()
    pair = crypto.keypair()
    _keyring_write(user, password, pair.private, pair.public)
    return user


@transaction.atomic
def operator_create(*, username: str, password: str, display_name: str = "") -> User:
    """A platform operator: the one role across bodies, for Django's admin only.

    Operators belong to no body and hold no body key, so they configure the
    deployment but read no report. Made only from the command line.
    """
    user = User(
        username=username,
        body=None,
        role=Role.ADMIN,
        display_name=display_name,
        is_staff=True,
        is_superuser=True,
    )
    user.set_password(password)
    user.save()
    pair = crypto.keypair()
    _keyring_write(user, password, pair.private, pair.public)
    return user


def staff_password_change(*, user: User, old_password: str, new_password: str) -> None:
    private = staff_private_key(user=user, password=old_password)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        _keyring_write(user, new_password, private, crypto.public_from_private(private))


def staff_password_reset_with_recovery(
    *, user: User, body: Body, recovery_key: str, new_password: str, granted_by: User | None = None
) -> None:
    """A lost password: new key pair for the user, body key re-granted from recovery."""
    body_private = body_key_from_recovery(body=body, recovery_key=recovery_key)
    pair = crypto.keypair()
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        _keyring_write(user, new_password, pair.private, pair.public)
        # Other bodies' grants were sealed to the old key and are now useless.
        BodyKeyGrant.objects.filter(user=user).exclude(body=body).delete()
        body_key_grant(body=body, body_private_key=body_private, user=user, granted_by=granted_by)


def staff_private_key(*, user: User, password: str) -> bytes:
    try:
        ring = user.keyring
    except StaffKeyring.DoesNotExist as exc:
        raise KeyUnavailable("no keyring") from exc
    params = crypto.KdfParams(ops=ring.kdf_ops, mem_kib=ring.kdf_mem_kib)
    wrapping = crypto.derive_key(password.encode(), bytes(ring.salt), params)
    try:
        return crypto.decrypt(wrapping, bytes(ring.wrapped_private_key), label=f"staff:{user.pk}")
    except crypto.DecryptionError as exc:
        raise KeyUnavailable("password does not open the keyring") from exc


def body_key_grant(
    *, body: Body, body_private_key: bytes, user: User, granted_by: User | None
) -> None:
    if crypto.public_from_private(body_private_key) != bytes(body.public_key):
        raise KeyUnavailable("that is not this body's key")
    sealed = crypto.seal(bytes(user.keyring.public_key), body_private_key)
    BodyKeyGrant.objects.update_or_create(
        body=body, user=user, defaults={"sealed_body_key": sealed, "granted_by": granted_by}
    )


def body_key_revoke(*, body: Body, user: User) -> None:
    BodyKeyGrant.objects.filter(body=body, user=user).delete()


def staff_body_keys(*, user: User, password: str) -> dict[int, bytes]:
    """Unlock every body key granted to the user: ``{body_id: private_key}``."""
    private = staff_private_key(user=user, password=password)
    keys: dict[int, bytes] = {}
    for grant in BodyKeyGrant.objects.filter(user=user):
        keys[grant.body_id] = crypto.unseal(private, bytes(grant.sealed_body_key))
    return keys


# --- inviting staff: the administrator never learns their password ----------------

INVITE_VALID_HOURS = 72


class InviteInvalid(Exception):
    """The setup link is unknown, used or expired."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Invitation:
    user: User
    token: str  # shown once to the administrator, as part of the setup link


@transaction.atomic
def staff_invite(
    *,
    body: Body,
    username: str,
    role: str,
    display_name: str = "",
    email: str = "",
    team_id: int | None = None,
    invited_by: User | None,
) -> Invitation:
    """Create an account with no usable password and a one-time setup token.

    The new member opens the setup link, chooses a password (which creates
    their key pair), then an administrator whose session holds the body key
    grants it to them with ``body_key_grant``.
    """
    user = User(
        username=username,
        body=body,
        role=role,
        display_name=display_name,
        email=email,
        team_id=team_id,
    )
    user.set_unusable_password()
    user.save()
    token = secrets.token_urlsafe(24)
    now = timezone.now()
    StaffInvite.objects.create(
        user=user,
        token_hash=_token_hash(token),
        created_by=invited_by,
        created_at=now,
        expires_at=now + dt.timedelta(hours=INVITE_VALID_HOURS),
    )
    return Invitation(user=user, token=token)


def staff_invite_renew(*, user: User, invited_by: User | None) -> Invitation:
    """A fresh setup link for someone who has not set a password yet."""
    if user.has_usable_password():
        raise InviteInvalid("already set up")
    token = secrets.token_urlsafe(24)
    now = timezone.now()
    with transaction.atomic():
        StaffInvite.objects.filter(user=user, used_at__isnull=True).update(expires_at=now)
        StaffInvite.objects.create(
            user=user,
            token_hash=_token_hash(token),
            created_by=invited_by,
            created_at=now,
            expires_at=now + dt.timedelta(hours=INVITE_VALID_HOURS),
        )
    return Invitation(user=user, token=token)


def staff_invite_lookup(*, token: str) -> User | None:
    invite = (
        StaffInvite.objects.select_related("user")
        .filter(token_hash=_token_hash(token), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    return invite.user if invite and invite.user.is_active else None


def staff_setup_complete(*, token: str, password: str) -> User:
    """The invited member sets their password; their key pair is made with it."""
    with transaction.atomic():
        invite = (
            StaffInvite.objects.select_for_update()
            .select_related("user")
            .filter(
                token_hash=_token_hash(token), used_at__isnull=True, expires_at__gt=timezone.now()
            )
            .first()
        )
        if invite is None or not invite.user.is_active:
            raise InviteInvalid("unknown, used or expired")
        user = invite.user
        user.set_password(password)
        user.save(update_fields=["password"])
        pair = crypto.keypair()
        _keyring_write(user, password, pair.private, pair.public)
        invite.used_at = timezone.now()
        invite.save(update_fields=["used_at"])
    return user


def staff_awaiting_key(*, body: Body) -> list[User]:
    """Members of the body who have a key pair but no grant of the body key yet."""
    granted = BodyKeyGrant.objects.filter(body=body).values("user_id")
    return list(
        User.objects.filter(body=body, is_active=True, keyring__isnull=False)
        .exclude(pk__in=granted)
        .order_by("username")
    )
