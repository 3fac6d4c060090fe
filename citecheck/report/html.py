"""The HTML report: one self-contained page for editors (`render`). Pure.

No external CSS, scripts, fonts or images, and no JavaScript at all: a strict Content Security
Policy in the page forbids anything but its own inline style, so that even text an article
managed to inject could not run. Everything that comes from an article or a page (titles, URLs,
the article's text, details, evidence) is untrusted: it is cleaned of control characters,
bidirectional overrides and lone surrogates, capped at `MAX_CHARS`, and escaped. Only `http:`
and `https:` URLs become links; any other (`javascript:`, `data:`, ...) is shown as text.

A summary comes first (the summary line, a chip per status, the findings by level, the offline
banner), then one section per document with a card per citation in document order. A card's
left border says the loudest of its findings (`report.findings`): red for an error, amber for a
warning, blue for a note, grey when there is nothing to say.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from itertools import groupby

from citecheck._version import __version__
from citecheck.archive.model import headline
from citecheck.confirm import day, describe
from citecheck.model import CheckReport, Citation, CitationCheck
from citecheck.policy import DEFAULT_FAIL_ON
from citecheck.report import check_summary, kind_label, status_counts
from citecheck.report.findings import MATCHES, Level, findings, findings_of
from citecheck.report.table import OFFLINE_MESSAGE

MAX_CHARS = 2000
"""The longest untrusted string shown; longer ones are cut and end with an ellipsis."""
MAX_URL = 8192
"""The longest URL made a link (a longer one is shown, capped, as text)."""
MAX_CANDIDATES = 3
"""How many of an unresolved citation's candidates are listed."""

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 (but tab and line breaks), DEL, C1
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks, embeddings, overrides
    "\ud800-\udfff]"  # lone surrogates (a file name that is not UTF-8): no UTF-8 page holds one
)
_SPACES = re.compile("[\t\n\r\u2028\u2029]+")
_WEB = re.compile("https?://[^\\s]", re.IGNORECASE)

TONES = {
    "ok": "good",
    "redirected": "info",
    "dead": "bad",
    "soft-404": "bad",
    "failing": "bad",
    "invalid-url": "bad",
    "fragment-missing": "bad",
    "refused-private": "bad",
    "offline": "bad",
    "blocked": "warn",
    "paywalled": "warn",
    "rate-limited": "warn",
    "server-error": "warn",
    "timeout": "warn",
    "unreachable": "warn",
    "excluded": "muted",
    "unsupported-scheme": "muted",
    "resolved": "good",
    "unresolved": "warn",
    "unavailable": "muted",
    "archived": "good",
    "archived-after": "info",
    "quote-close": "warn",
    "quote-translated": "info",
    "title-unknown": "muted",
    "date-unknown": "muted",
    "unverified": "muted",
    "not checked": "muted",
    "proven": "good",
    "ambiguous": "warn",
    "rejected": "muted",
    "unreadable": "muted",
    "not-fetched": "muted",
}
"""The colour of each code's badge; a code not listed is a match (good) or a problem (bad)."""

_LEVELS: tuple[Level, ...] = ("error", "warning", "note")
_NONE = '<p class="dim">No citations.</p>'

