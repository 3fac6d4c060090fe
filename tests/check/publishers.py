"""An imitation of the sites the reference article cites, and of the Wayback Machine's CDX index
and replay, for the resolution tests. HAND-BUILT, NOT RECORDED: the URLs follow each
publisher's real URL scheme and the pages carry the markup such sites use (`og:*` and
`article:published_time` meta tags, JSON-LD, a site name after the title), but the texts are
short ones written for the tests. Every story the article cites has decoys: other pages of the
same days on the same site with words in common (state.gov's several "Secretary of State Marco
Rubio Remarks to Press", AP's and CBS's other stories about Putin, ceasefires, Poland and nuclear
weapons), so that ranking and proof are really tested.

The CDX server answers as the real one does for what resolution asks: `url` with
`matchType=prefix` or `domain`, `from`/`to`, `filter=statuscode:200`, `collapse=urlkey`,
`output=json` with `fl`, `limit`, and `showResumeKey` (a page ends with an empty row and the key;
`resumeKey` asks for the next). Its pages hold at most `page_size` rows, as the real server caps
them (far smaller here, so that paging happens).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fakeweb import Answer, FakeWeb, Seen

ARTICLE = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "examples"
    / "lo-2025-us-russia-ukraine-appeasement.txt"
)
"""The reference article (`../shared/examples/`)."""

needs_article = pytest.mark.skipif(
    not ARTICLE.exists(), reason=f"the reference article is not at {ARTICLE}"
)


@dataclass(frozen=True)
class Story:
    """A page of a publisher's site."""

    url: str
    title: str
    date: str
    """ISO date of publication."""
    text: str
    site: str
    captured: str | None = None
    """When the Wayback Machine captured it (14 digits), if it did."""
    live: bool = True
    """Whether the live site still serves it."""
    style: str = "og"
    """How the page says what it is: `og` (meta tags) or `jsonld` (a NewsArticle)."""


STATE = "United States Department of State"
JEDDAH = "Joint Statement on the United States-Ukraine Meeting in Jeddah"
RUBIO = "Secretary of State Marco Rubio Remarks to Press"
PLANALTO_TITLE = (
    "Brazil and China present joint proposal for peace negotiations with the participation of"
    " Russia and Ukraine"
)
SPOKESPERSON = "https://www.state.gov/releases/office-of-the-spokesperson/2025/03/"

JEDDAH_URL = SPOKESPERSON + "joint-statement-on-the-united-states-ukraine-meeting-in-jeddah"
RUBIO_URL = "https://www.state.gov/secretary-of-state-marco-rubio-remarks-to-press-5/"
PLANALTO_URL = (
    "https://www.gov.br/planalto/en/latest-news/2024/05/brazil-and-china-present-joint-proposal"
    "-for-peace-negotiations-with-the-participation-of-russia-and-ukraine"
)
AP_URL = (
    "https://apnews.com/article/russia-ukraine-putin-witkoff-ceasefire-moscow-talks-"
    "7d2c4a9e0b1f4e6a8c3d5b7f9a1e2c4d"
)
CBS_URL = "https://www.cbsnews.com/news/poland-nuclear-weapons-duda-tusk-france-macron-russia/"

