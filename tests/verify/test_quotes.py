"""Whether a source says what an article quotes: found, close, not found, or a translation."""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from citecheck.verify.quotes import CLOSE, match_quote, normalise, script_of

JEDDAH = (
    "Joint Statement on the United States-Ukraine Meeting in Jeddah\n\n"
    "Today, the United States and Ukraine met in Jeddah, Saudi Arabia.\n"
    "The United States and Ukraine took important steps towards restoring durable peace for "
    "Ukraine. Ukraine expressed readiness to accept the U.S. proposal to enact an immediate, "
    "interim 30-day ceasefire, which can be extended by mutual agreement of the parties."
)
JEDDAH_QUOTE = "important steps towards restoring durable peace for Ukraine"
JEDDAH_ZH = (
    "美國與烏克蘭吉達會談聯合聲明\n今天，美國和烏克蘭在沙特阿拉伯吉達舉行會談。"
    "美國和烏克蘭為恢復烏克蘭持久和平採取了重要步驟。烏克蘭表示準備接受美國的提議，"
    "立即實施為期30天的臨時停火。"
)
JEDDAH_ZH_QUOTE = "為恢復烏克蘭持久和平採取了重要步驟"
STATEMENTS = (
    "Secretary Rubio said the talks had been productive and that both delegations would meet "
    "again. The Kremlin called the proposal extremely confrontational. Officials praised the "
    "bravery of the negotiators and rejected calls for an apology. Markets rose 3.5% on the news."
)


# Found: what typography, case and layout change does not count.


def test_found_despite_curly_quotes_case_line_breaks_and_spaces() -> None:
    quote = "“Important  steps towards\nRESTORING durable peace for ukraine”"
    result = match_quote(quote, JEDDAH)
    assert result.status == "quote-found"
    assert result.score == 100.0
    assert result.passage == JEDDAH_QUOTE
    assert result.difference is None
    assert result.evidence == f"found in the source: '{JEDDAH_QUOTE}'"


def test_found_despite_straight_quotes_in_the_source_and_curly_ones_in_the_quote() -> None:
    source = 'Peskov said the plan was "extremely confrontational" and "unacceptable".'
    assert match_quote("“extremely confrontational”", source).status == "quote-found"
    assert match_quote("‘extremely confrontational’", source).status == "quote-found"


def test_found_in_full_width_latin_letters() -> None:
    result = match_quote("ＩＭＰＯＲＴＡＮＴ　ＳＴＥＰＳ　ＴＯＷＡＲＤＳ", JEDDAH)
    assert result.status == "quote-found"
    assert result.passage == "important steps towards"


def test_found_despite_trailing_punctuation() -> None:
    for quote in (f"{JEDDAH_QUOTE}.", f"{JEDDAH_QUOTE}!", f"“{JEDDAH_QUOTE}…”", f"{JEDDAH_QUOTE},"):
        assert match_quote(quote, JEDDAH).status == "quote-found", quote


def test_found_despite_a_dash_written_differently() -> None:
    source = "The talks — held behind closed doors — lasted eight hours."
    assert match_quote("talks—held behind closed doors", source).status == "quote-found"
    assert match_quote("talks - held behind closed doors", source).status == "quote-found"


def test_found_despite_accents_lost_on_the_way() -> None:
    source = "Lula spoke in São Paulo about the proposal."
    result = match_quote("spoke in Sao Paulo", source)
    assert result.status == "quote-found"
    assert result.passage == "spoke in São Paulo"


def test_passage_keeps_the_accents_of_its_last_letter() -> None:
    result = match_quote("met at the café", "They met at the cafe\u0301 on Tuesday.")
    assert result.status == "quote-found"
    assert result.passage == "met at the cafe\u0301"


# The reference case, in English.


def test_reference_quote_is_found() -> None:
    result = match_quote(JEDDAH_QUOTE, JEDDAH)
    assert result.status == "quote-found"
    assert result.passage == JEDDAH_QUOTE


