"""Recognising an article's encoding: byte order marks, UTF-8, legacy Chinese, Windows-1252."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citecheck.encoding import DecodeError, check_encoding, chinese_score, decode

SIMPLIFIED = (
    "新华社北京3月5日电 国务院总理在政府工作报告中指出，今年经济社会发展的主要预期目标是："
    "国内生产总值增长百分之五左右。城镇新增就业一千二百万人以上。"
)
TRADITIONAL = (
    "中央社記者台北5日電 行政院今天通過明年度中央政府總預算案，總額約新台幣兩兆八千億元，"
    "較今年增加百分之三。"
)
ENGLISH = "See https://example.com/a for details.\nAnd a second line.\n"
REFERENCE_ARTICLE = (
    Path(__file__).parent.parent / "examples" / "lo-2025-us-russia-ukraine-appeasement.txt"
)


def _encodable(text: str, encoding: str) -> str:
    """`text` without the characters `encoding` cannot write."""
    return "".join(c for c in text if c.encode(encoding, "ignore"))


# Byte order marks and Unicode


def test_utf8_without_bom_is_utf8() -> None:
    assert decode("Café — “quoted”".encode()) == ("Café — “quoted”", "utf-8")


def test_ascii_is_utf8() -> None:
    assert decode(ENGLISH.encode("ascii")) == (ENGLISH, "utf-8")


def test_empty_input_is_empty_utf8_text() -> None:
    assert decode(b"") == ("", "utf-8")


def test_utf8_bom_is_dropped_and_named_utf8_sig() -> None:
    assert decode(codecs.BOM_UTF8 + SIMPLIFIED.encode()) == (SIMPLIFIED, "utf-8-sig")


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_utf16_with_bom(bom: bytes, codec: str) -> None:
    assert decode(bom + (ENGLISH + TRADITIONAL).encode(codec)) == (ENGLISH + TRADITIONAL, "utf-16")


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be")],
)
def test_utf32_with_bom(bom: bytes, codec: str) -> None:
    # The UTF-32 LE mark starts with the UTF-16 LE one; it must still be read as UTF-32.
    assert decode(bom + ENGLISH.encode(codec)) == (ENGLISH, "utf-32")


def test_bom_followed_by_invalid_bytes_is_undecodable() -> None:
    with pytest.raises(DecodeError) as caught:
        decode(codecs.BOM_UTF16_LE + b"a\x00b")  # an odd number of bytes
    assert caught.value.code == "undecodable"
    assert "UTF-16" in str(caught.value)


# Legacy Chinese


@pytest.mark.parametrize("codec", ["gb18030", "gb2312", "gbk"])
def test_simplified_news_text_in_gb_encodings_is_gb18030(codec: str) -> None:
    assert decode(SIMPLIFIED.encode(codec)) == (SIMPLIFIED, "gb18030")


def test_traditional_news_text_in_big5_is_big5() -> None:
    assert decode(TRADITIONAL.encode("big5")) == (TRADITIONAL, "big5")


def test_traditional_text_needing_hkscs_is_big5hkscs() -> None:
    cantonese = "香港嘅嘢好多人都唔知，政府今日公布新政策。"  # 嘅 and 嘢 are HKSCS additions
    assert decode(cantonese.encode("big5hkscs")) == (cantonese, "big5hkscs")


def test_mixed_english_and_chinese_in_gb18030() -> None:
    text = f"{ENGLISH}据新华社报道，{SIMPLIFIED}\nhttps://www.xinhuanet.com/\n"
    assert decode(text.encode("gb18030")) == (text, "gb18030")


@pytest.mark.parametrize(
    ("title", "codec", "name"),
    [
        ("中国经济增长放缓", "gb18030", "gb18030"),
        ("习近平会见美国总统", "gb2312", "gb18030"),
        ("台灣經濟成長趨緩", "big5", "big5"),
        ("美俄烏停火談判的地緣政治", "big5", "big5"),
    ],
)
def test_short_one_line_title(title: str, codec: str, name: str) -> None:
    assert decode(title.encode(codec)) == (title, name)


def test_reference_article_in_big5() -> None:
    article = _encodable(REFERENCE_ARTICLE.read_text(encoding="utf-8"), "big5")
    assert decode(article.encode("big5")) == (article, "big5")


def test_reference_article_in_gb18030() -> None:
    # GB18030 writes traditional characters too; the text is still read as GB18030.
    article = REFERENCE_ARTICLE.read_text(encoding="utf-8")
    assert decode(article.encode("gb18030")) == (article, "gb18030")


def test_right_decoding_scores_high_and_mojibake_low() -> None:
    big5 = TRADITIONAL.encode("big5")
    assert chinese_score(big5.decode("big5"))[0] > 0.6
    assert chinese_score(big5.decode("gb18030"))[0] < 0.15
    gb = "据报道，" + SIMPLIFIED  # GB bytes often decode as Big5 too; this sample does
    assert chinese_score(gb)[0] > 0.6
    assert chinese_score(gb.encode("gb18030").decode("big5hkscs", "replace"))[0] < 0.15


def test_chinese_score_counts_chinese_characters() -> None:
    assert chinese_score("no Chinese here") == (0.0, 0)
    score, count = chinese_score("中国 and 龘")
    assert score == pytest.approx(2 / 3)
    assert count == 3


# Windows-1252


def test_cp1252_with_smart_quotes() -> None:
    text = "“Quoted,” she said — it’s the café’s last day…\n"
    assert decode(text.encode("cp1252")) == (text, "cp1252")


def test_double_byte_text_in_another_encoding_is_not_taken_for_cp1252() -> None:
    korean = "대한민국 정부는 오늘 새로운 경제 정책을 발표했습니다."
    with pytest.raises(DecodeError) as caught:
        decode(korean.encode("euc-kr"))
    assert caught.value.code == "undecodable"


def test_utf8_with_one_damaged_byte_says_where() -> None:
    data = "Café, naïve, résumé.\nSecond line ".encode() + b"\x93oops\x94\n"
    offset = data.index(0x93)
    with pytest.raises(DecodeError) as caught:
        decode(data)
    assert caught.value.code == "undecodable"
    assert f"0x93 at byte offset {offset}, line 2" in caught.value.message
    assert "--encoding" in caught.value.message


# Not text


def test_png_header_is_binary() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06"
    with pytest.raises(DecodeError) as caught:
        decode(png)
    assert caught.value.code == "binary"
    assert "UTF-16" not in caught.value.message


def test_random_bytes_with_nuls_are_binary() -> None:
    data = bytearray(random.Random(7).randbytes(2048))
    data[100] = 0
    with pytest.raises(DecodeError) as caught:
        decode(bytes(data))
    assert caught.value.code == "binary"


def test_control_codes_without_nul_are_binary() -> None:
    with pytest.raises(DecodeError) as caught:
        decode(b"\x01\x02\x03\x04text\x05\x06")
    assert caught.value.code == "binary"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_binary_and_the_message_suggests_the_encoding(codec: str) -> None:
    with pytest.raises(DecodeError) as caught:
        decode(ENGLISH.encode(codec))
    assert caught.value.code == "binary"
    assert f"--encoding {codec}" in caught.value.message


def test_bytes_that_fit_nothing_are_undecodable_and_suggest_encoding() -> None:
    # Valid GBK pairs of rare characters; invalid in Big5 and in Windows-1252.
    with pytest.raises(DecodeError) as caught:
        decode(b"\x81\x81\x81\x82\x81\x83 \x81\x84\x81\x85")
    assert caught.value.code == "undecodable"
    assert "--encoding" in caught.value.message
    assert str(caught.value) == caught.value.message


# A named encoding


def test_named_encoding_is_used_without_guessing() -> None:
    assert decode("é".encode(), "cp1252") == ("Ã©", "cp1252")
    assert decode(SIMPLIFIED.encode("gbk"), "GBK") == (SIMPLIFIED, "gbk")
    assert decode(b"caf\xe9", "latin-1") == ("café", "iso8859-1")


def test_named_encoding_reads_utf16_without_bom() -> None:
    assert decode(ENGLISH.encode("utf-16-le"), "utf-16-le") == (ENGLISH, "utf-16-le")


def test_named_encoding_still_drops_a_bom() -> None:
    assert decode(codecs.BOM_UTF8 + b"hello", "utf-8") == ("hello", "utf-8")


def test_named_encoding_that_does_not_fit_is_undecodable_naming_it() -> None:
    with pytest.raises(DecodeError) as caught:
        decode(b"caf\xe9 au lait", "utf-8")
    assert caught.value.code == "undecodable"
    assert "utf-8" in caught.value.message
    assert "byte offset 3" in caught.value.message


def test_named_encoding_on_binary_is_binary() -> None:
    with pytest.raises(DecodeError) as caught:
        decode(b"\x00\x01\x02\x03", "latin-1")
    assert caught.value.code == "binary"


@pytest.mark.parametrize("name", ["no-such-encoding", "hex", "rot13", "base64"])
def test_unknown_or_non_text_encoding_is_a_value_error(name: str) -> None:
    with pytest.raises(ValueError, match="encoding"):
        decode(b"text", name)
    with pytest.raises(ValueError, match="encoding"):
        check_encoding(name)


def test_check_encoding_gives_the_canonical_name() -> None:
    assert check_encoding("UTF8") == "utf-8"
    assert check_encoding("Big5-HKSCS") == "big5hkscs"
    assert check_encoding("GB18030") == "gb18030"
    assert check_encoding("UTF-16") == "utf-16"


# Properties

_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters="\t\n\r"))


def _outcome(data: bytes, encoding: str | None = None) -> tuple[str, str] | str:
    """What `decode` gives: the text and encoding, or the `DecodeError` code."""
    try:
        return decode(data, encoding)
    except DecodeError as exc:
        return exc.code


@given(st.binary())
def test_any_bytes_give_text_or_decode_error(data: bytes) -> None:
    outcome = _outcome(data)
    if isinstance(outcome, str):
        assert outcome in {"binary", "undecodable"}
    else:
        text, name = outcome
        assert data.decode(name) == text
        assert "\x00" not in text


@given(
    st.binary(),
    st.sampled_from(["utf-8", "utf-16", "utf-32", "gb18030", "big5", "cp1252", "idna", "utf-7"]),
)
def test_any_bytes_in_a_named_encoding_give_text_or_decode_error(data: bytes, name: str) -> None:
    outcome = _outcome(data, name)
    if isinstance(outcome, str):
        assert outcome in {"binary", "undecodable"}
    else:
        assert isinstance(outcome[0], str)
        assert outcome[1] == name


@given(_TEXT.filter(lambda text: not text.startswith("\ufeff")))
def test_utf8_text_round_trips(text: str) -> None:
    assert decode(text.encode()) == (text, "utf-8")
