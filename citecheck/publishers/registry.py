"""The publisher registry: which publisher a name, a stretch of text or a URL refers to.

The built-in data is `registry.toml` next to this module, parsed once, lazily; users extend or
override it through their configuration (`Registry.extended`). Names are matched as `names.py`
normalises them; URLs by host, then by registrable domain, with a path-prefixed entry
(`gov.br/planalto`) taking precedence on the host it shares.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Literal, cast, get_args
from urllib.parse import urlsplit

from citecheck.publishers import names, suffixes

PublisherType = Literal[
    "wire",
    "broadcaster",
    "newspaper",
    "magazine",
    "online",
    "government",
    "international",
    "platform",
    "ngo",
    "academic",
]
"""What kind of body a publisher is."""

_TYPES: tuple[str, ...] = get_args(PublisherType)
_KEYS = ("name", "type", "domains", "aliases", "paywall", "url_patterns", "search_prefixes")
_URL_PLACEHOLDERS = ("slug", "yyyy", "mm", "dd")
_PREFIX_PLACEHOLDERS = ("yyyy", "mm", "dd")  # a prefix is searched for pages of any title
_BRACES = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True, slots=True)
class Publisher:
    """One publisher: a news outlet, a government body, an organisation or a platform."""

    name: str
    """Canonical English name; matched like an alias."""
    type: PublisherType
    """What kind of body it is."""
    domains: tuple[str, ...]
    """Lower-case hosts without `www.`, primary first; an entry may carry a path prefix."""
    aliases: tuple[str, ...]
    """Other names: abbreviations, variants, traditional and simplified Chinese, native names."""
    paywall: bool = False
    """Whether its articles are behind a paywall (a 403 from it is then `paywalled`)."""
    url_patterns: tuple[str, ...] = ()
    """URL templates where it puts the page of a title and date: `{slug}` once, and `{yyyy}`,
    `{mm}`, `{dd}`; each under one of `domains` (`citecheck.resolve.patterns` fills them)."""
    search_prefixes: tuple[str, ...] = ()
    """`host/path` prefixes (no scheme, no `www.`) its articles live under, for searching an
    archive's index by URL prefix; `{yyyy}`, `{mm}`, `{dd}` allowed, `{slug}` not."""

    @property
    def domain(self) -> str:
        """The primary domain entry, with its path prefix if it has one."""
        return self.domains[0]


class RegistryError(Exception):
    """Bad registry data or a bad user entry; the message names the entry and the problem."""


# URLs ------------------------------------------------------------------------------------------

_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:(?!\d)", re.IGNORECASE)


def _host_and_path(url: str, *, strip_www: bool = True) -> tuple[str, str] | None:
    """The lower-case host (without `www.`) and path of a URL or of a bare `host/path`."""
    text = url.strip()
    if "://" not in text and not text.startswith("//"):
        if _SCHEME.match(text):  # mailto:, tel:, urn: ...
            return None
        text = "//" + text
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        return None
    if not host or any(c.isspace() for c in host):
        return None
    host = host.rstrip(".")
    if strip_www and host.startswith("www."):
        host = host[4:]
    return host, parts.path.lower().rstrip("/")


@functools.lru_cache(maxsize=8192)  # a few µs a call (urlsplit, the PSL); articles repeat hosts
def registrable_domain(host_or_url: str) -> str | None:
    """The registrable domain (`bbc.co.uk` for `https://www.bbc.co.uk/news`); None for an IP
    address, a public suffix itself, or something that is not a host."""
    split = _host_and_path(host_or_url, strip_www=False)
    if split is None:
        return None
    return suffixes.registrable(split[0])  # the Public Suffix List that tldextract ships


# The registry ----------------------------------------------------------------------------------