def test_one_word_altered_is_close_naming_both_words() -> None:
    result = match_quote("important steps towards restoring lasting peace for Ukraine", JEDDAH)
    assert result.status == "quote-close"
    assert CLOSE <= result.score < 100
    assert result.passage == JEDDAH_QUOTE  # the source's words, with its capital U
    assert result.difference == "the quote says 'lasting', the source 'durable'"
    assert result.evidence.startswith(f"close ({result.score:.0f}/100) to '{JEDDAH_QUOTE}': ")
    assert "'lasting'" in result.evidence
    assert "'durable'" in result.evidence


def test_changed_first_word_is_a_replacement_not_an_addition() -> None:
    result = match_quote("major steps towards restoring durable peace for Ukraine", JEDDAH)
    assert result.status == "quote-close"
    assert result.difference == "the quote says 'major', the source 'important'"


def test_word_left_out_is_close_and_says_which() -> None:
    result = match_quote("took important steps towards restoring peace for Ukraine", JEDDAH)
    assert result.status == "quote-close"
    assert result.difference == "the quote leaves out 'durable'"


# The same in Chinese.


def test_chinese_quote_is_found() -> None:
    result = match_quote(f"「{JEDDAH_ZH_QUOTE}」", JEDDAH_ZH)
    assert result.status == "quote-found"
    assert result.passage == JEDDAH_ZH_QUOTE


def test_chinese_quote_found_despite_a_comma_left_out() -> None:
    assert match_quote("接受美國的提議立即實施", JEDDAH_ZH).status == "quote-found"


def test_one_character_altered_chinese_quote_is_close() -> None:
    result = match_quote("為恢復烏克蘭長久和平採取了重要步驟", JEDDAH_ZH)
    assert result.status == "quote-close"
    assert result.passage == JEDDAH_ZH_QUOTE
    assert result.difference == "the quote says '長', the source '持'"


def test_chinese_quote_of_an_english_source_is_a_translation() -> None:
    for language in (None, "en", "en-US"):
        result = match_quote(JEDDAH_ZH_QUOTE, JEDDAH, source_language=language)
        assert result.status == "quote-translated"
        assert result.score == 0.0
        assert result.passage is None
        assert result.difference is None
    assert result.evidence == (
        "the quote is in Chinese, the source in English: a translation, not compared word for word"
    )


def test_english_quote_of_a_chinese_source_is_a_translation() -> None:
    result = match_quote(JEDDAH_QUOTE, JEDDAH_ZH, source_language="zh-TW")
    assert result.status == "quote-translated"
    assert result.evidence == (
        "the quote is in English, the source in Chinese: a translation, not compared word for word"
    )


def test_chinese_quote_of_a_page_marked_english_but_mixed_is_a_translation() -> None:
    # Half English, half Chinese: the text decides nothing, the lang tag does.
    source = "Jeddah 吉達 talks 會談 United States 美國"
    assert script_of(source) == "mixed"
    result = match_quote(JEDDAH_ZH_QUOTE, source, source_language="en")
    assert result.status == "quote-translated"


def test_chinese_text_marked_english_is_still_compared() -> None:
    # Sites leave lang="en" on pages of every language; the text's script outranks it.
    result = match_quote("為恢復烏克蘭長久和平採取了重要步驟", JEDDAH_ZH, source_language="en")
    assert result.status == "quote-close"


def test_english_name_in_a_chinese_source_is_found() -> None:
    source = "美國特使威特科夫（Steve Witkoff）抵達莫斯科。"
    assert match_quote("Steve Witkoff", source).status == "quote-found"


def test_simplified_chinese_against_a_traditional_source_is_not_found_exactly() -> None:
    # 为/為, 复/復, 乌/烏 ... are different characters: no conversion table is applied. A
    # quote wholly in simplified shares only the characters both scripts write alike; one
    # simplified character in a traditional quote is a character changed, so close.
    wholly = match_quote("为恢复乌克兰持久和平采取了重要步骤", JEDDAH_ZH)
    assert wholly.status == "quote-not-found"
    assert wholly.score < CLOSE
    one = match_quote("为恢復烏克蘭持久和平採取了重要步驟", JEDDAH_ZH)
    assert one.status == "quote-close"
    assert one.difference == "the quote says '为', the source '為'"


# Not found.


