"""Configuration: defaults < `citecheck.toml` or `[tool.citecheck]` in `pyproject.toml` < flags.

The file is looked for in the current directory (or named with `--config`). What it may hold is
documented in docs/config.md; for now that is the publisher registry's extensions:

```toml
[[publishers]]            # in pyproject.toml: [[tool.citecheck.publishers]]
name = "Riverside Gazette"
type = "newspaper"
domains = ["riversidegazette.example"]
aliases = ["the Gazette", "河畔公報"]
```

An entry whose `name` is a built-in publisher's replaces the fields it gives. A file that cannot
be read or parsed, an unknown key, or a malformed entry stops the run with a clear message (exit
code 2): a typo in a configuration must not silently change what is checked.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

KNOWN_KEYS = frozenset({"publishers"})


class ConfigError(Exception):
    """The configuration cannot be used; the message says which file and what is wrong."""


@dataclass(frozen=True, slots=True)
class Config:
    """What the configuration file says."""

    path: str | None = None
    """The file read, or None when there was none."""
    publishers: tuple[Mapping[str, object], ...] = ()
    """Entries that extend or override the publisher registry."""


def load(explicit: str | None = None, directory: Path | None = None) -> Config:
    """The configuration from `explicit`, else from `citecheck.toml` or `pyproject.toml` in
    `directory` (the current directory by default); defaults when there is none."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{explicit}: no such configuration file")
        return _read(path, tool_table=path.name == "pyproject.toml")
    directory = directory if directory is not None else Path.cwd()
    own = directory / "citecheck.toml"
    if own.is_file():
        return _read(own, tool_table=False)
    project = directory / "pyproject.toml"
    if project.is_file():
        return _read(project, tool_table=True, optional=True)
    return Config()


def _read(path: Path, *, tool_table: bool, optional: bool = False) -> Config:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from error
    if tool_table:
        tool = data.get("tool", {})
        section = tool.get("citecheck") if isinstance(tool, dict) else None
        if section is None:
            if optional:
                return Config()
            raise ConfigError(f"{path}: no [tool.citecheck] table")
        data = section
        where = "[tool.citecheck]"
    else:
        where = "the file"
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: {where} must be a table")
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        raise ConfigError(
            f"{path}: unknown key{'s' if len(unknown) > 1 else ''} in {where}: "
            f"{', '.join(unknown)} (known: {', '.join(sorted(KNOWN_KEYS))})"
        )
    publishers = data.get("publishers", [])
    if not isinstance(publishers, list) or not all(isinstance(p, dict) for p in publishers):
        raise ConfigError(f"{path}: `publishers` must be an array of tables ([[publishers]])")
    return Config(str(path), tuple(_entries(publishers)))


def _entries(publishers: Sequence[Mapping[str, object]]) -> list[Mapping[str, object]]:
    return [dict(entry) for entry in publishers]
