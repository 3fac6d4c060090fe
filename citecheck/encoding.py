"""Turn an article's bytes into text, recognising the encoding when nobody named it.

Most articles are UTF-8, but Chinese-language pieces still arrive as GB18030 (GB2312, GBK) or
Big5, and old Western pages as Windows-1252. A wrong guess does not fail loudly: it yields
mojibake with no URLs in it, and the run reports "no citations" for a document that has dozens.
So `decode` tries, in this order, and stops at the first that fits:

1. A byte order mark settles it: UTF-8, UTF-32, UTF-16. UTF-32 is tried before UTF-16 because the
   UTF-32 LE mark (FF FE 00 00) begins with the UTF-16 LE one (FF FE).
2. A NUL byte, or a high share of other control bytes, means the input is not text: "binary". This
   check comes before UTF-8 because NUL is valid UTF-8: a file of zeros, or UTF-16 without a byte
   order mark, would otherwise "decode" into text with no words in it. Text never holds NUL.
3. Strict UTF-8. Text in another encoding is almost never valid UTF-8 by accident.
4. GB18030 and Big5-HKSCS, both strictly. Neither check says much on its own: the byte layouts
   overlap, so most GB text is also valid Big5, nearly all Big5 text is valid GB18030, and GB18030
   even accepts much Windows-1252 text (a curly quote before a letter makes a valid GBK pair). So
   each candidate text is scored by the share of its Chinese characters that are among the ~600
   commonest (simplified and traditional forms). Real text scores about 0.75 whatever its length;
   mojibake scatters over twenty thousand code points and scores under 0.1. Short texts are the
   hard case (four characters can land either way), so a choice needs a score of at least 0.3 and
   at least two Chinese characters; when both candidates qualify the higher score wins, GB18030 on
   a tie. Big5 text is reported as "big5" when plain Big5 reads it, else as "big5hkscs".
5. Windows-1252, which decodes nearly any bytes and so comes last. It is refused when it yields C1
   control characters; when the bytes are mostly well-formed UTF-8 (UTF-8 with a damaged byte is
   better reported, with where the damage is, than silently garbled); and when most of the text
   would be non-ASCII (double-byte text in some other encoding, such as EUC-KR).
6. Otherwise "undecodable", and the message suggests naming the encoding (`--encoding`).

A named encoding is used strictly, with no guessing; a leading byte order mark is still dropped.
An encoding name Python does not know is a usage error: `ValueError` (see `check_encoding`).
For a recognised encoding, `data.decode(name) == text` holds.
"""

from __future__ import annotations

import codecs
import re
from typing import Literal

DecodeProblem = Literal["binary", "undecodable"]
"""Why bytes could not become text; the same codes as `InputProblem.code`."""

CONTROL_SHARE = 0.1
"""Above this share of control codes (other than tab, line and page breaks, SUB, ESC): binary."""

MIN_CHINESE_SCORE = 0.3
"""The least share of common characters for a legacy Chinese decoding to be believed."""

MIN_CHINESE_CHARACTERS = 2
"""The fewest Chinese characters for a legacy Chinese decoding to be believed."""

_SCORE_SAMPLE = 200_000
"""How many code points of a candidate text are scored (the score settles long before)."""

# The ~600 commonest characters of modern written Chinese (news and general prose), in simplified
# form, then the traditional forms of those that differ. Which exact 600 hardly matters: the score
# only has to separate real text (about 0.75) from mojibake (under 0.1).
_COMMON_SIMPLIFIED = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种事成方"
    "多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情"
    "明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给"
    "世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太"
    "量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象"
    "完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济"
    "车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商算质团集百需价花党华城石级整府离况亚"
    "请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历"
    "首医局突专费号尽另周较注语仅考落青随选列武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音"
    "跟志底站严巴例防族供效续施留讲型料终答紧黄绝奇察母京段依批群项故按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细愿千值"
)
_COMMON_TRADITIONAL = (
    "這個們來為國說時會對於著過發後裡裏麼經種學現當沒動還進樣開從實軍無與長機關點業將兩間問應戰頭見體產製話內給門東聲員論處義"
    "幾認條係氣題爾別變總電數報結務場計資許統區隊決馬書則聽卻達強難權設記類據邊張該規萬覺術領確傳師觀讓識帶導爭運飛風幹乾聯組"
    "濟車親極辦議證轉遠臺單羅愛擊備連調質團價黨華級離況亞請際約復複線斷滿視須寫稱嗎輕農裝廣顯標談圖歷醫專費號盡較語僅隨選紅響"
    "雖勢參眾構節維劃敵陳態護興驗責營夠嚴續講終緊黃絕項圍織鬥雙紀採舉殺蘇訴細願錢網熱屬臉職樂"
)
COMMON_CHINESE = frozenset(_COMMON_SIMPLIFIED + _COMMON_TRADITIONAL)
"""The common Chinese characters, simplified and traditional, that `chinese_score` counts."""