STORIES = [
    # state.gov: the joint statement (its short URL redirects here), and the Secretary's
    # remarks to the press on several days, all with the same title.
    Story(
        JEDDAH_URL,
        JEDDAH,
        "2025-03-11",
        # The statement's words as the article quotes them, but for two changes the tests rely
        # on: "the key to" is "key to" here (a close quote), and the sentence on European
        # partners is not here at all (a quote not found).
        "Today in Jeddah, Saudi Arabia, the United States and Ukraine took important steps"
        " towards restoring durable peace for Ukraine. Representatives of both countries praised"
        " the bravery of the Ukrainian people in defense of their nation. The Ukrainian"
        " delegation reiterated Ukraine's strong gratitude to President Trump, the US Congress,"
        " and the people of the US for making possible meaningful progress towards peace."
        " Ukraine expressed readiness to accept the US proposal to enact an immediate, interim"
        " 30-day ceasefire, which can be extended by mutual agreement of the parties, and which"
        " is subject to acceptance and concurrent implementation by the Russian Federation. The"
        " United States will communicate to Russia that Russian reciprocity is key to achieving"
        " peace. The United States will immediately lift the pause on intelligence sharing and"
        " resume security assistance to Ukraine. The delegations discussed the importance of"
        " humanitarian relief efforts, the exchange of prisoners of war, the release of civilian"
        " detainees, and the return of forcibly transferred Ukrainian children. Both countries'"
        " presidents agreed to conclude as soon as possible a comprehensive agreement for"
        " developing Ukraine's critical mineral resources to expand Ukraine's economy and"
        " guarantee Ukraine's long-term prosperity and security.",
        STATE,
        "20250311190512",
    ),
    Story(
        "https://www.state.gov/secretary-of-state-marco-rubio-remarks-to-press/",
        RUBIO,
        "2025-01-30",
        "The Secretary spoke to the press about the first days of the administration.",
        STATE,
        "20250130221501",
    ),
    Story(
        "https://www.state.gov/secretary-of-state-marco-rubio-remarks-to-press-4/",
        RUBIO,
        "2025-03-11",
        "Secretary Rubio spoke to the press in Jeddah after the meeting with the Ukrainian"
        " delegation about the ceasefire proposal.",
        STATE,
        "20250311230044",
    ),
    Story(
        RUBIO_URL,
        RUBIO,
        "2025-03-12",
        "Secretary Rubio said the United States will not negotiate in public. Ukraine raised"
        " the exchange of prisoners, the return of children and long-term security.",
        STATE,
        "20250312153009",
    ),
    Story(
        "https://www.state.gov/secretary-of-state-marco-rubio-remarks-to-press-6/",
        RUBIO,
        "2025-03-14",
        "Secretary Rubio spoke to the press at the G7 foreign ministers' meeting in Charlevoix.",
        STATE,
        "20250314201744",
    ),
    # gov.br/planalto
    Story(
        PLANALTO_URL,
        PLANALTO_TITLE,
        "2024-05-23",
        "Brazil and China presented a joint proposal with six points for peace negotiations,"
        " with the participation of Russia and Ukraine.",
        "Planalto",
        "20240524081500",
    ),
    # apnews.com: the story the article describes, and other stories of the same days.
    Story(
        AP_URL,
        "Putin meets Trump envoy Witkoff in Moscow to discuss US ceasefire proposal",
        "2025-03-15",
        "Russian President Vladimir Putin met US envoy Steve Witkoff in Moscow to discuss the"
        " details of the 30-day ceasefire proposal. Putin said he supported a truce in principle"
        " but that the details needed clarification before any agreement.",
        "AP News",
        "20250315020311",
        style="jsonld",
    ),
    Story(
        "https://apnews.com/article/russia-ukraine-war-kursk-putin-zelenskyy-"
        "0f4e2a1b3c5d4e6f8a9b0c1d2e3f4a5b",
        "Putin says Ukrainian troops in Kursk are encircled as ceasefire talk grows",
        "2025-03-15",
        "Putin claimed Russian forces have encircled Ukrainian troops in the Kursk region. Kyiv"
        " denied it. The Kremlin said a ceasefire must address the root causes of the war.",
        "AP News",
        "20250315101500",
        style="jsonld",
    ),
    Story(
        "https://apnews.com/article/trump-putin-ukraine-ceasefire-call-"
        "1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6",
        "Trump says he urged Putin to spare Ukrainian troops as ceasefire push continues",
        "2025-03-14",
        "President Donald Trump said he had asked Putin to spare Ukrainian soldiers and that there"
        " was a good chance the war could end.",
        "AP News",
        "20250314233000",
        style="jsonld",
    ),
    Story(
        "https://apnews.com/article/gaza-ceasefire-hamas-israel-talks-"
        "2b3c4d5e6f7a48b9c0d1e2f3a4b5c6d7",
        "Hamas says it is ready to free an American hostage as Gaza ceasefire talks resume",
        "2025-03-14",
        "Hamas said it agreed to release an Israeli-American hostage as talks on the next phase of"
        " the Gaza ceasefire resumed in Qatar.",
        "AP News",
        "20250314120000",
        style="jsonld",
    ),
    *[
        Story(
            f"https://apnews.com/article/{slug}-{n:032x}",
            title,
            "2025-03-15",
            f"{title}. More in the story.",
            "AP News",
            f"2025031{4 + n % 2}0{n % 10}0000",
            style="jsonld",
        )
        for n, (slug, title) in enumerate(
            [
                ("stock-market-today-wall-street", "Wall Street rallies after a rough week"),
                ("march-madness-bracket-upsets", "March Madness: the upsets to watch"),
                ("ukraine-energy-drones-strikes", "Russian drones strike Ukraine's energy grid"),
                ("canada-carney-sworn-in-prime-minister", "Carney is sworn in as Canada's leader"),
                ("measles-outbreak-texas-cases", "Measles cases rise in Texas outbreak"),
                ("schumer-shutdown-spending-bill", "Schumer says Democrats will not block bill"),
            ],
            start=1,
        )
    ],
    # cbsnews.com
    Story(
        CBS_URL,
        "Poland's president calls for U.S. nuclear weapons on Polish soil as Tusk eyes France's"
        " deterrent",
        "2025-03-13",
        "Polish President Andrzej Duda urged the US to deploy nuclear weapons to Poland. Prime"
        " Minister Donald Tusk said Poland was interested in Macron's offer to extend France's"
        " nuclear deterrent. Moscow called the idea \u201cextremely confrontational.\u201d",
        "CBS News",
        "20250313164022",
    ),
    Story(
        "https://www.cbsnews.com/news/russia-ukraine-war-ceasefire-putin-trump-talks/",
        "Putin says he backs a ceasefire in principle, but with conditions",
        "2025-03-13",
        "Putin said Russia agreed with the proposal to stop hostilities, but the truce must lead"
        " to lasting peace.",
        "CBS News",
        "20250313190000",
    ),
    Story(
        "https://www.cbsnews.com/news/iran-nuclear-talks-trump-letter-khamenei/",
        "Iran says it received Trump's letter on nuclear talks",
        "2025-03-13",
        "Iran said it had received a letter from Trump proposing talks on its nuclear program.",
        "CBS News",
        "20250313120000",
    ),
    Story(
        "https://www.cbsnews.com/news/france-macron-europe-defense-spending-summit/",
        "Macron says Europe must spend more on defense",
        "2025-03-12",
        "French President Emmanuel Macron said Europe must raise defense spending and discussed"
        " France's nuclear deterrent with allies.",
        "CBS News",
        "20250312110000",
    ),
    Story(
        "https://www.cbsnews.com/news/poland-presidential-election-candidates/",
        "Poland's presidential race takes shape",
        "2025-03-12",
        "The candidates in Poland's presidential election began campaigning.",
        "CBS News",
        "20250312090000",
    ),
]

