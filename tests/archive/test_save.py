"""Save Page Now 2: opt-in, with credentials, errors that arrive with HTTP 200."""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
import trio.testing

from citecheck.archive.model import ArchiveResult
from citecheck.archive.save import (
    Credentials,
    MissingCredentials,
    credentials_from,
    save,
    should_save,
)

KEYS = Credentials("access123", "secret456")


def test_credentials_come_from_the_environment() -> None:
    keys = credentials_from(
        {"CITECHECK_IA_ACCESS_KEY": "a", "CITECHECK_IA_SECRET_KEY": "s", "OTHER": "x"}
    )
    assert keys.header == "LOW a:s"
    assert "s'" not in repr(keys)
    assert "secret" not in repr(keys)


def test_missing_credentials_are_a_usage_error_naming_the_variables() -> None:
    with pytest.raises(MissingCredentials) as caught:
        credentials_from({"CITECHECK_IA_ACCESS_KEY": "a"})
    assert "CITECHECK_IA_SECRET_KEY" in str(caught.value)
    assert "CITECHECK_IA_ACCESS_KEY" not in str(caught.value)
    with pytest.raises(MissingCredentials, match="CITECHECK_IA_ACCESS_KEY and"):
        credentials_from({})


def test_only_live_sources_without_a_copy_are_saved() -> None:
    none = ArchiveResult("not-archived", "no capture")
    assert should_save("ok", none)
    assert should_save("redirected", none)
    assert not should_save("dead", none)
    assert not should_save("ok", ArchiveResult("archive-unavailable", "could not tell"))
    assert not should_save("ok", ArchiveResult("archived", "x", "u", "t", "wayback"))


@pytest.mark.trio
async def test_dry_run_sends_nothing(mock: Any) -> None:
    def forbidden(request: httpx.Request) -> httpx.Response:
        raise AssertionError("a dry run sent a request")

    result = await save(mock(forbidden), "https://news.example/new", None, dry_run=True)
    assert result.status == "would-save"


@pytest.mark.trio
async def test_an_accepted_job_is_polled_until_success(
    replay: Any, autojump_clock: trio.testing.MockClock
) -> None:
    session, transport = replay("handbuilt/spn2_accepted.yaml")
    result = await save(session, "https://news.example/new", KEYS)
    assert result.status == "saved"
    assert result.job_id == "spn2-dea4b01e0c9b4a1f8d2f0a6b5c7e9d11"
    assert result.snapshot == "https://web.archive.org/web/20260827101533/https://news.example/new"
    assert result.timestamp == "2026-08-27T10:15:33Z"
    post = transport.requests[0]
    assert post.method == "POST"
    assert post.headers["authorization"] == "LOW access123:secret456"
    assert post.headers["accept"] == "application/json"
    form = parse_qs(post.content.decode())
    assert form == {"url": ["https://news.example/new"], "if_not_archived_within": ["30d"]}
    assert [r.method for r in transport.requests] == ["POST", "GET", "GET"]  # pending, success


@pytest.mark.trio
async def test_a_refusal_that_arrives_with_http_200_is_a_failure(
    replay: Any, autojump_clock: trio.testing.MockClock
) -> None:
    session, transport = replay("handbuilt/spn2_refused.yaml")
    result = await save(session, "https://example.com/", KEYS)
    assert result.status == "save-failed"
    assert result.detail.startswith("error:too-many-daily-captures: This URL has been already")
    assert len(transport.requests) == 1  # no job, nothing polled


@pytest.mark.trio
async def test_a_job_that_errs_when_polled_is_a_failure(
    mock: Any, autojump_clock: trio.testing.MockClock
) -> None:
    def spn2(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(200, json={"url": "u", "job_id": "spn2-1"})
        return httpx.Response(
            200,
            json={"status": "error", "status_ext": "error:bad-gateway", "message": "Bad Gateway"},
        )

    result = await save(mock(spn2), "https://a.example/", KEYS)
    assert result.status == "save-failed"
    assert result.detail == "error:bad-gateway: Bad Gateway"
    assert result.job_id == "spn2-1"


@pytest.mark.trio
async def test_a_job_still_pending_at_the_time_limit(
    mock: Any, autojump_clock: trio.testing.MockClock
) -> None:
    polls: list[float] = []

    def spn2(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(200, json={"url": "u", "job_id": "spn2-2"})
        polls.append(trio.current_time())
        return httpx.Response(200, json={"status": "pending"})

    start = trio.current_time()
    result = await save(mock(spn2), "https://a.example/", KEYS, poll_limit=100.0)
    assert result.status == "save-pending"
    assert trio.current_time() - start == pytest.approx(100.0)
    gaps = [b - a for a, b in itertools.pairwise(polls)]
    assert gaps == sorted(gaps)  # backing off
    assert gaps[0] >= 10.0 - 1e-9
    assert max(gaps) <= 30.0 + 1e-9


@pytest.mark.trio
async def test_an_unreachable_archive_is_save_unavailable(mock: Any) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    result = await save(mock(refuse), "https://a.example/", KEYS)
    assert result.status == "save-unavailable"
