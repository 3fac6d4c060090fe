"""Reading inputs: files, directories, globs, standard input, lists of inputs."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest

from citecheck.collect import (
    DEFAULT_EXTENSIONS,
    Collected,
    InputError,
    collect,
    format_for,
    sniff_format,
)
from citecheck.globs import path_exclusions
from citecheck.model import InputProblem

SIMPLIFIED = "新华社北京3月5日电 国务院总理在政府工作报告中指出，今年经济社会发展的主要预期目标是。"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"


def _write(path: Path, content: str | bytes = "") -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return str(path)


def _paths(collected: Collected) -> list[str]:
    return [document.path for document in collected.documents]


def _problem(collected: Collected) -> InputProblem:
    assert len(collected.problems) == 1, collected.problems
    return collected.problems[0]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A directory of mixed files, a hidden directory and file, and a link back up (a loop)."""
    root = tmp_path / "docs"
    _write(root / "b.md", "# B\n")
    _write(root / "a.html", "<p>A</p>")
    _write(root / "c.txt", "C")
    _write(root / "E.MD", "# E\n")
    _write(root / "zz.htm", "<p>Z</p>")
    _write(root / "image.png", PNG)
    _write(root / "notes.rst", "not taken from a directory")
    _write(root / ".hidden.md", "hidden")
    _write(root / ".git" / "x.md", "hidden directory")
    _write(root / "sub" / "y.markdown", "# Y\n")
    _write(root / "sub" / "deeper" / "w.md", "# W\n")
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    return root


# Directories


def test_directory_is_walked_sorted_taking_listed_extensions(tree: Path) -> None:
    collected = collect([str(tree)])
    assert _paths(collected) == [
        os.path.join(tree, "E.MD"),
        os.path.join(tree, "a.html"),
        os.path.join(tree, "b.md"),
        os.path.join(tree, "c.txt"),
        os.path.join(tree, "zz.htm"),
        os.path.join(tree, "sub", "y.markdown"),
        os.path.join(tree, "sub", "deeper", "w.md"),
    ]
    assert [d.format for d in collected.documents] == [
        "markdown",
        "html",
        "markdown",
        "text",
        "html",
        "markdown",
        "markdown",
    ]
    assert collected.problems == ()


def test_directory_walk_skips_hidden_entries_and_does_not_follow_linked_directories(
    tree: Path,
) -> None:
    paths = _paths(collect([str(tree)]))
    assert not any("hidden" in path or ".git" in path for path in paths)
    assert not any("loop" in path for path in paths)


def test_paths_are_kept_relative_as_named(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree.parent)
    assert _paths(collect(["docs/sub"])) == ["docs/sub/y.markdown", "docs/sub/deeper/w.md"]
    assert _paths(collect(["docs/sub/"])) == ["docs/sub/y.markdown", "docs/sub/deeper/w.md"]


def test_extensions_choose_what_a_directory_gives(tree: Path) -> None:
    collected = collect([str(tree)], extensions=["RST", ".txt"])
    assert _paths(collected) == [os.path.join(tree, "c.txt"), os.path.join(tree, "notes.rst")]


def test_default_extensions() -> None:
    assert DEFAULT_EXTENSIONS == (".md", ".markdown", ".html", ".htm", ".txt")


def test_fifo_in_a_directory_is_left_alone(tmp_path: Path) -> None:
    _write(tmp_path / "a.md", "# A\n")
    os.mkfifo(tmp_path / "pipe.md")  # reading it would block forever
    (tmp_path / "pipe-link.md").symlink_to(tmp_path / "pipe.md")
    collected = collect([str(tmp_path)])
    assert _paths(collected) == [str(tmp_path / "a.md")]
    assert collected.problems == ()


def test_fifo_matched_by_a_glob_is_a_problem_not_a_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    problem = _problem(collect([str(tmp_path / "*.md")]))
    assert (problem.path, problem.code) == (str(tmp_path / "pipe.md"), "unreadable")