# Han ideographs (Extension A, the main block, compatibility forms, Extensions B and later), and
# the private use area: GB18030 and Big5-HKSCS map user-defined codes there, which real text
# hardly uses and mojibake often does, so those count as uncommon characters.
_CHINESE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff\ue000-\uf8ff]")

_CONTROLS = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\v\f\r\x1a\x1b")
_CONTROL_BYTES = _CONTROLS.encode("ascii")
_WITHOUT_CONTROLS = str.maketrans("", "", _CONTROLS)
_HIGH_BYTES = bytes(range(0x80, 0x100))
_NEWLINE = b"\n"
_ASCII = bytes(range(0x20, 0x7F)) + _NEWLINE
_C1 = re.compile("[\x80-\x9f]")

# UTF-32 before UTF-16: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)


class DecodeError(Exception):
    """The bytes are not text, or not text in any encoding that could be recognised."""

    code: DecodeProblem
    """`binary` or `undecodable`, as in `InputProblem.code`."""
    message: str
    """What went wrong, for a person: a sentence without the path."""

    def __init__(self, code: DecodeProblem, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def check_encoding(name: str) -> str:
    """The canonical name of the text encoding `name` (`UTF8` -> `utf-8`).

    Raises `ValueError` when Python knows no such encoding, or when it is not a text encoding
    (`hex`, `rot13`). Callers validating a command-line option can call this once up front.
    """
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        raise ValueError(f"Not a known text encoding: {name!r}.") from None
    try:
        b"a".decode(canonical)  # bytes-to-bytes codecs ("hex", "rot13") refuse with LookupError
    except LookupError:
        raise ValueError(f"Not a text encoding: {name!r}.") from None
    except ValueError:
        pass  # a text encoding that cannot read a lone "a" (UTF-16)
    return canonical


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text in `data` and the name of the encoding it was decoded with.

    With `encoding`, decode strictly with it; otherwise recognise the encoding as the module
    docstring describes. The text never starts with a byte order mark.

    Raises `DecodeError` (code `binary` or `undecodable`) when the bytes are not text in a
    recognisable (or the named) encoding, and `ValueError` when `encoding` is not a known
    text encoding.
    """
    if encoding is not None:
        return _decode_as(data, check_encoding(encoding))
    for bom, name, label in _BOMS:
        if data.startswith(bom):
            text = _strict(data, name, f"The bytes start with a {label} byte order mark but are")
            _refuse_binary_text(text)
            return text, name
    _refuse_binary_bytes(data)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    chinese = _decode_chinese(data)
    if chinese is not None:
        return chinese
    if _mostly_utf8(data):
        raise DecodeError(
            "undecodable",
            f"The bytes are UTF-8 except for {_where(data, utf8_error)}. "
            "Fix that byte, or name the encoding with --encoding.",
        )
    western = _decode_western(data)
    if western is not None:
        return western, "cp1252"
    raise DecodeError(
        "undecodable",
        f"The encoding was not recognised: the bytes are not UTF-8 ({_where(data, utf8_error)}), "
        "and neither GB18030, Big5 nor Windows-1252 reads them as plausible text. "
        "Name the encoding with --encoding.",
    )


def chinese_score(text: str) -> tuple[float, int]:
    """The share of `text`'s Chinese characters that are common ones, and how many it has.

    The share is 0.0 for a text without Chinese characters. Only the first 200,000 code points
    are looked at.
    """
    found = _CHINESE.findall(text[:_SCORE_SAMPLE])
    if not found:
        return 0.0, 0
    common = sum(1 for character in found if character in COMMON_CHINESE)
    return common / len(found), len(found)


def _decode_as(data: bytes, name: str) -> tuple[str, str]:
    text = _strict(data, name, "The bytes are").removeprefix("\ufeff")
    _refuse_binary_text(text)
    return text, name


def _strict(data: bytes, name: str, subject: str) -> str:
    """`data` decoded strictly with `name`, or `DecodeError` saying where it fails."""
    try:
        return data.decode(name)
    except UnicodeDecodeError as exc:
        where = _where(data, exc, lines=_ascii_compatible(name))
    except ValueError as exc:  # a few codecs (idna, punycode) raise other errors on bad input
        where = str(exc)
    raise DecodeError("undecodable", f"{subject} not valid {name}: {where}.")


def _where(data: bytes, exc: UnicodeDecodeError, *, lines: bool = True) -> str:
    """Where decoding failed, for a person: the byte, its offset and (when `lines`) its line."""
    offset = exc.start
    where = f"{exc.reason} 0x{data[offset]:02x} at byte offset {offset}"
    if lines:
        where += f", line {data.count(_NEWLINE, 0, offset) + 1}"
    return where


def _ascii_compatible(name: str) -> bool:
    """Whether `name` encodes ASCII as ASCII, so that counting newline bytes counts lines."""
    try:
        return _ASCII.decode(name, "replace") == _ASCII.decode("ascii")
    except ValueError:  # codecs that support only strict errors (idna)
        return False


def _refuse_binary_bytes(data: bytes) -> None:
    if b"\x00" in data:
        message = "Not text: it contains NUL bytes, as binary files do."
        # ASCII in UTF-16 has a NUL in every other byte: say how to read it.
        if max(data[0::2].count(0), data[1::2].count(0)) > len(data) / 4:
            order = "le" if data[1::2].count(0) > data[0::2].count(0) else "be"
            message += f" If it is UTF-16 without a byte order mark, use --encoding utf-16-{order}."
        raise DecodeError("binary", message)
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > CONTROL_SHARE * len(data):
        raise DecodeError(
            "binary", f"Not text: {controls} of its {len(data)} bytes are control codes."
        )


def _refuse_binary_text(text: str) -> None:
    if "\x00" in text:
        raise DecodeError("binary", "Not text: it contains NUL characters, as binary files do.")
    controls = len(text) - len(text.translate(_WITHOUT_CONTROLS))
    if controls > CONTROL_SHARE * len(text):
        raise DecodeError(
            "binary", f"Not text: {controls} of its {len(text)} characters are control codes."
        )


def _try(data: bytes, name: str) -> str | None:
    try:
        return data.decode(name)
    except UnicodeDecodeError:
        return None


def _decode_chinese(data: bytes) -> tuple[str, str] | None:
    """The plausible legacy Chinese reading of `data`, if there is one."""
    candidates: list[tuple[str, str]] = []
    gb = _try(data, "gb18030")
    if gb is not None:
        candidates.append((gb, "gb18030"))
    hkscs = _try(data, "big5hkscs")
    if hkscs is not None:
        plain = _try(data, "big5")
        candidates.append((plain, "big5") if plain is not None else (hkscs, "big5hkscs"))
    best: tuple[str, str] | None = None
    best_score = 0.0
    for text, name in candidates:
        score, count = chinese_score(text)
        plausible = score >= MIN_CHINESE_SCORE and count >= MIN_CHINESE_CHARACTERS
        if plausible and (best is None or score > best_score):
            best, best_score = (text, name), score
    return best


def _mostly_utf8(data: bytes) -> bool:
    """Whether most bytes above ASCII form well-formed UTF-8 sequences (as in damaged UTF-8)."""
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    # Decoding with errors ignored keeps exactly the ASCII bytes and the well-formed sequences.
    in_sequences = len(data.decode("utf-8", "ignore").encode("utf-8")) - (len(data) - high)
    return high > 0 and in_sequences > high / 2


def _decode_western(data: bytes) -> str | None:
    """The Windows-1252 reading of `data`, if it is plausibly Western text."""
    text = _try(data, "cp1252")
    # Python leaves five cp1252 bytes undefined; other tables map them to C1 controls, never text.
    if text is None or _C1.search(text):
        return None
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    visible = len(text) - sum(text.count(space) for space in " \t\n\r\f\v")
    if non_ascii >= 4 and non_ascii > 0.3 * visible:
        return None
    return text
