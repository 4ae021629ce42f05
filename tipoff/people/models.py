"""Bodies, teams, units, categories and staff users.

Names that the public sees exist in Simplified Chinese and English; ``name()``
picks the one for the active language.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Bilingual(models.Model):
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name()

    def name(self) -> str:
        lang = get_language() or "zh-hans"
        return self.name_en if lang.startswith("en") and self.name_en else self.name_zh


class Body(Bilingual):
    """A discipline-inspection organisation with its own keys and policies."""

    slug = models.SlugField(unique=True, verbose_name=_("slug"))
    public_key = models.BinaryField(_("public key"), max_length=32, editable=False)
    # The body's private key wrapped under the recovery key printed at creation.
    recovery_wrapped_key = models.BinaryField(
        editable=False, verbose_name=_("recovery wrapped key")
    )
    acknowledge_days = models.PositiveSmallIntegerField(_("acknowledge within (days)"), default=7)
    conclude_days = models.PositiveSmallIntegerField(_("conclude within (days)"), default=90)
    # Contents of this body's finished cases are purged this long after they end;
    # empty means the deployment's RETENTION_DAYS.
    retention_days = models.PositiveIntegerField(
        _("keep finished cases' contents (days)"),
        null=True,
        blank=True,
        help_text=_("Empty: the deployment's default (RETENTION_DAYS)."),
    )
    intro_zh = models.TextField(_("introduction (Chinese)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    is_default = models.BooleanField(_("default body for the public site"), default=False)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    # Bumped when reports change hands (merge, forward, purge), so search indexes
    # held in memory know to catch up (``office/index.py``).
    content_version = models.PositiveBigIntegerField(
        default=0, db_default=0, editable=False, verbose_name=_("content version")
    )

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_body"
            )
        ]

    def intro(self) -> str:
        lang = get_language() or "zh-hans"
        return self.intro_en if lang.startswith("en") and self.intro_en else self.intro_zh


class District(Bilingual):
    """A district of the body's area, from the body's own list.

    Reports name a district from this list, never in free text: a district is
    kept in clear (routing, statistics), and whatever a reporter might type
    there (their village, a name) must not be.
    """

    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="districts", verbose_name=_("body")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["body", "order", "name_zh"]
        constraints = [
            models.UniqueConstraint(fields=["body", "name_zh"], name="district_name_per_body")
        ]


class Unit(Bilingual):
    """A government department or workplace whose officials can be reported."""

    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="units", verbose_name=_("body")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("district"),
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["body", "name_zh"]


class Team(Bilingual):
    """An inspection team: jurisdiction and public contact details."""

    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="teams", verbose_name=_("body")
    )
    units = models.ManyToManyField(Unit, blank=True, related_name="teams", verbose_name=_("units"))
    districts = models.ManyToManyField(
        District, blank=True, related_name="teams", verbose_name=_("districts")
    )
    jurisdiction_zh = models.TextField(_("jurisdiction (Chinese)"), blank=True)
    jurisdiction_en = models.TextField(_("jurisdiction (English)"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address_zh = models.CharField(_("address (Chinese)"), max_length=300, blank=True)
    address_en = models.CharField(_("address (English)"), max_length=300, blank=True)
    hours_zh = models.CharField(
        _("opening hours (Chinese)"),
        max_length=200,
        blank=True,
        help_text=_(
            "When visitors and callers are received, e.g. 周一至周五 8:30–12:00，14:00–17:30"
        ),
    )
    hours_en = models.CharField(_("opening hours (English)"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))

    class Meta:
        verbose_name = _("inspection team")
        verbose_name_plural = _("inspection teams")
        ordering = ["body", "order", "id"]

    def jurisdiction(self) -> str:
        lang = get_language() or "zh-hans"
        return (
            self.jurisdiction_en
            if lang.startswith("en") and self.jurisdiction_en
            else self.jurisdiction_zh
        )

    def address(self) -> str:
        lang = get_language() or "zh-hans"
        return self.address_en if lang.startswith("en") and self.address_en else self.address_zh

    def hours(self) -> str:
        lang = get_language() or "zh-hans"
        return self.hours_en if lang.startswith("en") and self.hours_en else self.hours_zh

    def district_list(self) -> list[str]:
        """The names of the districts in the team's jurisdiction, in the active language."""
        return [d.name() for d in self.districts.all()]


