"""Billing's writes, one module per area: pricing, quotes, charges (time and materials)."""
