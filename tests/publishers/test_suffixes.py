"""Registrable domains from the Public Suffix List: the same answers as tldextract, which the
module reads the list from but never imports."""

from __future__ import annotations

import importlib.util
import pkgutil
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path

import pytest
import tldextract
from hypothesis import given, settings
from hypothesis import strategies as st
from tldextract.suffix_list import extract_tlds_from_suffix_list

from citecheck.publishers import suffixes
from citecheck.publishers.suffixes import registrable

ROOT = Path(__file__).parent.parent.parent
EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # the snapshot only


def theirs(host: str) -> str | None:
    parts = EXTRACT(host)
    return f"{parts.domain}.{parts.suffix}" if parts.domain and parts.suffix else None


def mismatches(hosts: Iterable[str]) -> list[tuple[str, str | None, str | None]]:
    return [(h, registrable(h), theirs(h)) for h in hosts if registrable(h) != theirs(h)]


def icann_rules() -> list[str]:
    data = pkgutil.get_data("tldextract", ".tld_set_snapshot")
    assert data is not None
    public, _ = extract_tlds_from_suffix_list(data.decode("utf-8"))
    return public


def punycode(host: str) -> str:
    return ".".join(
        label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")
        for label in host.split(".")
    )


def variants(host: str) -> Iterator[str]:
    """The host, upper-cased, with a trailing dot, and with its Unicode labels in punycode
    (all of them, and only the last, so that a host mixes the two forms)."""
    yield from (host, host.upper(), host + ".")
    if not host.isascii():
        yield from (punycode(host), punycode(host).upper())
        head, _, last = host.rpartition(".")
        yield f"{head}.{punycode(last)}" if head else punycode(last)


def hosts_from_rule(rule: str) -> Iterator[str]:
    if rule.startswith("*."):
        base = rule[2:]
        hosts = [base, rule, f"foo.{base}", f"example.foo.{base}", f"a.b.example.foo.{base}"]
    elif rule.startswith("!"):
        base = rule[1:]
        hosts = [base, f"example.{base}", f"a.b.{base}", rule, f"a.{rule}"]
    else:
        hosts = [rule, f"example.{rule}", f"a.b.example.{rule}"]
    for host in hosts:
        yield from variants(host)


# The rules


def test_the_rules_are_tldextracts_icann_rules() -> None:
    rules = icann_rules()
    nodes = suffixes._rules()
    assert {rule for rule, is_rule in nodes.items() if is_rule} == set(rules)
    labels = [rule.split(".") for rule in rules]  # the trie: every rule's every suffix
    assert set(nodes) == {".".join(parts[i:]) for parts in labels for i in range(len(parts))}


def test_the_list_has_wildcards_and_exceptions_to_test() -> None:
    rules = icann_rules()
    assert "*.ck" in rules
    assert "!www.ck" in rules
    assert "公司.cn" in rules
    assert len(rules) > 6000


def test_every_icann_rule_gives_tldextracts_answer() -> None:
    hosts = [host for rule in icann_rules() for host in hosts_from_rule(rule)]
    assert len(hosts) > 20000
    assert mismatches(hosts) == []


