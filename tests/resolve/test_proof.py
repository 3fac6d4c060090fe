"""`resolve/proof.py` and `resolve/context.py` in plain values: how a page is judged against
a citation, how the winner is chosen, and which words around a citation are its context."""

from __future__ import annotations

from datetime import date

import pytest

from citecheck.archive.cdx import search_params
from citecheck.cli_resolve import parse_budget
from citecheck.pagefacts import PageFacts
from citecheck.resolve.context import paragraph_at
from citecheck.resolve.proof import Cited, Proof, choose, date_agreement, prove, title_similarity

RUBIO = "Secretary of State Marco Rubio Remarks to Press"
TERMS = (("putin", 4.0), ("witkoff", 3.0), ("ceasefire", 3.0), ("truce", 2.0), ("envoy", 2.0))


def facts(title: str | None = None, day: str | None = None, text: str = "") -> PageFacts:
    titles = (title,) if title else ()
    return PageFacts(
        title=title,
        titles=titles,
        date=day,
        date_source="json-ld" if day else None,
        site=None,
        language="en",
        text=text,
    )


def test_a_matching_title_on_the_day_cited_on_the_site_is_near_certain() -> None:
    proof = prove(
        Cited(RUBIO, "2025-03-12", "State"), facts(RUBIO, "2025-03-12"), on_site=True, site="x"
    )
    assert proof.accepted
    assert proof.exact_date
    assert proof.confidence >= 0.95
    assert any("matches the cited title" in e for e in proof.evidence)


def test_a_page_elsewhere_is_rejected_however_well_it_matches() -> None:
    proof = prove(
        Cited(RUBIO, "2025-03-12", "State"),
        facts(RUBIO, "2025-03-12"),
        on_site=False,
        site="mirror.example",
    )
    assert not proof.accepted
    assert "mirror.example" in proof.reason


def test_a_date_that_contradicts_the_citation_rejects_the_page() -> None:
    proof = prove(
        Cited(RUBIO, "2025-03-12", "State"), facts(RUBIO, "2025-03-14"), on_site=True, site="x"
    )
    assert not proof.accepted
    assert "not on the cited 2025-03-12" in proof.reason


def test_another_title_rejects_the_page() -> None:
    proof = prove(
        Cited(RUBIO, "2025-03-12", "State"),
        facts("Secretary Rubio's Call with Saudi Foreign Minister", "2025-03-12"),
        on_site=True,
        site="x",
    )
    assert not proof.accepted
    assert "does not match" in proof.reason


def test_a_page_without_a_date_proves_a_title_with_less_confidence() -> None:
    dated = prove(
        Cited(RUBIO, "2025-03-12", "State"), facts(RUBIO, "2025-03-12"), on_site=True, site="x"
    )
    undated = prove(Cited(RUBIO, "2025-03-12", "State"), facts(RUBIO), on_site=True, site="x")
    assert undated.accepted
    assert undated.confidence < dated.confidence - 0.1


def test_without_a_title_the_page_needs_a_date_that_agrees_and_the_terms() -> None:
    cited = Cited(None, "2025-03-15", "AP", TERMS)
    story = "Putin met envoy Witkoff about the ceasefire and a truce."
    proof = prove(cited, facts("Putin meets Witkoff", "2025-03-15", story), on_site=True, site="x")
    assert proof.accepted
    assert proof.confidence <= 0.85
    undated = prove(cited, facts("Putin meets Witkoff", None, story), on_site=True, site="x")
    assert not undated.accepted
    assert "nothing else ties it" in undated.reason
    other = prove(
        cited,
        facts("Stocks rally", "2025-03-15", "Wall Street rallied; a ceasefire was mentioned."),
        on_site=True,
        site="x",
    )
    assert not other.accepted
    assert "key terms" in other.reason


