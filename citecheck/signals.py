"""What an answer says about itself beyond its status code: not-found pages and bot walls.

Pure functions of headers, URLs and page text. They are heuristics, so each returns its evidence
(the header, the title, the marker found), which the report shows: an editor can see at once why
a page was called a soft 404 or a bot wall, and tell us when we are wrong.

**Soft 404s.** Many sites answer a missing article with 200: they redirect to their home page,
to a `/404` page, or render a "page not found" page. We look at where the redirects ended, and at
the page's `<title>` and headings (and, for a short page, its whole text) for the phrases sites
use, in English and Chinese. Only the title, headings and short pages are read, because an
article *about* broken links may well say "page not found" in its body.

**Bot walls.** Cloudflare, Akamai, PerimeterX (HUMAN), DataDome, Imperva and AWS WAF answer
automated clients with 403, 503, 405 or 429 and a challenge page. Such an answer says nothing
about the link, so it must not be reported as dead. Each vendor leaves a marker: a header
(`cf-mitigated`, `x-datadome`, `x-iinfo`), a server name, or a script or phrase in the page.
LinkedIn answers 999 to anything that is not a logged-in browser.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

NOT_FOUND_PHRASES = (
    "page not found",
    "404 not found",
    "error 404",
    "404 error",
    "not found (404)",
    "page does not exist",
    "page doesn't exist",
    "page cannot be found",
    "page can't be found",
    "page could not be found",
    "page you requested could not be found",
    "page you were looking for",
    "we can't find the page",
    "we couldn't find the page",
    "we couldn’t find the page",
    "we can’t find the page",
    "sorry, that page",
    "article not found",
    "story not found",
    "content not found",
    "this page is no longer available",
    "找不到網頁",
    "找不到网页",
    "找不到頁面",
    "找不到页面",
    "页面不存在",
    "頁面不存在",
    "网页不存在",
    "網頁不存在",
    "页面未找到",
    "頁面未找到",
    "页面找不到",
    "頁面找不到",
    "您访问的页面不存在",
    "您訪問的頁面不存在",
    "您要访问的页面不存在",
    "文章不存在",
    "新闻不存在",
    "新聞不存在",
    "该页面不存在",
    "該頁面不存在",
    "页面已删除",
    "頁面已刪除",
    "404错误",
    "404錯誤",
)
"""Phrases (lower case) that a not-found page carries in its title or headings."""

_NOT_FOUND_PATH = re.compile(
    r"(?:^|/)(?:404|error[-_]?404|404[-_]?error|not[-_]?found|page[-_]?not[-_]?found|"
    r"errors?/404|error)(?:\.s?html?|\.php|\.aspx?)?/?$",
    re.IGNORECASE,
)
_HOME_PATH = re.compile(
    r"^/?(?:(?:index|default|home)(?:\.s?html?|\.php|\.aspx?)?|"
    r"[a-z]{2}(?:[-_][a-z]{2,4})?/?)?$",
    re.IGNORECASE,
)
# Elements are found as `finditer` of `open(.*?)close` would find them, but one element at a
# time (`_contents`, `_without_scripts`): those regular expressions search again to the end of
# the page from every opening that is never closed, which is quadratic (minutes for 200,000
# characters of `<h1>` or `<script`).
_TITLE = (re.compile(r"<title[^>]*>", re.IGNORECASE), re.compile(r"</title\s*>", re.IGNORECASE))
_HEADING = (re.compile(r"<h[12][^>]*>", re.IGNORECASE), re.compile(r"</h[12]\s*>", re.IGNORECASE))
_TAG = re.compile(r"<[^>]*>")
_SCRIPT = re.compile(r"<(?:(?P<script>script)|(?P<style>style))\b", re.IGNORECASE)
_SCRIPT_END = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in ("script", "style")}
_SPACE = re.compile(r"\s+")

SHORT_PAGE = 3000
"""A page with less visible text than this (characters) is read whole for not-found phrases."""


def is_home(url: str) -> bool:
    """Whether `url` is a site's home page (`/`, `/index.html`, `/en/`, `/zh-hant/`) without a
    query that names something."""
    try:
        parts = urlsplit(url)
    except ValueError:  # `http://[::1`: no URL, so no home page
        return False
    return bool(_HOME_PATH.match(parts.path)) and not parts.query


def not_found_path(url: str) -> bool:
    """Whether `url`'s path is a not-found page (`/404`, `/not-found`, `/error/404.html`)."""
    try:
        return bool(_NOT_FOUND_PATH.search(urlsplit(url).path))
    except ValueError:  # not a URL
        return False


def soft_404(start_url: str, final_url: str, redirected: bool, page: str | None) -> str | None:
    """Why a 200 answer is really "not found", or None. `page` is the page's text, if read."""
    if redirected and final_url != start_url:
        if is_home(final_url) and not is_home(start_url):
            return f"redirected to the site's home page {final_url}"
        if not_found_path(final_url) and not not_found_path(start_url):
            return f"redirected to a not-found page {final_url}"
    if page:
        phrase = not_found_text(page)
        if phrase is not None:
            return f"the page says {phrase!r}"
    return None


