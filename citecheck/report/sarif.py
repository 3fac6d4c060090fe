"""The SARIF 2.1.0 report, for GitHub code scanning and any other SARIF viewer. Pure.

Every finding (`citecheck.report.findings`: its code, level and message) becomes one result,
placed on the citation's span in its article; every code that occurs becomes one rule, with a
short text of what it means and what to do (docs/outcomes.md, docs/verify.md, docs/resolve.md).
Inputs that could not be read, and a run without a network, are tool notifications.

Page titles, URLs and article text are untrusted. JSON escaping takes care of the syntax; beyond
that, messages are SARIF `text` only (never `markdown`, which viewers render), with control and
bidi characters shown as visible escapes, SARIF's link brackets escaped, and a length cap. The
only Markdown in the log is the rules' help, which is ours.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import PurePath
from typing import Any
from urllib.parse import quote, urlsplit

from citecheck._version import PROJECT_URL, __version__
from citecheck.model import CheckReport, Span
from citecheck.policy import DEFAULT_FAIL_ON
from citecheck.report.findings import Finding, Level, findings
from citecheck.report.safe import terminal_safe

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
FINGERPRINT_KEY = "citecheck/v1"
"""The `partialFingerprints` key: bump its version whenever what is hashed changes."""
SRCROOT = "%SRCROOT%"
MAX_MESSAGE = 1000
"""The longest message text, in characters."""
MAX_PROPERTY = 2000
"""The longest URL kept in a result's properties, in characters."""

# code: (short description, what it means, what to do). Codes that are no finding (an `ok`
# link, a quote found) are in `_FINE`: one text, and nothing to do.
_OUTCOMES: dict[str, tuple[str, str, str]] = {
    "redirected": (
        "The cited page has moved to another URL.",
        "The link answers only after redirects, all permanent (301, 308), to the URL named.",
        "Cite the final URL instead, so that the link does not depend on the old address.",
    ),
    "dead": (
        "The cited page is gone.",
        "The link answered 404, 410 or another 4xx, its host does not exist, it redirected more"
        " than 10 times, or the local file does not exist (with the cache: confirmed, days apart).",
        "Find where the source moved, cite an archived copy (the result's properties give one"
        " when the archives hold it), or remove the citation.",
    ),
    "soft-404": (
        "The cited page says it is not found.",
        "A 200 whose redirects ended on the site's home or a not-found page, or whose title or"
        " heading says the page does not exist.",
        "As for a dead link: find the page's new address, or cite an archived copy.",
    ),
    "failing": (
        "The cited page failed, but is not yet confirmed dead.",
        "It was dead or a soft 404, but has not failed often enough, days apart, to be called"
        " dead (`--confirm-dead`).",
        "Look at the link: it may be a passing outage. If it keeps failing it becomes dead.",
    ),
    "blocked": (
        "Bot protection answered instead of the page.",
        "A bot wall (a vendor's header or challenge page), or a plain 403 or 451, answered.",
        "Open the link in a browser. If it works there, accept the warning or exclude the URL.",
    ),
    "rate-limited": (
        "The server asked citecheck to slow down.",
        "The server answered 429 after the retries.",
        "Check again later, or lower `--host-concurrency` and raise `--host-interval`.",
    ),
    "paywalled": (
        "The cited page is behind a login or a paywall.",
        "The server answered 401 or 402, or 403 from a publisher marked as paywalled.",
        "Make sure readers can reach the source; consider citing an open or archived copy too.",
    ),
    "server-error": (
        "The cited page's server failed.",
        "5xx after the retries, a redirect without a usable Location, or an undecodable body.",
        "Check again later; if it persists, look for another copy of the source.",
    ),
    "timeout": (
        "The cited page did not answer in time.",
        "`--timeout` seconds passed for a request, after the retries.",
        "Check again later, or raise `--timeout`.",
    ),
    "unreachable": (
        "The cited page's host could not be reached.",
        "Connection refused, reset or closed, TLS failure, failed name lookup, or no route.",
        "Check the address and try again later; if the site is gone, cite an archived copy.",
    ),
    "offline": (
        "This run had no network: the link was not checked.",
        "No request got an answer, and every failure was a name lookup or a missing route.",
        "Run again with a network connection.",
    ),
    "refused-private": (
        "The link points into a private network.",
        "Its address is private, loopback, link-local or otherwise not global: not requested.",
        "Cite a public address, or pass `--allow-private` if the link is meant to be internal.",
    ),
    "invalid-url": (
        "The link's target is not a valid URL.",
        "Extraction found the target malformed, or it cannot be parsed as a URL.",
        "Fix the link's target.",
    ),
    "fragment-missing": (
        "The cited page is there, its #fragment is not.",
        "No element with that id or name (HTML), or no heading with that slug (Markdown).",
        "Fix the fragment or remove it.",
    ),
}

