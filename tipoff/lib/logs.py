"""Log records that never carry a reporter's address: a JSON formatter and a filter.

``JsonFormatter`` writes one JSON object per line (time, level, logger,
message, process, exception) and nothing else: Django attaches the request to
``django.request`` records, and its client address, headers and body are
deliberately left out. ``RedactAddresses`` replaces anything in a message
that parses as an IP address with ``[address]`` — gunicorn, for one, puts the
client's address in some warnings ("Invalid request from ip=…").
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import logging
import re

_CANDIDATE = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f.]{0,15}|\d{1,3}(?:\.\d{1,3}){3}"
)


def redact(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        candidate = match.group(0).strip(".")
        try:
            ipaddress.ip_address(candidate)
        except ValueError:
            return match.group(0)
        return "[address]"

    return _CANDIDATE.sub(replace, text)


class RedactAddresses(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


# Extra attributes safe to log: numbers and names tipoff sets itself.
SAFE_EXTRAS = ("status_code", "job", "task", "duration_ms")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "process": record.process,
        }
        for name in SAFE_EXTRAS:
            value = getattr(record, name, None)
            if isinstance(value, int | float | str):
                entry[name] = value
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)