def test_broken_link_in_a_directory_is_not_found(tmp_path: Path) -> None:
    (tmp_path / "gone.md").symlink_to(tmp_path / "missing.md")
    problem = _problem(collect([str(tmp_path)]))
    assert problem.code == "not-found"
    assert problem.path == str(tmp_path / "gone.md")
    assert "symbolic link" in problem.message


# Files


def test_named_file_is_read_whatever_its_extension(tree: Path) -> None:
    collected = collect([str(tree / "notes.rst")])
    assert _paths(collected) == [str(tree / "notes.rst")]
    assert collected.documents[0].format == "text"
    assert collected.documents[0].text == "not taken from a directory"
    assert collected.documents[0].encoding == "utf-8"


def test_existing_name_with_glob_characters_is_taken_literally(tmp_path: Path) -> None:
    path = _write(tmp_path / "notes[1].md", "# literal\n")
    _write(tmp_path / "notes1.md", "# what the pattern would match\n")
    assert _paths(collect([path])) == [path]


def test_missing_file_is_not_found(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.md")
    problem = _problem(collect([missing]))
    assert problem == InputProblem(
        path=missing, message=f"{missing}: No such file or directory.", code="not-found"
    )


def test_binary_file_in_the_middle_is_a_problem_and_the_others_still_come_back(
    tmp_path: Path,
) -> None:
    first = _write(tmp_path / "1.md", "# one\n")
    picture = _write(tmp_path / "2.png", PNG)
    third = _write(tmp_path / "3.md", "# three\n")
    collected = collect([first, picture, third])
    assert _paths(collected) == [first, third]
    problem = _problem(collected)
    assert (problem.path, problem.code) == (picture, "binary")
    assert problem.message.startswith(f"{picture}: ")


def test_undecodable_file_is_a_problem(tmp_path: Path) -> None:
    path = _write(tmp_path / "odd.txt", b"\x81\x81\x81\x82\x81\x83 \x81\x84\x81\x85")
    problem = _problem(collect([path]))
    assert (problem.path, problem.code) == (path, "undecodable")
    assert "--encoding" in problem.message


def test_gb18030_text_file_is_decoded(tmp_path: Path) -> None:
    path = _write(tmp_path / "news.txt", SIMPLIFIED.encode("gb18030"))
    (document,) = collect([path]).documents
    assert (document.text, document.encoding, document.format) == (SIMPLIFIED, "gb18030", "text")


def test_named_encoding_applies_to_every_input(tmp_path: Path) -> None:
    latin = _write(tmp_path / "a.txt", "café".encode("latin-1"))
    ascii_ = _write(tmp_path / "b.txt", b"plain")
    collected = collect([latin, ascii_], encoding="latin-1")
    assert [(d.text, d.encoding) for d in collected.documents] == [
        ("café", "iso8859-1"),
        ("plain", "iso8859-1"),
    ]


def test_unknown_encoding_stops_the_run(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.md", "# A\n")
    with pytest.raises(InputError, match="no-such-encoding"):
        collect([path], encoding="no-such-encoding")


def test_too_large_file_is_not_read(tmp_path: Path) -> None:
    small = _write(tmp_path / "small.md", "0123456789")
    large = _write(tmp_path / "large.md", "0123456789A")
    collected = collect([small, large], max_bytes=10)
    assert _paths(collected) == [small]
    problem = _problem(collected)
    assert (problem.path, problem.code) == (large, "too-large")
    assert large in problem.message
    assert "10 bytes" in problem.message


def test_input_format_overrides_every_suffix(tree: Path) -> None:
    collected = collect([str(tree / "b.md"), str(tree / "a.html")], input_format="text")
    assert [d.format for d in collected.documents] == ["text", "text"]


def test_unreadable_link_loop_is_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    # Open fails with ELOOP whoever runs the test, unlike a permission check.
    (tmp_path / "loop.md").symlink_to(tmp_path / "loop.md")
    fine = _write(tmp_path / "zz.md", "# fine\n")
    loop = str(tmp_path / "loop.md")
    for inputs in ([loop, fine], [str(tmp_path)]):
        collected = collect(inputs)
        assert _paths(collected) == [fine]
        problem = _problem(collected)
        assert (problem.path, problem.code) == (loop, "unreadable")
        assert problem.message == f"{loop}: Too many levels of symbolic links."


# Globs


def test_glob_is_expanded_sorted(tree: Path) -> None:
    assert _paths(collect([str(tree / "*.md")])) == [str(tree / "b.md")]  # case-sensitive


def test_glob_reads_matched_files_whatever_their_extension(tree: Path) -> None:
    collected = collect([str(tree / "*.rst")])
    assert _paths(collected) == [str(tree / "notes.rst")]


def test_double_star_glob_recurses(tree: Path) -> None:
    assert _paths(collect([str(tree / "**" / "*.md")])) == [
        str(tree / "b.md"),
        str(tree / "sub" / "deeper" / "w.md"),
    ]


def test_directories_matched_by_a_glob_are_walked(tree: Path) -> None:
    assert _paths(collect([str(tree / "s*")])) == [
        str(tree / "sub" / "y.markdown"),
        str(tree / "sub" / "deeper" / "w.md"),
    ]


def test_glob_matching_nothing_is_no_match(tmp_path: Path) -> None:
    pattern = str(tmp_path / "*.nothing")
    problem = _problem(collect([pattern]))
    assert (problem.path, problem.code) == (pattern, "no-match")
    assert problem.message.startswith(f"{pattern}: ")


# Standard input


def test_stdin_is_read_as_dash() -> None:
    collected = collect(["-"], stdin=io.BytesIO(b"# Title\n\nSee <https://example.com>.\n"))
    (document,) = collected.documents
    assert (document.path, document.format, document.encoding) == ("-", "markdown", "utf-8")
    assert document.text.startswith("# Title")


def test_stdin_html_is_sniffed() -> None:
    collected = collect(["-"], stdin=io.BytesIO(b"\xef\xbb\xbf\n  <!DOCTYPE html><p>x</p>"))
    assert collected.documents[0].format == "html"


def test_stdin_format_can_be_named() -> None:
    collected = collect(["-"], stdin=io.BytesIO(b"<p>x</p>"), input_format="text")
    assert collected.documents[0].format == "text"


def test_stdin_too_large_is_not_read() -> None:
    problem = _problem(collect(["-"], stdin=io.BytesIO(b"x" * 11), max_bytes=10))
    assert (problem.path, problem.code) == ("-", "too-large")


def test_no_standard_input_is_unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", None)  # as under pythonw, or with stdin closed
    assert _problem(collect(["-"])).code == "unreadable"
    with pytest.raises(InputError, match="standard input"):
        collect([], files_from="-")


def test_closed_stdin_is_unreadable() -> None:
    stream = io.BytesIO(b"")
    stream.close()
    assert _problem(collect(["-"], stdin=stream)).code == "unreadable"


def test_stdin_named_twice_is_read_once() -> None:
    assert _paths(collect(["-", "-"], stdin=io.BytesIO(b"text"))) == ["-"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!doctype html><html></html>", "html"),
        ("<html lang=en>", "html"),
        ("\n\t <div>\n", "html"),
        ("<br/>", "html"),
        ("<?xml version='1.0'?><html/>", "html"),
        ("<p", "html"),
        ("# Heading\n<div>", "markdown"),
        ("<https://example.com> is an autolink", "markdown"),
        ("< not a tag", "markdown"),
        ("", "markdown"),
    ],
)
def test_sniff_format(text: str, expected: str) -> None:
    assert sniff_format(text) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("a.md", "markdown"),
        ("a.MARKDOWN", "markdown"),
        ("a.mdown", "markdown"),
        ("a.mkd", "markdown"),
        ("a.mkdn", "markdown"),
        ("a.html", "html"),
        ("a.HTM", "html"),
        ("a.xhtml", "html"),
        ("a.txt", "text"),
        ("a.rst", "text"),
        ("README", "text"),
    ],
)
def test_format_for_suffix(path: str, expected: str) -> None:
    assert format_for(path) == expected