_VERIFY: dict[str, tuple[str, str, str]] = {
    "title-mismatch": (
        "The cited title differs from the page's.",
        "It matches none of the page's titles at 85/100 or more; the message gives the page's.",
        "Correct the title, or the link if it points at the wrong page.",
    ),
    "title-unknown": (
        "The page gives no title to compare.",
        "The page has no title, headline or og:title.",
        "Check the cited title by hand if it matters.",
    ),
    "date-mismatch": (
        "The cited date differs from the page's.",
        "The page's date is not the cited day give or take one (or in the cited month or year).",
        "Correct the date, or the link if it points at the wrong page.",
    ),
    "date-unknown": (
        "The page gives no publication date to compare.",
        "Neither the page's metadata nor its text gives a publication date.",
        "Check the cited date by hand if it matters.",
    ),
    "publisher-mismatch": (
        "The page is not on the cited publisher's site.",
        "The page (after its redirects) is on none of the cited publisher's domains.",
        "Correct the publisher's name, or cite the publisher's own copy of the source.",
    ),
    "cited-after-article": (
        "The article cites a date later than its own.",
        "The date the citation gives is after the article's own date.",
        "Check both dates: one of them is likely a typo.",
    ),
    "published-after-article": (
        "The source was published after the article that cites it.",
        "The page's publication date is after the article's own date.",
        "Check the link: it may point at a later story, or the page was republished.",
    ),
    "quote-close": (
        "The quote differs slightly from the source.",
        "A passage matches at 85/100 or more, not exactly; the message shows what differs.",
        "Correct the quote to the source's words, or mark the change.",
    ),
    "quote-not-found": (
        "The quote is not in the source.",
        "No passage of the page matches; the message shows the best one and its score.",
        "Find where the words come from: correct the quote or the source it is attributed to.",
    ),
    "unverified": (
        "The source's page could not be read: nothing was verified.",
        "No live page and no archived copy, reading failed, or the run was offline.",
        "Check the citation's claims by hand, or run again later.",
    ),
}

_RESOLVE: dict[str, tuple[str, str, str]] = {
    "resolved": (
        "A page was found for a citation in words.",
        "The page an unlinked citation names was found and proven (title, date and publisher).",
        "Check that it is the right page (the message gives it), then add the link.",
    ),
    "unresolved": (
        "No page was found for a citation in words.",
        "Searched, and no page proven: no candidate, none proven, a tie, or the budget ran out.",
        "Add the link by hand, or give the citation a title and date that can be found.",
    ),
    "unavailable": (
        "The search for a citation's page could not be made.",
        "No network, or the archive's index did not answer: says nothing about the citation.",
        "Run again later.",
    ),
}

_FINE: dict[str, tuple[str, str]] = {
    "ok": ("outcomes.md", "The cited page is there (or the local file exists)."),
    "excluded": (
        "outcomes.md",
        "The link was not checked, on purpose (`--exclude`, `--exclude-glob`).",
    ),
    "unsupported-scheme": ("outcomes.md", "Not a web link (`mailto:`, `tel:`, `ftp:` …)."),
    "title-match": ("verify.md", "The cited title matches the page's."),
    "date-match": ("verify.md", "The cited date matches the page's."),
    "publisher-match": ("verify.md", "The page is on the cited publisher's site."),
    "chronology-ok": ("verify.md", "The cited and published dates are not after the article's."),
    "quote-found": ("verify.md", "The quote is in the source."),
    "quote-translated": ("verify.md", "The quote translates the source: not compared."),
}

RULE_TEXTS: dict[str, tuple[str, str, str, str]] = {
    **{code: ("outcomes.md", *texts) for code, texts in _OUTCOMES.items()},
    **{code: ("verify.md", *texts) for code, texts in _VERIFY.items()},
    **{code: ("resolve.md", *texts) for code, texts in _RESOLVE.items()},
    **{code: (doc, text, text, "Nothing.") for code, (doc, text) in _FINE.items()},
}
"""For every code a finding can have: (the doc that defines it, short description, what it
means, what to do)."""

