"""What every evidence sanitiser returns: a clean file, or a refusal the reporter can read."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

_MESSAGES = {
    "empty": _("The file is empty."),
    "too_large": _("The file is too large."),
    "unsupported_type": _(
        "This type of file is not accepted. Please send a photo (JPEG, PNG, GIF or WebP), "
        "a PDF, an office document (.docx, .xlsx, .pptx, .odt, .ods or .odp), "
        "or an audio or video recording."
    ),
    "corrupt": _("The file is damaged or could not be read."),
    "legacy_office": _(
        "Old Office files (.doc, .xls, .ppt) are not accepted. Please save the file as PDF "
        "or in the newer format (.docx, .xlsx, .pptx) and send it again."
    ),
    "media_unavailable": _(
        "Audio and video files cannot be accepted at the moment. Please send another type of file."
    ),
}


class RejectedFile(Exception):
    """The upload cannot be accepted; ``code`` is for machines, ``message`` for the reporter."""

    def __init__(self, code: str, message: object = None) -> None:
        # str(exc) is the code: safe in logs, and needs no translation machinery.
        super().__init__(code)
        self.code = code
        self.message = message if message is not None else _MESSAGES[code]


@dataclass(frozen=True)
class SanitisedFile:
    content: bytes
    media_type: str
    extension: str
    kind: str  # "image" | "document" | "audio" | "video"
