"""The configuration file: where it is, what it says, and clear errors for what cannot be used.

The file is `--config FILE` (or `$CITECHECK_CONFIG`); else `citecheck.toml` in the current
directory; else the `[tool.citecheck]` table of `pyproject.toml` there. It holds (docs/config.md):

- a key for every command-line option, named as the flag without its dashes (`max-concurrency
  = 64`, `exclude = ["…"]`), at the top level for every command or in a `[check]`, `[extract]`,
  `[fix]` or `[cache]` table for one command;
- `[hosts."example.com"]` tables: per-host request headers, user agent, concurrency, interval
  and accepted status codes;
- `[[publishers]]` entries that extend or override the publisher registry:

```toml
[[publishers]]            # in pyproject.toml: [[tool.citecheck.publishers]]
name = "Riverside Gazette"
type = "newspaper"
domains = ["riversidegazette.example"]
aliases = ["the Gazette", "河畔公報"]
```

This module reads and checks the file's shape; the option values are converted and checked by
`cli_config.py`, which knows the flags. A file that cannot be read or parsed, an unknown key or a
malformed value stops the run with a message naming the file, the key and what was expected
(exit code 2): a typo in a configuration must not silently change what is checked.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from citecheck.settings import HostSettings, parse_accept, parse_header, parse_host_pattern

TABLES = frozenset({"publishers", "hosts"})
"""Keys that are not options."""

COMMANDS = ("extract", "check", "fix", "cache")
"""The commands that may have a table of their own options."""

HOST_KEYS = ("headers", "user-agent", "concurrency", "interval", "accept")
"""What a `[hosts."NAME"]` table may set."""


class ConfigError(Exception):
    """The configuration cannot be used; the message says which file and what is wrong."""


@dataclass(frozen=True, slots=True)
class Config:
    """What the configuration file says."""

    path: str | None = None
    """The file read, or None when there was none."""
    publishers: tuple[Mapping[str, object], ...] = ()
    """Entries that extend or override the publisher registry."""
    hosts: tuple[HostSettings, ...] = ()
    """Per-host fetch settings, in the file's order."""
    options: Mapping[str, object] = field(default_factory=dict)
    """Option keys at the top level (every command), as TOML gave them."""
    commands: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    """Option keys of one command's table (`[check]`), as TOML gave them."""
    where: str = "the file"
    """How messages name the table options came from: `the file` or `[tool.citecheck]`."""

    def options_for(self, command: str) -> dict[str, object]:
        """The option keys that apply to `command`: its own table's over the top level's."""
        return {**self.options, **self.commands.get(command, {})}


