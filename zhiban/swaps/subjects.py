"""How the approver's inbox names and links a swap request (SWAP-01)."""

from __future__ import annotations

from django.urls import reverse

from zhiban.swaps.models import SwapRequest
from zhiban.swaps.selectors import SUBJECT

__all__ = ["SUBJECT", "title", "url"]


def title(subject_id: int) -> str:
    swap = SwapRequest.objects.select_related("requester", "colleague", "shift_type").filter(pk=subject_id).first()
    if swap is None:
        return f"换班 #{subject_id}"
    other = swap.colleague.name if swap.colleague else "（待定）"
    return f"换班：{swap.requester.name} ↔ {other}，{swap.day.month}月{swap.day.day}日 {swap.shift_type.name}"


def url(subject_id: int) -> str:
    public_id = SwapRequest.objects.filter(pk=subject_id).values_list("public_id", flat=True).first()
    return reverse("swaps:detail", args=[public_id]) if public_id else ""
