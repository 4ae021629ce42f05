"""The encrypted document that holds what a reporter wrote."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class ReportContent:
    what: str
    place: str = ""
    when_detail: str = ""
    official_name: str = ""
    official_position: str = ""
    unit_other: str = ""
    answers: dict[str, str] = field(default_factory=dict)
    reporter_name: str = ""
    reporter_contact: str = ""

    def to_bytes(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> ReportContent:
        data = json.loads(raw)
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)