def load(
    explicit: str | None = None,
    directory: Path | None = None,
    *,
    known: Collection[str] = (),
) -> Config:
    """The configuration from `explicit`, else from `citecheck.toml` or `pyproject.toml` in
    `directory` (the current directory by default); defaults when there is none. `known` are the
    option keys the command line has; any other key is an error."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{explicit}: no such configuration file")
        return _read(path, known, tool_table=path.name == "pyproject.toml")
    directory = directory if directory is not None else Path.cwd()
    own = directory / "citecheck.toml"
    if own.is_file():
        return _read(own, known, tool_table=False)
    project = directory / "pyproject.toml"
    if project.is_file():
        return _read(project, known, tool_table=True, optional=True)
    return Config()


def _read(
    path: Path, known: Collection[str], *, tool_table: bool, optional: bool = False
) -> Config:
    import tomllib  # (10 ms, for a run that has a file to read)

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from error
    where = "the file"
    if tool_table:
        tool = data.get("tool", {})
        section = tool.get("citecheck") if isinstance(tool, dict) else None
        if section is None:
            if optional:
                return Config()
            raise ConfigError(f"{path}: no [tool.citecheck] table")
        data = section
        where = "[tool.citecheck]"
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: {where} must be a table")
    options: dict[str, object] = {}
    commands: dict[str, dict[str, object]] = {}
    for key, value in data.items():
        if key in TABLES:
            continue
        if key in COMMANDS:
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: `{key}` must be a table of {key}'s options")
            for inner in value:
                if inner not in known:
                    raise ConfigError(_unknown(path, f"[{key}]", inner, known))
            commands[key] = dict(value)
        elif key in known:
            options[key] = value
        else:
            raise ConfigError(_unknown(path, where, key, (*known, *TABLES, *COMMANDS)))
    publishers = data.get("publishers", [])
    if not isinstance(publishers, list) or not all(isinstance(p, dict) for p in publishers):
        raise ConfigError(f"{path}: `publishers` must be an array of tables ([[publishers]])")
    return Config(
        str(path),
        tuple(dict(entry) for entry in publishers),
        _hosts(path, data.get("hosts", {})),
        options,
        commands,
        where,
    )


def _unknown(path: Path, where: str, key: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    hint = f" (did you mean `{close[0]}`?)" if close else ""
    return f"{path}: unknown key `{key}` in {where}{hint}; the keys are in docs/config.md"


def _hosts(path: Path, table: object) -> tuple[HostSettings, ...]:
    if not isinstance(table, dict):
        raise ConfigError(f'{path}: `hosts` must be a table of host tables ([hosts."NAME"])')
    return tuple(_host(path, name, entry) for name, entry in table.items())


def _host(path: Path, name: str, entry: object) -> HostSettings:
    where = f'{path}: [hosts."{name}"]'
    try:
        pattern = parse_host_pattern(name, "the table name")
    except ValueError as error:
        raise ConfigError(f"{where}: {error} (it covers the subdomains too)") from None
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} must be a table")
    for key in entry:
        if key not in HOST_KEYS:
            close = difflib.get_close_matches(key, HOST_KEYS, n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            raise ConfigError(
                f"{where}: unknown key `{key}`{hint}; a host table may set {', '.join(HOST_KEYS)}"
            )
    headers = entry.get("headers", {})
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        raise ConfigError(f'{where}: `headers` must be a table of strings, {{ Name = "value" }}')
    parsed_headers = []
    for header, value in headers.items():
        try:
            if ":" in header:
                raise ValueError(f"{header!r} is not a header name")
            parsed_headers.append(parse_header(f"{header}: {value}", "`headers`"))
        except ValueError as error:
            raise ConfigError(f"{where}: {error}") from None
    agent = entry.get("user-agent")
    if agent is not None and (not isinstance(agent, str) or not agent.strip()):
        raise ConfigError(f"{where}: `user-agent` must be a non-empty string")
    if isinstance(agent, str) and any(c in agent for c in "\r\n\x00"):
        raise ConfigError(f"{where}: `user-agent` must be one line")
    concurrency = entry.get("concurrency")
    if concurrency is not None and (
        isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1
    ):
        raise ConfigError(f"{where}: `concurrency` must be a whole number, 1 or more")
    interval = entry.get("interval")
    if interval is not None and (
        isinstance(interval, bool)
        or not isinstance(interval, int | float)
        or not math.isfinite(interval)
        or interval < 0
    ):
        raise ConfigError(f"{where}: `interval` must be a number of seconds, 0 or more")
    return HostSettings(
        pattern,
        headers=tuple(parsed_headers),
        user_agent=agent.strip() if isinstance(agent, str) else None,
        concurrency=concurrency,
        interval=float(interval) if interval is not None else None,
        accept=_accept(where, entry.get("accept")),
    )


def _accept(where: str, value: object) -> frozenset[int]:
    if value is None:
        return frozenset()
    items = value if isinstance(value, list) else [value]
    codes: set[int] = set()
    for item in items:
        if isinstance(item, bool) or not isinstance(item, int | str):
            raise ConfigError(
                f"{where}: `accept` must list status codes or ranges, such as [403, "
                f'"500-503"]; got {item!r}'
            )
        try:
            codes |= parse_accept(str(item), "`accept`")
        except ValueError as error:
            raise ConfigError(f"{where}: {error}") from None
    return frozenset(codes)
