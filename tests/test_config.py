"""Configuration: where it is read from, and clear errors for what cannot be used."""

from __future__ import annotations

from pathlib import Path

import pytest

from citecheck.config import Config, ConfigError, load


def test_no_file_gives_defaults(tmp_path: Path) -> None:
    assert load(directory=tmp_path) == Config()


def test_citecheck_toml_is_read(tmp_path: Path) -> None:
    (tmp_path / "citecheck.toml").write_text(
        '[[publishers]]\nname = "Riverside Gazette"\ntype = "newspaper"\n'
        'domains = ["riverside.example"]\naliases = ["the Gazette"]\n',
        encoding="utf-8",
    )
    config = load(directory=tmp_path)
    assert config.path == str(tmp_path / "citecheck.toml")
    assert config.publishers[0]["name"] == "Riverside Gazette"


def test_pyproject_tool_table_is_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[[tool.citecheck.publishers]]\nname = "A"\n', encoding="utf-8"
    )
    assert load(directory=tmp_path).publishers == ({"name": "A"},)


def test_pyproject_without_tool_table_is_no_configuration(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert load(directory=tmp_path) == Config()


def test_citecheck_toml_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[[tool.citecheck.publishers]]\nname = "P"\n')
    (tmp_path / "citecheck.toml").write_text('[[publishers]]\nname = "C"\n')
    assert load(directory=tmp_path).publishers == ({"name": "C"},)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("publishers = [", "not valid TOML"),
        (
            "publisher = []",
            "unknown key `publisher` in the file \\(did you mean `publishers`\\?\\)",
        ),
        ('publishers = "x"', "must be an array of tables"),
        ("publishers = [1, 2]", "must be an array of tables"),
    ],
)
def test_broken_configuration_is_a_clear_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "citecheck.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as raised:
        load(directory=tmp_path)
    assert str(path) in str(raised.value)


def test_explicit_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such configuration file"):
        load(str(tmp_path / "missing.toml"))


def test_explicit_pyproject_needs_the_tool_table(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"no \[tool.citecheck\] table"):
        load(str(path))


def test_undecodable_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "citecheck.toml"
    path.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ConfigError, match="cannot read"):
        load(directory=tmp_path)


def test_hosts_tables(tmp_path: Path) -> None:
    (tmp_path / "citecheck.toml").write_text(
        '[hosts."*.State.GOV"]\nconcurrency = 2\ninterval = 1\nuser-agent = " desk/1 "\n'
        'headers = { "Accept-Language" = "en" }\naccept = [403, "500-502"]\n'
        '[hosts."例子.测试"]\naccept = 404\n',
        encoding="utf-8",
    )
    first, second = load(directory=tmp_path).hosts
    assert first.pattern == "state.gov"
    assert (first.concurrency, first.interval, first.user_agent) == (2, 1.0, "desk/1")
    assert first.headers == (("Accept-Language", "en"),)
    assert first.accept == frozenset({403, 500, 501, 502})
    assert second.pattern == "xn--fsqu00a.xn--0zwm56d"
    assert second.accept == frozenset({404})
    assert second.concurrency is None
    assert second.interval is None


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[hosts."https://x.example/"]', "expected a host name such as news.example.com"),
        ('[hosts."x.example"]\nconcurency = 2', "unknown key `concurency` (did you mean"),
        ('[hosts."x.example"]\nconcurrency = 0', "`concurrency` must be a whole number"),
        ('[hosts."x.example"]\nconcurrency = true', "`concurrency` must be a whole number"),
        ('[hosts."x.example"]\ninterval = -1', "`interval` must be a number of seconds"),
        ('[hosts."x.example"]\ninterval = nan', "`interval` must be a number of seconds"),
        ('[hosts."x.example"]\naccept = [99]', "`accept`"),
        ('[hosts."x.example"]\naccept = [true]', "`accept` must list status codes"),
        ('[hosts."x.example"]\nheaders = { Host = "evil" }', "Host"),
        ('[hosts."x.example"]\nheaders = { "A:B" = "c" }', "is not a header name"),
        ('[hosts."x.example"]\nheaders = { A = "b\\r\\nX: y" }', "`headers`"),
        ('[hosts."x.example"]\nheaders = ["A: b"]', "`headers` must be a table of strings"),
        ('[hosts."x.example"]\nuser-agent = ""', "`user-agent` must be a non-empty string"),
        ('[hosts."x.example"]\nuser-agent = "a\\nb"', "`user-agent` must be one line"),
        ("hosts = 1", "`hosts` must be a table of host tables"),
        ('hosts = { "x.example" = 1 }', "must be a table"),
    ],
)
def test_bad_host_tables(tmp_path: Path, table: str, message: str) -> None:
    path = tmp_path / "citecheck.toml"
    path.write_text(table + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load(directory=tmp_path)
    assert str(raised.value).startswith(str(path))
    assert message in str(raised.value)
