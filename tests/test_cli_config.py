"""Options from the configuration file and the environment: a key for every flag, precedence
defaults < file < environment < flags, and errors that name the file, the key and what was
expected."""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Mapping
from pathlib import Path

import pytest

from citecheck import cli_config
from citecheck.cli import UsageError, _parser, main
from citecheck.config import HOST_KEYS

DOCS = Path(__file__).resolve().parents[1] / "docs" / "config.md"


def parsed(argv: list[str], environ: Mapping[str, str] | None = None) -> argparse.Namespace:
    """The options `main` would run with, in the current directory."""
    parser = _parser()
    defaults = cli_config.detach_defaults(parser)
    options = parser.parse_args(argv)
    options.configuration = cli_config.apply(parser, options, defaults, environ or {})
    return options


def write(directory: Path, text: str, name: str = "citecheck.toml") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def flags_of(command: str) -> set[str]:
    sub = cli_config.commands_of(_parser())[command]
    return {
        name[2:]
        for action in sub._actions
        for name in action.option_strings
        if name.startswith("--") and name not in ("--help", "--config")
    }


def test_without_configuration_the_defaults_are_the_flags_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    options = parsed(["check", "a.md"])
    assert options.max_concurrency == 128
    assert options.host_interval == 0.0
    assert options.timeout == 20.0
    assert options.format == "table"
    assert options.min_confidence == "0"
    assert options.exclude == []
    assert options.allow_private is False
    assert options.fail_on is None
    assert options.paths == ["a.md"]
    assert options.configuration.path is None


@pytest.mark.parametrize("command", ["extract", "check", "fix", "cache"])
def test_every_flag_has_a_key(command: str) -> None:
    keys = set(cli_config.options_of(cli_config.commands_of(_parser())[command]))
    missing = flags_of(command) - keys
    assert not missing
    assert "config" not in keys


def _documented(section: str) -> set[str]:
    text = DOCS.read_text(encoding="utf-8").split(f"\n## {section}\n", 1)[1].split("\n## ")[0]
    return set(re.findall(r"^\| `([a-z][a-z-]*)` \|", text, re.MULTILINE))


def test_docs_list_every_key() -> None:
    documented = _documented("Keys")
    keys = cli_config.all_keys(_parser())
    assert keys - documented == set()
    assert documented - keys == {"publishers", "hosts"}
    assert _documented('`[hosts."NAME"]`') == set(HOST_KEYS)


def test_precedence_defaults_file_environment_flags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "max-concurrency = 64\nretries = 5\ntimeout = 7.5\nhost-interval = 1\n")
    options = parsed(["check", "a.md"], {"CITECHECK_RETRIES": "1", "CITECHECK_TIMEOUT": "3"})
    assert options.max_concurrency == 64  # the file over the default
    assert options.retries == 1  # the environment over the file
    assert options.timeout == 3.0
    assert options.host_interval == 1.0
    assert options.host_concurrency == 8  # nobody said otherwise
    options = parsed(["check", "--retries", "0", "a.md"], {"CITECHECK_RETRIES": "1"})
    assert options.retries == 0  # the flag over everything


def test_command_table_wins_over_the_top_level(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, 'format = "json"\n[check]\nformat = "sarif"\n')
    assert parsed(["check", "a.md"]).format == "sarif"
    assert parsed(["extract", "a.md"]).format == "json"


def test_lists_switches_and_comma_lists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path,
        'exclude = ["^https://private\\\\.", "tracking"]\nallow-private = true\n'
        'kind = ["link", "reference"]\nfail-on = "dead,timeout"\n'
        'header = { "X-Team" = "desk" }\n',
    )
    options = parsed(["check", "a.md"])
    assert options.exclude == ["^https://private\\.", "tracking"]
    assert options.allow_private is True
    assert options.kind == "link,reference"
    assert options.fail_on == "dead,timeout"
    assert options.header == ["X-Team: desk"]
    # a repeated flag replaces the file's list; a variable can turn a switch off
    options = parsed(["check", "--exclude", "other", "a.md"], {"CITECHECK_ALLOW_PRIVATE": "false"})
    assert options.exclude == ["other"]
    assert options.allow_private is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('["^a", "b,c"]', ["^a", "b,c"]),
        ("^a\n  b,c  \n\n", ["^a", "b,c"]),
        ("only", ["only"]),
    ],
)
def test_environment_lists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, expected: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert parsed(["check", "a.md"], {"CITECHECK_EXCLUDE": text}).exclude == expected


