"""WeChat's message encryption ("safe mode"), as the official-account docs specify.

AESKey = base64-decode(EncodingAESKey + "="), 32 bytes; AES-256-CBC with the
first 16 key bytes as IV; PKCS#7 padding to a multiple of 32 bytes; plaintext
= 16 random bytes + 4-byte big-endian length + message + AppID. The message
signature is the SHA-1 of token, timestamp, nonce and the ciphertext, sorted.
"""

from __future__ import annotations

import base64
import binascii
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from tipoff.channels.signing import MalformedPayload, same, sorted_sha1

BLOCK = 32


class WeChatCryptoError(MalformedPayload):
    pass


def _pad(data: bytes) -> bytes:
    size = BLOCK - len(data) % BLOCK
    return data + bytes([size]) * size


def _unpad(data: bytes) -> bytes:
    if not data:
        raise WeChatCryptoError("empty plaintext")
    size = data[-1]
    if not 1 <= size <= BLOCK or data[-size:] != bytes([size]) * size:
        raise WeChatCryptoError("bad padding")
    return data[:-size]


class MessageCrypto:
    def __init__(self, *, token: str, encoding_aes_key: str, app_id: str) -> None:
        try:
            key = base64.b64decode(encoding_aes_key + "=", validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("EncodingAESKey is not valid base64") from exc
        if len(key) != 32:
            raise ValueError("EncodingAESKey must decode to 32 bytes")
        self.token = token
        self.key = key
        self.app_id = app_id

    def _cipher(self) -> Cipher:
        return Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16]))

    def encrypt(self, message: str, *, random: bytes | None = None) -> str:
        body = message.encode()
        plain = (
            (random or os.urandom(16)) + struct.pack(">I", len(body)) + body + self.app_id.encode()
        )
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(_pad(plain)) + encryptor.finalize()).decode()

    def decrypt(self, encrypted: str) -> str:
        try:
            data = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise WeChatCryptoError("ciphertext is not base64") from exc
        if not data or len(data) % 16:
            raise WeChatCryptoError("ciphertext length")
        decryptor = self._cipher().decryptor()
        plain = _unpad(decryptor.update(data) + decryptor.finalize())
        if len(plain) < 20:
            raise WeChatCryptoError("plaintext too short")
        (length,) = struct.unpack(">I", plain[16:20])
        if 20 + length > len(plain):
            raise WeChatCryptoError("length field")
        message, app_id = plain[20 : 20 + length], plain[20 + length :]
        if not same(self.app_id, app_id.decode(errors="replace")):
            raise WeChatCryptoError("AppID does not match")
        try:
            return message.decode()
        except UnicodeDecodeError as exc:
            raise WeChatCryptoError("message is not UTF-8") from exc

    def signature(self, timestamp: str, nonce: str, encrypted: str) -> str:
        return sorted_sha1(self.token, timestamp, nonce, encrypted)

    def verify(self, msg_signature: str, timestamp: str, nonce: str, encrypted: str) -> bool:
        return same(self.signature(timestamp, nonce, encrypted), msg_signature)
