"""A real IMAP server (Debian's dovecot) and an SMTP sink (aiosmtpd), both on loopback.

Dovecot runs with its own configuration in a temporary directory, on a free
port, with one mailbox user. Without dovecot the e-mail tests are skipped,
except under CI=true, where that is a failure.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "tipoff", "imap-test-password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


@dataclass
class Imap:
    host: str
    port: int
    user: str
    password: str


def dovecot_or_skip() -> str:
    if os.path.exists(DOVECOT):
        return DOVECOT
    message = "dovecot not installed: e-mail channel tests skipped (apt-get install dovecot-imapd)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def start_dovecot() -> Iterator[Imap]:
    binary = dovecot_or_skip()
    # Its own directory straight under /tmp: dovecot's unprivileged processes must reach it.
    tmp = Path(tempfile.mkdtemp(prefix="tipoff-dovecot-"))
    os.chmod(tmp, 0o755)  # noqa: S103 - read-only for the dovecot user; holds test data only
    port = free_port()
    root = os.geteuid() == 0
    # Dovecot refuses to deliver mail as root: as root, the mailbox belongs to the dovecot user.
    mail_user = pwd.getpwnam("dovecot") if root else pwd.getpwuid(os.geteuid())
    login_user = "dovenull" if root else mail_user.pw_name
    for sub in ("run", "state", "home"):
        (tmp / sub).mkdir(parents=True, exist_ok=True)
    if root:
        shutil.chown(tmp / "home", mail_user.pw_uid, mail_user.pw_gid)
    (tmp / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    (tmp / "dovecot.conf").write_text(
        f"""
base_dir = {tmp}/run
state_dir = {tmp}/state
log_path = {tmp}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {mail_user.pw_name}
first_valid_uid = {mail_user.pw_uid}
passdb {{
  driver = passwd-file
  args = {tmp}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user.pw_uid} gid={mail_user.pw_gid} home={tmp}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""
    )
    subprocess.run([binary, "-c", str(tmp / "dovecot.conf")], check=True)
    try:
        _wait_for(port)
        yield Imap("127.0.0.1", port, USER, PASSWORD)
    finally:
        subprocess.run([binary, "-c", str(tmp / "dovecot.conf"), "stop"], check=False)
        shutil.rmtree(tmp, ignore_errors=True)


@dataclass
class SmtpSink:
    host: str
    port: int
    messages: list[Message] = field(default_factory=list)

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if address in str(m["To"])]


def start_smtp_sink() -> Iterator[SmtpSink]:
    from aiosmtpd.controller import Controller

    sink = SmtpSink("127.0.0.1", free_port())

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            sink.messages.append(message_from_bytes(envelope.content))
            return "250 OK"

    controller = Controller(Handler(), hostname=sink.host, port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
