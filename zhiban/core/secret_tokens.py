"""Bearer secrets (API tokens, kiosk and calendar-feed addresses): made here, stored only as a digest."""

import hashlib
import secrets


def new_secret(prefix: str = "") -> str:
    """A fresh URL-safe secret of 256 bits, shown to its owner once."""
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """What the database keeps of a secret: its SHA-256, so a leaked table reveals no usable secret."""
    return hashlib.sha256(secret.encode()).hexdigest()
