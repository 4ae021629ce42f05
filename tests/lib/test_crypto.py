"""The crypto module: round trips, tampering, wrong keys (property-based)."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tipoff.lib import crypto

pytestmark = pytest.mark.one_leg

KEY = crypto.random_key()


@given(st.binary(max_size=4096), st.text(max_size=40))
def test_encrypt_round_trip(plaintext: bytes, label: str) -> None:
    blob = crypto.encrypt(KEY, plaintext, label=label)
    assert crypto.decrypt(KEY, blob, label=label) == plaintext
    if len(plaintext) >= 16:  # shorter runs can occur in random bytes by chance
        assert plaintext not in blob


@given(st.binary(min_size=1, max_size=256), st.integers(min_value=0))
def test_any_flipped_bit_is_detected(plaintext: bytes, position: int) -> None:
    blob = bytearray(crypto.encrypt(KEY, plaintext, label="x"))
    index = position % len(blob)
    blob[index] ^= 1 << (position % 8)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(KEY, bytes(blob), label="x")


def test_label_binds_ciphertext_to_its_field() -> None:
    blob = crypto.encrypt(KEY, b"secret", label="report")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(KEY, blob, label="message:1")


def test_wrong_key_fails() -> None:
    blob = crypto.encrypt(KEY, b"secret", label="x")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(crypto.random_key(), blob, label="x")


@given(st.binary(max_size=64))
def test_seal_only_opens_with_private_key(message: bytes) -> None:
    pair, other = crypto.keypair(), crypto.keypair()
    sealed = crypto.seal(pair.public, message)
    assert crypto.unseal(pair.private, sealed) == message
    with pytest.raises(crypto.DecryptionError):
        crypto.unseal(other.private, sealed)


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=3 * crypto.STREAM_CHUNK + 7))
def test_stream_round_trip_across_chunk_boundaries(size: int) -> None:
    data = bytes(i % 251 for i in range(size))
    blob = b"".join(crypto.encrypt_stream(KEY, io.BytesIO(data)))
    assert b"".join(crypto.decrypt_stream(KEY, io.BytesIO(blob))) == data


@pytest.mark.parametrize("cut", [1, 40, crypto.STREAM_CHUNK])
def test_truncated_stream_is_refused(cut: int) -> None:
    data = bytes(2 * crypto.STREAM_CHUNK + 5)
    blob = b"".join(crypto.encrypt_stream(KEY, io.BytesIO(data)))
    with pytest.raises(crypto.DecryptionError):
        b"".join(crypto.decrypt_stream(KEY, io.BytesIO(blob[:-cut])))


def test_appended_data_is_refused() -> None:
    blob = b"".join(crypto.encrypt_stream(KEY, io.BytesIO(b"abc")))
    with pytest.raises(crypto.DecryptionError):
        b"".join(crypto.decrypt_stream(KEY, io.BytesIO(blob + b"extra")))


@given(st.binary(min_size=32, max_size=32))
def test_recovery_key_text_round_trip(raw: bytes) -> None:
    text = crypto.recovery_key_text(raw)
    assert crypto.recovery_key_bytes(text) == raw
    assert crypto.recovery_key_bytes(text.lower().replace("-", " ")) == raw


@pytest.mark.parametrize("text", ["", "not a key", "AAAA-BBBB"])
def test_malformed_recovery_key(text: str) -> None:
    with pytest.raises(crypto.DecryptionError):
        crypto.recovery_key_bytes(text)


def test_argon2id_depends_on_salt_and_secret() -> None:
    params = crypto.KdfParams(ops=1, mem_kib=8192)
    salt = crypto.new_salt()
    key = crypto.derive_key(b"password", salt, params)
    assert key == crypto.derive_key(b"password", salt, params)
    assert key != crypto.derive_key(b"passwore", salt, params)
    assert key != crypto.derive_key(b"password", crypto.new_salt(), params)
