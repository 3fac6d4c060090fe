"""Soft 404s and bot walls, from headers, URLs and page text."""

from __future__ import annotations

import pytest

from citecheck import signals


@pytest.mark.parametrize(
    "url",
    ["https://a.example/", "https://a.example", "https://a.example/index.html",
     "https://a.example/en/", "https://a.example/zh-hant/"],
)  # fmt: skip
def test_home_pages(url: str) -> None:
    assert signals.is_home(url)


@pytest.mark.parametrize(
    "url", ["https://a.example/2024/story", "https://a.example/?p=123", "https://a.example/news/"]
)
def test_not_home_pages(url: str) -> None:
    assert not signals.is_home(url)


def test_not_found_paths() -> None:
    assert signals.not_found_path("https://a.example/404")
    assert signals.not_found_path("https://a.example/errors/404.html")
    assert signals.not_found_path("https://a.example/page-not-found/")
    assert not signals.not_found_path("https://a.example/2024/404-days-later")


def test_soft_404_by_redirect_and_by_text() -> None:
    home = signals.soft_404("https://a.example/x", "https://a.example/", True, None)
    assert home == "redirected to the site's home page https://a.example/"
    assert signals.soft_404("https://a.example/", "https://a.example/", True, None) is None
    text = signals.soft_404("https://a.example/x", "https://a.example/x", False,
                            "<title>Page Not Found | A</title>")  # fmt: skip
    assert text == "the page says 'Page Not Found | A'"


@pytest.mark.parametrize(
    "page",
    [
        "<title>找不到網頁</title>",
        "<h1>页面不存在</h1>",
        "<p>抱歉，您访问的页面不存在。</p>",
        "<h2>Sorry, we couldn't find the page you were looking for</h2>",
    ],
)
def test_not_found_text(page: str) -> None:
    assert signals.not_found_text(page) is not None


def test_a_long_article_about_broken_links_is_not_a_soft_404() -> None:
    article = "<title>Why links rot</title><p>" + "A page not found error. " * 400 + "</p>"
    assert signals.not_found_text(article) is None


def test_bot_walls() -> None:
    assert signals.bot_wall(200, {"cf-mitigated": "challenge"}, None) is not None
    assert "DataDome" in (signals.bot_wall(403, {"x-datadome": "1"}, None) or "")
    assert "PerimeterX" in (signals.bot_wall(403, {}, '<div id="px-captcha">') or "")
    assert signals.bot_wall(200, {}, '<div id="px-captcha">') is None  # markers need a wall status
    assert signals.bot_wall(404, {"server": "cloudflare"}, None) is None
    assert "LinkedIn" in (signals.bot_wall(999, {}, None) or "")
