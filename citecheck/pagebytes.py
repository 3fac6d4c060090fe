"""A fetched web page's bytes as text: the charset its server or its markup declares, read as
browsers read it, else detected. Pure."""

from __future__ import annotations

import re

# WHATWG labels Python does not know, and charsets read as the superset that real pages use.
_LABELS = {"x-gbk": "gb18030", "x-x-big5": "big5hkscs", "cn-big5": "big5hkscs"}
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs", "ascii": "cp1252"}
_SUPERSETS["iso8859-1"] = "cp1252"  # as browsers do (WHATWG Encoding)
_META_CHARSET = rb"(?i)<meta\b[^>]*?charset\s*=\s*[\"']?\s*([a-zA-Z0-9._:-]+)"
_HEADER_CHARSET = r"(?i)charset\s*=\s*[\"']?\s*([a-zA-Z0-9._:-]+)"


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """The page's text: the charset from the Content-Type header, else from <meta charset> /
    <meta http-equiv> in the first 4 KB, else detected; GB2312 and GBK decoded as GB18030 (its
    superset: real pages labelled gb2312 use GBK characters), Big5 as big5hkscs; undecodable
    bytes replaced.

    A byte order mark overrides the labels, as in browsers. When the labelled charset cannot read
    the bytes but detection (`citecheck.encoding.decode`) can, detection wins: mislabelled pages
    are common, and replacement characters would hide their words.
    """
    import codecs

    from citecheck.encoding import DecodeError, check_encoding, decode

    if body.startswith(codecs.BOM_UTF8) or body[:2] in (b"\xff\xfe", b"\xfe\xff"):
        name = "utf-8-sig" if body.startswith(codecs.BOM_UTF8) else "utf-16"
        return body.decode(name, "replace").removeprefix("\ufeff")
    header = re.search(_HEADER_CHARSET, content_type or "")
    meta = re.search(_META_CHARSET, body[:4096])
    declared: str | None = None
    for label, in_page in ((header and header[1], False), (meta and meta[1].decode(), True)):
        try:
            declared = check_encoding(_LABELS.get(label.lower(), label)) if label else None
        except ValueError:
            continue
        if declared is not None:
            # A page read as ASCII to find its label is not UTF-16 (WHATWG).
            declared = "utf-8" if in_page and declared.startswith("utf-16") else declared
            declared = _SUPERSETS.get(declared, declared)
            break
    if declared is not None:
        try:  # incremental: a character cut off by the MAX_HTML cap is no error
            return codecs.getincrementaldecoder(declared)().decode(body, final=False)
        except UnicodeDecodeError:
            pass
    try:
        return decode(body)[0]
    except (DecodeError, ValueError):
        return body.decode(declared or "utf-8", "replace")


def cap_bytes(body: bytes, most: int) -> bytes:
    """The first most bytes, cut after a `>` or newline so that no character is split (in
    UTF-8, GB18030, Big5 and Shift JIS neither byte occurs inside a character)."""
    if len(body) <= most:
        return body
    cut = max(body.rfind(b">", most - 4096, most), body.rfind(b"\n", 0, most))
    return body[: cut + 1 if cut > most - 4096 else most]
