"""API of the approvals app (same selectors and services as the pages)."""

from ninja import Router

router = Router(tags=["approvals"])
