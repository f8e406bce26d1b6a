"""API of the leave app (same selectors and services as the pages)."""

from ninja import Router

router = Router(tags=["leave"])
