"""The reference article: the report must hold what ../shared/examples/README.md lists.

This is the golden test the issue asks for, written from that README (what a careful editor
lists), not from the tool's output: five references with publisher, title and date; the quotes
attributed to their sources; the three photo credits; the republication note and its missing
link; and none of the scare quotes as an attributed quote.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from citecheck.extract import extract
from citecheck.model import Citation, Document

ARTICLE = (
    Path(__file__).resolve().parents[2] / "examples" / "lo-2025-us-russia-ukraine-appeasement.txt"
)
STATE = "United States Department of State"


@pytest.fixture(scope="module")
def found() -> list[Citation]:
    text = ARTICLE.read_text(encoding="utf-8")
    citations, _ = extract(Document(str(ARTICLE), "text", text, "utf-8"))
    return citations


def _kind(found: list[Citation], kind: str) -> list[Citation]:
    return [c for c in found if c.kind == kind]


def test_the_five_references_with_publisher_title_and_date(found: list[Citation]) -> None:
    references = _kind(found, "reference")
    assert [r.span.line for r in references] == [62, 76, 78, 80, 94]
    jeddah, rubio, planalto, ap, cbs = references
    assert jeddah.title == "Joint Statement on the United States-Ukraine Meeting in Jeddah"
    assert (jeddah.publisher, jeddah.domain, jeddah.date) == (STATE, "state.gov", "2025-03-11")
    assert rubio.title == "Secretary of State Marco Rubio Remarks to Press"
    assert (rubio.publisher, rubio.domain, rubio.date) == (STATE, "state.gov", "2025-03-12")
    assert planalto.title == (
        "Brazil and China present joint proposal for peace negotiations with the participation "
        "of Russia and Ukraine"
    )
    assert planalto.publisher is not None
    assert "Planalto" in planalto.publisher
    assert planalto.domain == "gov.br/planalto"
    assert planalto.date == "2024-05"
    assert (ap.publisher, ap.domain, ap.title, ap.date) == (
        "Associated Press",
        "apnews.com",
        None,
        "2025-03-15",
    )
    assert (cbs.publisher, cbs.domain, cbs.title, cbs.date) == (
        "CBS News",
        "cbsnews.com",
        None,
        "2025-03-13",
    )
    assert all(r.confidence >= 0.9 for r in references)


def test_the_unclosed_see_bracket_stops_at_its_sentence(found: list[Citation]) -> None:
    planalto = next(r for r in _kind(found, "reference") if r.span.line == 78)
    written = " ".join(planalto.source.split())  # the article has a no-break space after "see:"
    assert written.startswith("(see: Brazil and China")
    assert written.endswith("Planalto (www.gov.br)")
    assert planalto.span.end_line == 78


JOINT_STATEMENT_QUOTES = [
    "important steps towards restoring durable peace for Ukraine.",
    "bravery.",
    "strong gratitude to President Trump, the US Congress, and the people of the US for making "
    "possible meaningful progress towards peace.",
    "readiness to accept the US proposal to enact an immediate, interim 30-day ceasefire,",
    "communicate to Russia that Russian reciprocity is the key to achieving peace.",
    "will immediately lift the pause on intelligence sharing and resume security assistance to "
    "Ukraine.",
    "forcibly transferred children.",
    "European partners shall be involved in the peace process,",
    "both countries’ presidents agreed to conclude as soon as possible a comprehensive agreement "
    "for developing Ukraine’s critical mineral resources",
]


@pytest.mark.parametrize("words", JOINT_STATEMENT_QUOTES)
def test_joint_statement_quotes_are_tied_to_reference_one(
    found: list[Citation], words: str
) -> None:
    (quote,) = [q for q in _kind(found, "quote") if q.text.startswith(words)]
    assert quote.form == "attributed"
    assert quote.attributed_to
    assert quote.reference is not None
    assert quote.reference.span.line == 62


def test_moscow_quote_is_tied_to_cbs(found: list[Citation]) -> None:
    (quote,) = [q for q in _kind(found, "quote") if q.text == "extremely confrontational"]
    assert quote.form == "attributed"
    assert quote.attributed_to == "Moscow"
    assert quote.reference is not None
    assert quote.reference.publisher == "CBS News"


def test_trump_quote_is_attributed_but_unsourced(found: list[Citation]) -> None:
    (quote,) = [q for q in _kind(found, "quote") if q.text.startswith("devastating measures")]
    assert quote.form == "attributed"
    assert quote.attributed_to == "President Trump"
    assert quote.reference is None


@pytest.mark.parametrize(
    ("words", "speaker"),
    [
        ("為恢復烏克蘭持久和平採取了重要步驟", "聲明"),
        ("勇敢", "兩國代表"),
        ("對特朗普總統、美國國會和美國人民表示強烈感謝", "烏克蘭代表團"),
        ("準備接受美國的建議", "烏方"),
        ("強行轉移的兒童", "烏克蘭和美國代表團"),
        ("歐洲盟友應參與和平進程", "烏克蘭代表"),
        ("極具對抗性", "俄方"),
        ("對俄羅斯經濟採取毀滅性措施", "特朗普"),
    ],
)
def test_chinese_renderings_are_attributed(found: list[Citation], words: str, speaker: str) -> None:
    (quote,) = [q for q in _kind(found, "quote") if q.text.startswith(words)]
    assert quote.form == "attributed"
    assert quote.attributed_to == speaker


SCARE = [
    "apology",
    "democratic",
    "humiliated",
    "invade",
    "Greater Russia",
    "disastrous",
    "preconditions",
    "trapped",
    "new buffer state.",
]


def test_scare_quotes_are_not_attributed_quotes(found: list[Citation]) -> None:
    quotes = {q.text: q for q in _kind(found, "quote")}
    for words in SCARE:
        assert quotes[words].form == "scare", words
        assert quotes[words].attributed_to is None
        assert quotes[words].reference is None
    attributed = [q for q in quotes.values() if q.form != "scare"]
    assert len(attributed) == len(JOINT_STATEMENT_QUOTES) + 2 + 8


def test_three_photo_credits(found: list[Citation]) -> None:
    photos = [c for c in _kind(found, "credit") if c.form == "photo"]
    assert [c.span.line for c in photos] == [18, 45, 96]
    zelensky, nato, xinhua = photos
    assert (zelensky.publisher, zelensky.author, zelensky.domain) == (
        "Facebook",
        "澤連斯基",
        "facebook.com",
    )
    assert (nato.publisher, nato.author) == ("Facebook", "北約")
    assert xinhua.domain == "xinhuanet.com"
    assert (xinhua.author, xinhua.date) == ("Xie Huanchi", "2023-03-21")
    # The dateline of the same caption is the same credit, not a second one.
    assert not [c for c in _kind(found, "credit") if c.form == "dateline"]


def test_bylines_are_credits_not_sources(found: list[Citation]) -> None:
    bylines = [c for c in _kind(found, "credit") if c.form == "byline"]
    assert [(c.span.line, c.author) for c in bylines] == [(6, "羅耀強"), (110, "盧兆興")]


def test_republication_note_and_its_missing_link(found: list[Citation]) -> None:
    (note,) = _kind(found, "republication")
    assert note.span.line == 108
    assert note.domain == "macaunews.mo"
    assert note.link_missing is True
    assert note.source.endswith("原文按此")
    assert note.text.startswith("原刊於澳門新聞通訊社(MNA)網站")


def test_the_bare_domain_is_a_link(found: list[Citation]) -> None:
    (link,) = _kind(found, "link")
    assert (link.span.line, link.url) == (78, "https://www.gov.br")
