"""Receipt codes: generation, normalisation and the derivations made from them.

A receipt is ``digits`` random decimal digits (20 by default, never fewer than
16), shown in groups of four. It is never stored. One Argon2id derivation turns
it into a 32-byte master secret, salted with a random deployment-wide salt;
from the master two independent values are taken:

* the *lookup token*, stored, unique, used to find the report;
* the *reporter key*, never stored, which unwraps the report's data key.

An attacker holding the database and the server secrets must run one Argon2id
derivation per guess. docs/security.md works out what that costs.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from tipoff.lib.crypto import KdfParams, derive_key, keyed_hash

GROUP = 4


def generate(digits: int) -> str:
    if digits < 16:
        raise ValueError("receipts have at least 16 digits")
    return "".join(secrets.choice("0123456789") for _ in range(digits))


def normalise(text: str) -> str:
    """Drop spaces, dashes and other separators people type; keep the digits.

    Full-width digits (as typed on Chinese keyboards) are folded to ASCII.
    """
    out = []
    for ch in text:
        if ch.isdigit():
            try:
                out.append(str(int(ch)))
            except ValueError:  # superscripts and the like
                continue
    return "".join(out)


def is_well_formed(code: str, digits: int) -> bool:
    return len(code) == digits and code.isascii() and code.isdigit()


def display(code: str) -> str:
    return " ".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


@dataclass(frozen=True)
class ReceiptSecrets:
    lookup: bytes
    reporter_key: bytes


def derive(code: str, *, salt: bytes, params: KdfParams) -> ReceiptSecrets:
    master = derive_key(code.encode("ascii"), salt, params)
    return ReceiptSecrets(
        lookup=keyed_hash(master, b"lookup", person=b"tipoff-rcpt-look"),
        reporter_key=keyed_hash(master, b"key", person=b"tipoff-rcpt-key"),
    )
