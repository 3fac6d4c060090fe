"""Reading, replaying and recording vcrpy cassettes."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from citecheck.cassette import (
    REDACTED,
    CassetteError,
    CassetteMiss,
    Interaction,
    RecordingTransport,
    ReplayTransport,
    dump,
    load,
    match_key,
)
from citecheck.fetch.errors import outcome_for


def test_loads_a_real_edgi_cassette_with_a_gzip_binary_body(cassettes: Path) -> None:
    (one,) = load(cassettes / "edgi-wayback" / "test_search.yaml")
    assert one.method == "GET"
    assert one.uri.startswith("https://web.archive.org/cdx/search/cdx?url=nasa.gov")
    assert one.status == 200
    assert one.reason == "OK"
    assert one.body[:2] == b"\x1f\x8b"  # kept as sent: gzip
    assert ("content-encoding", "gzip") in one.headers


@pytest.mark.trio
async def test_replay_decodes_gzip_as_httpx_does(cassettes: Path) -> None:
    transport = ReplayTransport(cassettes / "edgi-wayback" / "test_search.yaml")
    async with httpx.AsyncClient(transport=transport) as client:
        response = await client.get(
            "https://web.archive.org/cdx/search/cdx",
            params={
                "url": "nasa.gov",
                "limit": "1000",
                "from": "19961001000000",
                "to": "19970201000000",
                "showResumeKey": "true",
                "resolveRevisits": "true",
            },
        )
    assert response.status_code == 200
    assert response.text.startswith("gov,nasa)/ 19961231235847 http://www.nasa.gov:80/")


def test_query_order_does_not_matter_but_values_do() -> None:
    a = match_key("get", "https://h.example/p?a=1&b=2")
    assert a == match_key("GET", "https://h.example/p?b=2&a=1")
    assert a != match_key("GET", "https://h.example/p?a=1&b=3")
    assert a != match_key("POST", "https://h.example/p?a=1&b=2")
    assert a != match_key("GET", "https://h.example/q?a=1&b=2")


@pytest.mark.trio
async def test_a_miss_raises_and_names_the_cassette_and_request(cassettes: Path) -> None:
    path = cassettes / "edgi-wayback" / "test_search.yaml"
    transport = ReplayTransport(path)
    async with httpx.AsyncClient(transport=transport) as client:
        with pytest.raises(CassetteMiss) as caught:
            await client.get("https://web.archive.org/cdx/search/cdx?url=other.example")
    message = str(caught.value)
    assert str(path) in message
    assert "GET https://web.archive.org/cdx/search/cdx?url=other.example" in message
    assert isinstance(caught.value, httpx.TransportError)


def test_a_miss_is_an_unreachable_outcome_naming_the_cassette() -> None:
    miss = CassetteMiss("run.yaml", "GET", "https://a.example/")
    outcome = outcome_for(miss)
    assert outcome.status == "unreachable"
    assert "run.yaml" in outcome.detail
    assert "https://a.example/" in outcome.detail


def _one(uri: str, body: bytes, status: int = 200) -> Interaction:
    return Interaction("GET", uri, status, (("Content-Type", "text/plain"),), body)


@pytest.mark.trio
async def test_answers_for_one_request_play_in_order_then_the_last_repeats(
    tmp_path: Path,
) -> None:
    path = tmp_path / "seq.yaml"
    dump(path, [_one("https://a.example/s", b"first"), _one("https://a.example/s", b"second")])
    async with httpx.AsyncClient(transport=ReplayTransport(path)) as client:
        bodies = [(await client.get("https://a.example/s")).text for _ in range(4)]
    assert bodies == ["first", "second", "second", "second"]


@pytest.mark.trio
async def test_several_cassettes_are_pooled(cassettes: Path) -> None:
    transport = ReplayTransport(
        cassettes / "edgi-wayback" / "test_get_memento.yaml",
        cassettes
        / "edgi-wayback"
        / "test_get_memento_raises_when_memento_is_outside_target_window.yaml",
    )
    async with httpx.AsyncClient(transport=transport) as client:
        moved = await client.get(
            "https://web.archive.org/web/20171101000000id_/https://www.fws.gov/birds/"
        )
        found = await client.get(moved.headers["location"])
    assert moved.status_code == 302
    assert found.headers["memento-datetime"] == "Fri, 24 Nov 2017 15:13:15 GMT"


def test_round_trip_keeps_text_binary_and_gzip_bodies(tmp_path: Path) -> None:
    items = [
        _one("https://a.example/t", "text, 中文\n".encode()),
        _one("https://a.example/b", b"\x00\xff\x10binary"),
        Interaction("GET", "https://a.example/g", 200, (("Content-Encoding", "gzip"),), b"abc"),
    ]
    path = tmp_path / "c.yaml"
    dump(path, items)
    text = path.read_text(encoding="utf-8")
    assert "text, 中文" in text  # readable in review
    assert "!!binary" in text
    assert load(path) == tuple(items)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("interactions: [\n", "not valid YAML"),
        ("version: 2\ninteractions: []\n", "not a version 1 cassette"),
        ("- just a list\n", "not a version 1 cassette"),
        ("version: 1\n", "no `interactions` list"),
        ("version: 1\ninteractions:\n- request: {method: GET}\n", "malformed interaction"),
    ],
)
def test_a_bad_cassette_is_a_clear_error_with_its_path(
    tmp_path: Path, content: str, problem: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CassetteError) as caught:
        ReplayTransport(path)
    assert str(path) in str(caught.value)
    assert problem in str(caught.value)


def test_a_missing_cassette_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CassetteError, match="cannot be read"):
        load(tmp_path / "absent.yaml")


@pytest.mark.trio
async def test_recording_saves_every_exchange_and_redacts_secrets(tmp_path: Path) -> None:
    def live(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            201,
            headers={"Content-Type": "application/json", "Set-Cookie": "s=1"},
            json={"got": request.url.path},
        )

    path = tmp_path / "rec" / "run.yaml"
    recorder = RecordingTransport(httpx.MockTransport(live), path)
    async with httpx.AsyncClient(transport=recorder) as client:
        first = await client.post(
            "https://a.example/save",
            data={"url": "https://b.example/"},
            headers={"Authorization": "LOW key:secret"},
        )
        assert first.json() == {"got": "/save"}
    assert not path.with_suffix(".yaml.tmp").exists()
    text = path.read_text(encoding="utf-8")
    assert "key:secret" not in text
    assert REDACTED in text
    (one,) = load(path)
    assert (one.method, one.uri, one.status) == ("POST", "https://a.example/save", 201)
    assert one.request_body == b"url=https%3A%2F%2Fb.example%2F"
    async with httpx.AsyncClient(transport=ReplayTransport(path)) as client:
        again = await client.post("https://a.example/save")
    assert again.status_code == 201
    assert again.json() == {"got": "/save"}