def test_quote_not_in_the_source_is_not_found_with_its_best_passage() -> None:
    result = match_quote("Russia rejected the proposal outright on Tuesday evening", JEDDAH)
    assert result.status == "quote-not-found"
    assert 0 < result.score < CLOSE
    assert result.passage
    assert result.passage in JEDDAH
    assert result.difference is None
    assert result.evidence.startswith(f"not in the source (best {result.score:.0f}/100: '")


def test_empty_source_text_could_not_be_read() -> None:
    for source in ("", "   \n\t", "“…”"):
        result = match_quote(JEDDAH_QUOTE, source)
        assert result.status == "quote-not-found"
        assert result.score == 0.0
        assert result.evidence == "the source's text could not be read"


def test_quote_without_words_is_not_looked_for() -> None:
    result = match_quote("“…”", JEDDAH)
    assert result.status == "quote-not-found"
    assert result.passage is None


# Ellipses.


@pytest.mark.parametrize("ellipsis", ["…", "...", ". . .", "[…]", "[...]", " … "])
def test_ellipsis_fragments_found_in_order(ellipsis: str) -> None:
    quote = f"took important steps{ellipsis}accept the U.S. proposal"
    result = match_quote(quote, JEDDAH)
    assert result.status == "quote-found"
    assert result.passage is not None
    assert result.passage.startswith("took important steps towards")
    assert result.passage.endswith("accept the U.S. proposal")


def test_ellipsis_fragments_out_of_order_are_not_found() -> None:
    result = match_quote("accept the U.S. proposal … took important steps", JEDDAH)
    assert result.status == "quote-not-found"
    assert result.evidence == "the parts of the quote are in the source, but not in this order"


def test_ellipsis_quote_is_as_good_as_its_worst_fragment() -> None:
    result = match_quote("took important steps … accept the U.S. proposals to enact", JEDDAH)
    assert result.status == "quote-close"
    assert result.difference == "the quote says 'proposals', the source 'proposal'"
    assert result.passage is not None
    assert result.passage.startswith("took important steps")


def test_ellipsis_fragments_shorter_than_three_characters_are_ignored() -> None:
    assert match_quote("a … took important steps", JEDDAH).status == "quote-found"


# Short quotes.


@pytest.mark.parametrize("word", ["bravery", "apology", "“bravery”", "Apology."])
def test_short_quotes_found_exactly(word: str) -> None:
    assert match_quote(word, STATEMENTS).status == "quote-found"


def test_near_miss_short_word_is_not_close() -> None:
    source = "The negotiators acted bravely and offered apologies."
    for word in ("bravery", "apology"):
        result = match_quote(word, source)
        assert result.status == "quote-not-found", word
    # Two words carry enough letters for one typo to be a typo, at the higher bar.
    assert match_quote("extremely confrontationel", STATEMENTS).status == "quote-close"
    assert match_quote("extremely combative", STATEMENTS).status == "quote-not-found"


def test_tiny_quote_is_too_short_to_look_for_closely() -> None:
    result = match_quote("zq", STATEMENTS)
    assert result.status == "quote-not-found"
    assert result.score == 0.0
    assert "too short to look for closely" in result.evidence
    assert match_quote("和平", JEDDAH_ZH).status == "quote-found"
    assert match_quote("戰爭", JEDDAH_ZH).status == "quote-not-found"


def test_found_only_inside_a_longer_word_says_so() -> None:
    result = match_quote("war", "The warning came late.")
    assert result.status == "quote-found"
    assert result.passage == "warning"
    assert "only as part of longer words" in result.evidence


def test_whole_word_occurrence_is_preferred() -> None:
    result = match_quote("war", "The warning came late: the war had begun.")
    assert result.passage == "war"
    assert result.evidence == "found in the source: 'war'"


def test_decimal_point_is_kept() -> None:
    assert normalise("rose 3.5% today, 1,000 people") == "rose 3.5% today 1.000 people"
    assert match_quote("rose 3.5%", STATEMENTS).status == "quote-found"
    assert match_quote("Markets rose 35%", STATEMENTS).status != "quote-found"


# Normalisation and scripts.