# Lists of inputs


def test_files_from_entries_come_after_positional_inputs(tmp_path: Path) -> None:
    first = _write(tmp_path / "first.md", "# 1\n")
    second = _write(tmp_path / "second.md", "# 2\n")
    third = _write(tmp_path / "third.txt", "3")
    listing = _write(
        tmp_path / "list.txt",
        f"# articles to check\n\n{third}\r\n  {second}  \n# {first}\n",
    )
    collected = collect([first], files_from=listing)
    assert _paths(collected) == [first, third, second]
    assert collected.problems == ()


def test_files_from_entries_are_inputs_like_any_other(tree: Path, tmp_path: Path) -> None:
    listing = _write(tmp_path / "list.txt", f"{tree / 'sub'}\n{tree / '*.md'}\n-\nmissing.md\n")
    collected = collect([], files_from=listing, stdin=io.BytesIO(b"from stdin"))
    assert _paths(collected) == [
        str(tree / "sub" / "y.markdown"),
        str(tree / "sub" / "deeper" / "w.md"),
        str(tree / "b.md"),
        "-",
    ]
    assert _problem(collected).code == "not-found"


def test_files_from_stdin(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.md", "# A\n")
    collected = collect([], files_from="-", stdin=io.BytesIO(f"{path}\n".encode()))
    assert _paths(collected) == [path]


def test_files_from_utf16_list_with_bom(tmp_path: Path) -> None:
    path = _write(tmp_path / "文章.md", "# A\n")
    listing = _write(tmp_path / "list.txt", f"{path}\r\n".encode("utf-16"))
    assert _paths(collect([], files_from=listing)) == [path]


def test_missing_files_from_list_stops_the_run(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-list.txt")
    with pytest.raises(InputError, match=r"no-list\.txt"):
        collect([], files_from=missing)


def test_stdin_as_both_list_and_input_stops_the_run(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Standard input"):
        collect(["-"], files_from="-", stdin=io.BytesIO(b"a.md\n"))


# Reading each file once


def test_file_named_and_inside_a_named_directory_is_read_once_first_as_named(
    tree: Path,
) -> None:
    named = str(tree / "sub" / "y.markdown")
    collected = collect([named, str(tree / "sub"), named])
    assert _paths(collected) == [named, str(tree / "sub" / "deeper" / "w.md")]


def test_file_reached_through_a_link_is_read_once(tmp_path: Path) -> None:
    real = _write(tmp_path / "real.md", "# real\n")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    assert _paths(collect([real, str(link)])) == [real]
    assert _paths(collect([str(link), real])) == [str(link)]


def test_missing_file_named_twice_is_reported_once(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.md")
    assert len(collect([missing, missing]).problems) == 1


def test_no_inputs_give_nothing() -> None:
    assert collect([]) == Collected(documents=(), problems=())


# Excluded paths


def _exclude(*globs: str, regexes: tuple[str, ...] = ()) -> tuple[re.Pattern[str], ...]:
    return tuple(e.pattern for e in path_exclusions(regexes, globs))


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site's sources, the current directory: articles, drafts at two depths, an archive."""
    for name in (
        "index.md",
        "posts/a.md",
        "posts/b.draft.md",
        "posts/drafts/c.md",
        "drafts/d.md",
        "archive/2019/e.md",
        "archive/2019/f.html",
        "build/g.md",
        "notes/build",
    ):
        _write(tmp_path / name, "# x\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_name_excludes_files_and_directories_anywhere(site: Path) -> None:
    collected = collect(["."], exclude_paths=_exclude("drafts", "*.draft.md"))
    assert _paths(collected) == [
        "./index.md",
        "./archive/2019/e.md",
        "./archive/2019/f.html",
        "./build/g.md",
        "./posts/a.md",
    ]
    assert collected.problems == ()
    # In the walk's order; a directory once, its files not counted.
    assert collected.excluded == ("drafts/", "posts/drafts/", "posts/b.draft.md")


def test_a_path_excludes_from_the_start_and_everything_below(site: Path) -> None:
    collected = collect(["."], exclude_paths=_exclude("archive/**", "./drafts", "posts/*.md"))
    assert _paths(collected) == ["./index.md", "./build/g.md", "./posts/drafts/c.md"]
    assert collected.excluded == ("archive/", "drafts/", "posts/a.md", "posts/b.draft.md")


def test_a_pattern_ending_in_a_slash_excludes_only_directories(site: Path) -> None:
    collected = collect(["build", "notes/build"], exclude_paths=_exclude("build/"))
    assert _paths(collected) == ["notes/build"]  # the file named build is read
    assert collected.excluded == ("build/",)


def test_a_regular_expression_excludes_a_directory_by_its_path_with_a_slash(site: Path) -> None:
    collected = collect(["posts"], exclude_paths=_exclude(regexes=("^posts/drafts/",)))
    assert _paths(collected) == ["posts/a.md", "posts/b.draft.md"]
    assert collected.excluded == ("posts/drafts/",)


def test_an_excluded_directory_is_never_listed(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    listed: list[str] = []
    scandir = os.scandir

    def recording(path: str) -> object:
        listed.append(os.path.normpath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", recording)
    collect(["."], exclude_paths=_exclude("archive", "posts/drafts"))
    assert "archive" not in listed
    assert "archive/2019" not in listed
    assert "posts/drafts" not in listed
    assert "posts" in listed  # (the recording works)


def test_named_and_globbed_files_are_excluded_and_missing_ones_are_no_problem(site: Path) -> None:
    exclude = _exclude("drafts", "*.draft.md", "gone.md")
    collected = collect(
        ["posts/b.draft.md", "posts/*.md", "drafts/d.md", "drafts", "gone.md", "index.md"],
        exclude_paths=exclude,
    )
    assert _paths(collected) == ["posts/a.md", "index.md"]
    assert collected.problems == ()
    assert collected.excluded == ("posts/b.draft.md", "drafts/d.md", "drafts/", "gone.md")


def test_a_glob_matching_an_excluded_directory_does_not_walk_it(site: Path) -> None:
    collected = collect(["archive/*"], exclude_paths=_exclude("2019"))
    assert _paths(collected) == []
    assert collected.problems == ()
    assert collected.excluded == ("archive/2019/",)


def test_listed_files_are_excluded_too(site: Path) -> None:
    listing = _write(site / "list.txt", "posts/a.md\n./drafts/d.md\nposts/drafts\n")
    collected = collect([], files_from=listing, exclude_paths=_exclude("drafts"))
    assert _paths(collected) == ["posts/a.md"]
    assert collected.excluded == ("drafts/d.md", "posts/drafts/")


def test_paths_under_the_current_directory_are_matched_relative_to_it(site: Path) -> None:
    collected = collect([str(site / "posts")], exclude_paths=_exclude("posts/drafts", "./index.md"))
    assert _paths(collected) == [str(site / "posts" / "a.md"), str(site / "posts" / "b.draft.md")]
    assert collected.excluded == ("posts/drafts/",)
    assert _paths(collect([str(site / "index.md")], exclude_paths=_exclude("./index.md"))) == []


def test_paths_outside_the_current_directory_are_matched_as_named(
    site: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    outside = _write(elsewhere / "drafts" / "x.md", "# x\n")
    _write(elsewhere / "y.md", "# y\n")
    assert _paths(collect([str(elsewhere)], exclude_paths=_exclude("drafts"))) == [
        str(elsewhere / "y.md")
    ]
    absolute = f"{elsewhere}/*/x.md"
    assert _paths(collect([outside], exclude_paths=_exclude(absolute))) == []
    assert _paths(collect([outside], exclude_paths=_exclude("drafts/x.md"))) == [outside]


def test_standard_input_is_never_excluded(site: Path) -> None:
    collected = collect(
        ["-", "index.md"], stdin=io.BytesIO(b"# in\n"), exclude_paths=_exclude("**")
    )
    assert _paths(collected) == ["-"]
    assert collected.excluded == ("index.md",)


def test_exclusions_are_taken_as_compiled_patterns_or_exclusion_values(site: Path) -> None:
    by_value = collect(["posts"], exclude_paths=path_exclusions(globs=["drafts"]))
    by_pattern = collect(["posts"], exclude_paths=[re.compile("drafts/$")])
    assert _paths(by_value) == _paths(by_pattern) == ["posts/a.md", "posts/b.draft.md"]
