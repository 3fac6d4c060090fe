"""Opening the cache file: a new file, another schema version, a file that is not a database,
and a place where no cache can be."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

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


# Upgrading a version-1 file -------------------------------------------------------------------


DEAD = "https://gone.example/"


def write_v1(
    version_1: Callable[..., sqlite3.Connection],
    directory: Path,
    t: float,
    *,
    skip: str = "",
    extra: str = "",
) -> Path:
    """A version-1 cache file with rows in outcomes, failures and documents (`skip` leaves out
    one table, `extra` adds a statement)."""
    db = version_1(directory, skip=skip)
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
        if skip != "documents":
            db.execute("INSERT INTO documents VALUES ('doc', x'00ff', ?)", (t,))
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


def assert_v1_rows_kept(cache: Cache, t: float) -> None:
    assert cache.lookup(URL, want_page=False) == Cached(
        Outcome("ok", "fine", 200, attempts=1), None, True, t - 60
    )
    dead = cache.lookup(DEAD, want_page=False)
    assert dead is not None
    assert dead.outcome.status == "dead"
    assert cache.failures_many([DEAD]) == {
        DEAD: (Failure(t - 4e5, "dead", 404, "HTTP 404"), Failure(t - 60, "dead", 404, "HTTP 404"))
    }
    assert cache.documents_many(["doc"]) == {"doc": b"\x00\xff"}


def test_the_schema_version_is_2() -> None:
    assert SCHEMA_VERSION == 2
    assert "resolutions" in schema.TABLES


def test_a_version_1_file_is_upgraded_in_place_and_keeps_its_rows(
    tmp_path, clock, version_1
) -> None:
    path = write_v1(version_1, tmp_path / "c", clock.t)
    before = schema_objects(path)
    with Cache(tmp_path / "c", now=clock) as cache:
        assert cache.notes == []
        assert_v1_rows_kept(cache, clock.t)
        assert cache.stats().outcomes == {"ok": 1, "dead": 1}
        cache.record_resolutions([("k", "resolved", b"{}")])
        assert cache.resolutions_many(["k"]) == {"k": b"{}"}
    assert user_version(path) == 2
    assert schema_objects(path) == before | {
        ("table", "resolutions"),
        ("index", "resolutions_by_status"),
    }
    with Cache(tmp_path / "c", now=clock) as again:
        assert again.notes == []
        assert again.resolutions_many(["k"]) == {"k": b"{}"}
        assert_v1_rows_kept(again, clock.t)


def test_an_upgraded_file_has_what_a_new_file_has(tmp_path, clock, version_1) -> None:
    write_v1(version_1, tmp_path / "old", clock.t)
    Cache(tmp_path / "old", now=clock).close()
    Cache(tmp_path / "new", now=clock).close()
    sql = "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
    old, new = (sqlite3.connect(tmp_path / d / "cache.sqlite3") for d in ("old", "new"))
    try:
        assert old.execute(sql).fetchall() == new.execute(sql).fetchall()
    finally:
        old.close()
        new.close()


@pytest.mark.parametrize(
    ("skip", "extra"),
    [
        ("documents", ""),  # a table of version 1 missing
        ("", "CREATE TABLE resolutions (key TEXT PRIMARY KEY)"),  # version 2's table already there
    ],
)
def test_a_version_1_file_that_is_not_what_it_says_is_rebuilt(
    tmp_path, clock, version_1, skip, extra
) -> None:
    path = write_v1(version_1, tmp_path / "c", clock.t, skip=skip, extra=extra)
    with Cache(tmp_path / "c", now=clock) as cache:
        assert cache.notes == [
            f"cache at {path} was rebuilt: schema 1, this citecheck uses {SCHEMA_VERSION}"
        ]
        assert cache.lookup(URL, want_page=False) is None
        cache.record_resolutions([("k", "resolved", b"{}")])
        assert cache.resolutions_many(["k"]) == {"k": b"{}"}
    assert user_version(path) == SCHEMA_VERSION


@pytest.mark.parametrize("version", [-1, 3, 99])
def test_a_version_without_an_upgrade_path_is_rebuilt(tmp_path, clock, version_1, version) -> None:
    path = write_v1(version_1, tmp_path / "c", clock.t)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute(f"PRAGMA user_version = {version}")
    db.close()
    with Cache(tmp_path / "c", now=clock) as cache:
        assert [n for n in cache.notes if f"rebuilt: schema {version}," in n]
        assert cache.stats().outcomes == {}
    assert user_version(path) == SCHEMA_VERSION


def test_an_upgrade_another_process_made_meanwhile_is_not_made_again(
    tmp_path, clock, monkeypatch, version_1
) -> None:
    path = write_v1(version_1, tmp_path / "c", clock.t)
    real = schema._migrate

    def racing(db: sqlite3.Connection, path: Path, notes: list[str]) -> None:
        # This connection has seen version 1; before it takes the write lock another process
        # upgrades the file and stores a search.
        monkeypatch.setattr(schema, "_migrate", real)
        with Cache(tmp_path / "c", now=clock) as other:
            assert other.notes == []
            other.record_resolutions([("k", "resolved", b"theirs")])
        real(db, path, notes)

    monkeypatch.setattr(schema, "_migrate", racing)
    with Cache(tmp_path / "c", now=clock) as cache:
        assert cache.notes == []
        assert cache.resolutions_many(["k"]) == {"k": b"theirs"}
        assert_v1_rows_kept(cache, clock.t)
    assert user_version(path) == 2
