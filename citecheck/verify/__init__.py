"""Verifying what an article claims of its sources: titles, dates, publishers and quotes
against the pages (docs/verify.md)."""
