"""Where a publisher would have put a cited page: URLs from patterns, and index searches."""

from __future__ import annotations

import pytest

from citecheck.publishers import Publisher, default_registry
from citecheck.resolve.patterns import Search, parse_date, pattern_urls, searches

JEDDAH = "Joint Statement on the United States-Ukraine Meeting in Jeddah"
JEDDAH_SLUG = "joint-statement-on-the-united-states-ukraine-meeting-in-jeddah"
BRAZIL_CHINA = (
    "Brazil and China present joint proposal for peace negotiations with the participation of "
    "Russia and Ukraine"
)


def named(name: str) -> Publisher:
    found = default_registry().lookup(name)
    assert found is not None, name
    return found


def made_up(
    url_patterns: tuple[str, ...] = (),
    search_prefixes: tuple[str, ...] = (),
    domains: tuple[str, ...] = ("paper.example",),
) -> Publisher:
    return Publisher(
        "Example Paper", "newspaper", domains, (), False, url_patterns, search_prefixes
    )


# parse_date


@pytest.mark.parametrize(
    ("cited", "expected"),
    [
        ("2025", (2025, None, None)),
        ("2025-03", (2025, 3, None)),
        ("2025-03-11", (2025, 3, 11)),
        ("2024-02-29", (2024, 2, 29)),
        ("2025-12-31", (2025, 12, 31)),
    ],
)
def test_parse_date_reads_iso_partial_dates(
    cited: str, expected: tuple[int, int | None, int | None]
) -> None:
    assert parse_date(cited) == expected


@pytest.mark.parametrize(
    "cited",
    [
        None,
        "",
        "2025-13-01",
        "2025-00",
        "2025-02-30",
        "2025-02-29",
        "2025-03-00",
        "0000",
        "March 2025",
        "2025-3-1",
        "25-03-11",
        " 2025-03-11",
        "2025-03-11T10:00",
        "2025/03/11",
        "２０２５",  # full-width digits are digits to `\d`, not to extraction
    ],
)
def test_parse_date_rejects_anything_else(cited: str | None) -> None:
    assert parse_date(cited) is None


# pattern_urls


def test_the_state_department_patterns_filled_in() -> None:
    assert pattern_urls(named("State Department"), JEDDAH, "2025-03-11") == [
        f"https://www.state.gov/{JEDDAH_SLUG}/",
        f"https://www.state.gov/releases/office-of-the-spokesperson/2025/03/{JEDDAH_SLUG}/",
    ]


def test_the_planalto_patterns_filled_in() -> None:
    urls = pattern_urls(named("Planalto"), BRAZIL_CHINA, "2024-05")
    assert urls[0] == (
        "https://www.gov.br/planalto/en/latest-news/2024/05/brazil-and-china-present-joint-"
        "proposal-for-peace-negotiations-with-the-participation-of-russia-and-ukraine"
    )
    assert len(urls) == 2
    assert urls[1].startswith("https://www.gov.br/planalto/pt-br/acompanhe-o-planalto/noticias/")


def test_no_title_no_urls() -> None:
    assert pattern_urls(named("Associated Press"), None, "2025-03-15") == []
    assert pattern_urls(named("State Department"), None, "2025-03-11") == []
    assert pattern_urls(named("State Department"), "", "2025-03-11") == []
    # A title that slugs to nothing (not Latin script) gives no slug to put in.
    assert pattern_urls(named("State Department"), "聯合聲明", "2025-03-11") == []


def test_without_a_date_only_the_patterns_without_one_are_filled() -> None:
    state = named("State Department")
    expected = [f"https://www.state.gov/{JEDDAH_SLUG}/"]
    assert pattern_urls(state, JEDDAH, None) == expected
    assert pattern_urls(state, JEDDAH, "not a date") == expected
    assert pattern_urls(state, JEDDAH, "2025") == expected  # the month is missing
    assert pattern_urls(named("Planalto"), BRAZIL_CHINA, None) == []


def test_a_pattern_needing_the_day_is_skipped_for_a_month() -> None:
    paper = made_up(
        (
            "https://paper.example/{yyyy}/{mm}/{dd}/{slug}.html",
            "https://paper.example/{yyyy}/{mm}/{slug}.html",
            "https://paper.example/{slug}",
        )
    )
    assert pattern_urls(paper, "A Title", "2025-03") == [
        "https://paper.example/2025/03/a-title.html",
        "https://paper.example/a-title",
    ]
    assert pattern_urls(paper, "A Title", "2025-03-05") == [
        "https://paper.example/2025/03/05/a-title.html",
        "https://paper.example/2025/03/a-title.html",
        "https://paper.example/a-title",
    ]


def test_repeated_urls_are_given_once() -> None:
    paper = made_up(("https://paper.example/{slug}", "https://paper.example/{slug}"))
    assert pattern_urls(paper, "A Title", None) == ["https://paper.example/a-title"]