def test_the_registry_domains_give_tldextracts_answer() -> None:
    text = resources.files("citecheck.publishers").joinpath("registry.toml").read_text("utf-8")
    entries = [d for p in tomllib.loads(text)["publisher"] for d in p["domains"]]
    hosts = {entry.partition("/")[0] for entry in entries}
    assert len(hosts) > 200
    assert mismatches(h for host in hosts for h in (host, f"www.{host}", f"news.{host}")) == []


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("www.bbc.co.uk", "bbc.co.uk"),
        ("WWW.BBC.Co.UK", "BBC.Co.UK"),  # compared lower case, answered as given
        ("www.bbc.co.uk.", "bbc.co.uk"),
        ("www.bbc.co.uk..", "bbc.co.uk"),
        ("co.uk", None),  # a public suffix itself
        ("uk", None),
        ("blogspot.com", "blogspot.com"),  # private rules are not used
        ("a.blogspot.com", "blogspot.com"),
        ("foo.ck", None),  # *.ck
        ("a.b.foo.ck", "b.foo.ck"),
        ("www.ck", "www.ck"),  # !www.ck
        ("a.www.ck", "www.ck"),
        ("ck", None),
        ("x.city.kawasaki.jp", "city.kawasaki.jp"),
        ("a.b.kawasaki.jp", "a.b.kawasaki.jp"),
        ("例子.公司.cn", "例子.公司.cn"),
        ("www.例子.公司.cn", "例子.公司.cn"),
        ("xn--fsqu00a.xn--55qx5d.cn", "xn--fsqu00a.xn--55qx5d.cn"),  # keeps the input's form
        ("www.XN--FSQU00A.XN--55QX5D.CN", "XN--FSQU00A.XN--55QX5D.CN"),
        ("www.例子.xn--55qx5d.cn", "例子.xn--55qx5d.cn"),
        ("新华网.中国", "新华网.中国"),
        ("www.xn--xkry9kk1bz66a.xn--fiqs8s", "xn--xkry9kk1bz66a.xn--fiqs8s"),
        ("例子。公司．cn", "例子.公司.cn"),  # ideographic full stops separate labels
        ("example.xn--55qx5d-.cn", "xn--55qx5d-.cn"),  # a trailing hyphen: not 公司 for idna
        ("www.xn---bbk.jp", "xn---bbk.jp"),  # not the canonical punycode of its decoding
        ("192.168.0.1", None),
        ("8.8.8.8", None),
        ("::1", None),
        ("2001:db8::1", None),
        ("ad::1", None),  # `ad` is a TLD, but an IPv6 address is cut at its first colon
        ("::ffff:192.0.2.1", None),
        ("[::1]", None),
        ("[2001:db8::1]", None),
        ("intranet.local", None),  # no implicit `*` rule
        ("localhost", None),
        ("example.notatld", None),
        ("", None),
        (".", None),
        ("..com", None),
        ("a..com", None),
        ("user@www.bbc.co.uk", "bbc.co.uk"),
        ("www.bbc.co.uk:443", "bbc.co.uk"),
    ],
)
def test_registrable(host: str, expected: str | None) -> None:
    assert registrable(host) == expected
    assert theirs(host) == expected


_LABELS = [
    *("uk", "co", "bbc", "www", "ck", "foo", "city", "kawasaki", "jp", "cn", "公司", "中国"),
    *("xn--55qx5d", "XN--55QX5D", "xn--fiqs8s", "xn--", "xn--a-", "xn---bbk", "xn--bbk"),
    *("*", "!www", "", "1", "255", "example", "com", "gov", "br", "İ", "ÉCOLE", "local"),
]
_LABEL = st.one_of(
    st.sampled_from(_LABELS),
    st.text(st.characters(blacklist_characters="/?#."), max_size=6),
    st.from_regex(r"\Axn--[a-z0-9-]{1,8}\Z"),
)


@st.composite
def hosts(draw: st.DrawFn) -> str:
    labels = draw(st.lists(_LABEL, max_size=5))
    host = ""
    for label in labels:
        separator = draw(st.sampled_from([".", ".", ".", "。", "．", "｡"])) if host else ""
        host += separator + label
    before = draw(st.sampled_from(["", "", " ", "user@", "[", "a:b@"]))
    after = draw(st.sampled_from(["", "", ".", "。", " ", ":80", "]", "]:80"]))
    return before + host + after


@settings(max_examples=500, deadline=None)
@given(hosts())
def test_any_host_gives_tldextracts_answer(host: str) -> None:
    assert registrable(host) == theirs(host)


# What it costs


def test_it_imports_neither_tldextract_nor_requests() -> None:
    code = (
        "import sys\n"
        "from citecheck.publishers import registry, suffixes\n"
        "assert suffixes.registrable('www.例子.xn--55qx5d.cn') == '例子.xn--55qx5d.cn'\n"
        "assert registry.registrable_domain('https://www.bbc.co.uk/news') == 'bbc.co.uk'\n"
        "print(sorted(m for m in sys.modules if m.partition('.')[0] in {'tldextract', 'requests'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_missing_snapshot_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(suffixes.SuffixListError, match=r"\.tld_set_snapshot.*not installed"):
        suffixes._snapshot()