def _visible(fragment: str) -> str:
    # No tag starts after the last `>`: past it `<[^>]*>` would scan to the end from every `<`.
    last = fragment.rfind(">") + 1
    stripped = _TAG.sub(" ", fragment[:last]) + fragment[last:]
    return _SPACE.sub(" ", html.unescape(stripped)).strip()


def _contents(page: str, tags: tuple[re.Pattern[str], re.Pattern[str]]) -> list[str]:
    """What lies between each opening tag and the closing tag after it, in order."""
    opening, closing = tags
    page = page[: page.rfind(">") + 1]  # tags end at a `>`; after the last, `[^>]*` cannot
    found: list[str] = []
    position = 0
    while (start := opening.search(page, position)) is not None:
        end = closing.search(page, start.end())
        if end is None:  # nor is any later opening closed
            break
        found.append(page[start.end() : end.start()])
        position = end.end()
    return found


def _without_scripts(page: str) -> str:
    """`page` with each `<script>` and `<style>` element (to its closing tag) made a space; one
    never closed stays as it is."""
    pieces: list[str] = []
    kept = 0  # `page[kept:]` is still to be copied
    position = 0
    unclosed: set[str] = set()  # no closing tag of these after `position`
    while len(unclosed) < len(_SCRIPT_END) and (start := _SCRIPT.search(page, position)):
        name = start.lastgroup or ""  # not the text: `ſcript` matches too, ignoring case
        end = None if name in unclosed else _SCRIPT_END[name].search(page, start.end())
        if end is None:
            unclosed.add(name)
            position = start.end()
            continue
        pieces += [page[kept : start.start()], " "]
        kept = position = end.end()
    pieces.append(page[kept:])
    return "".join(pieces)


def not_found_text(page: str) -> str | None:
    """The title, heading or short page text of `page` that says "not found", or None."""
    page = page[:200_000]
    for place in _contents(page, _TITLE) + _contents(page, _HEADING):
        text = _visible(place)
        if _has_phrase(text):
            return text[:120]
    body = _visible(_without_scripts(page))
    if len(body) < SHORT_PAGE and _has_phrase(body):
        lowered = body.lower()
        for phrase in NOT_FOUND_PHRASES:
            at = lowered.find(phrase)
            if at >= 0:
                return body[at : at + len(phrase)]
    return None


def _has_phrase(text: str) -> bool:
    lowered = text.lower()
    return any(phrase in lowered for phrase in NOT_FOUND_PHRASES)


# Bot walls -------------------------------------------------------------------------------------

_BODY_MARKERS = (
    ("cf-chl", "Cloudflare challenge (cf-chl)"),
    ("challenge-platform", "Cloudflare challenge (challenge-platform)"),
    ("just a moment...", 'Cloudflare challenge ("Just a moment...")'),
    ("attention required! | cloudflare", 'Cloudflare block ("Attention Required!")'),
    ("captcha-delivery.com", "DataDome captcha (captcha-delivery.com)"),
    ("px-captcha", "PerimeterX captcha (px-captcha)"),
    ("_pxhd", "PerimeterX (_pxhd)"),
    ("perimeterx", "PerimeterX"),
    ("errors.edgesuite.net", "Akamai (errors.edgesuite.net reference)"),
    ("_incapsula_resource", "Imperva Incapsula (_Incapsula_Resource)"),
    ("sucuri website firewall", "Sucuri firewall"),
    ("awswaf", "AWS WAF challenge"),
    ("please verify you are a human", '"Please verify you are a human"'),
    ("are you a robot", '"Are you a robot"'),
    ("验证码", "captcha page (验证码)"),
    ("驗證碼", "captcha page (驗證碼)"),
)

WALL_STATUSES = frozenset({401, 403, 405, 406, 429, 503})
"""Statuses a bot wall answers with; page markers are believed only with one of these."""


def bot_wall(status: int, headers: Mapping[str, str], page: str | None) -> str | None:
    """The evidence that an answer is bot protection, not the page; None if there is none.
    `headers` has lower-case names."""
    if status == 999:
        return "HTTP 999: LinkedIn refuses automated requests"
    mitigated = headers.get("cf-mitigated")
    if mitigated:
        return f"Cloudflare: cf-mitigated: {mitigated}"
    waf = headers.get("x-amzn-waf-action")
    if waf:
        return f"AWS WAF: x-amzn-waf-action: {waf}"
    if status not in WALL_STATUSES:
        return None
    if "x-datadome" in headers or "x-dd-b" in headers:
        return "DataDome: x-datadome header"
    if "x-iinfo" in headers or "incap" in headers.get("x-cdn", "").lower():
        return "Imperva Incapsula: x-iinfo header"
    if "x-sucuri-id" in headers:
        return "Sucuri: x-sucuri-id header"
    server = headers.get("server", "").lower()
    if page:
        lowered = page[:200_000].lower()
        for marker, evidence in _BODY_MARKERS:
            if marker in lowered:
                return evidence
        if "akamaighost" in server and "access denied" in lowered:
            return 'Akamai: server AkamaiGHost, "Access Denied"'
    if server == "cloudflare" and status == 403:
        return "Cloudflare: server cloudflare answered 403"
    if server == "datadome":
        return "DataDome: server DataDome"
    return None