_STYLE = """
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--dim:#57606a;--card:#f6f8fa;--line:#d0d7de;
--link:#0550ae;--error:#cf222e;--warning:#bf8700;--note:#0969da;--fine:#afb8c1;
--good-bg:#dafbe1;--good:#116329;--info-bg:#ddf4ff;--info:#0a3069;--warn-bg:#fff8c5;--warn:#6f4e00;
--bad-bg:#ffebe9;--bad:#a40e26;--muted-bg:#eaeef2;--muted:#424a53}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--dim:#9da7b3;--card:#161b22;
--line:#30363d;--link:#79c0ff;--error:#f85149;--warning:#d29922;--note:#58a6ff;--fine:#484f58;
--good-bg:#12361f;--good:#7ee787;--info-bg:#0c2d4d;--info:#a5d6ff;--warn-bg:#3b2e05;--warn:#f2cc60;
--bad-bg:#4a1217;--bad:#ffa198;--muted-bg:#262c36;--muted:#c9d1d9}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:60rem;padding:1rem .75rem;background:var(--bg);color:var(--fg);
font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;overflow-wrap:anywhere}
h1{font-size:1.4rem;margin:0 0 .5rem}h2{font-size:1.15rem;margin:1.75rem 0 .25rem}
a{color:var(--link)}code,.url{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
font-size:.9em}
.summary{font-weight:600}.chips{display:flex;flex-wrap:wrap;gap:.35rem;padding:0;margin:.5rem 0}
.chips li{list-style:none}.meta,.dim{color:var(--dim);font-size:.9rem}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:1rem;font-size:.85rem;
font-weight:600;line-height:1.5;white-space:nowrap}
.good{background:var(--good-bg);color:var(--good)}.info{background:var(--info-bg);color:var(--info)}
.warn{background:var(--warn-bg);color:var(--warn)}.bad{background:var(--bad-bg);color:var(--bad)}
.muted{background:var(--muted-bg);color:var(--muted)}
.banner{border:2px solid var(--error);background:var(--bad-bg);color:var(--bad);padding:.75rem;
border-radius:.5rem;font-weight:600}
.card{background:var(--card);border:1px solid var(--line);border-left:.4rem solid var(--fine);
border-radius:.5rem;padding:.6rem .8rem;margin:.75rem 0}
.card.error{border-left-color:var(--error)}.card.warning{border-left-color:var(--warning)}
.card.note{border-left-color:var(--note)}.card.fine{color:var(--dim)}
.card header{display:flex;flex-wrap:wrap;align-items:baseline;gap:.25rem .6rem}
.level{font-size:.8rem;font-weight:700;text-transform:uppercase;letter-spacing:.04em}
.error .level{color:var(--error)}.warning .level{color:var(--warning)}
.note .level{color:var(--note)}
.headline{font-weight:700;color:var(--bad)}
.said{margin:.4rem 0}
blockquote{margin:.4rem 0;padding-left:.7rem;border-left:3px solid var(--line)}
dl{margin:.4rem 0 0}dt{font-weight:600;font-size:.85rem;color:var(--dim);margin-top:.35rem}
dd{margin:0}ul.list{margin:.1rem 0;padding-left:1.1rem}
@media (min-width:40rem){dl{display:grid;grid-template-columns:7.5rem 1fr;gap:.2rem .75rem}
dt{margin:0;text-align:right}}
@media print{:root{--bg:#fff;--fg:#000;--card:#fff}body{max-width:none;font-size:11pt}
.card{break-inside:avoid}a{color:inherit}}
"""


def clean(text: str, limit: int = MAX_CHARS) -> str:
    """`text` without control characters or bidi controls (line breaks become spaces), cut at
    `limit` characters with an ellipsis."""
    text = _SPACES.sub(" ", _UNSAFE.sub("", text[: limit * 4]))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def esc(text: str, limit: int = MAX_CHARS) -> str:
    """Untrusted `text`, cleaned, capped and escaped for HTML text or an attribute value."""
    return html.escape(clean(text, limit), quote=True)


def link(url: str, label: str | None = None) -> str:
    """A link to `url` when it is an `http:` or `https:` URL, else `url` shown as text."""
    shown = esc(label) if label is not None else f'<span class="url">{esc(url)}</span>'
    cleaned = _UNSAFE.sub("", url)
    if len(cleaned) <= MAX_URL and _WEB.match(cleaned) and not _SPACES.search(cleaned):
        href = html.escape(cleaned, quote=True)
        return f'<a href="{href}" rel="noopener noreferrer nofollow">{shown}</a>'
    return shown


def badge(code: str) -> str:
    """A coloured badge with a (trusted, documented) code."""
    tone = TONES.get(code, "good" if code in MATCHES else "bad")
    return f'<span class="badge {tone}">{esc(code)}</span>'


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _kind(citation: Citation) -> str:
    return kind_label(citation, chrome="site chrome")


