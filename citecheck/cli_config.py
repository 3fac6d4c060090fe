"""Options from the configuration file and the environment, beneath the command line.

Precedence, later wins: the defaults < the configuration file (`config.py`) < `CITECHECK_*`
environment variables < the flags. Every option has a key, the flag's long name without its
dashes (`--max-concurrency` is `max-concurrency` in the file and `CITECHECK_MAX_CONCURRENCY` in
the environment); docs/config.md lists them.

How it works: before parsing, every option's default is set aside (`detach_defaults`), so that
after parsing an option the command line did not give is None. `apply` then fills each such option
from the environment, else the file, else its default, converting and checking a value exactly as
the flag's parser would, plus the check the command would make later (`_checks`), so that a bad
value is an error naming where it came from (file and key, or variable) and what was expected.
"""

from __future__ import annotations

import argparse
import difflib
import functools
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from citecheck.cli import UsageError
from citecheck.config import Config, ConfigError, load

ENV_PREFIX = "CITECHECK_"
CONFIG_VARIABLE = "CITECHECK_CONFIG"
"""Names the configuration file when `--config` does not."""

OTHER_VARIABLES = frozenset(
    {
        CONFIG_VARIABLE,
        "CITECHECK_IA_ACCESS_KEY",  # Save Page Now's keys (archive/save.py)
        "CITECHECK_IA_SECRET_KEY",
        "CITECHECK_UPDATE_GOLDEN",  # the project's own golden tests
    }
)
"""`CITECHECK_*` variables that are not options."""

_NOT_OPTIONS = frozenset({"help", "version", "config", "command", "action"})
"""Destinations that have no key: the configuration file itself, the subcommand."""

COMMA_LISTS = frozenset({"kind", "extensions", "fail-on", "archives"})
"""Options whose value is a comma-separated list: the file may give an array instead."""

PATH_KEYS = frozenset(
    {
        "paths",
        "files-from",
        "output",
        "json",
        "sarif",
        "markdown",
        "junit",
        "html",
        "cache-dir",
        "cacert",
        "replay",
        "record",
    }
)
"""Options that name files: relative to the configuration file's directory when given there."""

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a command, as the file and the environment name it."""

    key: str
    """The flag's long name without dashes (`max-concurrency`), or `paths`."""
    action: argparse.Action
    """The parser's action for it."""

    @property
    def variable(self) -> str:
        """The environment variable that sets it."""
        return ENV_PREFIX + self.key.upper().replace("-", "_")

    @property
    def repeated(self) -> bool:
        """Whether it takes several values (a repeatable flag, or the paths)."""
        return isinstance(self.action, argparse._AppendAction) or self.action.nargs == "*"

    @property
    def switch(self) -> bool:
        """Whether it is an on/off flag."""
        return isinstance(self.action, argparse._StoreTrueAction)


