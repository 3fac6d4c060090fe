"""Opening the cache file: a new file, another schema version, a file that is not a database,
and a place where no cache can be."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from citecheck.archive.model import ArchiveResult
from citecheck.cache import SCHEMA_VERSION, Cache, Cached, CacheError, Check, Failure, schema
from citecheck.model import Outcome

URL = "https://a.example/"


def ok(at: float) -> Check:
    return Check(URL, False, Outcome("ok", "fine"), at=at)


def user_version(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return int(db.execute("PRAGMA user_version").fetchone()[0])
    finally:
        db.close()


def test_a_new_cache_gets_the_current_schema(tmp_path, open_cache, clock) -> None:
    cache = open_cache(tmp_path / "deep" / "er")
    assert cache.path == tmp_path / "deep" / "er" / "cache.sqlite3"
    assert cache.notes == []
    assert user_version(cache.path) == SCHEMA_VERSION
    cache.record([ok(clock.t)])
    assert cache.lookup(URL, want_page=False) is not None


def test_an_empty_database_file_is_set_up_without_a_note(tmp_path, open_cache) -> None:
    (tmp_path / "c").mkdir()
    sqlite3.connect(tmp_path / "c" / "cache.sqlite3").close()
    cache = open_cache(tmp_path / "c")
    assert cache.notes == []
    assert user_version(cache.path) == SCHEMA_VERSION


def test_reopening_keeps_rows_and_says_nothing(tmp_path, open_cache, clock) -> None:
    open_cache(tmp_path / "c").record([ok(clock.t)])
    again = open_cache(tmp_path / "c")
    assert again.notes == []
    assert again.lookup(URL, want_page=False) is not None


@pytest.mark.parametrize("version", [SCHEMA_VERSION + 1, SCHEMA_VERSION + 40])
def test_another_schema_version_is_rebuilt_with_a_note(tmp_path, clock, version) -> None:
    directory = tmp_path / "c"
    with Cache(directory, now=clock) as cache:
        cache.record([ok(clock.t)])
    db = sqlite3.connect(directory / "cache.sqlite3", isolation_level=None)
    db.execute("CREATE TABLE from_the_future (x)")
    db.execute(f"PRAGMA user_version = {version}")
    db.close()
    with Cache(directory, now=clock) as cache:
        assert cache.notes == [
            f"cache at {cache.path} was rebuilt: schema {version}, this citecheck uses"
            f" {SCHEMA_VERSION}"
        ]
        assert cache.lookup(URL, want_page=False) is None
        assert cache.stats().outcomes == {}
        cache.record([ok(clock.t)])
    db = sqlite3.connect(directory / "cache.sqlite3")
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    db.close()
    assert "from_the_future" not in tables
    assert user_version(directory / "cache.sqlite3") == SCHEMA_VERSION
    with Cache(directory, now=clock) as cache:
        assert cache.notes == []
        assert cache.lookup(URL, want_page=False) is not None


def test_a_version_zero_file_with_foreign_tables_is_rebuilt(tmp_path, open_cache) -> None:
    (tmp_path / "c").mkdir()
    db = sqlite3.connect(tmp_path / "c" / "cache.sqlite3")
    db.execute("CREATE TABLE outcomes (url)")
    db.commit()
    db.close()
    cache = open_cache(tmp_path / "c")
    assert [n for n in cache.notes if "rebuilt: schema 0" in n]
    assert user_version(cache.path) == SCHEMA_VERSION


def test_a_file_that_is_not_a_database_is_moved_aside(tmp_path, open_cache, clock) -> None:
    directory = tmp_path / "c"
    directory.mkdir()
    garbage = b"this is not a database, it is a shopping list\n" * 200
    (directory / "cache.sqlite3").write_bytes(garbage)
    cache = open_cache(directory)
    moved = directory / f"cache.sqlite3.corrupt-{int(clock.t)}"
    assert moved.read_bytes() == garbage
    assert len(cache.notes) == 1
    assert str(cache.path) in cache.notes[0]
    assert moved.name in cache.notes[0]
    cache.record([ok(clock.t)])
    assert cache.lookup(URL, want_page=False) is not None
    assert user_version(cache.path) == SCHEMA_VERSION


def test_a_second_corrupt_file_in_the_same_second_keeps_the_first(tmp_path, clock) -> None:
    directory = tmp_path / "c"
    directory.mkdir()
    for n in (1, 2):
        (directory / "cache.sqlite3").write_bytes(f"garbage {n}".encode() * 100)
        Cache(directory, now=clock).close()
    aside = sorted(p.name for p in directory.iterdir() if ".corrupt-" in p.name)
    assert aside == [
        f"cache.sqlite3.corrupt-{int(clock.t)}",
        f"cache.sqlite3.corrupt-{int(clock.t)}-2",
    ]


def test_a_directory_under_a_regular_file_is_a_cache_error(tmp_path, clock) -> None:
    (tmp_path / "file").write_text("I am a file")
    directory = tmp_path / "file" / "cache"
    with pytest.raises(CacheError, match="cannot create the cache directory") as error:
        Cache(directory, now=clock)
    assert str(directory) in str(error.value)


def test_a_directory_that_is_a_file_is_a_cache_error(tmp_path, clock) -> None:
    (tmp_path / "file").write_text("I am a file")
    with pytest.raises(CacheError, match="it is a file") as error:
        Cache(tmp_path / "file", now=clock)
    assert str(tmp_path / "file") in str(error.value)


def test_a_database_path_that_is_a_directory_is_a_cache_error(tmp_path, clock) -> None:
    (tmp_path / "c" / "cache.sqlite3").mkdir(parents=True)
    with pytest.raises(CacheError) as error:
        Cache(tmp_path / "c", now=clock)
    assert str(tmp_path / "c" / "cache.sqlite3") in str(error.value)


# Upgrading a version-1 or version-2 file ------------------------------------------------------


DEAD = "https://gone.example/"
ARCHIVED = ArchiveResult(
    "archived",
    "wayback has it",
    "https://web.archive.org/web/1/x",
    "2020-01-01T00:00:00Z",
    "wayback",
)

ADDED = {
    # What upgrading a file of each version adds: the tables and indexes of every later version.
    1: {
        ("table", "resolutions"),
        ("index", "resolutions_by_status"),
        ("table", "pages"),
        ("index", "pages_by_age"),
    },
    2: {("table", "pages"), ("index", "pages_by_age")},
}


def write_old(
    request: pytest.FixtureRequest,
    version: int,
    directory: Path,
    t: float,
    *,
    skip: str = "",
    extra: str = "",
) -> Path:
    """A cache file of `version` (1 or 2) with rows in every table it has (`skip` leaves out one
    table, `extra` adds a statement)."""
    make: Callable[..., sqlite3.Connection] = request.getfixturevalue(f"version_{version}")
    db = make(directory, skip=skip)
    try:
        if extra:
            db.execute(extra)
        outcome = (
            "INSERT INTO outcomes VALUES (?, 0, ?, ?, ?, NULL, '[]', NULL, NULL, 1, NULL, 1, ?)"
        )
        db.execute(outcome, (URL, "ok", "fine", 200, t - 60))
        db.execute(outcome, (DEAD, "dead", "HTTP 404", 404, t - 60))
        db.execute("INSERT INTO failures VALUES (?, ?, 'dead', 404, 'HTTP 404')", (DEAD, t - 60))
        db.execute("INSERT INTO failures VALUES (?, ?, 'dead', 404, 'HTTP 404')", (DEAD, t - 4e5))
        a = ARCHIVED
        db.execute(
            "INSERT INTO archives VALUES ('ak', ?, ?, ?, ?, ?, ?)",
            (a.status, a.detail, a.url, a.timestamp, a.source, t - 60),
        )
        if skip != "documents":
            db.execute("INSERT INTO documents VALUES ('doc', x'00ff', ?)", (t,))
        if version >= 2 and skip != "resolutions":
            db.execute("INSERT INTO resolutions VALUES ('rk', 'resolved', x'7b7d', ?)", (t - 60,))
    finally:
        db.close()
    return directory / "cache.sqlite3"


def schema_objects(path: Path) -> set[tuple[str, str]]:
    db = sqlite3.connect(path)
    try:
        rows = db.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
        return {(str(kind), str(name)) for kind, name in rows}
    finally:
        db.close()


def assert_old_rows_kept(cache: Cache, t: float, version: int) -> None:
    assert cache.lookup(URL, want_page=False) == Cached(
        Outcome("ok", "fine", 200, attempts=1), None, True, t - 60
    )
    dead = cache.lookup(DEAD, want_page=False)
    assert dead is not None
    assert dead.outcome.status == "dead"
    assert cache.failures_many([DEAD]) == {
        DEAD: (Failure(t - 4e5, "dead", 404, "HTTP 404"), Failure(t - 60, "dead", 404, "HTTP 404"))
    }
    assert cache.archive_many(["ak"]) == {"ak": ARCHIVED}
    assert cache.documents_many(["doc"]) == {"doc": b"\x00\xff"}
    if version >= 2:
        assert cache.resolutions_many(["rk"]) == {"rk": b"{}"}


def test_the_schema_version_is_3() -> None:
    assert SCHEMA_VERSION == 3
    assert {"resolutions", "pages"} <= set(schema.TABLES)


def test_every_older_version_has_a_path_to_the_current_one() -> None:
    assert set(schema._UPGRADES) == set(range(1, SCHEMA_VERSION))
    added = {name for step in schema._UPGRADES.values() for name in step.tables}
    assert added == set(schema.TABLES) - {"outcomes", "failures", "archives", "documents"}


@pytest.mark.parametrize("version", [1, 2])
def test_an_older_file_is_upgraded_in_place_and_keeps_its_rows(
    tmp_path, clock, request, version
) -> None:
    path = write_old(request, version, tmp_path / "c", clock.t)
    before = schema_objects(path)
    with Cache(tmp_path / "c", now=clock) as cache:
        assert cache.notes == []
        assert_old_rows_kept(cache, clock.t, version)
        assert cache.stats().outcomes == {"ok": 1, "dead": 1}
        cache.record_resolutions([("k", "resolved", b"{}")])
        cache.record_pages([(URL, "live", b"facts")])
        assert cache.resolutions_many(["k"]) == {"k": b"{}"}
        assert cache.pages_many([URL]) == {URL: ("live", b"facts")}
    assert user_version(path) == 3
    assert schema_objects(path) == before | ADDED[version]
    with Cache(tmp_path / "c", now=clock) as again:
        assert again.notes == []
        assert again.resolutions_many(["k"]) == {"k": b"{}"}
        assert again.pages_many([URL]) == {URL: ("live", b"facts")}
        assert_old_rows_kept(again, clock.t, version)


@pytest.mark.parametrize("version", [1, 2])
def test_an_upgraded_file_has_what_a_new_file_has(tmp_path, clock, request, version) -> None:
    write_old(request, version, tmp_path / "old", clock.t)
    Cache(tmp_path / "old", now=clock).close()
    Cache(tmp_path / "new", now=clock).close()
    sql = "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
    old, new = (sqlite3.connect(tmp_path / d / "cache.sqlite3") for d in ("old", "new"))
    try:
        assert old.execute(sql).fetchall() == new.execute(sql).fetchall()
    finally:
        old.close()
        new.close()


PAGES = "CREATE TABLE pages (url TEXT PRIMARY KEY)"


@pytest.mark.parametrize(
    ("version", "skip", "extra"),
    [
        (1, "documents", ""),  # a table of version 1 missing
        (1, "", "CREATE TABLE resolutions (key TEXT PRIMARY KEY)"),  # version 2's table there
        (1, "", PAGES),  # version 3's table already there
        (2, "resolutions", ""),  # a table of version 2 missing
        (2, "", PAGES),
    ],
)
def test_an_older_file_that_is_not_what_it_says_is_rebuilt(
    tmp_path, clock, request, version, skip, extra
) -> None:
    path = write_old(request, version, tmp_path / "c", clock.t, skip=skip, extra=extra)
    with Cache(tmp_path / "c", now=clock) as cache:
        assert cache.notes == [
            f"cache at {path} was rebuilt: schema {version}, this citecheck uses {SCHEMA_VERSION}"
        ]
        assert cache.lookup(URL, want_page=False) is None
        cache.record_resolutions([("k", "resolved", b"{}")])
        cache.record_pages([(URL, "archived", b"facts")])
        assert cache.resolutions_many(["k"]) == {"k": b"{}"}
        assert cache.pages_many([URL]) == {URL: ("archived", b"facts")}
    assert user_version(path) == SCHEMA_VERSION


# SCHEMA_VERSION with version 1's tables claims the current version but lacks its tables.
@pytest.mark.parametrize("version", [-1, SCHEMA_VERSION, SCHEMA_VERSION + 1, 99])
def test_a_version_without_an_upgrade_path_is_rebuilt(tmp_path, clock, request, version) -> None:
    path = write_old(request, 1, tmp_path / "c", clock.t)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute(f"PRAGMA user_version = {version}")
    db.close()
    with Cache(tmp_path / "c", now=clock) as cache:
        assert [n for n in cache.notes if f"rebuilt: schema {version}," in n]
        assert cache.stats().outcomes == {}
    assert user_version(path) == SCHEMA_VERSION


@pytest.mark.parametrize("version", [1, 2])
def test_an_upgrade_another_process_made_meanwhile_is_not_made_again(
    tmp_path, clock, monkeypatch, request, version
) -> None:
    path = write_old(request, version, tmp_path / "c", clock.t)
    real = schema._migrate

    def racing(db: sqlite3.Connection, path: Path, notes: list[str]) -> None:
        # This connection has seen the old version; before it takes the write lock another
        # process upgrades the file and stores a search and a page.
        monkeypatch.setattr(schema, "_migrate", real)
        with Cache(tmp_path / "c", now=clock) as other:
            assert other.notes == []
            other.record_resolutions([("k", "resolved", b"theirs")])
            other.record_pages([(URL, "live", b"theirs")])
        real(db, path, notes)

    monkeypatch.setattr(schema, "_migrate", racing)
    with Cache(tmp_path / "c", now=clock) as cache:
        assert cache.notes == []
        assert cache.resolutions_many(["k"]) == {"k": b"theirs"}
        assert cache.pages_many([URL]) == {URL: ("live", b"theirs")}
        assert_old_rows_kept(cache, clock.t, version)
    assert user_version(path) == 3