class Category(Bilingual):
    """A kind of misconduct. ``questions`` are extra fields the form asks.

    Each question is ``{"key": str, "label_zh": str, "label_en": str,
    "type": "text"|"textarea"|"number"|"date"|"choice", "essential": bool,
    "choices": [{"value": str, "label_zh": str, "label_en": str}]}``. Only an
    ``essential`` question must be answered, and "I don't know" always counts.
    """

    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="categories", verbose_name=_("body")
    )
    code = models.SlugField(max_length=50, verbose_name=_("code"))
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    questions = models.JSONField(_("extra questions"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["body", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["body", "code"], name="category_code_per_body")
        ]

    def description(self) -> str:
        lang = get_language() or "zh-hans"
        return (
            self.description_en
            if lang.startswith("en") and self.description_en
            else self.description_zh
        )


class Role(models.TextChoices):
    INTAKE = "intake", _("Intake officer")
    INSPECTOR = "inspector", _("Inspector")
    LEADER = "leader", _("Team leader")
    ADMIN = "admin", _("Body administrator")
    AUDITOR = "auditor", _("Auditor")


class User(AbstractUser):
    """A staff member of one body. The public has no accounts."""

    body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("body"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("team"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.INSPECTOR)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    # Second factor: the TOTP secret is encrypted under a key derived from the
    # server secret, so a database dump alone cannot mint codes.
    totp_secret = models.BinaryField(
        blank=True, default=b"", editable=False, verbose_name=_("totp secret")
    )
    totp_confirmed_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("totp confirmed at")
    )
    totp_last_step = models.BigIntegerField(
        default=0, editable=False, verbose_name=_("totp last step")
    )  # stops code replay
    # Failed sign-ins since the last successful one (told to the owner when they
    # next sign in). Throttling itself is in tipoff.limits; nothing locks an account.
    failed_logins = models.PositiveIntegerField(
        default=0, editable=False, verbose_name=_("failed logins")
    )
    # Bumped by "sign out everywhere": part of the session auth hash, so every
    # existing session of this user stops validating.
    session_generation = models.PositiveIntegerField(
        default=0, editable=False, verbose_name=_("session generation")
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self) -> str:
        return self.display_name or self.username

    def get_session_auth_hash(self) -> str:
        from django.utils.crypto import salted_hmac

        return salted_hmac(
            "tipoff.people.User.session",
            f"{self.password}:{self.session_generation}",
            algorithm="sha256",
        ).hexdigest()

    def get_session_auth_fallback_hash(self):
        # Rotating SECRET_KEY signs everyone out; no fallbacks are honoured.
        return iter(())


class StaffKeyring(models.Model):
    """A staff member's own key pair; the private half wrapped by their password."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="keyring", verbose_name=_("user")
    )
    public_key = models.BinaryField(max_length=32, verbose_name=_("public key"))
    wrapped_private_key = models.BinaryField(_("wrapped private key"))
    salt = models.BinaryField(max_length=16, verbose_name=_("salt"))
    kdf_ops = models.PositiveIntegerField(_("kdf ops"))
    kdf_mem_kib = models.PositiveIntegerField(_("kdf mem kib"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("staff keyring")
        verbose_name_plural = _("staff keyrings")


class BodyKeyGrant(models.Model):
    """The body's private key sealed to one staff member's public key."""

    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="key_grants", verbose_name=_("body")
    )
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="key_grants", verbose_name=_("user")
    )
    sealed_body_key = models.BinaryField(_("sealed body key"))
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("granted by")
    )
    granted_at = models.DateTimeField(auto_now_add=True, verbose_name=_("granted at"))

    class Meta:
        verbose_name = _("body key grant")
        verbose_name_plural = _("body key grants")
        constraints = [models.UniqueConstraint(fields=["body", "user"], name="one_grant_per_user")]


class StaffInvite(models.Model):
    """A one-time link with which a new staff member sets their own password.

    Only a hash of the token is kept; the administrator sees the link once.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="invites", verbose_name=_("user")
    )
    token_hash = models.CharField(max_length=64, unique=True, verbose_name=_("token hash"))
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("used at"))

    class Meta:
        verbose_name = _("staff invite")
        verbose_name_plural = _("staff invites")
