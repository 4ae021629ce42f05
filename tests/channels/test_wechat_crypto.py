"""Our WeChat safe-mode crypto against an independent implementation (wechatpy), both ways."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wechat_sim import AES_KEY, APP_ID, TOKEN
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException

from tipoff.channels.signing import xml_fields
from tipoff.channels.wechat.crypto import MessageCrypto, WeChatCryptoError

ours = MessageCrypto(token=TOKEN, encoding_aes_key=AES_KEY, app_id=APP_ID)
theirs = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
xml_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="]<>&"),
    max_size=300,
)


@settings(max_examples=60, deadline=None)
@given(content=xml_text)
def test_wechatpy_decrypts_what_we_encrypt(content: str) -> None:
    message = f"<xml><Content><![CDATA[{content}]]></Content></xml>"
    encrypted = ours.encrypt(message)
    signature = ours.signature("1700000000", "nonce1", encrypted)
    wrapped = (
        f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt><MsgSignature>{signature}</MsgSignature>"
        "<TimeStamp>1700000000</TimeStamp><Nonce>nonce1</Nonce></xml>"
    )
    assert theirs.decrypt_message(wrapped, signature, "1700000000", "nonce1") == message


@settings(max_examples=60, deadline=None)
@given(content=xml_text)
def test_we_decrypt_what_wechatpy_encrypts(content: str) -> None:
    message = f"<xml><Content><![CDATA[{content}]]></Content></xml>"
    wrapped = xml_fields(theirs.encrypt_message(message, "nonce2", "1700000001").encode())
    assert ours.verify(
        wrapped["MsgSignature"], wrapped["TimeStamp"], wrapped["Nonce"], wrapped["Encrypt"]
    )
    assert ours.decrypt(wrapped["Encrypt"]) == message


def test_padding_is_to_32_byte_blocks() -> None:
    import base64

    for size in range(0, 70):
        raw = base64.b64decode(ours.encrypt("x" * size))
        assert len(raw) % 32 == 0


def test_wechatpy_refuses_our_ciphertext_for_another_app_and_a_bad_signature() -> None:
    other = MessageCrypto(token=TOKEN, encoding_aes_key=AES_KEY, app_id="wxOTHERAPP0000000")
    encrypted = other.encrypt("<xml/>")
    signature = other.signature("1", "n", encrypted)
    wrapped = f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    with pytest.raises(InvalidAppIdException):
        theirs.decrypt_message(wrapped, signature, "1", "n")
    with pytest.raises(InvalidSignatureException):
        theirs.decrypt_message(wrapped, "0" * 40, "1", "n")


@settings(max_examples=100, deadline=None)
@given(garbage=st.text(max_size=200))
def test_garbage_ciphertext_is_a_clean_error(garbage: str) -> None:
    with contextlib.suppress(WeChatCryptoError):
        ours.decrypt(garbage)


def test_tampered_ciphertext_is_refused() -> None:
    import base64

    raw = bytearray(base64.b64decode(ours.encrypt("<xml>hello</xml>")))
    raw[-1] ^= 0x01
    with pytest.raises(WeChatCryptoError):
        ours.decrypt(base64.b64encode(bytes(raw)).decode())
