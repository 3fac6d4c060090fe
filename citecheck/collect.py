"""Read the inputs a user named into `Document`s: the only module that reads inputs.

An input is `-` (standard input), a file, a directory, or a glob pattern; `files_from` names a
list of more inputs, one a line. The rules:

- A file named explicitly (or matched by a glob, as the shell would have expanded it) is read
  whatever its extension. A directory is walked, sorted, taking the files whose names end in one
  of `extensions` (case-insensitive); hidden entries (a name starting with `.`) are skipped, and
  symbolic links to directories are not followed, so a link loop cannot trap the walk.
- An input that exists is taken literally even if it holds glob characters (`notes[1].md`).
- Paths stay as the user wrote them, or as `os.path.join` built them under a named directory;
  nothing is made absolute. A file reached twice (named and inside a named directory, or through
  a link) is read once, the first time, judged by `os.path.realpath`.
- A file's format comes from its suffix (Markdown, HTML, else plain text); standard input's from
  its first characters. `input_format` overrides both.
- Nothing an input does stops the run: a missing, unreadable, oversized, binary or undecodable
  input becomes an `InputProblem` and the others are still read, in order. Only what makes the
  request itself unusable raises `InputError`: an unreadable `files_from` list, standard input
  asked for as both the list and an input, an unknown `encoding`, a `changed_since` that git
  cannot answer.
- With `changed_since` (a git revision), only the files that differ from it are read: what
  `git diff` sees between it and the working tree, and untracked files git does not ignore
  (`changes_since`). The others are skipped without a word, in whatever way they were named;
  a named file deleted since the revision is skipped too, as it cannot be read.
- With `exclude_paths`, a file or directory whose path (`globs.path_text`: relative to the
  current directory when under it, else as named; a directory's with a trailing `/`) an
  exclusion matches is not read, however it was named: walked (an excluded directory is not even
  listed), matched by a glob, listed, or named. It is no problem (not even when it does not
  exist); `Collected.excluded` lists it. Standard input is never excluded.
"""

from __future__ import annotations

import codecs
import glob
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

from citecheck.encoding import DecodeError, check_encoding, decode
from citecheck.globs import Exclusion, path_text
from citecheck.model import Document, Format, InputProblem

DEFAULT_EXTENSIONS: tuple[str, ...] = (".md", ".markdown", ".html", ".htm", ".txt")
"""The suffixes of the files read from a named directory."""

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
"""The largest input read, in bytes."""

STDIN = "-"
"""The input (and `files_from`) name that means standard input."""

GIT_TIMEOUT = 60.0
"""The seconds one git command may take, for `changed_since`."""

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mkdn"})
"""The suffixes of files read as Markdown."""
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
"""The suffixes of files read as HTML; any other file is read as plain text."""

_GLOB_CHARACTERS = frozenset("*?[")
# An HTML document starts with a doctype, an XML declaration or a tag: `<` and a tag name followed
# by a space, `>` or `/`, so that a Markdown autolink (`<https://…>`) is not taken for one.
# A list of inputs written by a Windows tool may be UTF-16 (or UTF-32) with a byte order mark.
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)
_HTML_START = re.compile(r"\s*<(?:!doctype\b|\?xml\b|[a-z][a-z0-9-]*(?:[\s/>]|\Z))", re.IGNORECASE)


class InputError(Exception):
    """The inputs cannot be read as asked (e.g. the `files_from` list is unreadable): stop."""


@dataclass(frozen=True, slots=True)
class Collected:
    """What reading the inputs gave."""

    documents: tuple[Document, ...]
    """The documents read, in input order (a directory's files sorted), each file once."""
    problems: tuple[InputProblem, ...]
    """The inputs that could not be read, in input order."""
    excluded: tuple[str, ...] = ()
    """The files and directories not read because a path exclusion matched them, each once, in
    the order met, as matched (`globs.path_text`; a directory with a trailing `/`, its files not
    counted)."""


@dataclass(frozen=True, slots=True)
class Changes:
    """The files of a git working tree that differ from a revision, by real path."""

    rev: str
    """The revision, as the user named it."""
    present: frozenset[str]
    """The files changed, added or untracked (not ignored) since `rev`: those to read."""
    deleted: frozenset[str]
    """The files deleted since `rev`: named, they are skipped rather than reported missing."""


