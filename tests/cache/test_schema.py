"""Opening the cache file: a new file, another schema version, a file that is not a database,
and a place where no cache can be."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from citecheck.cache import SCHEMA_VERSION, Cache, CacheError, Check
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