def _cited(citation: Citation) -> str:
    """What the article says of its source: publisher, title, author, date, speaker."""
    parts: list[str] = []
    if citation.attributed_to:
        parts.append(f"said by <strong>{esc(citation.attributed_to)}</strong>")
    if citation.reference is not None:  # its publisher, title and date are the reference's
        parts.append(f"cited at line {citation.reference.span.line}")
        return " · ".join(parts)
    if citation.publisher:
        domain = f" [{esc(citation.domain)}]" if citation.domain else ""
        parts.append(f"<strong>{esc(citation.publisher)}</strong>{domain}")
    if citation.title:
        parts.append(f"“{esc(citation.title)}”")
    if citation.author:
        parts.append(f"by {esc(citation.author)}")
    if citation.date:
        parts.append(esc(citation.date))
    return " · ".join(parts)


def _target(check: CitationCheck) -> str:
    """The live link: the URL cited (or why there is none), where it went, what to cite."""
    citation, outcome = check.citation, check.outcome
    if citation.invalid is not None:
        shown = f"invalid: {esc(citation.invalid)}"
        return shown + (
            f' (<span class="url">{esc(citation.url_raw)}</span>)' if citation.url_raw else ""
        )
    url = check.target or citation.url
    if url is None:
        return f"local: {esc(citation.local)}" if citation.local else ""
    resolved = check.resolution is not None and check.resolution.url == url
    parts = [] if resolved and citation.url is None else [link(url)]  # (shown under Resolved)
    if outcome is not None and outcome.redirects and outcome.final_url:
        hops = " → ".join(str(hop.status) for hop in outcome.redirects)
        parts.append(f'→ {link(outcome.final_url)} <span class="dim">({hops})</span>')
    if outcome is not None and outcome.suggested_url:
        parts.append(f"cite instead: {link(outcome.suggested_url)}")
    return "<br>".join(parts)


def _archive(check: CitationCheck) -> str:
    result = check.archive
    if result is None:
        return ""
    parts = [badge(result.status)]
    if result.url:
        parts.append(link(result.url, result.timestamp or result.url))
        if result.source:
            parts.append(f'<span class="dim">({esc(result.source)})</span>')
    else:
        parts.append(f'<span class="dim">{esc(result.detail)}</span>')
    return " ".join(parts)


def _resolution(check: CitationCheck) -> str:
    resolution = check.resolution
    if resolution is None:
        return ""
    parts = [badge(resolution.status)]
    if resolution.url:
        parts.append(f"{link(resolution.url)} (confidence {resolution.confidence:.2f})")
    items = [f"<li>{esc(line)}</li>" for line in resolution.evidence[:5]]
    if resolution.status != "resolved":
        for candidate in resolution.candidates[:MAX_CANDIDATES]:
            title = f" “{esc(candidate.title)}”" if candidate.title else ""
            when = f" {esc(candidate.date)}" if candidate.date else ""
            items.append(
                f"<li>{badge(candidate.status)} {link(candidate.url)}{title}{when}"
                f' <span class="dim">score {candidate.score:.0f}:'
                f" {esc(candidate.reason)}</span></li>"
            )
    if items:
        parts.append(f'<ul class="list">{"".join(items)}</ul>')
    return " ".join(parts)


def _verification(check: CitationCheck) -> str:
    items = []
    for verification in check.verification or ():
        score = f" {verification.score:.0f}/100" if verification.score is not None else ""
        items.append(
            f"<li>{esc(verification.check)} {badge(verification.status)}{score}"
            f'<br><span class="dim">{esc(verification.evidence)}</span></li>'
        )
    return f'<ul class="list">{"".join(items)}</ul>' if items else ""


def _detail(check: CitationCheck) -> str:
    parts = []
    if check.outcome is not None:
        parts.append(esc(check.outcome.detail))
    if check.cached_at is not None:
        parts.append(f'<span class="dim">(cached, checked {day(check.cached_at)})</span>')
    return " ".join(parts)