def format_for(path: str) -> Format:
    """The format a file is read as, from its suffix (case-insensitive)."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix in HTML_SUFFIXES:
        return "html"
    return "text"


def sniff_format(text: str) -> Format:
    """The format of text with no file name: HTML when it starts with markup, else Markdown."""
    return "html" if _HTML_START.match(text) else "markdown"


def collect(
    inputs: Sequence[str],
    *,
    files_from: str | None = None,
    extensions: Sequence[str] = DEFAULT_EXTENSIONS,
    stdin: BinaryIO | None = None,
    input_format: Format | None = None,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    changed_since: str | None = None,
    exclude_paths: Sequence[re.Pattern[str] | Exclusion] = (),
) -> Collected:
    """Read `inputs`, then the inputs listed in the file `files_from`, into documents.

    `stdin` is read for the input `-` (and for `files_from="-"`); None means `sys.stdin.buffer`.
    `extensions` filters the files found in directories (a leading dot is optional). With
    `encoding`, every input is decoded strictly with it; otherwise the encoding is recognised
    (see `citecheck.encoding`). Inputs larger than `max_bytes` are not read. With
    `changed_since`, only the files that differ from that git revision are read (`changes_since`;
    the current directory when no input is named at all). A file or directory whose path one of
    `exclude_paths` matches (`pattern.search`, on `globs.path_text`) is not read (the module's
    docstring says how).

    Raises `InputError` when the `files_from` list cannot be read, when standard input is asked
    for as both the list and an input, when `encoding` is not a known text encoding, or when the
    changes since `changed_since` cannot be known (see `changes_since`; standard input, which git
    knows nothing of, is refused with it).
    """
    if encoding is not None:
        try:
            check_encoding(encoding)
        except ValueError as exc:
            raise InputError(str(exc)) from exc
    entries = list(inputs)
    if files_from is not None:
        entries += _read_list(files_from, stdin)
        if files_from == STDIN and STDIN in entries:
            raise InputError(
                "Standard input cannot be both the list of inputs (--files-from -) and an input."
            )
    changes = None
    if changed_since is not None:
        if not entries and files_from is None:
            entries = ["."]  # the usual CI run: whatever changed in the checkout
        if STDIN in entries:
            raise InputError(
                "--changed-since reads only files git knows; standard input (-) has no history."
            )
        changes = changes_since(changed_since)
    reader = _Reader(
        extensions=_normalise(extensions),
        stdin=stdin,
        input_format=input_format,
        encoding=encoding,
        max_bytes=max_bytes,
        changes=changes,
        exclude=exclude_paths,
    )
    for entry in entries:
        reader.add(entry)
    return Collected(tuple(reader.documents), tuple(reader.problems), tuple(reader.excluded))


def _normalise(extensions: Sequence[str]) -> tuple[str, ...]:
    if isinstance(extensions, str):  # a lone suffix, not a sequence of one-letter suffixes
        extensions = (extensions,)
    return tuple("." + extension.lower().lstrip(".") for extension in extensions)


def _read_list(files_from: str, stdin: BinaryIO | None) -> list[str]:
    """The inputs listed in `files_from`: one a line; blank lines and `#` comments skipped."""
    where = "standard input" if files_from == STDIN else files_from
    try:
        if files_from == STDIN:
            data = _standard_input(stdin).read()
        else:
            with open(files_from, "rb") as stream:
                data = stream.read()
    except (OSError, ValueError) as exc:  # ValueError: a closed stream, a NUL in the name
        raise InputError(f"Cannot read the list of inputs in {where}: {_reason(exc)}.") from exc
    try:
        # Paths are bytes on POSIX: decode them the way Python decodes file names, unless a byte
        # order mark says how the list was written.
        text = decode(data)[0] if data.startswith(_BOMS) else os.fsdecode(data)
    except DecodeError as exc:
        raise InputError(f"Cannot read the list of inputs in {where}: {exc.message}") from exc
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def changes_since(rev: str) -> Changes:
    """The files that differ between the git revision `rev` and the working tree.

    The repository is the one holding the current directory. Changed are the files
    `git diff --name-only --no-renames REV --` lists (committed and uncommitted changes alike)
    and the untracked files git does not ignore; of those, the ones that no longer exist are
    `deleted`. Raises `InputError` when `rev` looks like an option, when git is missing, slow
    (`GIT_TIMEOUT`) or fails, when there is no repository, or when `rev` is not a known commit.
    """
    # Git reads an argument starting with `-` as an option (`--output=FILE` would write a
    # file): such a revision is refused rather than passed on.
    if not rev or rev.startswith("-") or "\x00" in rev:
        raise InputError(f"--changed-since: {rev!r} is not a revision.")
    found = _git(["rev-parse", "--show-toplevel"], None)
    if found.returncode != 0:
        raise InputError(f"--changed-since needs a git repository: {_git_message(found)}")
    top = os.fsdecode(found.stdout.rstrip(b"\r\n"))
    # Resolved first, so that an unknown revision gets a message of its own, and git diff is
    # then given an object name, which cannot be mistaken for an option or a path.
    commit = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], top)
    if commit.returncode != 0:
        raise InputError(_unknown_revision(rev, top))
    name = commit.stdout.strip().decode("ascii", "replace")
    diff = _git(["diff", "--name-only", "--no-renames", "-z", name, "--"], top)
    if diff.returncode != 0:
        raise InputError(f"--changed-since {rev!r}: git diff failed: {_git_message(diff)}")
    # Run at the top level, ls-files lists the whole tree with paths relative to it, as diff does.
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], top)
    if untracked.returncode != 0:
        raise InputError(f"--changed-since {rev!r}: git ls-files failed: {_git_message(untracked)}")
    present: set[str] = set()
    deleted: set[str] = set()
    for raw in (*diff.stdout.split(b"\0"), *untracked.stdout.split(b"\0")):
        if raw:
            path = os.path.join(top, os.fsdecode(raw))
            # Real paths on both sides: the documents' are compared with these.
            (present if os.path.lexists(path) else deleted).add(os.path.realpath(path))
    return Changes(rev, frozenset(present), frozenset(deleted))


def _unknown_revision(rev: str, top: str) -> str:
    shallow = _git(["rev-parse", "--is-shallow-repository"], top)
    if shallow.returncode == 0 and shallow.stdout.strip() == b"true":
        # The usual cause in CI: actions/checkout fetches one commit unless told otherwise.
        return (
            f"--changed-since: unknown revision {rev!r}: it is not in the local history of this "
            "shallow clone. Fetch the whole history (with actions/checkout, `fetch-depth: 0`) "
            f"or fetch the revision (`git fetch origin {rev}`)."
        )
    return (
        f"--changed-since: unknown revision {rev!r}: no such commit in the local history. If it "
        f"is on a remote, fetch it (`git fetch origin {rev}`; in CI, `fetch-depth: 0`)."
    )


def _git(arguments: list[str], cwd: str | None) -> subprocess.CompletedProcess[bytes]:
    """Run git with `arguments` in `cwd` (None: the current directory), never through a shell."""
    try:
        return subprocess.run(
            ["git", *arguments],
            cwd=cwd,
            stdin=subprocess.DEVNULL,  # git never waits on ours (it may be the list of inputs)
            capture_output=True,
            check=False,
            timeout=GIT_TIMEOUT,
        )
    except FileNotFoundError as exc:
        if cwd is not None and not os.path.isdir(cwd):
            raise InputError(f"--changed-since: cannot enter {cwd}: {_reason(exc)}.") from exc
        raise InputError(
            "--changed-since needs git, which is not installed (or not on PATH)."
        ) from exc
    except subprocess.TimeoutExpired as exc:
        raise InputError(
            f"--changed-since: `git {arguments[0]}` did not finish within {GIT_TIMEOUT:g} seconds."
        ) from exc
    except OSError as exc:
        raise InputError(f"--changed-since: cannot run git: {_reason(exc)}.") from exc


def _git_message(done: subprocess.CompletedProcess[bytes]) -> str:
    """What git said went wrong: the first line of its standard error."""
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else f"git exited with code {done.returncode}."


class _Reader:
    """Reads inputs one by one, remembering what it has read; collects documents and problems."""

    def __init__(
        self,
        *,
        extensions: tuple[str, ...],
        stdin: BinaryIO | None,
        input_format: Format | None,
        encoding: str | None,
        max_bytes: int,
        changes: Changes | None = None,
        exclude: Sequence[re.Pattern[str] | Exclusion] = (),
    ) -> None:
        self.extensions = extensions
        self.stdin = stdin
        self.input_format = input_format
        self.encoding = encoding
        self.max_bytes = max_bytes
        self.changes = changes
        self.documents: list[Document] = []
        self.problems: list[InputProblem] = []
        self.seen: set[str] = set()
        self.exclude = [e.pattern if isinstance(e, Exclusion) else e for e in exclude]
        self.cwd = os.getcwd() if self.exclude else ""
        self.excluded: dict[str, None] = {}
        """What exclusions kept from being read, as matched (an ordered set)."""

    def add(self, entry: str) -> None:
        """Read one input as named: `-`, a directory, a file, or a glob pattern."""
        if entry == STDIN:
            self._read_stdin()
        elif "\x00" in entry:  # no file name holds NUL (and os functions refuse it)
            self._problem(entry, "not-found", "No such file: the name contains a NUL character.")
        elif os.path.isdir(entry):
            self._walk(entry)
        elif os.path.lexists(entry):
            self._read_file(entry)
        elif _GLOB_CHARACTERS.intersection(entry):
            self._glob(entry)
        elif self.changes is not None and os.path.realpath(entry) in self.changes.deleted:
            pass  # deleted since the revision: nothing to read, and not a mistake
        elif self._excluded(entry):
            pass  # would not have been read anyway
        elif self._first_time(os.path.realpath(entry)):  # report a missing file once
            self._problem(entry, "not-found", "No such file or directory.")

    def _problem(self, path: str, code: str, explanation: str) -> None:
        self.problems.append(InputProblem(path=path, message=f"{path}: {explanation}", code=code))

    def _glob(self, pattern: str) -> None:
        matches = sorted(glob.glob(pattern, recursive=True))
        if not matches:
            self._problem(pattern, "no-match", "No file matches this pattern.")
        for path in matches:
            if os.path.isdir(path):
                self._walk(path)
            elif _regular_or_broken(path):
                self._read_file(path)
            elif not self._excluded(path):
                self._problem(path, "unreadable", "Not a regular file; name it to read it.")

    def _walk(self, root: str) -> None:
        def unreadable(error: OSError) -> None:
            self._problem(error.filename or root, "unreadable", f"{_reason(error)}.")

        if self._excluded(root, directory=True):
            return
        # os.walk lists links to directories among `dirnames` but does not descend into them.
        for directory, dirnames, filenames in os.walk(root, onerror=unreadable):
            dirnames[:] = [
                name
                for name in sorted(dirnames)
                if not name.startswith(".")
                and not self._excluded(os.path.join(directory, name), directory=True)
            ]
            for name in sorted(filenames):
                if name.startswith(".") or not name.lower().endswith(self.extensions):
                    continue
                path = os.path.join(directory, name)
                if _regular_or_broken(path):  # FIFOs and devices are left alone
                    self._read_file(path)

    def _excluded(self, path: str, *, directory: bool = False) -> bool:
        """Whether an exclusion matches `path` (then noted in `excluded`)."""
        if not self.exclude:
            return False
        text = path_text(path, self.cwd)
        if not text:
            return False  # the current directory itself: its files are judged one by one
        if directory:
            text += "/"
        if not any(pattern.search(text) for pattern in self.exclude):
            return False
        self.excluded[text] = None
        return True

    def _first_time(self, key: str) -> bool:
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def _read_stdin(self) -> None:
        if not self._first_time(STDIN):
            return
        try:
            data = _standard_input(self.stdin).read(self.max_bytes + 1)
        except (OSError, ValueError) as exc:  # ValueError: a closed stream
            self._problem(STDIN, "unreadable", f"{_reason(exc)}.")
            return
        if len(data) > self.max_bytes:
            self._too_large(STDIN, None)
            return
        self._add_document(STDIN, data, self.input_format)

    def _read_file(self, path: str) -> None:
        real = os.path.realpath(path)
        if self.changes is not None and real not in self.changes.present:
            return  # unchanged since the revision (or ignored by git): not read
        if self._excluded(path):
            return
        if not self._first_time(real):
            return
        try:
            with open(path, "rb") as stream:
                size = os.fstat(stream.fileno()).st_size  # 0 for pipes: the capped read decides
                if size > self.max_bytes:
                    self._too_large(path, size)
                    return
                data = stream.read(self.max_bytes + 1)
        except FileNotFoundError:
            if os.path.islink(path):
                self._problem(path, "not-found", "A symbolic link to a file that does not exist.")
            else:
                self._problem(path, "not-found", "No such file or directory.")
            return
        except OSError as exc:
            self._problem(path, "unreadable", f"{_reason(exc)}.")
            return
        if len(data) > self.max_bytes:
            self._too_large(path, None)
            return
        self._add_document(path, data, self.input_format or format_for(path))

    def _too_large(self, path: str, size: int | None) -> None:
        actual = f" ({size:,} bytes)" if size is not None else ""
        self._problem(
            path,
            "too-large",
            f"Larger than the limit of {self.max_bytes:,} bytes{actual}; not read.",
        )

    def _add_document(self, path: str, data: bytes, fmt: Format | None) -> None:
        try:
            text, encoding = decode(data, self.encoding)
        except DecodeError as exc:
            self._problem(path, exc.code, exc.message)
            return
        self.documents.append(
            Document(
                path=path,
                format=fmt if fmt is not None else sniff_format(text),
                text=text,
                encoding=encoding,
            )
        )


def _standard_input(stdin: BinaryIO | None) -> BinaryIO:
    """`stdin`, else the process's standard input; OSError when there is none."""
    if stdin is not None:
        return stdin
    stream: BinaryIO | None = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise OSError("No standard input")
    return stream


def _regular_or_broken(path: str) -> bool:
    """Whether a listed `path` is a regular file, or a link that leads nowhere (broken, looping).

    Those are read (a bad link is worth reporting); FIFOs and devices nobody named are not, as
    reading them could block or never end.
    """
    return os.path.isfile(path) or not os.path.exists(path)


def _reason(exc: Exception) -> str:
    """The operating system's words for `exc` (`Permission denied`), else its message."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)