REDIRECTS = {
    "https://www.state.gov/joint-statement-on-the-united-states-ukraine-meeting-in-jeddah/": (
        JEDDAH_URL
    ),
}


def page_html(story: Story) -> bytes:
    """The page as the publisher's site would serve it."""
    title = html.escape(story.title)
    site = html.escape(story.site)
    if story.style == "jsonld":
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": story.title,
            "datePublished": f"{story.date}T13:05:00Z",
            "publisher": {"@type": "Organization", "name": story.site},
        }
        head = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    else:
        head = (
            f'<meta property="og:title" content="{title}">'
            f'<meta property="og:site_name" content="{site}">'
            f'<meta property="article:published_time" content="{story.date}T14:05:00-04:00">'
        )
    body = "".join(f"<p>{html.escape(s.strip())}.</p>" for s in story.text.split(". "))
    page = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title} | {site}</title>{head}</head><body><nav>Home News World</nav>"
        f"<article><h1>{title}</h1>{body}</article><footer>{site}</footer></body></html>"
    )
    return page.encode("utf-8")


@dataclass
class Publishers:
    """The imitation, routed onto the fake web."""

    stories: list[Story] = field(default_factory=lambda: list(STORIES))
    page_size: int = 8

    def install(self, web: FakeWeb) -> None:
        for story in self.stories:
            parts = urlsplit(story.url)
            if story.live:
                web.route(parts.hostname or "", parts.path, _html(page_html(story)))
        for source, target in REDIRECTS.items():
            parts = urlsplit(source)
            web.route(parts.hostname or "", parts.path, (301, {"Location": target}, b""))
        web.route("web.archive.org", "/cdx/search/cdx", self.cdx)
        for story in self.stories:
            if story.captured:
                path = f"/web/{story.captured}id_/{story.url}"
                web.route("web.archive.org", path, self._replay(story))

    def cdx(self, seen: Seen) -> Answer:
        query = {k: v[-1] for k, v in parse_qs(seen.query, keep_blank_values=True).items()}
        wanted = query.get("url", "")
        match = query.get("matchType", "exact")
        since, until = query.get("from", ""), query.get("to", "99999999999999")
        rows = []
        for story in sorted(self.stories, key=lambda s: _key(s.url)):
            if story.captured is None:
                continue
            if not (since <= story.captured[: len(since)] and story.captured <= until):
                continue
            if not _matches(story.url, wanted, match):
                continue
            rows.append([story.captured, story.url, "text/html", "200"])
        offset = int(query.get("resumeKey", "0") or 0)
        limit = int(query.get("limit", "10000"))
        if limit < 0:  # the last rows (archive look-ups ask for the captures closest before)
            rows, limit = rows[limit:], -limit
        limit = min(limit, self.page_size)
        page = rows[offset : offset + limit]
        fields = query.get("fl", "timestamp,original,mimetype,statuscode").split(",")
        out: list[list[str]] = [fields, *page]
        if query.get("showResumeKey") == "true" and offset + limit < len(rows):
            out += [[], [str(offset + limit)]]
        return 200, {"Content-Type": "application/json"}, json.dumps(out).encode()

    def _replay(self, story: Story) -> Answer:
        when = datetime.strptime(story.captured or "", "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        headers = {
            "Content-Type": "text/html; charset=utf-8",
            "Memento-Datetime": format_datetime(when, usegmt=True),
        }
        return 200, headers, page_html(story)


def _html(body: bytes) -> Answer:
    return 200, {"Content-Type": "text/html; charset=utf-8"}, body


def _key(url: str) -> str:
    parts = urlsplit(url)
    return (parts.hostname or "").removeprefix("www.") + parts.path


def _matches(url: str, wanted: str, match: str) -> bool:
    have = _key(url)
    wanted = wanted.split("://")[-1].removeprefix("www.")
    if match == "domain":
        host = have.split("/", 1)[0]
        return host == wanted or host.endswith("." + wanted)
    if match == "prefix":
        return have.startswith(wanted)
    return have.rstrip("/") == wanted.rstrip("/")