def card(check: CitationCheck, fail_on: frozenset[str] = DEFAULT_FAIL_ON) -> str:
    """One citation as a card."""
    citation, outcome = check.citation, check.outcome
    levels = {finding.level for finding in findings_of(check, fail_on)}
    level = next((name for name in _LEVELS if name in levels), "fine")
    status: str
    if outcome is not None:
        status = outcome.status
    elif check.resolution is not None:
        status = check.resolution.status
    else:  # a quote: its result; anything else in words is not checked
        quoted = [v.status for v in check.verification or () if v.check in ("quote", "page")]
        status = quoted[0] if quoted else "not checked"
    span = citation.span
    head = [
        badge(status),
        f'<span class="level">{level}</span>' if level != "fine" else "",
        f'<span class="dim">{span.line}:{span.column}</span>',
        f'<span class="dim">{esc(_kind(citation))}</span>',
    ]
    body: list[str] = []
    said = headline(status, check.archive)
    if said:
        body.append(f'<p class="headline">{esc(said)}</p>')
    if citation.kind == "quote":
        body.append(f"<blockquote>“{esc(citation.text)}”</blockquote>")
    elif citation.text != citation.url:
        body.append(f'<p class="said">{esc(citation.text)}</p>')
    cited = _cited(citation)
    if cited:
        body.append(f'<p class="said">{cited}</p>')
    rows = [
        ("Link", _target(check)),
        ("Archived copy", _archive(check)),
        ("Resolved", _resolution(check)),
        ("Verified", _verification(check)),
        ("Detail", _detail(check)),
        ("History", esc(describe(check.history)) if check.history is not None else ""),
    ]
    if check.saved is not None:
        saved = check.saved
        snapshot = link(saved.snapshot) if saved.snapshot else ""
        rows.append(("Saved", f"{badge(saved.status)} {snapshot} {esc(saved.detail)}"))
    if citation.link_missing:
        rows.append(("Note", "the link to the original is missing"))
    elif citation.note:
        rows.append(("Note", esc(citation.note)))
    items = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows if value)
    return (
        f'<article class="card {level}"><header>{"".join(head)}</header>'
        f"{''.join(body)}{f'<dl>{items}</dl>' if items else ''}</article>\n"
    )


def _summary(report: CheckReport, fail_on: frozenset[str]) -> str:
    parts = ["<h1>citecheck report</h1>"]
    if report.offline:
        parts.append(f'<p class="banner" role="alert">{esc(OFFLINE_MESSAGE)}</p>')
    parts.append(f'<p class="summary">{esc(check_summary(report))}</p>')
    chips = [f"{badge(status)} {count}" for status, count in status_counts(report).items()]
    resolved = Counter(c.resolution.status for c in report.checks if c.resolution is not None)
    chips += [f"{badge(status)} {count}" for status, count in sorted(resolved.items())]
    unchecked = sum(1 for c in report.checks if c.outcome is None and c.resolution is None)
    if unchecked:
        chips.append(f"{badge('not checked')} {unchecked}")
    if chips:
        items = "".join(f"<li>{chip}</li>" for chip in chips)
        parts.append(f'<ul class="chips" aria-label="citations by status">{items}</ul>')
    levels = Counter(finding.level for finding in findings(report, fail_on))
    said = ", ".join(_plural(levels[name], name) for name in _LEVELS)
    parts.append(f'<p class="meta">Findings: {said}.</p>')
    for note in report.notes:
        parts.append(f'<p class="meta">{esc(note)}</p>')
    for problem in report.problems:
        parts.append(f'<p class="headline">{esc(problem.path)}: {esc(problem.message)}</p>')
    return "\n".join(parts)


def render(report: CheckReport, *, fail_on: frozenset[str] = DEFAULT_FAIL_ON) -> str:
    """The whole report as one self-contained HTML5 page."""
    by_path = {
        path: list(group) for path, group in groupby(report.checks, lambda c: c.citation.path)
    }
    sections = []
    for document in report.documents:
        checks = by_path.get(document.path, [])
        about = [document.format, document.encoding, _plural(len(checks), "citation")]
        if document.date:
            about.append(f"dated {document.date}")
        if document.ignored:
            about.append(f"{document.ignored} ignored by directives")
        cards = "".join(card(check, fail_on) for check in checks) or _NONE
        sections.append(
            f"<section><h2>{esc(document.path)}</h2>"
            f'<p class="meta">{esc(", ".join(about))}</p>\n'
            f"{cards}</section>"
        )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        "<title>citecheck report</title>\n"
        f"<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n"
        f"{_summary(report, fail_on)}\n{''.join(sections)}\n</main>\n"
        f'<footer class="meta"><p>citecheck {esc(__version__)}</p></footer>\n</body>\n</html>\n'
    )