class Registry:
    """Publishers, and the indexes that find them by name, in text and by URL."""

    __slots__ = (
        "_by_key",
        "_hosts",
        "_pairs",
        "_pattern",
        "_tries",
        "capitalised",
        "publishers",
    )

    def __init__(self, publishers: Iterable[Publisher], capitalised: Iterable[str] = ()) -> None:
        """Index `publishers`. `capitalised`: names that are also ordinary words (registry.toml's
        `[matching]`). A name or domain entry that two publishers claim is a RegistryError."""
        words = frozenset(names.name_key(word) for word in capitalised)
        self._build(tuple(publishers), frozenset(), words)

    def _build(
        self, publishers: tuple[Publisher, ...], preferred: frozenset[int], words: frozenset[str]
    ) -> None:
        """Build the indexes; in a collision the publisher whose id() is in `preferred` wins."""
        self.publishers: tuple[Publisher, ...] = publishers
        self.capitalised: frozenset[str] = words
        by_key: dict[str, Publisher] = {}
        by_entry: dict[str, Publisher] = {}
        for publisher in publishers:
            for spelling in (publisher.name, *publisher.aliases):
                key = names.name_key(spelling)
                if not key:
                    raise RegistryError(
                        f"publisher {publisher.name!r}: the name {spelling!r} is empty"
                    )
                _claim(by_key, key, publisher, preferred, f"the name {spelling!r}")
            for entry in publisher.domains:
                _claim(by_entry, entry, publisher, preferred, f"the domain {entry!r}")
        self._by_key = by_key
        # The name tries are built on the first search for a name in text: reading links needs
        # only the hosts, and a `check` requests its first links sooner for not waiting.
        self._tries: tuple[names.Node, names.Node] | None = None
        self._hosts: dict[str, list[tuple[str, Publisher]]] = {}
        for entry, publisher in by_entry.items():
            host, _, path = entry.partition("/")
            self._hosts.setdefault(host, []).append(("/" + path if path else "", publisher))
        for entries in self._hosts.values():
            entries.sort(key=lambda item: -len(item[0]))  # the longest path prefix first
        self._pattern: re.Pattern[str] | None = None
        self._pairs: frozenset[tuple[str, str]] = frozenset()

    def _trie(self) -> tuple[names.Node, names.Node]:
        """The names, forwards and backwards (built once, on first use)."""
        if self._tries is None:
            head, tail = names.Node(), names.Node()
            for key, publisher in self._by_key.items():
                shapes = None
                if key in self.capitalised:
                    spellings = (publisher.name, *publisher.aliases)
                    shapes = tuple(names.shape(s) for s in spellings if names.name_key(s) == key)
                bounded = names.is_word(key[0]), names.is_word(key[-1])
                alias = names.Alias(publisher, *bounded, shapes)
                names.insert(head, key, alias)
                names.insert(tail, key[::-1], alias)
            self._tries = head, tail
        return self._tries

    def lookup(self, name: str) -> Publisher | None:
        """The publisher a whole name (canonical or alias) means, compared normalised."""
        return self._by_key.get(names.name_key(name))

    def match_at(
        self, text: str, start: int, end: int | None = None
    ) -> tuple[Publisher, int] | None:
        """The publisher whose longest name `text[start:end]` begins with (after an optional
        "the "), and the offset in `text` where that name ends."""
        limit = len(text) if end is None else min(end, len(text))
        return self._match(text, start, limit) if 0 <= start < limit else None

    def _match(self, text: str, start: int, limit: int) -> tuple[Publisher, int] | None:
        """`match_at` once the range is known to be valid (find_all calls it per candidate)."""
        head = self._trie()[0]
        best = names.forward(head, text, start, limit)
        after = names.after_the(text, start, limit)
        if after is not None:
            inner = names.forward(head, text, after, limit)
            if inner is not None and inner[0].bounded_start:
                best = inner if best is None or inner[1] > best[1] else best
        if best is None:
            return None
        return best[0].publisher, names.abbreviation_dot(text, start, best[1], limit)

    def match_before(self, text: str, end: int, start: int = 0) -> tuple[Publisher, int] | None:
        """The publisher whose longest name ends exactly at `end` and starts at or after `start`
        (taking in a "the " before it), and the offset where the name starts."""
        end, start = min(end, len(text)), max(start, 0)
        tail = self._trie()[1]
        found = names.backward(tail, text, end, start)
        if found is None and end - start >= 4 and text[end - 1] == "." and text[end - 3] == ".":
            found = names.backward(tail, text, end - 1, start)  # `U.S.`: the final dot
        if found is None:
            return None
        alias, begin = found
        if alias.bounded_start:
            begin = names.the_before(text, begin, start)
        return alias.publisher, begin

    def find_all(
        self, text: str, start: int = 0, end: int | None = None
    ) -> list[tuple[Publisher, int, int]]:
        """Every publisher name in `text[start:end]`, leftmost-longest, not overlapping:
        (publisher, start offset, end offset)."""
        if self._pattern is None:
            head = self._trie()[0]
            self._pattern = names.starts_pattern({*head.children, "t"})  # "t": "the "
            self._pairs = names.openings(head)
        limit = len(text) if end is None else min(end, len(text))
        found: list[tuple[Publisher, int, int]] = []
        position = max(start, 0)
        match, fold, pairs = self._match, names.fold_char, self._pairs
        # One pass of the pattern over the text; candidates inside a name found are skipped, and
        # so are those whose first two characters begin no name (most of them, in Chinese text).
        for candidate in self._pattern.finditer(text, position, limit):
            here = candidate.start()
            if here < position:
                continue
            first = fold(text[here])
            second = fold(text[here + 1]) if here + 1 < limit else ""
            if (
                len(first) == 1
                and second
                and (first, second[0]) not in pairs
                and (first, "") not in pairs  # a name of one character
            ):
                continue
            if (hit := match(text, here, limit)) is not None:
                found.append((hit[0], here, hit[1]))
                position = hit[1]
        return found

    def for_url(self, url: str) -> Publisher | None:
        """The publisher of a URL: a path-prefixed entry for its host, the host itself, then each
        parent domain down to the registrable one. `www.` is ignored."""
        split = _host_and_path(url)
        if split is None:
            return None
        host, path = split
        top = registrable_domain(host)
        while True:
            for prefix, publisher in self._hosts.get(host, ()):
                if not prefix or path == prefix or path.startswith(prefix + "/"):
                    return publisher
            if top is None or host == top or "." not in host:
                return None
            host = host.partition(".")[2]

    def fingerprint(self) -> str:
        """A digest of everything the registry holds: equal registries, equal fingerprints (the
        cache's key for extractions made with it)."""
        data = repr((self.publishers, sorted(self.capitalised)))
        return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()

    def extended(self, entries: Sequence[Mapping[str, object]]) -> Registry:
        """This registry with user entries: an entry whose `name` is a publisher's canonical name
        (ignoring case) replaces the fields it gives, any other is added. A user's name or domain
        entry wins over a built-in one that collides with it; a built-in publisher left with no
        domain is dropped."""
        if not entries:
            return self
        publishers = list(self.publishers)
        position = {names.fold(p.name): i for i, p in enumerate(publishers)}
        users: dict[int, Publisher] = {}
        for number, entry in enumerate(entries, 1):
            where = f"publisher entry {number}"
            if not isinstance(entry, Mapping):
                raise RegistryError(f"{where}: expected a table, not {type(entry).__name__}")
            name = _text(entry, "name", where)
            index = position.get(names.fold(name))
            base = publishers[index] if index is not None else None
            publisher = parse_entry(entry, f"{where} ({name!r})", base)
            if index is None:
                index = position[names.fold(name)] = len(publishers)
                publishers.append(publisher)
            publishers[index] = users[index] = publisher
        taken_keys = {names.name_key(s) for p in users.values() for s in (p.name, *p.aliases)}
        taken_entries = {d for p in users.values() for d in p.domains}
        kept: list[Publisher] = []
        for index, publisher in enumerate(publishers):
            if index not in users:
                aliases = tuple(a for a in publisher.aliases if names.name_key(a) not in taken_keys)
                domains = tuple(d for d in publisher.domains if d not in taken_entries)
                if not domains:
                    continue
                publisher = replace(
                    publisher,
                    aliases=aliases,
                    domains=domains,
                    url_patterns=_still_under(publisher.url_patterns, domains, publisher.domains),
                    search_prefixes=_still_under(
                        publisher.search_prefixes, domains, publisher.domains
                    ),
                )
            kept.append(publisher)
        registry = Registry.__new__(Registry)
        registry._build(tuple(kept), frozenset(id(p) for p in users.values()), self.capitalised)
        return registry