def test_normalise_folds_what_does_not_change_the_words() -> None:
    assert normalise("“Lasting  Peace,” — for\nUkraine.") == "lasting peace-for ukraine"
    assert normalise("ＡＢＣ，ｄｅｆ！") == "abcdef"
    assert normalise("「為恢復烏克蘭」。") == "為恢復烏克蘭"
    assert normalise("Trump’s 'deal'") == "trumps deal"
    assert normalise("Straße") == "strasse"
    assert normalise("café") == normalise("cafe\u0301") == "cafe"
    assert normalise("がき") == "がき"  # a kana voicing mark is part of the word, not an accent
    assert normalise("") == ""


def test_script_of_the_letters() -> None:
    assert script_of(JEDDAH) == "latin"
    assert script_of(JEDDAH_ZH) == "cjk"
    assert script_of("Привет, мир") == "other"
    assert script_of("2025 — 30%") == "none"
    assert script_of("特使 Steve Witkoff 抵達莫斯科") == "cjk"  # a CJK character weighs three
    assert script_of("Jeddah 吉達 talks 會談 United States 美國") == "mixed"


# Long and hostile input.


def _long_source(size: int) -> str:
    rng = random.Random(7)
    words = JEDDAH.split() + STATEMENTS.split()
    return " ".join(rng.choice(words) for _ in range(size // 4))[:size]


def test_long_quote_in_a_long_source_is_close() -> None:
    source = _long_source(200_000)
    words = source[120_000:120_600].split(" ")[1:-1]
    words[40] = "lasting"
    result = match_quote(" ".join(words), source)
    assert result.status == "quote-close"
    assert "'lasting'" in (result.difference or "")
    assert result.passage is not None
    assert len(result.passage) <= 310


def test_timing_guard_for_a_200k_source() -> None:
    # A bound against blow-ups, not a benchmark (about 0.05 s when measured).
    source = _long_source(200_000)
    quotes = [
        source[150_000:150_150],
        source[150_000:150_150].replace(" ", "  x ", 3),
        "the moon is made of green cheese, said an official who spoke on condition of anonymity "
        "because he was not authorised to speak to reporters about the matter",
    ]
    for quote in quotes:
        started = time.perf_counter()
        match_quote(quote, source)
        assert time.perf_counter() - started < 2.0


def test_hostile_input_does_not_raise() -> None:
    hostile = [
        "\x00\x01\x02\x1b[31m\x7f\u200b\u202e\ufeff",
        "\ud800\udfff lone surrogates \udc00",
        "…" * 1000,
        ". . . [ … ] ( ... )",
        "a" * 10_000,
        "İ\u0307ΐ\u0345ﬃ\ufdfa\u3099か\u3099",
    ]
    megabyte = ("ab\u0301c\ud800 \x00," * 150_000)[:1_000_000]
    pairs = [(quote, source) for quote in hostile for source in hostile]
    pairs += [(hostile[1], megabyte), ("bc ab", megabyte), (megabyte, JEDDAH)]
    for quote, source in pairs:
        result = match_quote(quote, source, source_language="\ud800-x")
        assert 0.0 <= result.score <= 100.0
        assert "\n" not in result.evidence


def test_quote_over_the_limit_is_not_compared() -> None:
    result = match_quote("word " * 2000, JEDDAH)
    assert result.status == "quote-not-found"
    assert "too long" in result.evidence


# Properties.

LETTERS = st.characters(categories=["L"])


@given(st.text(), st.text(alphabet=LETTERS, min_size=3), st.text())
def test_any_run_of_letters_of_the_source_is_found(before: str, quote: str, after: str) -> None:
    # A letter can normalise to nothing ("ʼ" is an apostrophe): nothing is then looked for.
    assume(normalise(quote))
    assert match_quote(quote, before + quote + after).status == "quote-found"


@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    assert normalise(normalise(text)) == normalise(text)


@given(st.text(), st.text(), st.one_of(st.none(), st.text(max_size=12)))
def test_match_quote_never_raises(quote: str, source: str, language: str | None) -> None:
    result = match_quote(quote, source, source_language=language)
    assert result.status in ("quote-found", "quote-close", "quote-not-found", "quote-translated")
    assert 0.0 <= result.score <= 100.0
    if result.passage is not None:
        assert len(result.passage) <= 310