def commands_of(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The subcommands' parsers by name."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def options_of(parser: argparse.ArgumentParser) -> dict[str, Option]:
    """Every option of one command's parser, by key."""
    found: dict[str, Option] = {}
    for action in parser._actions:
        if action.dest in _NOT_OPTIONS or isinstance(action, argparse._SubParsersAction):
            continue
        names = [name for name in action.option_strings if name.startswith("--")]
        key = names[0][2:] if names else action.dest.replace("_", "-")
        found[key] = Option(key, action)
    return found


def all_keys(parser: argparse.ArgumentParser) -> frozenset[str]:
    """The keys of every command's options: what a configuration file may set."""
    return frozenset(key for sub in commands_of(parser).values() for key in options_of(sub))


def detach_defaults(parser: argparse.ArgumentParser) -> dict[int, object]:
    """Set every option's default to None, so that parsing leaves None for what the command line
    did not give; the defaults set aside, by `id` of the action (shared between commands)."""
    defaults: dict[int, object] = {}
    for sub in commands_of(parser).values():
        for option in options_of(sub).values():
            action = option.action
            if id(action) not in defaults:
                defaults[id(action)] = action.default
                action.default = None
    return defaults


def apply(
    parser: argparse.ArgumentParser,
    options: argparse.Namespace,
    defaults: Mapping[int, object],
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Fill the options of `options.command` that the command line did not give, from the
    environment, the configuration file and the defaults; the configuration read. Raises
    UsageError naming the file and key, or the variable, of a value that cannot be used."""
    environ = os.environ if environ is None else environ
    command = options.command
    sub = commands_of(parser)[command]
    known = all_keys(parser)
    explicit = getattr(options, "config", None) or environ.get(CONFIG_VARIABLE) or None
    try:
        config = load(explicit, known=known)
    except ConfigError as error:
        raise UsageError(str(error)) from None
    _warn_unknown_variables(environ, known)
    chosen = options_of(sub)
    given = {key for key, option in chosen.items() if _given(options, option)}
    from_file = config.options_for(command)
    base = _base(config)
    for key, option in chosen.items():
        if key in given:
            continue
        if key == "paths" and "files-from" in given:
            continue  # the command line says what to read
        value: object
        if option.variable in environ:
            value = _from_environment(option, environ[option.variable])
        elif key in from_file:
            value = _from_file(option, from_file[key], _where(config, command, key), base)
        else:
            value = _default(option, defaults[id(option.action)])
        setattr(options, option.action.dest, value)
    return config


def _given(options: argparse.Namespace, option: Option) -> bool:
    value = getattr(options, option.action.dest, None)
    return value is not None and value != []


def _default(option: Option, default: object) -> object:
    """The default, converted as argparse converts a string default."""
    if isinstance(default, list) or (default is None and option.repeated):
        return list(default or ())
    if isinstance(default, str) and option.action.type is not None:
        return option.action.type(default)  # type: ignore[operator]
    return default


def _base(config: Config) -> Path | None:
    """The directory relative paths in the file are relative to; None for the current one."""
    if config.path is None:
        return None
    directory = Path(config.path).parent
    try:
        if directory.resolve() == Path.cwd().resolve():
            return None
    except OSError:
        pass
    return directory


def _where(config: Config, command: str, key: str) -> str:
    table = f"[{command}] " if key in config.commands.get(command, {}) else ""
    return f"{config.path}: {table}`{key}`"


def _from_file(option: Option, value: object, where: str, base: Path | None) -> object:
    key = option.key
    if option.switch:
        if not isinstance(value, bool):
            raise UsageError(f"{where}: expected true or false, got {_shown(value)}")
        return value
    if option.repeated:
        if key == "header" and isinstance(value, dict):
            value = [f"{name}: {text}" for name, text in value.items()]
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise UsageError(
                f"{where}: expected a string or an array of strings, got {_shown(value)}"
            )
        return [_convert(option, _rebased(key, item, base), where) for item in items]
    if isinstance(value, list) and key in COMMA_LISTS and all(isinstance(v, str) for v in value):
        value = ",".join(value)
    choices = option.action.choices
    if choices is not None and not isinstance(value, str):
        shown = ", ".join(str(choice) for choice in choices)
        raise UsageError(f"{where}: expected one of {shown}, got {_shown(value)}")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        expected = "a number" if option.action.type is not None else "a string"
        raise UsageError(f"{where}: expected {expected}, got {_shown(value)}")
    return _convert(option, _rebased(key, str(value), base), where)


def _from_environment(option: Option, text: str) -> object:
    where = option.variable
    if option.switch:
        cleaned = text.strip().lower()
        if cleaned in _TRUE:
            return True
        if cleaned in _FALSE:
            return False
        raise UsageError(f"{where}: expected true or false (1 or 0, yes or no), got {text!r}")
    if option.repeated:
        return [_convert(option, item, where) for item in _items(text, where)]
    return _convert(option, text, where)


def _items(text: str, where: str) -> list[str]:
    """A list from one variable: a TOML array (`["a", "b"]`), else one item per line."""
    if text.lstrip().startswith("["):
        import tomllib

        try:
            items = tomllib.loads(f"v = {text}")["v"]
        except tomllib.TOMLDecodeError as error:
            raise UsageError(f"{where}: not a TOML array of strings: {error}") from None
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise UsageError(f"{where}: expected an array of strings")
        return items
    return [line.strip() for line in text.splitlines() if line.strip()]


def _rebased(key: str, value: str, base: Path | None) -> str:
    if base is None or key not in PATH_KEYS or value == "-" or os.path.isabs(value):
        return value
    return os.path.join(base, value)


def _convert(option: Option, text: str, where: str) -> object:
    """`text` as the flag's parser would take it, then checked as the command would check it."""
    action = option.action
    value: object = text
    if action.type is not None:
        try:
            value = action.type(text)  # type: ignore[operator]
        except (argparse.ArgumentTypeError, ValueError, TypeError) as error:
            raise UsageError(f"{where}: {error}") from None
    if action.choices is not None and value not in action.choices:
        choices = ", ".join(str(choice) for choice in action.choices)
        raise UsageError(f"{where}: expected one of {choices}, got {text!r}")
    check = _checks().get(option.key)
    if check is not None:
        try:
            check(text)
        except (UsageError, ValueError, re.error) as error:
            raise UsageError(f"{where}: {_without_flag(str(error))}") from None
    return value


_FLAG_PREFIX = re.compile(r"^--[\w-]+(?::\s*|\s+(?=\S))")


def _without_flag(message: str) -> str:
    """A flag's error message without the flag's name in front (the caller names the key)."""
    return _FLAG_PREFIX.sub("", message, count=1)


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _warn_unknown_variables(environ: Mapping[str, str], known: Iterable[str]) -> None:
    """A `CITECHECK_*` variable that sets nothing is likely a typo: say so (not an error: the
    environment is shared with other programs)."""
    variables = {ENV_PREFIX + key.upper().replace("-", "_") for key in known}
    for name in sorted(environ):
        if name.startswith(ENV_PREFIX) and name not in variables and name not in OTHER_VARIABLES:
            close = difflib.get_close_matches(name, sorted(variables), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            from citecheck.report.safe import terminal_safe

            print(
                f"citecheck: warning: {terminal_safe(name)} is not an option's variable{hint}",
                file=sys.stderr,
            )


@functools.cache
def _checks() -> dict[str, Callable[[str], object]]:
    """What each command makes of an option's text after parsing, run early so that a bad value
    is reported with where it came from. Each raises ValueError, UsageError or re.error."""
    from citecheck import cli, cli_cache, cli_resolve
    from citecheck.globs import path_glob, url_glob
    from citecheck.settings import (
        parse_accept,
        parse_connect_to,
        parse_header,
        parse_host_user_agent,
        parse_size,
        parse_statuses,
    )

    def archives(text: str) -> object:
        from citecheck.archive import parse_archives

        return parse_archives(text)

    def confirm_dead(text: str) -> object:
        from citecheck.confirm import parse_rule

        return parse_rule(text)

    def cacert(text: str) -> object:
        from citecheck.cli_check import _cacerts

        return _cacerts([text])

    return {
        "min-confidence": cli.confidence,
        "kind": cli.kinds,
        "base-url": cli.base_url,
        "extensions": cli.extensions,
        "fail-on": parse_statuses,
        "max-body-size": parse_size,
        "connect-to": parse_connect_to,
        "host-user-agent": parse_host_user_agent,
        "header": parse_header,
        "accept": parse_accept,
        "exclude": re.compile,
        "exclude-glob": url_glob,
        "exclude-path": path_glob,
        "exclude-path-regex": re.compile,
        "cache-ttl": lambda text: cli_cache.ttl([text]),
        "confirm-dead": confirm_dead,
        "archives": archives,
        "resolve-budget": cli_resolve.parse_budget,
        "cacert": cacert,
    }
