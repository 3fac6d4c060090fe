"""The publisher registry: its data, name lookup, matching in text, URLs and user entries."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citecheck.publishers import (
    Publisher,
    PublisherType,
    Registry,
    RegistryError,
    default_registry,
    load_registry,
    registrable_domain,
    suffixes,
)
from citecheck.publishers import registry as registry_module

REGISTRY = default_registry()


def named(name: str) -> Publisher:
    found = REGISTRY.lookup(name)
    assert found is not None, name
    return found


# The data


def test_the_built_in_registry_has_at_least_230_publishers() -> None:
    assert len(REGISTRY.publishers) >= 230


def test_every_publisher_has_a_known_type_and_a_domain() -> None:
    types = set(get_args(PublisherType))
    for publisher in REGISTRY.publishers:
        assert publisher.type in types, publisher.name
        assert publisher.domains, publisher.name
        assert publisher.domain == publisher.domains[0]


def test_every_domain_entry_names_a_real_host() -> None:
    for publisher in REGISTRY.publishers:
        for entry in publisher.domains:
            host = entry.partition("/")[0]
            assert entry == entry.lower(), entry
            assert not entry.startswith("www."), entry
            # gov.br, gov.uk, gov.hk ... are public suffixes themselves, run by the government.
            suffix_itself = registrable_domain("example." + host) == "example." + host
            assert registrable_domain(host) is not None or suffix_itself, entry


def test_every_name_leads_back_to_its_own_publisher() -> None:
    # Building the registry already refuses a name two publishers claim; this checks the result.
    for publisher in REGISTRY.publishers:
        for name in (publisher.name, *publisher.aliases):
            assert REGISTRY.lookup(name) is publisher, (name, publisher.name)


def test_no_domain_entry_belongs_to_two_publishers() -> None:
    entries = [entry for publisher in REGISTRY.publishers for entry in publisher.domains]
    assert len(entries) == len(set(entries))


def test_every_capitalised_only_word_is_a_registered_name() -> None:
    assert REGISTRY.capitalised  # registry.toml's [matching] table was read
    for word in REGISTRY.capitalised:
        assert REGISTRY.lookup(word) is not None, word


def test_every_type_is_represented() -> None:
    assert {p.type for p in REGISTRY.publishers} == set(get_args(PublisherType))


@pytest.mark.parametrize(
    ("name", "canonical", "domain"),
    [
        ("AP", "Associated Press", "apnews.com"),
        ("Associated Press", "Associated Press", "apnews.com"),
        ("美聯社", "Associated Press", "apnews.com"),
        ("美联社", "Associated Press", "apnews.com"),
        ("State Department", "United States Department of State", "state.gov"),
        ("US State Department", "United States Department of State", "state.gov"),
        ("Department of State", "United States Department of State", "state.gov"),
        ("美國國務院", "United States Department of State", "state.gov"),
        ("美国国务院", "United States Department of State", "state.gov"),
        ("Planalto", "Planalto", "gov.br/planalto"),
        ("Palácio do Planalto", "Planalto", "gov.br/planalto"),
        ("Brazilian Presidency", "Planalto", "gov.br/planalto"),
        ("巴西總統府", "Planalto", "gov.br/planalto"),
        ("Xinhua", "Xinhua News Agency", "xinhuanet.com"),
        ("Xinhua News Agency", "Xinhua News Agency", "xinhuanet.com"),
        ("新華社", "Xinhua News Agency", "xinhuanet.com"),
        ("新华社", "Xinhua News Agency", "xinhuanet.com"),
        ("新華網", "Xinhua News Agency", "xinhuanet.com"),
        ("北約", "NATO", "nato.int"),
        ("北约", "NATO", "nato.int"),
        ("Facebook", "Facebook", "facebook.com"),
        ("臉書", "Facebook", "facebook.com"),
        ("MNA", "Macau News Agency", "macaunews.mo"),
        ("澳門新聞通訊社", "Macau News Agency", "macaunews.mo"),
        ("澳门新闻通讯社", "Macau News Agency", "macaunews.mo"),
        ("Macau Business", "Macau Business", "macaubusiness.com"),
        ("CBS News", "CBS News", "cbsnews.com"),
        ("白宮", "The White House", "whitehouse.gov"),
        ("克里姆林宮", "Kremlin", "kremlin.ru"),
        ("國務院", "State Council of the People's Republic of China", "gov.cn"),
        ("中央社", "Central News Agency", "cna.com.tw"),
        ("總統府", "Office of the President, Republic of China (Taiwan)", "president.gov.tw"),
        ("Jamaica Information Service", "Jamaica Information Service", "jis.gov.jm"),
        ("推特", "X", "x.com"),
        ("微信", "WeChat", "weixin.qq.com"),
    ],
)
def test_required_names_resolve(name: str, canonical: str, domain: str) -> None:
    publisher = named(name)
    assert (publisher.name, publisher.domain) == (canonical, domain)


def test_xinhua_lists_news_cn_as_well() -> None:
    assert named("新华网").domains == ("xinhuanet.com", "news.cn")


def test_planalto_and_the_federal_portal_share_gov_br() -> None:
    assert named("Planalto").domains == ("gov.br/planalto",)
    assert named("Brazilian Government").domain == "gov.br"


def test_an_abbreviation_two_publishers_use_is_left_out() -> None:
    assert REGISTRY.lookup("ABC") is None  # ABC News (US) or the Australian ABC
    assert REGISTRY.lookup("CNA") is None  # Taiwan's Central News Agency or Channel NewsAsia
    assert named("ABC News").domain == "abcnews.go.com"
    assert named("ABC Australia").domain == "abc.net.au"


# lookup


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("ＡＰ", "Associated Press"),
        ("the Associated Press", "Associated Press"),
        ("THE   associated\npress", "Associated Press"),
        ("U.S. State Department", "United States Department of State"),
        ("U.S. Department of State", "United States Department of State"),
        ('"Reuters",', "Reuters"),
        ("“Reuters”", "Reuters"),
        ("Reuters.", "Reuters"),
        ("《紐約時報》", "The New York Times"),
        ("「新華社」", "Xinhua News Agency"),
        ("New York Times", "The New York Times"),
        ("Al-Jazeera", "Al Jazeera"),
        ("Agence France Presse", "Agence France-Presse"),
        ("People’s Daily", "People's Daily"),
        ("Ｘｉｎｈｕａ", "Xinhua News Agency"),
    ],
)
def test_lookup_normalises_the_name(written: str, canonical: str) -> None:
    assert named(written).name == canonical


@pytest.mark.parametrize("written", ["Associated", "APnews", "A P", "Press", "新華", ""])
def test_lookup_needs_the_whole_name(written: str) -> None:
    assert REGISTRY.lookup(written) is None


# match_at


def test_match_at_finds_the_longest_name() -> None:
    text = "BBC中文網報道"
    assert REGISTRY.match_at(text, 0) == (named("BBC中文網"), 6)
    assert named("BBC中文網").name == "BBC News Chinese"
    assert REGISTRY.match_at("美國國務院發言人", 0) == (named("State Department"), 5)
    assert REGISTRY.match_at("美國國務院發言人", 2) == (named("國務院"), 5)


def test_match_at_stops_at_end() -> None:
    assert REGISTRY.match_at("BBC中文網", 0, 3) == (named("BBC"), 3)
    assert REGISTRY.match_at("Associated Press", 0, 12) is None


def test_a_latin_name_must_end_at_a_word_boundary() -> None:
    assert REGISTRY.match_at("APnews said", 0) is None
    assert REGISTRY.match_at("AP2 said", 0) is None
    assert REGISTRY.match_at("AP, said", 0) == (named("AP"), 2)
    assert REGISTRY.match_at("AP報道", 0) == (named("AP"), 2)


def test_a_latin_name_must_start_at_a_word_boundary() -> None:
    assert REGISTRY.match_at("CNAP said", 2) is None
    assert REGISTRY.match_at("(AP) said", 1) == (named("AP"), 3)
    # After a CJK character a Latin name starts a word: `澤連斯基Facebook`.
    assert REGISTRY.match_at("澤連斯基Facebook)", 4) == (named("Facebook"), 12)


def test_a_cjk_name_needs_no_boundary() -> None:
    text = "據新華社報道"
    assert REGISTRY.match_at(text, 1) == (named("新華社"), 4)


def test_match_at_takes_in_a_leading_the() -> None:
    text = "the Associated Press said"
    assert REGISTRY.match_at(text, 0) == (named("AP"), 20)
    assert REGISTRY.match_at("there AP", 0) is None


def test_match_at_offsets_are_in_the_original_text() -> None:
    text = "ＡＰ和 the U.S.  State Department."
    assert REGISTRY.match_at(text, 0) == (named("AP"), 2)
    publisher, end = REGISTRY.match_at(text, 4) or (None, 0)
    assert publisher is named("State Department")
    assert text[4:end] == "the U.S.  State Department"


def test_an_abbreviation_keeps_its_final_dot() -> None:
    assert REGISTRY.match_at("U.N. officials", 0) == (named("UN"), 4)


def test_an_ordinary_word_matches_only_with_the_registry_capitals() -> None:
    assert REGISTRY.match_at("time will tell", 0) is None
    assert REGISTRY.match_at("Time reported", 0) == (named("Time"), 4)
    assert REGISTRY.match_at("who knows", 0) is None
    assert REGISTRY.match_at("Who knows", 0) is None
    assert REGISTRY.match_at("WHO warned", 0) == (named("WHO"), 3)
    assert REGISTRY.match_at("the paper says", 0) is None
    assert REGISTRY.match_at("The Paper says", 0) == (named("澎湃新聞"), 9)
    assert REGISTRY.lookup("time") is named("Time")  # a whole name is not running text


# match_before


def test_match_before_finds_a_cjk_name_ending_at_the_offset() -> None:
    text = "據新華社報道，"
    assert REGISTRY.match_before(text, text.index("報道")) == (named("新華社"), 1)


def test_match_before_finds_the_longest_name_and_respects_start() -> None:
    text = "據美國國務院表示"
    end = text.index("表示")
    assert REGISTRY.match_before(text, end) == (named("State Department"), 1)
    assert REGISTRY.match_before(text, end, 3) == (named("國務院"), 3)


def test_match_before_keeps_latin_word_boundaries() -> None:
    assert REGISTRY.match_before("APnews", 2) is None
    assert REGISTRY.match_before("CNAP", 4) is None
    text = "(北約Facebook)"
    assert REGISTRY.match_before(text, text.index(")"), 1) == (named("Facebook"), 3)


def test_match_before_takes_in_a_leading_the() -> None:
    text = "as the Associated Press reported"
    assert REGISTRY.match_before(text, text.index(" reported")) == (named("AP"), 3)


def test_match_before_takes_the_final_dot_of_an_abbreviation() -> None:
    assert REGISTRY.match_before("the U.N.", 8) == (named("UN"), 0)
    assert REGISTRY.match_before("by AP.", 6) is None


# find_all


def test_find_all_finds_every_name_leftmost_longest() -> None:
    text = "(Xinhua/Xie Huanchi) 據新華社報道，美國國務院和北約Facebook; the State Department."
    found = REGISTRY.find_all(text)
    assert [(p.name, text[s:e]) for p, s, e in found] == [
        ("Xinhua News Agency", "Xinhua"),
        ("Xinhua News Agency", "新華社"),
        ("United States Department of State", "美國國務院"),
        ("NATO", "北約"),
        ("Facebook", "Facebook"),
        ("United States Department of State", "the State Department"),
    ]


def test_find_all_keeps_to_the_range() -> None:
    text = "AP and Reuters and AFP"
    assert [text[s:e] for _, s, e in REGISTRY.find_all(text, 3, 18)] == ["Reuters"]
    assert [text[s:e] for _, s, e in REGISTRY.find_all(text, 1)] == ["Reuters", "AFP"]


def test_find_all_skips_names_inside_words_and_lowercase_common_words() -> None:
    text = "a time to read the paper in APnews; ask who; CNAPS"
    assert REGISTRY.find_all(text) == []


def test_find_all_in_the_reference_article_finds_its_sources() -> None:
    path = Path(__file__).parent.parent.parent / "examples"
    text = (path / "lo-2025-us-russia-ukraine-appeasement.txt").read_text(encoding="utf-8")
    found = {publisher.name for publisher, _, _ in REGISTRY.find_all(text)}
    assert {"Planalto", "Xinhua News Agency", "NATO", "Facebook", "Macau News Agency"} <= found


_NAMES = [name for p in REGISTRY.publishers[::4] for name in (p.name, *p.aliases)]
_FILLER = [" ", "，", "said ", "據", "\n", "the ", "U.S. ", "ＡＰ", "x", "-", ".", "\u200b", "中"]


def naive_find_all(text: str) -> list[tuple[Publisher, int, int]]:
    """find_all as its definition reads: try match_at at every offset, left to right."""
    found, position = [], 0
    while position < len(text):
        hit = REGISTRY.match_at(text, position)
        if hit is None:
            position += 1
        else:
            found.append((hit[0], position, hit[1]))
            position = hit[1]
    return found


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_NAMES), st.sampled_from(_FILLER)), max_size=14))
def test_find_all_finds_what_match_at_finds_at_every_offset(pieces: list[str]) -> None:
    text = "".join(pieces)
    found = REGISTRY.find_all(text)
    assert found == naive_find_all(text)
    for publisher, start, end in found:
        assert REGISTRY.lookup(text[start:end]) is publisher


def test_find_all_over_five_megabytes_is_not_quadratic() -> None:
    chunk = "據新華社報道，美國國務院發言人表示。According to the Associated Press, NATO said. "
    repeats = 5_000_000 // len(chunk)
    text = chunk * repeats
    began = time.perf_counter()
    found = REGISTRY.find_all(text)
    elapsed = time.perf_counter() - began
    assert len(found) == 4 * repeats
    assert elapsed < 20, f"find_all took {elapsed:.1f} s over {len(text):,} characters"


# for_url


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://www.state.gov/x", "United States Department of State"),
        ("https://www.gov.br/planalto/en/x", "Planalto"),
        ("https://www.gov.br/planalto", "Planalto"),
        ("https://www.gov.br/planaltox/y", "Government of Brazil"),
        ("www.gov.br", "Government of Brazil"),
        ("https://news.cn/a", "Xinhua News Agency"),
        ("https://english.news.cn/20250321/x.html", "Xinhua News Agency"),
        ("https://WWW.APNEWS.COM/article/x", "Associated Press"),
        ("https://mp.weixin.qq.com/s/abc", "WeChat"),
        ("https://news.qq.com/rain/a", "Tencent News"),
        ("https://www.bbc.com/zhongwen/trad/world-1", "BBC News Chinese"),
        ("https://www.bbc.com/news/world-1", "BBC"),
        (
            "https://www.gov.uk/government/organisations/foreign-commonwealth-development-office",
            "Foreign, Commonwealth and Development Office",
        ),
        ("https://www.gov.uk/guidance/x", "UK Government"),
        ("https://youtu.be/abc", "YouTube"),
        ("https://t.me/channel/1", "Telegram"),
        ("http://abcnews.go.com:80/x", "ABC News"),
    ],
)
def test_for_url_finds_the_publisher(url: str, canonical: str) -> None:
    publisher = REGISTRY.for_url(url)
    assert publisher is not None
    assert publisher.name == canonical


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/x",
        "https://camden.gov.uk/x",  # under gov.uk, but not the UK Government's site
        "https://go.com/",
        "mailto:press@state.gov",
        "https://192.0.2.1/x",
        "",
    ],
)
def test_for_url_knows_nothing_else(url: str) -> None:
    assert REGISTRY.for_url(url) is None


# registrable_domain


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://www.bbc.co.uk/news", "bbc.co.uk"),
        ("www.bbc.co.uk", "bbc.co.uk"),
        ("https://abcnews.go.com/x", "go.com"),
        ("https://english.news.cn/x", "news.cn"),
        ("https://www.gov.br/planalto", "www.gov.br"),
        ("gov.br", None),
        ("https://192.168.0.1/x", None),
        ("http://[::1]/x", None),
        ("not a url", None),
        ("mailto:someone@example.com", None),
        ("", None),
    ],
)
def test_registrable_domain(value: str, expected: str | None) -> None:
    assert registrable_domain(value) == expected


def test_registrable_domain_never_downloads(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    registry_module.registrable_domain.cache_clear()
    suffixes._rules.cache_clear()
    assert registrable_domain("https://news.example.co.uk/a") == "example.co.uk"


# Loading and user entries


def test_the_default_registry_is_built_once() -> None:
    assert default_registry() is REGISTRY


def test_extended_overrides_only_the_fields_an_entry_gives() -> None:
    extended = REGISTRY.extended([{"name": "associated press", "domains": ["apnews.example"]}])
    publisher = extended.lookup("美聯社")
    assert publisher is not None
    assert (publisher.name, publisher.type, publisher.domains) == (
        "Associated Press",
        "wire",
        ("apnews.example",),
    )
    assert extended.for_url("https://apnews.example/a") is publisher
    assert extended.for_url("https://apnews.com/a") is None
    assert len(extended.publishers) == len(REGISTRY.publishers)
    assert REGISTRY.lookup("美聯社") is named("AP")  # the original is unchanged
    assert named("AP").domain == "apnews.com"


def test_extended_adds_a_publisher() -> None:
    extended = REGISTRY.extended(
        [
            {
                "name": "Riverside Gazette",
                "type": "newspaper",
                "domains": ["https://www.RiversideGazette.example/"],
                "aliases": ["the Gazette", "河畔公報"],
            }
        ]
    )
    gazette = extended.lookup("河畔公報")
    assert gazette is not None
    assert gazette.domains == ("riversidegazette.example",)
    assert extended.for_url("https://riversidegazette.example/story") is gazette
    assert extended.find_all("據河畔公報報道") == [(gazette, 1, 5)]
    assert len(extended.publishers) == len(REGISTRY.publishers) + 1
    assert REGISTRY.lookup("河畔公報") is None


def test_a_user_alias_wins_over_a_built_in_one() -> None:
    extended = REGISTRY.extended(
        [{"name": "Apple Press", "type": "online", "domains": ["ap.example"], "aliases": ["AP"]}]
    )
    apple = extended.lookup("AP")
    assert apple is not None
    assert apple.name == "Apple Press"
    built_in = extended.lookup("Associated Press")
    assert built_in is not None
    assert "AP" not in built_in.aliases
    assert extended.lookup("美聯社") is built_in
    assert extended.match_at("AP said", 0) == (apple, 2)


def test_a_user_domain_wins_over_a_built_in_one() -> None:
    extended = REGISTRY.extended(
        [{"name": "Planalto mirror", "type": "government", "domains": ["gov.br/planalto"]}]
    )
    assert extended.lookup("Planalto") is None  # the built-in entry lost its only domain
    mirror = extended.for_url("https://www.gov.br/planalto/x")
    assert mirror is not None
    assert mirror.name == "Planalto mirror"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"name": "X Daily", "type": "newspaper", "domains": "xdaily.example"},
            "`domains` must be a list",
        ),
        (
            {"name": "X Daily", "type": "tabloid", "domains": ["xdaily.example"]},
            "`type` must be one of",
        ),
        ({"name": "X Daily", "type": "newspaper"}, "`domains` is missing"),
        ({"name": "X Daily", "type": "newspaper", "domains": []}, "at least one domain"),
        ({"name": "X Daily", "type": "newspaper", "domains": ["not a domain"]}, "is not a domain"),
        (
            {"name": "X Daily", "type": "newspaper", "domains": ["x.example"], "alias": []},
            "unknown key 'alias'",
        ),
        (
            {"name": "X Daily", "type": "newspaper", "domains": ["x.example"], "aliases": [1]},
            "`aliases` must be a list of strings",
        ),
        ({"type": "newspaper", "domains": ["x.example"]}, "`name` must be a non-empty string"),
        ({"name": "Reuters", "type": 3}, "`type` must be one of"),
    ],
)
def test_extended_rejects_a_bad_entry(entry: dict[str, object], message: str) -> None:
    with pytest.raises(RegistryError, match="publisher entry 1") as error:
        REGISTRY.extended([entry])
    assert message in str(error.value)


def test_two_user_entries_may_not_share_a_name() -> None:
    entries = [
        {"name": "One", "type": "online", "domains": ["one.example"], "aliases": ["Same"]},
        {"name": "Two", "type": "online", "domains": ["two.example"], "aliases": ["same"]},
    ]
    with pytest.raises(RegistryError, match=r"'Two'.*'same'.*'One'"):
        REGISTRY.extended(entries)


def test_load_registry_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "registry.toml"
    path.write_text(
        '[matching]\ncapitalised_only = ["gazette"]\n'
        '[[publisher]]\nname = "The Gazette"\ntype = "newspaper"\n'
        'domains = ["gazette.example"]\naliases = ["公報"]\n',
        encoding="utf-8",
    )
    registry = load_registry(path)
    gazette = registry.lookup("Gazette")
    assert gazette is not None
    assert registry.lookup("公報") is gazette
    # "gazette" is an ordinary word: only the capitalised one is the paper.
    assert registry.find_all("the gazette and The Gazette") == [(gazette, 16, 27)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[[publisher]\n", "registry.toml:"),
        ("publishers = []\n", "unknown key publishers"),
        (
            '[[publisher]]\nname = "A"\ntype = "online"\ndomains = ["a.example"]\n'
            'aliases = ["Same"]\n'
            '[[publisher]]\nname = "B"\ntype = "online"\ndomains = ["b.example"]\n'
            'aliases = ["SAME"]\n',
            "publisher 'B': the name 'SAME' is also 'A''s",
        ),
        (
            '[[publisher]]\nname = "A"\ntype = "online"\ndomains = ["a.example"]\n'
            '[[publisher]]\nname = "B"\ntype = "online"\ndomains = ["a.example"]\n',
            "the domain 'a.example' is also 'A''s",
        ),
    ],
)
def test_load_registry_reports_bad_data(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "registry.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RegistryError) as error:
        load_registry(path)
    assert message in str(error.value)


def test_a_registry_can_be_built_from_publishers() -> None:
    paper = Publisher("Example Paper", "newspaper", ("paper.example",), ("例報",))
    registry = Registry([paper])
    assert registry.lookup("例報") is paper
    assert registry.publishers == (paper,)


# URL patterns and search prefixes

_DATE_PARTS = {"yyyy": "2025", "mm": "03", "dd": "11"}


def _filled(template: str, **parts: str) -> str:
    for name, value in {**_DATE_PARTS, **parts}.items():
        template = template.replace("{" + name + "}", value)
    return template


def test_every_url_pattern_and_search_prefix_leads_back_to_its_publisher() -> None:
    # Loading checks each is under one of the publisher's domains; this checks that no other
    # publisher's more specific domain entry takes the URLs they make.
    for publisher in REGISTRY.publishers:
        for pattern in publisher.url_patterns:
            assert REGISTRY.for_url(_filled(pattern, slug="a-title")) is publisher, pattern
        for prefix in publisher.search_prefixes:
            assert REGISTRY.for_url(_filled(prefix) + "a-title") is publisher, prefix
            assert "://" not in prefix
            assert not prefix.startswith("www.")


def test_the_built_in_patterns_and_prefixes() -> None:
    state = named("State Department")
    assert state.url_patterns == (
        "https://www.state.gov/{slug}/",
        "https://www.state.gov/releases/office-of-the-spokesperson/{yyyy}/{mm}/{slug}/",
    )
    assert state.search_prefixes == ("state.gov/releases/office-of-the-spokesperson/{yyyy}/{mm}/",)
    assert named("Planalto").url_patterns[0] == (
        "https://www.gov.br/planalto/en/latest-news/{yyyy}/{mm}/{slug}"
    )
    assert named("Associated Press").search_prefixes == ("apnews.com/article/",)
    assert named("Associated Press").url_patterns == ()
    assert named("NYT").search_prefixes == ("nytimes.com/{yyyy}/{mm}/{dd}/",)
    assert len(named("The White House").url_patterns) == 2
    assert named("The Guardian").search_prefixes == ()
    assert any(p.url_patterns for p in REGISTRY.publishers)


def test_a_publisher_built_without_patterns_has_none() -> None:
    paper = Publisher("Example Paper", "newspaper", ("paper.example",), ())
    assert (paper.url_patterns, paper.search_prefixes) == ((), ())


def _entry(**keys: object) -> dict[str, object]:
    return {"name": "X Daily", "type": "newspaper", "domains": ["xdaily.example"], **keys}


def test_parse_entry_reads_patterns_and_prefixes() -> None:
    publisher = registry_module.parse_entry(
        _entry(
            domains=["xdaily.example", "gov.br/planalto"],
            url_patterns=[
                "https://www.xdaily.example/{yyyy}/{mm}/{dd}/{slug}.html",
                "https://news.xdaily.example/{slug}",  # a subdomain of a domain entry
                "http://www.gov.br/planalto/{slug}",
                "https://news.xdaily.example/{slug}",
            ],
            search_prefixes=["WWW.XDaily.example/{yyyy}/News/", "gov.br/planalto/"],
        ),
        "entry",
    )
    assert publisher.url_patterns == (
        "https://www.xdaily.example/{yyyy}/{mm}/{dd}/{slug}.html",
        "https://news.xdaily.example/{slug}",
        "http://www.gov.br/planalto/{slug}",
    )
    # Stored like a domain entry: the host in lower case without `www.`, the path as given.
    assert publisher.search_prefixes == ("xdaily.example/{yyyy}/News/", "gov.br/planalto/")


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ({"url_patterns": "https://xdaily.example/{slug}"}, "`url_patterns` must be a list of"),
        ({"search_prefixes": ["xdaily.example/", 3]}, "`search_prefixes` must be a list of"),
        (
            {"url_patterns": ["https://xdaily.example/{year}/{slug}"]},
            "unknown placeholder {year} (expected {slug}, {yyyy}, {mm}, {dd})",
        ),
        ({"url_patterns": ["https://xdaily.example/{}/{slug}"]}, "unknown placeholder {}"),
        ({"url_patterns": ["https://xdaily.example/{yyyy}/"]}, "{slug} exactly once"),
        ({"url_patterns": ["https://xdaily.example/{slug}/{slug}"]}, "{slug} exactly once"),
        ({"url_patterns": ["xdaily.example/{slug}"]}, "must start with https:// or http://"),
        ({"url_patterns": ["ftp://xdaily.example/{slug}"]}, "must start with https://"),
        ({"url_patterns": ["https://xdaily.example/{slug"]}, "a brace that opens or closes no"),
        ({"url_patterns": ["https://xdaily.example/a b/{slug}"]}, "must not contain whitespace"),
        ({"url_patterns": ["https://{yyyy}.xdaily.example/{slug}"]}, "placeholder in its host"),
        ({"url_patterns": ["https:///{slug}"]}, "has no host"),
        (
            {"url_patterns": ["https://www.other.example/{slug}"]},
            "is not under any of the publisher's domains (xdaily.example)",
        ),
        ({"url_patterns": ["https://notxdaily.example/{slug}"]}, "is not under any"),
        (
            {"domains": ["gov.br/planalto"], "url_patterns": ["https://www.gov.br/casa/{slug}"]},
            "is not under any of the publisher's domains (gov.br/planalto)",
        ),
        (
            {"domains": ["gov.br/planalto"], "url_patterns": ["https://gov.br/planaltos/{slug}"]},
            "is not under any",
        ),
        ({"search_prefixes": ["https://xdaily.example/"]}, "without a scheme"),
        ({"search_prefixes": ["xdaily.example/{slug}"]}, "must not contain {slug}"),
        (
            {"search_prefixes": ["xdaily.example/{month}/"]},
            "unknown placeholder {month} (expected {yyyy}, {mm}, {dd})",
        ),
        ({"search_prefixes": ["other.example/news/"]}, "is not under any"),
        ({"search_prefixes": ["/news/"]}, "has no host"),
        ({"domains": ["gov.br/planalto"], "search_prefixes": ["gov.br/"]}, "is not under any"),
        ({"search_prefixes": ["xdaily.example/\tnews/"]}, "must not contain whitespace"),
    ],
)
def test_parse_entry_rejects_bad_patterns_and_prefixes(
    keys: dict[str, object], message: str
) -> None:
    with pytest.raises(RegistryError) as error:
        registry_module.parse_entry(_entry(**keys), "publisher entry 1 ('X Daily')")
    assert str(error.value).startswith("publisher entry 1 ('X Daily'): `")
    assert message in str(error.value)


def test_the_key_at_fault_is_named() -> None:
    with pytest.raises(RegistryError, match=r"'X Daily'\): `search_prefixes`: 'other\.example/'"):
        registry_module.parse_entry(_entry(search_prefixes=["other.example/"]), "entry ('X Daily')")


def test_extended_adds_patterns_to_a_built_in_publisher() -> None:
    pattern = "https://www.reuters.com/world/{yyyy}/{mm}/{slug}/"
    extended = REGISTRY.extended([{"name": "Reuters", "url_patterns": [pattern]}])
    reuters = extended.lookup("路透社")
    assert reuters is not None
    assert reuters.url_patterns == (pattern,)
    assert reuters.search_prefixes == ("reuters.com/world/",)  # not given: the built-in one kept
    assert (reuters.domains, reuters.aliases) == (
        named("Reuters").domains,
        named("Reuters").aliases,
    )
    assert named("Reuters").url_patterns == ()  # the original is unchanged


def test_a_user_entry_may_clear_the_built_in_prefixes() -> None:
    extended = REGISTRY.extended([{"name": "Associated Press", "search_prefixes": []}])
    ap = extended.lookup("AP")
    assert ap is not None
    assert ap.search_prefixes == ()


def test_a_users_pattern_is_checked_against_the_built_in_domains() -> None:
    with pytest.raises(RegistryError, match=r"publisher entry 1 \('Reuters'\): `url_patterns`"):
        REGISTRY.extended([{"name": "Reuters", "url_patterns": ["https://example.com/{slug}"]}])


def test_new_domains_drop_the_built_in_patterns_off_them() -> None:
    extended = REGISTRY.extended(
        [
            {"name": "Associated Press", "domains": ["apnews.example"]},
            {"name": "The White House", "domains": ["whitehouse.gov", "wh.example"]},
        ]
    )
    ap, white_house = extended.lookup("AP"), extended.lookup("白宮")
    assert ap is not None
    assert white_house is not None
    assert ap.search_prefixes == ()
    assert white_house.url_patterns == named("The White House").url_patterns


def test_a_domain_a_user_takes_takes_the_built_in_patterns_on_it() -> None:
    extended = REGISTRY.extended(
        [{"name": "AP Mirror", "type": "online", "domains": ["apnews.com"]}]
    )
    ap = extended.lookup("Associated Press")
    assert ap is not None
    assert (ap.domains, ap.search_prefixes) == (("ap.org",), ())


def test_a_configuration_file_can_give_patterns(tmp_path: Path) -> None:
    from citecheck.cli import UsageError, registry
    from citecheck.config import load

    def configured(path: str) -> Registry | None:
        return registry(load(path))

    path = tmp_path / "citecheck.toml"
    path.write_text(
        '[[publishers]]\nname = "CBS News"\n'
        'url_patterns = ["https://www.cbsnews.com/news/{slug}/"]\n'
        '[[publishers]]\nname = "Riverside Gazette"\ntype = "newspaper"\n'
        'domains = ["riverside.example"]\nsearch_prefixes = ["riverside.example/{yyyy}/"]\n',
        encoding="utf-8",
    )
    extended = configured(str(path))
    assert extended is not None
    cbs, gazette = extended.lookup("CBS"), extended.lookup("Riverside Gazette")
    assert cbs is not None
    assert gazette is not None
    assert cbs.url_patterns == ("https://www.cbsnews.com/news/{slug}/",)
    assert cbs.search_prefixes == ("cbsnews.com/news/",)
    assert gazette.search_prefixes == ("riverside.example/{yyyy}/",)
    path.write_text(
        '[[publishers]]\nname = "CBS News"\nurl_patterns = ["https://www.cbsnews.com/news/"]\n',
        encoding="utf-8",
    )
    with pytest.raises(UsageError, match=r"'CBS News'\): `url_patterns`.*\{slug\} exactly once"):
        configured(str(path))


def test_the_fingerprint_depends_on_patterns_and_prefixes() -> None:
    pattern = ["https://www.reuters.com/{slug}/"]
    one = REGISTRY.extended([{"name": "Reuters", "url_patterns": pattern}])
    again = REGISTRY.extended([{"name": "Reuters", "url_patterns": pattern}])
    other = REGISTRY.extended([{"name": "Reuters", "url_patterns": ["https://reuters.com/{slug}"]}])
    prefixes = REGISTRY.extended([{"name": "Reuters", "search_prefixes": ["reuters.com/"]}])
    fingerprints = {r.fingerprint() for r in (REGISTRY, one, other, prefixes)}
    assert len(fingerprints) == 4
    assert one.fingerprint() == again.fingerprint()


def test_the_json_copy_of_the_builtin_registry_is_current() -> None:
    """`registry.json` is what `scripts/registry_json.py` makes of today's `registry.toml`: run
    the script after editing the TOML."""
    import runpy

    from citecheck.publishers import registry as module

    folder = Path(module.__file__).parent
    script = runpy.run_path(str(Path(__file__).parents[2] / "scripts" / "registry_json.py"))
    assert (folder / "registry.json").read_text(encoding="utf-8") == script["made"]()
    toml = (folder / "registry.toml").read_bytes()
    import tomllib

    assert module._builtin() == tomllib.loads(toml.decode("utf-8"))


def test_a_stale_or_broken_json_copy_falls_back_to_the_toml() -> None:
    import hashlib
    import json

    from citecheck.publishers.registry import document_of

    toml = b'[[publisher]]\nname = "A"\n'
    current = hashlib.sha256(toml).hexdigest()
    stale = json.dumps({"source_sha256": "0" * 64, "document": {"publisher": []}}).encode()
    fresh = json.dumps({"source_sha256": current, "document": {"from": "json"}}).encode()
    assert document_of(toml, stale) == {"publisher": [{"name": "A"}]}
    assert document_of(toml, fresh) == {"from": "json"}
    for broken in (b"{", b"[]", b'{"source_sha256": 1}', None):
        assert document_of(toml, broken) == {"publisher": [{"name": "A"}]}
