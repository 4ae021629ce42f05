"""The consent text an employee agrees to before their face is enrolled.

The version is recorded with every consent; change it whenever the text
changes in substance, so records show which words each person agreed to.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

CONSENT_VERSION = "2026-1"


def consent_paragraphs() -> list[str]:
    return [
        _(
            "Your attendance can be recorded by face recognition at the kiosks of your workplace. "
            "This is voluntary: you can always check in with your staff number and PIN instead."
        ),
        _(
            "We keep no photo of you. From three to five photos we compute a numerical template of "
            "your face, encrypted under a key that is not kept in the database, and the photos are "
            "discarded at once."
        ),
        _(
            "When the kiosk cannot recognise someone with confidence, one snapshot of that attempt is "
            "kept, encrypted, until an administrator has reviewed it, and at most for the number of "
            "days the site sets."
        ),
        _(
            "You can withdraw your consent at any time by asking your administrator; your template "
            "is then deleted."
        ),
    ]