def test_an_unknown_placeholder_is_never_filled() -> None:
    # The registry refuses one; a Publisher built directly is not checked.
    paper = made_up(("https://paper.example/{year}/{slug}", "https://paper.example/{slug}"))
    assert pattern_urls(paper, "A Title", "2025-03-11") == ["https://paper.example/a-title"]


# searches


def test_searches_without_a_title() -> None:
    assert searches(named("Associated Press"), None, "2025-03-15") == [
        Search("apnews.com/article/", "prefix", "search prefix apnews.com/article/"),
        Search("apnews.com", "domain", "the publisher's domain apnews.com"),
    ]


def test_searches_with_a_title_start_with_the_patterns_cut_after_the_slug() -> None:
    state = named("State Department")
    title = "Secretary of State Marco Rubio Remarks to Press"
    slug = "secretary-of-state-marco-rubio-remarks-to-press"
    spokesperson = "state.gov/releases/office-of-the-spokesperson/{yyyy}/{mm}/"
    assert searches(state, title, "2025-03-11") == [
        Search(
            f"state.gov/{slug}",
            "prefix",
            "url pattern https://www.state.gov/{slug}/ cut after the slug",
        ),
        Search(
            f"state.gov/releases/office-of-the-spokesperson/2025/03/{slug}",
            "prefix",
            "url pattern https://www.state.gov/releases/office-of-the-spokesperson/{yyyy}/{mm}/"
            "{slug}/ cut after the slug",
        ),
        Search(
            "state.gov/releases/office-of-the-spokesperson/2025/03/",
            "prefix",
            f"search prefix {spokesperson}",
        ),
        Search("state.gov", "domain", "the publisher's domain state.gov"),
    ]


def test_searches_skip_what_needs_a_date_part_not_given() -> None:
    state = named("State Department")
    assert [s.prefix for s in searches(state, JEDDAH, "2025")] == [
        f"state.gov/{JEDDAH_SLUG}",
        "state.gov",
    ]
    assert [s.prefix for s in searches(state, None, None)] == ["state.gov"]
    nyt = named("NYT")
    assert [s.prefix for s in searches(nyt, None, "2025-03")] == ["nytimes.com"]
    assert [s.prefix for s in searches(nyt, None, "2025-03-09")] == [
        "nytimes.com/2025/03/09/",
        "nytimes.com",
    ]


def test_only_the_date_parts_before_the_slug_are_needed() -> None:
    paper = made_up(("https://www.paper.example/{slug}-{yyyy}{mm}{dd}",))
    assert pattern_urls(paper, "A Title", "2025") == []
    assert [(s.prefix, s.match_type) for s in searches(paper, "A Title", "2025")] == [
        ("paper.example/a-title", "prefix"),
        ("paper.example", "domain"),
    ]


def test_a_path_prefixed_domain_is_searched_as_a_prefix() -> None:
    planalto = named("Planalto")
    assert searches(planalto, None, None) == [
        Search("gov.br/planalto/", "prefix", "the publisher's domain gov.br/planalto"),
    ]
    found = searches(planalto, BRAZIL_CHINA, "2024-05")
    assert [(s.prefix, s.match_type) for s in found] == [
        (
            "gov.br/planalto/en/latest-news/2024/05/brazil-and-china-present-joint-proposal-for-"
            "peace-negotiations-with-the-participation-of-russia-and-ukraine",
            "prefix",
        ),
        (
            "gov.br/planalto/pt-br/acompanhe-o-planalto/noticias/2024/05/brazil-and-china-"
            "present-joint-proposal-for-peace-negotiations-with-the-participation-of-russia-"
            "and-ukraine",
            "prefix",
        ),
        ("gov.br/planalto/en/latest-news/2024/05/", "prefix"),
        ("gov.br/planalto/", "prefix"),
    ]


def test_a_publisher_without_patterns_is_searched_by_domain() -> None:
    assert searches(named("The Guardian"), "Any Title", "2025-03-11") == [
        Search("theguardian.com", "domain", "the publisher's domain theguardian.com"),
    ]


def test_repeated_searches_are_given_once_the_first_kept() -> None:
    paper = made_up(
        ("https://paper.example/{slug}", "http://www.paper.example/{slug}/"),
        ("paper.example/{yyyy}/", "paper.example/{yyyy}/"),
        ("paper.example/news",),
    )
    assert searches(paper, "A Title", "2025") == [
        Search(
            "paper.example/a-title",
            "prefix",
            "url pattern https://paper.example/{slug} cut after the slug",
        ),
        Search("paper.example/2025/", "prefix", "search prefix paper.example/{yyyy}/"),
        Search("paper.example/news/", "prefix", "the publisher's domain paper.example/news"),
    ]
    same = made_up(search_prefixes=("paper.example/news/",), domains=("paper.example/news",))
    assert searches(same, None, None) == [
        Search("paper.example/news/", "prefix", "search prefix paper.example/news/"),
    ]
