"""`python -m citecheck`."""

from citecheck.cli import run

run()
