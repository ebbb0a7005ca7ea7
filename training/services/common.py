"""Writes for training. Keyword-only arguments, one transaction each, full validation; expected (common)."""

BATCH_SIZE = 5000