def test_paths_from_the_file_only_when_the_command_line_names_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, 'paths = ["articles", "notes/*.md"]\n')
    assert parsed(["extract"]).paths == ["articles", "notes/*.md"]
    assert parsed(["extract", "x.md"]).paths == ["x.md"]
    assert parsed(["extract", "--files-from", "list.txt"]).paths == []


def test_relative_paths_are_relative_to_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "conf"
    elsewhere.mkdir()
    config = write(
        elsewhere,
        'paths = ["articles"]\njson = "out/report.json"\ncache-dir = "/abs/cache"\n'
        'exclude = ["articles"]\n',
    )
    monkeypatch.chdir(tmp_path)
    options = parsed(["check", "--config", str(config)])
    assert options.paths == [str(elsewhere / "articles")]
    assert options.json_file == str(elsewhere / "out" / "report.json")
    assert options.cache_dir == "/abs/cache"
    assert options.exclude == ["articles"]  # a pattern, not a path
    monkeypatch.chdir(elsewhere)
    assert parsed(["check", "--config", str(config)]).paths == ["articles"]


def test_config_variable_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = write(tmp_path, "retries = 9\n", name="team.toml")
    assert parsed(["check", "a.md"], {"CITECHECK_CONFIG": str(config)}).retries == 9
    assert parsed(["check", "a.md"]).retries == 3


def test_pyproject_tool_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path,
        '[project]\nname = "articles"\n[tool.citecheck]\nretries = 2\n'
        "[tool.citecheck.check]\nmax-concurrency = 16\n",
        name="pyproject.toml",
    )
    options = parsed(["check", "a.md"])
    assert (options.retries, options.max_concurrency) == (2, 16)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("max-concurency = 4", "unknown key `max-concurency` in the file (did you mean "),
        ("[check]\nretry = 4", "unknown key `retry` in [check] (did you mean `retries`?)"),
        ('max-concurrency = "many"', "`max-concurrency`: 'many' is not a whole number"),
        ("max-concurrency = 0", "`max-concurrency`: 0 is below 1"),
        ("max-concurrency = true", "`max-concurrency`: expected a number, got True"),
        ('allow-private = "yes"', "`allow-private`: expected true or false, got 'yes'"),
        ('method = "post"', "`method`: expected one of auto, get, got 'post'"),
        ("min-confidence = 2", "`min-confidence`: 2 is not between 0 and 1"),
        ('fail-on = ["dead", "gone"]', "`fail-on`: unknown status 'gone'"),
        ('exclude = ["("]', "`exclude`: missing ), unterminated subpattern"),
        ("exclude = [1]", "`exclude`: expected a string or an array of strings, got [1]"),
        ('max-body-size = "lots"', "`max-body-size`: 'lots': expected a size"),
        ('connect-to = ["a:b"]', "`connect-to`: 'a:b': expected HOST1:PORT1:HOST2:PORT2"),
        ('resolve-budget = "x"', "`resolve-budget`: 'x' is not COUNT or COUNT/SECONDS"),
        ('confirm-dead = "often"', "`confirm-dead`: "),
        ('cache-ttl = ["dead=forever"]', "`cache-ttl`: 'dead=forever': "),
        ('archives = "wayback,library"', "`archives`: "),
        ('base-url = "ftp://x"', "`base-url`: 'ftp://x' must be an absolute http(s)"),
        ("[check]\nformat = 3", "[check] `format`: expected one of table, json, sarif"),
        ("encoding = []", "`encoding`: expected a string, got []"),
        ("check = 3", "`check` must be a table"),
    ],
)
def test_a_bad_value_names_the_file_the_key_and_what_was_expected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, expected: str
) -> None:
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, content + "\n")
    with pytest.raises(UsageError) as raised:
        parsed(["check", "a.md"])
    message = str(raised.value)
    assert message.startswith(str(path) + ":")
    assert expected in message


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("CITECHECK_MAX_CONCURRENCY", "lots", "'lots' is not a whole number"),
        ("CITECHECK_ALLOW_PRIVATE", "maybe", "expected true or false"),
        ("CITECHECK_FORMAT", "pdf", "expected one of table, json"),
        ("CITECHECK_EXCLUDE", '["(", 1]', "expected an array of strings"),
        ("CITECHECK_EXCLUDE", "[", "not a TOML array"),
        ("CITECHECK_FAIL_ON", "gone", "unknown status 'gone'"),
    ],
)
def test_a_bad_variable_names_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError) as raised:
        parsed(["check", "a.md"], {variable: value})
    assert str(raised.value).startswith(variable + ": ")
    assert expected in str(raised.value)


