"""The vault: everything tipoff keeps encrypted at rest goes in and out through here.

Two kinds of thing are kept:

* **values** in database columns — ``seal``/``unseal`` with a symmetric key
  and a label (the label is bound in as associated data, so a ciphertext
  cannot be moved to another column or row), and ``seal_to``/``open_sealed``
  for keys sealed to a public key (a report's or case's key, sealed to its
  body, needs no secret to write);
* **blobs** in file storage (evidence, case files) — ``blob_put`` encrypts a
  file in chunks and stores it under a random name, ``blob_open`` streams it
  back decrypted, ``blob_shred`` overwrites and removes it. Blobs written
  inside a ``Blobs`` block are removed again if the block fails, so a failed
  write never leaves ciphertext behind.

Keys that live outside the database (``CHANNELS_KEY``, ``ATTENDANCE_KEY``)
become purpose-bound sub-keys with ``server_key``; every other key is a
random data key sealed to a body. ``tipoff.lib.crypto`` holds the primitives;
nothing else in tipoff calls them directly.
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from collections.abc import Iterator
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from tipoff.lib import crypto
from tipoff.lib.crypto import DecryptionError, Readable

__all__ = [
    "BACKUP_KDF",
    "Blobs",
    "DecryptionError",
    "KeptKey",
    "blob_open",
    "blob_put",
    "blob_shred",
    "new_key",
    "new_salt",
    "open_sealed",
    "passphrase_key",
    "seal",
    "seal_json",
    "seal_to",
    "server_key",
    "stream_open",
    "stream_seal",
    "subkey",
    "unseal",
    "unseal_json",
]

EVIDENCE = "evidence"


def new_key() -> bytes:
    """A fresh random 32-byte data key."""
    return crypto.random_key()


def subkey(master: bytes, purpose: str) -> bytes:
    """A key for one purpose, derived from ``master`` (BLAKE2b, personalised)."""
    return crypto.keyed_hash(master, purpose.encode(), person=b"tipoff-vault-sub")


@cache
def _server_master(setting: str, raw: str) -> bytes:
    return hashlib.blake2b(raw.encode(), person=b"tipoff-srv-mastr", digest_size=32).digest()


def server_key(setting: str, purpose: str, *, raw: str | None = None) -> bytes:
    """A sub-key of a key kept in the environment (``CHANNELS_KEY``, ``ATTENDANCE_KEY``).

    ``raw`` gives the key's value instead of the setting's (the previous value,
    while its values are sealed again under the new one).
    """
    raw = str(getattr(settings, setting, "") or "") if raw is None else raw
    if not raw:
        raise ImproperlyConfigured(f"{setting} is not set (see .env.example).")
    return subkey(_server_master(setting, raw), purpose)


class KeptKey:
    """A key kept in the environment (``CHANNELS_KEY``, ``ATTENDANCE_KEY``), for one app.

    Values sealed with it are unreadable from a database dump alone. ``lookup``
    gives a keyed hash to find a row by a value without storing the value
    (a sender's channel identifier, say) — under its own sub-key.
    """

    def __init__(
        self, setting: str, scope: str, *, minimum_length: int = 32, raw: str | None = None
    ) -> None:
        self.setting = setting
        self.scope = scope
        self.minimum_length = minimum_length
        self._raw = raw

    def previous(self, raw: str) -> KeptKey:
        """The same key as it was with the value ``raw`` (for key rotation)."""
        return KeptKey(self.setting, self.scope, minimum_length=self.minimum_length, raw=raw)

    def key(self, purpose: str = "data") -> bytes:
        return server_key(self.setting, f"{self.scope}:{purpose}", raw=self._raw)

    def seal(self, plaintext: bytes, *, label: str) -> bytes:
        return seal(self.key(), plaintext, label=label)

    def reseal(self, old: KeptKey, blob: bytes | memoryview | None, *, label: str) -> bytes | None:
        """A value sealed under ``old`` (the key's previous value), sealed under this one.

        Empty and missing values stay as they are.
        """
        if not blob:
            return None if blob is None else b""
        return self.seal(old.unseal(blob, label=label), label=label)

    def unseal(self, blob: bytes | memoryview, *, label: str) -> bytes:
        return unseal(self.key(), blob, label=label)

    def seal_text(self, value: str, *, label: str) -> bytes:
        return self.seal(value.encode(), label=label)

    def unseal_text(self, blob: bytes | memoryview | None, *, label: str) -> str:
        return self.unseal(blob, label=label).decode() if blob else ""

    def seal_json(self, value: Any, *, label: str) -> bytes:
        return seal_json(self.key(), value, label=label)

    def unseal_json(self, blob: bytes | memoryview | None, *, label: str) -> Any:
        return unseal_json(self.key(), blob, label=label)

    def lookup(self, *parts: object) -> bytes:
        """A keyed hash of ``parts`` (joined), to find a row without storing the value."""
        message = "\x00".join(str(p) for p in parts).encode()
        return crypto.keyed_hash(self.key("lookup"), message, person=b"tipoff-vault-look")

    def problems(self) -> list[str]:
        """Configuration problems, for a system check."""
        raw = str(getattr(settings, self.setting, "") or "")
        if not raw:
            return [f"{self.setting} is not set: set it to at least 32 random characters."]
        if getattr(settings, "PRODUCTION", False) and (
            len(raw) < self.minimum_length or raw.startswith("dev-")
        ):
            return [f"{self.setting} must be at least {self.minimum_length} random characters."]
        return []


# --- values -------------------------------------------------------------------------


def seal(key: bytes, plaintext: bytes, *, label: str) -> bytes:
    return crypto.encrypt(key, plaintext, label=label)


def unseal(key: bytes, blob: bytes | memoryview, *, label: str) -> bytes:
    """Raises ``DecryptionError`` for a wrong key, label or a damaged value."""
    return crypto.decrypt(key, bytes(blob), label=label)


def seal_json(key: bytes, value: Any, *, label: str) -> bytes:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return seal(key, text.encode(), label=label)


def unseal_json(key: bytes, blob: bytes | memoryview | None, *, label: str) -> Any:
    if not blob:
        return None
    return json.loads(unseal(key, blob, label=label))


def seal_to(public_key: bytes | memoryview, secret: bytes) -> bytes:
    """Seal ``secret`` (a data key) to a public key: anyone may, only the private key opens."""
    return crypto.seal(bytes(public_key), secret)


def open_sealed(private_key: bytes, sealed: bytes | memoryview) -> bytes:
    return crypto.unseal(private_key, bytes(sealed))


# --- blobs ------------------------------------------------------------------------------


def blob_put(key: bytes, data: bytes | Readable, *, storage: str = EVIDENCE) -> str:
    """Encrypt ``data`` under ``key`` into storage; returns the blob's storage name."""
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    ciphertext = b"".join(crypto.encrypt_stream(key, source))
    return storages[storage].save(f"{uuid.uuid4().hex}.bin", ContentFile(ciphertext))


def blob_open(key: bytes, name: str, *, storage: str = EVIDENCE) -> Iterator[bytes]:
    """The decrypted bytes of a blob, chunk by chunk (nothing is written anywhere)."""
    with storages[storage].open(name, "rb") as handle:
        yield from crypto.decrypt_stream(key, handle)


def blob_shred(name: str, *, storage: str = EVIDENCE) -> None:
    """Remove a blob; local storage overwrites it first (``lib.storage``)."""
    storages[storage].delete(name)


class Blobs:
    """Blobs written for one operation: removed again unless the operation completes.

    ::

        with Blobs() as blobs:
            name = blobs.put(key, data)
            ...  # the database rows that point at ``name``
    """

    def __init__(self, *, storage: str = EVIDENCE) -> None:
        self.storage = storage
        self.names: list[str] = []

    def put(self, key: bytes, data: bytes | Readable) -> str:
        name = blob_put(key, data, storage=self.storage)
        self.names.append(name)
        return name

    def discard(self) -> None:
        for name in self.names:
            blob_shred(name, storage=self.storage)
        self.names = []

    def __enter__(self) -> Blobs:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if error is not None:
            self.discard()


# --- backups -------------------------------------------------------------------------

# A backup's key comes from an operator's passphrase: Argon2id at 256 MiB, 3 passes
# (about a second, once per backup or restore).
BACKUP_KDF = crypto.KdfParams(ops=3, mem_kib=256 * 1024)


def passphrase_key(passphrase: str, salt: bytes, params: crypto.KdfParams = BACKUP_KDF) -> bytes:
    """A key from a passphrase (Argon2id); ``salt`` is 16 random bytes kept beside the ciphertext."""
    return crypto.derive_key(passphrase.encode(), salt, params)


def new_salt() -> bytes:
    return crypto.new_salt()


def stream_seal(key: bytes, source: Readable) -> Iterator[bytes]:
    """Encrypt a stream of any length chunk by chunk (XChaCha20-Poly1305 secretstream)."""
    yield from crypto.encrypt_stream(key, source)


def stream_open(key: bytes, source: Readable) -> Iterator[bytes]:
    """Decrypt what ``stream_seal`` made; ``DecryptionError`` for a wrong key or damage."""
    yield from crypto.decrypt_stream(key, source)
