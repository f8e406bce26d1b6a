"""Opaque public ids (e.g. `per_4k9x2m7q8w3r`): URLs and the API never expose database keys."""

import secrets

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case


def new_public_id(prefix: str) -> str:
    return prefix + "_" + "".join(secrets.choice(_ALPHABET) for _ in range(14))