def _claim(
    index: dict[str, Publisher],
    key: str,
    publisher: Publisher,
    preferred: frozenset[int],
    what: str,
) -> None:
    """Give `key` to `publisher` unless another holds it: a preferred (user) publisher takes it
    from a built-in one, keeps it from a built-in one, and two of a kind are an error."""
    owner = index.get(key)
    if owner is None or owner is publisher:
        index[key] = publisher
        return
    mine, theirs = id(publisher) in preferred, id(owner) in preferred
    if mine == theirs:
        raise RegistryError(f"publisher {publisher.name!r}: {what} is also {owner.name!r}'s")
    if mine:
        index[key] = publisher


# Entries ---------------------------------------------------------------------------------------


def _text(entry: Mapping[str, object], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RegistryError(f"{where}: `{key}` must be a non-empty string, not {value!r}")
    return value.strip()


def _texts(entry: Mapping[str, object], key: str, where: str) -> tuple[str, ...]:
    value = entry[key]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise RegistryError(f"{where}: `{key}` must be a list of strings, not {value!r}")
    return tuple(v.strip() for v in value if v.strip())


def _domain(value: str, where: str) -> str:
    """A domain entry as stored: lower case, no scheme, no `www.`, no trailing slash."""
    entry = value.strip().lower().split("://", 1)[-1].rstrip("/")
    entry = entry.removeprefix("www.")
    host = entry.partition("/")[0]
    if not re.fullmatch(r"[^\s/?#:@]+\.[^\s/?#:@.]+", host) or re.search(r"[\s?#]", entry):
        raise RegistryError(
            f'{where}: {value!r} is not a domain (expected e.g. "example.com" or "gov.br/planalto")'
        )
    return entry


def _under(host: str, path: str, domains: Sequence[str]) -> bool:
    """Whether `host` (no `www.`) and `path` (lower case) fall under one of the domain entries:
    an entry covers its subdomains, and an entry's path prefix must begin the path."""
    for entry in domains:
        domain, _, prefix = entry.partition("/")
        if host != domain and not host.endswith("." + domain):
            continue
        if not prefix or path == "/" + prefix or path.startswith("/" + prefix + "/"):
            return True
    return False


def _still_under(
    templates: tuple[str, ...], domains: tuple[str, ...], before: tuple[str, ...]
) -> tuple[str, ...]:
    """The templates that fall under `domains`: a publisher whose domains changed (a user gave
    new ones, or took some) keeps no pattern that would lead off its own domains."""
    if not templates or domains == before:
        return templates
    kept = []
    for template in templates:
        split = _host_and_path(template)
        if split is not None and _under(*split, domains):
            kept.append(template)
    return tuple(kept)


def _templates(
    entry: Mapping[str, object], key: str, where: str, domains: tuple[str, ...]
) -> tuple[str, ...]:
    """The `url_patterns` or `search_prefixes` of an entry, checked; search prefixes stored with
    a lower-case host and no `www.`, like domain entries."""
    url = key == "url_patterns"
    allowed = _URL_PLACEHOLDERS if url else _PREFIX_PLACEHOLDERS
    found: list[str] = []
    for value in _texts(entry, key, where):

        def bad(problem: str, value: str = value) -> RegistryError:
            return RegistryError(f"{where}: `{key}`: {value!r} {problem}")

        if any(c.isspace() for c in value):
            raise bad("must not contain whitespace")
        placeholders = _BRACES.findall(value)
        for name in placeholders:
            if name == "slug" and not url:
                raise bad(
                    "must not contain {slug}: a search prefix holds only {yyyy}, {mm}, {dd} "
                    "(put the slug in `url_patterns`)"
                )
            if name not in allowed:
                expected = ", ".join("{" + n + "}" for n in allowed)
                raise bad(f"has the unknown placeholder {{{name}}} (expected {expected})")
        if "{" in (rest := _BRACES.sub("", value)) or "}" in rest:
            raise bad("has a brace that opens or closes no placeholder")
        if url:
            if not value.startswith(("https://", "http://")):
                raise bad("must start with https:// or http://")
            if placeholders.count("slug") != 1:
                raise bad("must contain {slug} exactly once")
        else:
            if "://" in value:
                raise bad('must be a host/path without a scheme (e.g. "apnews.com/article/")')
            host, slash, path = value.partition("/")
            value = host.lower().removeprefix("www.") + slash + path
        split = _host_and_path(value)
        if split is None or not split[0]:
            raise bad("has no host")
        if "{" in split[0]:
            raise bad("must not have a placeholder in its host")
        if not _under(*split, domains):
            raise bad(f"is not under any of the publisher's domains ({', '.join(domains)})")
        found.append(value)
    return tuple(dict.fromkeys(found))


def parse_entry(
    entry: Mapping[str, object], where: str, base: Publisher | None = None
) -> Publisher:
    """A publisher from a table with the keys `name`, `type`, `domains`, `aliases` and the
    optional `paywall`, `url_patterns` and `search_prefixes`; with `base`, the fields not given
    are `base`'s (and the name stays `base`'s), except that with new `domains` the patterns and
    prefixes kept from `base` are only those still under them."""
    unknown = sorted(repr(k) for k in entry if k not in _KEYS)
    if unknown:
        raise RegistryError(
            f"{where}: unknown key {', '.join(unknown)} (expected {', '.join(_KEYS)})"
        )
    name = base.name if base is not None else _text(entry, "name", where)
    if "type" in entry or base is None:
        kind = entry.get("type")
        if kind not in _TYPES:
            raise RegistryError(f"{where}: `type` must be one of {', '.join(_TYPES)}, not {kind!r}")
        kind = cast(PublisherType, kind)
    else:
        kind = base.type
    if "domains" in entry or base is None:
        if "domains" not in entry:
            raise RegistryError(f"{where}: `domains` is missing (a list of at least one domain)")
        domains = tuple(dict.fromkeys(_domain(d, where) for d in _texts(entry, "domains", where)))
        if not domains:
            raise RegistryError(f"{where}: `domains` must list at least one domain")
    else:
        domains = base.domains
    aliases = _texts(entry, "aliases", where) if "aliases" in entry else ()
    if "aliases" not in entry and base is not None:
        aliases = base.aliases
    paywall = entry.get("paywall", base.paywall if base is not None else False)
    if not isinstance(paywall, bool):
        raise RegistryError(f"{where}: `paywall` must be true or false, not {paywall!r}")
    before = base.domains if base is not None else domains
    if "url_patterns" in entry:
        url_patterns = _templates(entry, "url_patterns", where, domains)
    else:
        url_patterns = _still_under(base.url_patterns, domains, before) if base else ()
    if "search_prefixes" in entry:
        search_prefixes = _templates(entry, "search_prefixes", where, domains)
    else:
        search_prefixes = _still_under(base.search_prefixes, domains, before) if base else ()
    return Publisher(name, kind, domains, aliases, paywall, url_patterns, search_prefixes)


# Loading ---------------------------------------------------------------------------------------


@functools.cache
def _builtin() -> dict[str, object]:
    """The built-in registry's document (`document_of` its two files)."""
    folder = resources.files("citecheck.publishers")
    try:
        made: bytes | None = folder.joinpath("registry.json").read_bytes()
    except OSError:
        made = None
    return document_of(folder.joinpath("registry.toml").read_bytes(), made)


def document_of(toml: bytes, made: bytes | None) -> dict[str, object]:
    """The registry's document: from `made` (`registry.json`, the same data as JSON) when it
    was made from these `toml` bytes (its `source_sha256`), else parsed from the TOML. The
    JSON loads in a few milliseconds where parsing the TOML takes 0.1–0.2 s of every cold run;
    `scripts/registry_json.py` makes it, and a test keeps it equal to the TOML."""
    if made is not None:
        try:
            loaded = json.loads(made)
            if loaded["source_sha256"] == hashlib.sha256(toml).hexdigest():
                document: dict[str, object] = loaded["document"]
                return document
        except (ValueError, TypeError, KeyError):
            pass
    return tomllib.loads(toml.decode("utf-8"))


def load_registry(path: Path | None = None) -> Registry:
    """The registry in a TOML file of `[[publisher]]` tables; the built-in one when None."""
    where = "the built-in registry" if path is None else str(path)
    try:
        document = _builtin() if path is None else tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise RegistryError(f"{where}: {error}") from error
    unknown = sorted(set(document) - {"publisher", "matching"})
    if unknown:
        raise RegistryError(
            f"{where}: unknown key {', '.join(unknown)} (expected publisher, matching)"
        )
    tables = document.get("publisher", [])
    if not isinstance(tables, list):
        raise RegistryError(f"{where}: `publisher` must be an array of tables ([[publisher]])")
    publishers = []
    for number, table in enumerate(tables, 1):
        label = f"{where}: publisher {number}"
        if not isinstance(table, dict):
            raise RegistryError(f"{label}: expected a table, not {type(table).__name__}")
        publishers.append(parse_entry(table, f"{label} ({table.get('name')!r})"))
    matching = document.get("matching", {})
    words = matching.get("capitalised_only", []) if isinstance(matching, dict) else None
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise RegistryError(f"{where}: `matching.capitalised_only` must be a list of strings")
    return Registry(publishers, words)


@functools.cache
def builtin_fingerprint() -> str:
    """A digest of the built-in registry's data, known without building the registry."""
    data = resources.files("citecheck.publishers").joinpath("registry.toml").read_bytes()
    return "builtin:" + hashlib.sha256(data).hexdigest()


@functools.cache
def default_registry() -> Registry:
    """The built-in registry, built once."""
    return load_registry()
