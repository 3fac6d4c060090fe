"""Registrable domains from the Public Suffix List, without importing tldextract.

`registrable("news.bbc.co.uk")` is `"bbc.co.uk"`: the public suffix and the one label before it.
The list is the snapshot that tldextract ships (`.tld_set_snapshot` in its package directory),
found with `importlib.util.find_spec`, which locates a top-level package without running it:
importing tldextract costs 0.1-0.3 s (it imports requests, urllib3, idna, filelock), and a warm
`citecheck check` must finish in under a second. Parsing the snapshot takes a few milliseconds,
once; a lookup, a few microseconds.

The answers are tldextract's, `TLDExtract(suffix_list_urls=(), cache_dir=None)` joining `domain`
and `suffix`, and the tests hold us to that, rule by rule. That means tldextract's choices, not
the letter of the PSL algorithm:

- ICANN rules only (tldextract's default `include_psl_private_domains=False`): `blogspot.com`'s
  registrable domain is `blogspot.com`.
- No implicit `*` rule: a host under a TLD the list does not know (`intranet.local`) has no
  registrable domain, where the PSL algorithm would make `local` its public suffix.
- The rules form a trie walked from the last label; the walk stops at the first label with no
  child, and only there is a wildcard (`*.ck`) or its exception (`!www.ck`) consulted. (Here
  the trie is one dict of its nodes, each named by its labels as a suffix: it builds in about
  half the time nested dicts take.)
- Labels are compared lower-cased, and an `xn--` label as the Unicode it encodes (the list is
  written in Unicode), but the answer keeps the input's labels: its case and its form, Unicode
  or punycode. The ideographic full stops (`。`, `．`, `｡`) separate labels like `.` and become
  `.` in the answer; trailing dots are dropped.
- An IP address has none: no rule ends in a number, or in the `]` of a bracketed IPv6 literal,
  and an unbracketed one is cut at its first `:` as tldextract cuts a port, leaving one label.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re

__all__ = ["SuffixListError", "registrable"]

_SNAPSHOT = ".tld_set_snapshot"
_BEGIN = "// ===BEGIN ICANN DOMAINS==="
_END = "// ===END ICANN DOMAINS==="
_DOTS = ".\u3002\uff0e\uff61"  # what tldextract (like IDNA) takes for a label separator


class SuffixListError(LookupError):
    """The Public Suffix List snapshot cannot be found or read."""


def registrable(host: str) -> str | None:
    """The registrable domain of a host name (`bbc.co.uk` for `www.bbc.co.uk`), in the host's
    own case and form; None for a public suffix itself, a TLD the list does not know, an IP
    address or an empty string. A host only: a URL's scheme or path is not taken off."""
    # tldextract's host clean-up (remote._host_from_authority), so that even a host with user
    # information or a port gets tldextract's answer.
    text = host.rpartition("@")[2]
    if text[:1] == "[" and "]" in text:
        text = text.partition("]")[0] + "]"
    else:
        text = text.partition(":")[0].strip().rstrip(_DOTS)
    if not text.isascii():
        text = text.replace("\u3002", ".").replace("\uff0e", ".").replace("\uff61", ".")
    labels = text.split(".")
    nodes = _rules()
    count = start = index = len(labels)  # start: where the public suffix begins
    node = ""  # the trie node reached: the labels matched so far, as the rules spell them
    for label in reversed(labels):
        key = label.lower()
        if key.startswith("xn--"):
            key = _decoded(key)
        child = f"{key}.{node}" if node else key
        is_rule = nodes.get(child)
        if is_rule is not None:
            index -= 1
            node = child
            if is_rule:
                start = index
            continue
        if (f"*.{node}" if node else "*") in nodes:
            start = index if (f"!{key}.{node}" if node else f"!{key}") in nodes else index - 1
        break
    if start == count or start == 0:
        return None
    domain, suffix = labels[start - 1], ".".join(labels[start:])
    return f"{domain}.{suffix}" if domain and suffix else None


@functools.lru_cache(maxsize=4096)  # the punycode codec is pure Python: ~20 µs a label
def _decoded(key: str) -> str:
    """An `xn--` label as the rules spell it, the Unicode it encodes, decoded as `idna.decode`
    decodes it: stricter than the codec, it refuses a trailing hyphen and any punycode that is
    not how the decoded text would be encoded (`xn---bbk`); then the label stays as it is."""
    try:
        encoded = key[4:].encode("ascii")
        if encoded and not encoded.endswith(b"-"):
            decoded = encoded.decode("punycode")
            if decoded.encode("punycode") == encoded:
                # idna would also refuse a label that breaks IDNA 2008 (a disallowed code
                # point, say); such a label is no rule's, so it matches nothing either way.
                return decoded
    except (UnicodeError, IndexError):  # what tldextract catches around idna.decode
        pass
    return key


@functools.cache
def _rules() -> dict[str, bool]:
    """The ICANN rules' trie: every rule and every suffix of one (`co.uk`, `uk`), each mapped
    to whether it is a rule itself. Built on first use."""
    text = _snapshot()
    begin = text.find(_BEGIN)
    end = text.find(_END, begin)
    if begin < 0 or end < 0:
        raise SuffixListError(f"{_SNAPSHOT} has no ICANN section ({_BEGIN!r} ... {_END!r})")
    # A rule is a line's text up to the first white space; `//` begins a comment line.
    rules = re.findall(r"^[^/\s]\S*", text[begin:end], flags=re.MULTILINE)
    if not rules:
        raise SuffixListError(f"{_SNAPSHOT} has no rules in its ICANN section")
    nodes = dict.fromkeys(rules, True)
    for rule in rules:
        while (dot := rule.find(".")) >= 0:
            rule = rule[dot + 1 :]
            if rule in nodes:  # and so are its own suffixes, once the loop is done
                break
            nodes[rule] = False
    return nodes


def _snapshot() -> str:
    """The text of the snapshot that tldextract ships."""
    try:
        # For a top-level package find_spec reads the file system only: tldextract's
        # __init__ (and with it requests) does not run. A test keeps that true.
        spec = importlib.util.find_spec("tldextract")
    except (ImportError, ValueError) as error:
        raise SuffixListError(f"cannot locate tldextract: {error}") from error
    places = list(spec.submodule_search_locations or ()) if spec is not None else []
    for place in places:
        try:
            with open(os.path.join(place, _SNAPSHOT), "rb") as file:
                return file.read().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    where = ", ".join(places) or "nowhere: tldextract is not installed"
    raise SuffixListError(
        f"the Public Suffix List that tldextract ships ({_SNAPSHOT}) was not found; looked in "
        f"{where}"
    )