@pytest.mark.parametrize(
    ("cited", "page", "agrees", "exact"),
    [
        ("2025-03-12", "2025-03-12", True, True),
        ("2025-03-12", "2025-03-11", True, False),
        ("2025-03-12", "2025-03-13", True, False),
        ("2025-03-12", "2025-03-10", False, False),
        ("2024-05", "2024-05-23", True, False),
        ("2024-05", "2024-06-01", True, False),  # a day after the month: time zones
        ("2024-05", "2024-07-01", False, False),
        ("2024", "2024-12-31", True, False),
        ("2024", "2023-06-01", False, False),
        ("2025-03-12", None, None, False),
        (None, "2025-03-12", None, False),
    ],
)
def test_dates_agree_within_a_day_or_the_precision_cited(
    cited: str | None, page: str | None, agrees: bool | None, exact: bool
) -> None:
    assert date_agreement(cited, page)[:2] == (agrees, exact)


def test_title_similarity_ignores_case_punctuation_and_the_site_name_form() -> None:
    assert title_similarity(RUBIO, ["secretary of state marco rubio: remarks to press"]) == 100
    assert title_similarity(RUBIO, ["Remarks", RUBIO.upper()]) == 100
    assert title_similarity(RUBIO, []) == 0
    assert title_similarity(RUBIO, ["Joint Statement on Jeddah"]) < 60


def proof(confidence: float, exact: bool = False) -> Proof:
    return Proof(True, confidence, (), "", exact)


def test_choose_prefers_the_day_cited_for_a_shared_title() -> None:
    chosen, tied = choose([("a", proof(0.93)), ("b", proof(0.96, exact=True))], titled=True)
    assert (chosen, tied) == ("b", [])


def test_choose_calls_a_tie_a_tie() -> None:
    chosen, tied = choose([("a", proof(0.7)), ("b", proof(0.75))], titled=False)
    assert chosen is None
    assert sorted(tied) == ["a", "b"]
    chosen, tied = choose([("a", proof(0.6)), ("b", proof(0.8))], titled=False)
    assert (chosen, tied) == ("b", [])
    rejected = Proof(False, 0.0, (), "no")
    assert choose([("a", rejected)], titled=True) == (None, [])


def test_the_context_is_the_paragraph_and_the_sentence_that_cites() -> None:
    text = (
        "An earlier paragraph.\n\n"
        "Markets fell. On 14 March, Putin met Witkoff (Associated Press, 15 March 2025). "
        "Putin supported a truce.\n\nA later paragraph."
    )
    start = text.index("(Associated")
    end = text.index(")", start) + 1
    paragraph, sentence = paragraph_at(text, start, end)
    assert paragraph.startswith("Markets fell.")
    assert paragraph.endswith("Putin supported a truce.")
    assert sentence == "On 14 March, Putin met Witkoff (Associated Press, 15 March 2025)."


def test_the_context_of_html_is_the_block_without_tags() -> None:
    text = "<div><p>Other.</p><p>Putin met <b>Witkoff</b> (AP, 15 March 2025).</p></div>"
    start = text.index("(AP")
    paragraph, sentence = paragraph_at(text, start, start + 20, markup=True)
    assert paragraph == "Putin met Witkoff (AP, 15 March 2025)."
    assert "<" not in sentence


def test_index_search_parameters() -> None:
    params = search_params(
        "apnews.com/article/",
        "prefix",
        since=date(2025, 3, 14),
        until=date(2025, 3, 22),
        resume_key="abc 123",
    )
    assert params == {
        "url": "apnews.com/article/",
        "matchType": "prefix",
        "output": "json",
        "fl": "timestamp,original,mimetype,statuscode",
        "filter": "statuscode:200",
        "collapse": "urlkey",
        "limit": "200",
        "showResumeKey": "true",
        "from": "20250314000000",
        "to": "20250322235959",
        "resumeKey": "abc 123",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12/60", (12, 60.0)), ("5", (5, 60.0)), ("3/1.5", (3, 1.5)), (" 4 / 30s ", (4, 30.0))],
)
def test_resolve_budget(text: str, expected: tuple[int, float]) -> None:
    assert parse_budget(text) == expected


@pytest.mark.parametrize("text", ["", "0", "-1/5", "a/b", "3/0", "3/inf", "1e9"])
def test_a_bad_resolve_budget_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"COUNT|above zero"):
        parse_budget(text)