def test_unknown_variable_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    options = parsed(
        ["check", "a.md"],
        {"CITECHECK_MAX_CONCURENCY": "4", "CITECHECK_IA_ACCESS_KEY": "k", "OTHER": "1"},
    )
    assert options.max_concurrency == 128
    err = capsys.readouterr().err
    assert "CITECHECK_MAX_CONCURENCY is not an option's variable" in err
    assert "did you mean CITECHECK_MAX_CONCURRENCY?" in err
    assert "IA_ACCESS_KEY" not in err


def test_variable_for_another_command_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    options = parsed(["extract", "a.md"], {"CITECHECK_MAX_CONCURRENCY": "4"})
    assert not hasattr(options, "max_concurrency")


def test_every_key_takes_a_value_from_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sample value for every key of `check`, written to the file, comes out of it: nothing the
    command line has is out of the file's reach."""
    monkeypatch.chdir(tmp_path)
    sub = cli_config.commands_of(_parser())["check"]
    samples: dict[str, object] = {}
    for key, option in cli_config.options_of(sub).items():
        action = option.action
        if option.switch:
            samples[key] = True
        elif action.choices is not None:
            samples[key] = list(action.choices)[-1]
        elif option.repeated:
            samples[key] = []
    samples.update(
        {
            "files-from": "list.txt",
            "changed-since": "main",
            "output": "out.txt",
            "base-url": "https://example.com/",
            "extensions": ".md",
            "encoding": "utf-8",
            "min-confidence": 0.5,
            "kind": "link",
            "max-concurrency": 3,
            "host-concurrency": 2,
            "host-interval": 0.5,
            "max-rate-limit-wait": 30.0,
            "retries": 1,
            "timeout": 4,
            "user-agent": "desk-bot/1",
            "host-user-agent": ["example.com=desk-bot/2"],
            "header": ["X-Desk: 1"],
            "accept": "403",
            "max-body-size": "1M",
            "exclude": ["x"],
            "exclude-glob": ["*.example.com/**"],
            "exclude-path": ["drafts"],
            "exclude-path-regex": ["^old/"],
            "connect-to": ["a:443:b:8443"],
            "fail-on": "dead",
            "jobs": 2,
            "workers": 2,
            "json": "r.json",
            "sarif": "r.sarif",
            "markdown": "r.md",
            "junit": "r.xml",
            "html": "r.html",
            "cache-dir": "cache",
            "confirm-dead": "2/1",
            "cache-ttl": ["dead=1d"],
            "archives": "wayback",
            "replay": ["c.yaml"],
            "record": "c.yaml",
            "resolve-budget": "3/9",
            "resolve-search": "https://search.example/?q={query}",
            "paths": ["articles"],
        }
    )
    samples.pop("cacert", None)  # a file that must load: tested in the CLI tests
    missing = set(cli_config.options_of(sub)) - set(samples) - {"cacert"}
    assert not missing, f"no sample for {missing}"
    lines = [f"{key} = {json.dumps(value)}" for key, value in samples.items()]
    write(tmp_path, "\n".join(lines) + "\n")
    options = parsed(["check"])
    for key, value in samples.items():
        option = cli_config.options_of(sub)[key]
        got = getattr(options, option.action.dest)
        if isinstance(value, list):
            assert got == value, key
        elif option.action.type is not None:
            assert got == option.action.type(str(value)), key  # type: ignore[operator]
        else:
            assert got == (value if isinstance(value, bool) else str(value)), key


def test_extract_through_main_reads_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.md").write_text(
        "See [the report](https://example.com/report) and https://example.org/x.\n",
        encoding="utf-8",
    )
    write(tmp_path, 'paths = ["a.md"]\n[extract]\nformat = "json"\n')
    assert main(["extract"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [c["url"] for c in report["citations"]] == [
        "https://example.com/report",
        "https://example.org/x",
    ]


def test_broken_file_through_main_is_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "[extract]\nformat = 'yaml'\n")
    assert main(["extract", "a.md"]) == 2
    err = capsys.readouterr().err
    assert "citecheck.toml: [extract] `format`: expected one of table, json" in err


def _toml_blocks(path: Path) -> list[str]:
    return re.findall(r"```toml\n(.*?)```", path.read_text(encoding="utf-8"), re.DOTALL)


@pytest.mark.parametrize(
    "block",
    [*_toml_blocks(DOCS), *_toml_blocks(DOCS.parent / "ci.md")],
)
def test_the_docs_examples_are_valid_configurations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: str
) -> None:
    from citecheck.cli import registry

    monkeypatch.chdir(tmp_path)
    write(tmp_path, block)
    options = parsed(["check", "a.md"])
    assert options.configuration.path is not None
    registry(options.configuration)  # the publishers, if any, are valid too