_TAGS = {"outcomes.md": "links", "verify.md": "verification", "resolve.md": "resolving"}

_SEVERITY: dict[Level, int] = {"note": 0, "warning": 1, "error": 2}

# Characters `terminal_safe` leaves that are invisible or break lines in a viewer.
_INVISIBLE = re.compile("[\u200b-\u200d\u2028\u2029\u2060-\u2064\ufeff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_STRAY_SURROGATE = re.compile("[\ud800-\udc7f\udd00-\udfff]")
# SARIF §3.11.6: in a message, `[text](target)` is an embedded link; a literal `\`, `[` or `]`
# is escaped with a backslash, so that nothing from an article can become a link.
_LINK_SYNTAX = re.compile(r"([\\\[\]])")


def render(report: CheckReport, *, fail_on: frozenset[str] = DEFAULT_FAIL_ON) -> str:
    """The report as a SARIF 2.1.0 log (JSON text and a newline)."""
    return json.dumps(to_object(report, fail_on=fail_on), ensure_ascii=False, indent=2) + "\n"


def to_object(report: CheckReport, *, fail_on: frozenset[str] = DEFAULT_FAIL_ON) -> dict[str, Any]:
    """The report as a SARIF 2.1.0 log, as plain JSON-able data."""
    found = list(findings(report, fail_on))
    levels: dict[str, Level] = {}
    for finding in found:
        known = levels.get(finding.code)
        if known is None or _SEVERITY[finding.level] > _SEVERITY[known]:
            levels[finding.code] = finding.level
    codes = sorted(levels)
    index = {code: i for i, code in enumerate(codes)}
    seen: Counter[str] = Counter()
    results = []
    for finding in found:
        digest = fingerprint(finding)
        seen[digest] += 1
        results.append(_result(finding, index[finding.code], f"{digest}:{seen[digest]}"))
    invocation: dict[str, Any] = {"executionSuccessful": True}
    notifications = _notifications(report)
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run = {
        "tool": {
            "driver": {
                "name": "citecheck",
                "version": __version__,
                "informationUri": PROJECT_URL,
                "rules": [rule(code, levels[code]) for code in codes],
            }
        },
        "invocations": [invocation],
        # Relative artifact URIs are relative to %SRCROOT%: the directory citecheck ran in,
        # which in CI is the repository's root, the base GitHub resolves relative URIs against.
        # The base is given without a `uri`: the spec allows that (the consumer supplies it), an
        # absolute `file:` URI of this machine's directory would make the log depend on where it
        # was made (and show it), and GitHub needs none (it maps URIs onto the checkout).
        "originalUriBaseIds": {
            SRCROOT: {"description": {"text": "The directory citecheck was run in."}}
        },
        # Spans count Unicode code points; SARIF's default is UTF-16 code units.
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def rule(code: str, level: Level) -> dict[str, Any]:
    """The rule (`reportingDescriptor`) of one code, with `level` as its default."""
    doc, short, meaning, action = RULE_TEXTS.get(
        code,
        (
            "outcomes.md",
            f"citecheck reported {code}.",
            f"citecheck reported {code}.",
            "See the docs.",
        ),
    )
    uri = help_uri(doc)
    see = f"[docs/{doc}]({uri})" if uri.endswith(doc) else f"docs/{doc} ([citecheck]({uri}))"
    return {
        "id": code,
        "name": rule_name(code),
        "shortDescription": {"text": short},
        "fullDescription": {"text": meaning},
        "help": {
            "text": f"{meaning}\n\nWhat to do: {action}\n\nSee docs/{doc}: {uri}",
            "markdown": f"{meaning}\n\n**What to do:** {action}\n\nSee {see}.",
        },
        "helpUri": uri,
        "defaultConfiguration": {"level": level},
        "properties": {"tags": ["citations", _TAGS[doc]]},
    }


def rule_name(code: str) -> str:
    """A code in CamelCase: `soft-404` → `Soft404`, `quote-not-found` → `QuoteNotFound`."""
    return "".join(word[:1].upper() + word[1:] for word in code.split("-"))


def help_uri(doc: str, project: str = PROJECT_URL) -> str:
    """Where a doc file can be read: in the repository when the project's URL is one on GitHub;
    else the project's page (a package index has no `blob/main/docs/…` to link to)."""
    if urlsplit(project).hostname == "github.com":
        return f"{project.rstrip('/')}/blob/main/docs/{doc}"
    return project


def artifact_location(path: str) -> dict[str, Any]:
    """Where a document is, as a SARIF `artifactLocation`: a relative path as a URI reference
    (POSIX separators, percent-encoded) under %SRCROOT%; an absolute one as a `file:` URI;
    standard input (`-`) as `stdin`, which is no file under the source root."""
    if path == "-":
        return {"uri": "stdin", "description": {"text": "standard input"}}
    # A name that was not UTF-8 gets its own bytes back (surrogateescape); other lone
    # surrogates, which no file name decodes to, become U+FFFD.
    pure = PurePath(_STRAY_SURROGATE.sub("\ufffd", path))
    if pure.is_absolute():
        return {"uri": pure.as_uri()}
    encoded = pure.as_posix().encode("utf-8", "surrogateescape")
    return {"uri": quote(encoded, safe="/"), "uriBaseId": SRCROOT}


def region(span: Span) -> dict[str, int]:
    """A span as a SARIF region (lines and columns 1-based in both; end column exclusive)."""
    start = (max(1, span.line), max(1, span.column))
    end = max(start, (span.end_line, span.end_column))
    return {"startLine": start[0], "startColumn": start[1], "endLine": end[0], "endColumn": end[1]}


def fingerprint(finding: Finding) -> str:
    """A hash of what a result is about, not of where it stands: the document, the code and the
    citation (kind, text, URL). It survives edits above the citation; two identical citations
    in one document are told apart by a count added to it (`:1`, `:2`)."""
    citation = finding.check.citation
    uri = artifact_location(citation.path)["uri"]
    parts = (uri, finding.code, citation.kind, citation.text, citation.url or "")
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def plain(text: str, limit: int) -> str:
    """Untrusted text made safe to show: control, bidi and invisible characters as visible
    escapes (`\\x1b`, `\\u202e`), line breaks as `\\n`, lone surrogates as U+FFFD, at most
    `limit` characters."""
    safe = terminal_safe(_SURROGATE.sub("\ufffd", text))
    safe = _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", safe)
    return safe if len(safe) <= limit else safe[: limit - 1] + "…"


def message(text: str) -> dict[str, str]:
    """A SARIF message of untrusted text: `text` only, made `plain`, with SARIF's link syntax
    escaped, at most `MAX_MESSAGE` characters."""
    escaped = _LINK_SYNTAX.sub(r"\\\1", plain(text, MAX_MESSAGE))
    if len(escaped) > MAX_MESSAGE:
        cut = escaped[: MAX_MESSAGE - 1]
        if (len(cut) - len(cut.rstrip("\\"))) % 2:
            cut = cut[:-1]  # do not leave half of an escape
        escaped = cut + "…"
    return {"text": escaped}


def _result(finding: Finding, rule_index: int, fingerprint_value: str) -> dict[str, Any]:
    citation = finding.check.citation
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": finding.level,
        "message": message(finding.message),
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(citation.path),
                    "region": region(citation.span),
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint_value},
    }
    properties = _properties(finding)
    if properties:
        result["properties"] = properties
    return result


def _properties(finding: Finding) -> dict[str, str]:
    """The URLs that go with a result: what was checked, the archived copy, the URL to cite."""
    check = finding.check
    urls = {
        "target": check.target or check.citation.url,
        "archiveUrl": check.archive.url if check.archive is not None else None,
        "suggestedUrl": check.outcome.suggested_url if check.outcome is not None else None,
        "resolvedUrl": check.resolution.url if check.resolution is not None else None,
    }
    return {name: plain(url, MAX_PROPERTY) for name, url in urls.items() if url}


def _notifications(report: CheckReport) -> list[dict[str, Any]]:
    """What kept the run from checking everything: unreadable inputs, a lost network."""
    notifications: list[dict[str, Any]] = [
        {
            "level": "error",
            "message": message(problem.message),
            "descriptor": {"id": problem.code},
            "locations": [
                {"physicalLocation": {"artifactLocation": artifact_location(problem.path)}}
            ],
        }
        for problem in report.problems
    ]
    if report.offline:
        notifications.append(
            {
                "level": "error",
                "message": {"text": "No network could be reached: the links were not checked."},
                "descriptor": {"id": "offline"},
            }
        )
    return notifications
