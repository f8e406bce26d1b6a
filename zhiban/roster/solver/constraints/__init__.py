"""One module per constraint family; each has `add(ctx)` posting its constraints and objective terms."""
