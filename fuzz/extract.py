"""atheris harness: every extractor, and the readers of fetched pages, over coverage-guided bytes.

Not a test (pytest does not collect it): run it by hand, see fuzz/README.md. The first byte
chooses the reader and its options; the rest is the text, read as UTF-8 with `surrogateescape`
(so invalid bytes become lone surrogates, as a file name that is not UTF-8 does). A crash is an
exception, or a broken promise checked by the fuzz tests' own checks
(`tests/fuzz/strategies.py`): a span outside the text or with a wrong line or column, a date
that does not exist, a prose view of another length, page facts that are not well formed.
"""

from __future__ import annotations

import importlib
import sys
from datetime import date, timedelta
from pathlib import Path

import atheris  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "fuzz")]

# Instrumented: every module of ours that reads untrusted text, and the Markdown parser. Modules
# the package imports lazily are imported here, or their code would run uninstrumented.
with atheris.instrument_imports(include=["citecheck", "markdown_it"]):
    READERS = [f"citecheck.extract.{p.stem}" for p in (ROOT / "citecheck" / "extract").glob("*.py")]
    for name in [*READERS, "citecheck.pagefacts", "citecheck.signals", "citecheck.pagebytes"]:
        importlib.import_module(name)
    from citecheck import pagefacts, signals
    from citecheck.extract import finish, read
    from citecheck.extract.dates import document_date, find_dates, parse_date
    from citecheck.extract.urls import find_urls, interpret
    from citecheck.model import Document, Format

import strategies  # noqa: E402  (after the instrumented imports: the fuzz tests' checks)

FORMATS: list[Format] = ["markdown", "html", "text"]
BASES = [None, "https://base.example/dir/", "http://[::1"]
TODAY = date(2026, 1, 1)


def extract_and_check(text: str, fmt: Format, code: bool, base: str | None) -> None:
    reading = read(Document("doc", fmt, text, "utf-8"), base_url=base, include_code=code)
    assert len(reading.prose) == len(text)
    links = reading.reported_links()
    found, _ = finish(reading)
    assert [c for c in found if c.kind == "link"] == links
    for citation in found:
        strategies.check_citation(text, "doc", citation, code=code, html=fmt == "html")


def page_and_check(data: bytes, text: str, as_bytes: bool) -> None:
    latest = TODAY + timedelta(days=2)
    facts = pagefacts._facts(
        data if as_bytes else text, "https://a.example/2024/01/02/x", None, latest
    )
    for title in facts.titles:
        assert title == " ".join(title.split())
        assert len(title) <= pagefacts.MAX_FIELD
    if facts.date is not None:
        assert date(1990, 1, 1) <= date.fromisoformat(facts.date) <= latest
    assert len(facts.text) <= pagefacts.MAX_TEXT


def signals_and_check(text: str) -> None:
    said = signals.not_found_text(text)
    assert said is None or len(said) <= 120
    head, _, tail = text.partition("\n")
    signals.soft_404(head, tail[:2000], True, text)
    signals.bot_wall(403, {"server": head[:50]}, text)


def test_one_input(data: bytes) -> None:
    if not data:
        return
    choice, rest = data[0], data[1:]
    text = rest.decode("utf-8", "surrogateescape")
    target = choice % 8
    if target < 3:
        extract_and_check(text, FORMATS[target], bool(choice & 0x10), BASES[(choice >> 5) % 3])
    elif target == 3:
        for url in find_urls(text):
            assert text[url.start : url.end] == url.raw
            interpret(url.raw, BASES[(choice >> 5) % 3], bare=True)
        interpret(text, BASES[(choice >> 5) % 3], bare=bool(choice & 0x10))
    elif target == 4:
        for match in find_dates(text):
            assert strategies.date_exists(match.date), match
        parse_date(text[:300])
        document_date(text, FORMATS[(choice >> 4) % 3])
    elif target in (5, 6):
        page_and_check(rest, text, target == 6)
    else:
        signals_and_check(text)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
