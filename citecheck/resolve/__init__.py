"""Resolving unlinked citations: from "(see: Joint Statement on ... – United States Department of
State, March 11, 2025)" to the exact page it means, with the evidence (docs/resolve.md)."""
