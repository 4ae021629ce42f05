"""All the cryptography tipoff does, in one small module (libsodium via PyNaCl).

The scheme (docs/security.md explains the threats it answers):

* Each report has a random 32-byte *data key*. Its text, answers, reporter
  identity, messages and evidence are encrypted with XChaCha20-Poly1305 under
  that key; a label bound in as associated data stops ciphertexts being swapped
  between fields.
* The data key is *sealed* (X25519 sealed box) to the body's public key, so
  intake needs no secret, and wrapped once more under a key derived from the
  report's receipt, so the reporter can read their own thread.
* The body's private key is sealed to each authorised staff member's own
  public key. A staff member's private key is wrapped under an Argon2id key
  derived from their password. A recovery key printed when the body is created
  wraps the body key too.
* Files use libsodium's secretstream so large evidence is encrypted in chunks.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import nacl.bindings as sodium
import nacl.exceptions
import nacl.pwhash.argon2id as argon2id
from nacl.public import PrivateKey, PublicKey, SealedBox

KEY_BYTES = 32
NONCE_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES  # 24
STREAM_CHUNK = 64 * 1024
_STREAM_HEADER = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES
_STREAM_ABYTES = sodium.crypto_secretstream_xchacha20poly1305_ABYTES
_TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
_TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
FILE_MAGIC = b"TPF1"


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class DecryptionError(Exception):
    """A ciphertext could not be authenticated with the key given."""


def random_key() -> bytes:
    return os.urandom(KEY_BYTES)


# --- symmetric ------------------------------------------------------------------


def encrypt(key: bytes, plaintext: bytes, *, label: str) -> bytes:
    """Authenticated encryption; the result is nonce || ciphertext."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        plaintext, label.encode(), nonce, key
    )


def decrypt(key: bytes, blob: bytes, *, label: str) -> bytes:
    nonce, body = blob[:NONCE_BYTES], blob[NONCE_BYTES:]
    try:
        return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(body, label.encode(), nonce, key)
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as exc:
        raise DecryptionError(label) from exc


# --- public key -----------------------------------------------------------------


@dataclass(frozen=True)
class KeyPair:
    public: bytes
    private: bytes


def keypair() -> KeyPair:
    sk = PrivateKey.generate()
    return KeyPair(public=bytes(sk.public_key), private=bytes(sk))


def public_from_private(private: bytes) -> bytes:
    return bytes(PrivateKey(private).public_key)


def seal(public: bytes, plaintext: bytes) -> bytes:
    """Anyone with the public key can seal; only the private key opens."""
    return bytes(SealedBox(PublicKey(public)).encrypt(plaintext))


def unseal(private: bytes, sealed: bytes) -> bytes:
    try:
        return bytes(SealedBox(PrivateKey(private)).decrypt(sealed))
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as exc:
        raise DecryptionError("sealed box") from exc


# --- passwords ------------------------------------------------------------------


@dataclass(frozen=True)
class KdfParams:
    ops: int
    mem_kib: int

    def as_dict(self) -> dict[str, int]:
        return {"ops": self.ops, "mem_kib": self.mem_kib}


def derive_key(secret: bytes, salt: bytes, params: KdfParams) -> bytes:
    """Argon2id, 32 bytes. ``salt`` must be 16 bytes."""
    return bytes(
        argon2id.kdf(KEY_BYTES, secret, salt, opslimit=params.ops, memlimit=params.mem_kib * 1024)
    )


def new_salt() -> bytes:
    return os.urandom(argon2id.SALTBYTES)


def keyed_hash(key: bytes, message: bytes, *, person: bytes, size: int = 32) -> bytes:
    """BLAKE2b keyed with ``key`` and personalised, for domain separation."""
    import hashlib

    return hashlib.blake2b(message, key=key[:64], person=person[:16], digest_size=size).digest()


# --- recovery keys --------------------------------------------------------------


def recovery_key_text(raw: bytes) -> str:
    """32 random bytes shown as eight groups of base32, easy to copy on paper."""
    text = base64.b32encode(raw).decode().rstrip("=")
    return "-".join(text[i : i + 7] for i in range(0, len(text), 7))


def recovery_key_bytes(text: str) -> bytes:
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    padded = cleaned + "=" * (-len(cleaned) % 8)
    try:
        raw = base64.b32decode(padded)
    except (ValueError, base64.binascii.Error) as exc:  # type: ignore[attr-defined]
        raise DecryptionError("recovery key") from exc
    if len(raw) != KEY_BYTES:
        raise DecryptionError("recovery key")
    return raw


# --- streams (files) --------------------------------------------------------------


def encrypt_stream(key: bytes, source: Readable) -> Iterator[bytes]:
    """Yield FILE_MAGIC, header, then encrypted chunks of ``source``."""
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    header = sodium.crypto_secretstream_xchacha20poly1305_init_push(state, key)
    yield FILE_MAGIC + header
    chunk = source.read(STREAM_CHUNK)
    while True:
        following = source.read(STREAM_CHUNK)
        tag = _TAG_FINAL if not following else _TAG_MESSAGE
        yield sodium.crypto_secretstream_xchacha20poly1305_push(state, chunk, None, tag)
        if not following:
            return
        chunk = following


def decrypt_stream(key: bytes, source: Readable) -> Iterator[bytes]:
    head = source.read(len(FILE_MAGIC) + _STREAM_HEADER)
    if not head.startswith(FILE_MAGIC) or len(head) != len(FILE_MAGIC) + _STREAM_HEADER:
        raise DecryptionError("file header")
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    try:
        sodium.crypto_secretstream_xchacha20poly1305_init_pull(state, head[len(FILE_MAGIC) :], key)
    except (nacl.exceptions.CryptoError, ValueError) as exc:
        raise DecryptionError("file header") from exc
    while True:
        block = source.read(STREAM_CHUNK + _STREAM_ABYTES)
        if not block:
            raise DecryptionError("file truncated")
        try:
            plain, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(state, block, None)
        except (nacl.exceptions.CryptoError, ValueError) as exc:
            raise DecryptionError("file chunk") from exc
        yield plain
        if tag == _TAG_FINAL:
            if source.read(1):
                raise DecryptionError("data after final chunk")
            return
