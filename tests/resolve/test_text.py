"""Words of titles, URLs and citing sentences, and the scores that compare them."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from citecheck.resolve.text import (
    SECTION_WORDS,
    STOPWORDS,
    content_words,
    key_terms,
    slugify,
    terms_score,
    title_score,
    url_words,
    words,
)

JEDDAH_TITLE = "Joint Statement on the United States-Ukraine Meeting in Jeddah"
JEDDAH_URL = (
    "https://www.state.gov/releases/office-of-the-spokesperson/2025/03/"
    "joint-statement-on-the-united-states-ukraine-meeting-in-jeddah"
)
RUBIO_TITLE = "Secretary of State Marco Rubio Remarks to Press"
PLANALTO_TITLE = (
    "Brazil and China present joint proposal for peace negotiations with the participation of "
    "Russia and Ukraine"
)
PLANALTO_URL = (
    "https://www.gov.br/planalto/en/latest-news/2024/05/brazil-and-china-present-joint-proposal-"
    "for-peace-negotiations-with-the-participation-of-russia-and-ukraine"
)
AP_URL = (
    "https://apnews.com/article/russia-ukraine-ceasefire-putin-witkoff-"
    "3f1c5c0e4b6a4f0e9d2e1c7a8b9d0e1f"
)
CEASEFIRE_SENTENCE = (
    "On 14 March, Russian President Vladimir Putin met with US envoy Steve Witkoff to discuss "
    "the details of the 30-day ceasefire proposal (Associated Press, 15 March 2025)."
)
CEASEFIRE_PARAGRAPH = (
    CEASEFIRE_SENTENCE + " Putin stated that he supported a truce in principle, but that the "
    "details of the proposal needed further clarification before any agreement could be reached."
)
AP_CITATION = "Associated Press, 15 March 2025"


# words and content_words


def test_words_are_folded_and_lose_their_apostrophes() -> None:
    assert words("São Paulo's 30-day PLAN") == ["sao", "paulos", "30", "day", "plan"]
    assert words("Trump’s") == ["trumps"]


def test_words_keep_order_and_duplicates() -> None:
    assert words("talks, talks; more talks") == ["talks", "talks", "more", "talks"]


def test_cjk_characters_separate_words_and_yield_none() -> None:
    assert words("普京") == []
    assert words("普京Putin与Witkoff会谈") == ["putin", "witkoff"]


def test_full_width_letters_are_words() -> None:
    assert words("ＡＰ通信") == ["ap"]


def test_content_words_drop_stopwords_and_single_letters_but_keep_numbers() -> None:
    assert content_words("The 30-day ceasefire is a plan by U.S. and Ukraine") == [
        "30",
        "day",
        "ceasefire",
        "plan",
        "ukraine",
    ]


def test_stopwords_hold_the_function_words_and_no_topic_words() -> None:
    assert {"the", "of", "with", "said", "between", "against", "us"} <= STOPWORDS
    assert len(STOPWORDS) >= 140
    assert not {"ceasefire", "putin", "proposal", "peace"} & STOPWORDS


# url_words


def test_slug_words_ignore_the_hex_id_of_an_ap_url() -> None:
    assert url_words(AP_URL) == ["russia", "ukraine", "ceasefire", "putin", "witkoff"]


def test_url_words_skip_section_and_date_segments() -> None:
    assert url_words(JEDDAH_URL) == words(
        "joint statement on the united states ukraine meeting in jeddah"
    )


def test_url_words_never_include_host_query_or_fragment() -> None:
    assert url_words("https://www.reuters.com/world/ceasefire-talks?utm_source=feed#comments") == [
        "ceasefire",
        "talks",
    ]


def test_a_url_without_scheme_has_its_host_before_the_first_slash() -> None:
    assert url_words("apnews.com/article/x-y") == ["x", "y"]
    assert url_words("apnews.com") == []


def test_state_gov_repeat_number_is_dropped_but_numbers_in_the_title_stay() -> None:
    assert url_words(
        "https://www.state.gov/secretary-of-state-marco-rubio-remarks-to-press-5/"
    ) == (words(RUBIO_TITLE))
    assert url_words("https://x.example/news/30-day-ceasefire") == ["30", "day", "ceasefire"]


def test_long_numeric_ids_are_dropped() -> None:
    assert url_words("https://www.bbc.com/news/world-europe-52241221") == ["world", "europe"]
    assert url_words("https://x.example/story/ceasefire-talks/52241221") == ["ceasefire", "talks"]


def test_a_date_inside_the_slug_is_dropped_but_a_year_alone_is_kept() -> None:
    assert url_words("https://x.example/russia-ukraine-talks-2025-03-14/") == [
        "russia",
        "ukraine",
        "talks",
    ]
    assert url_words("https://x.example/budget-2025") == ["budget", "2025"]


def test_month_name_segments_of_a_dated_path_are_dropped() -> None:
    url = "https://www.theguardian.com/world/2025/mar/14/putin-ceasefire-witkoff"
    assert url_words(url) == ["putin", "ceasefire", "witkoff"]


def test_file_extensions_and_index_files_are_not_title_words() -> None:
    assert url_words("https://x.example/2025/03/peace-talks.shtml") == ["peace", "talks"]
    assert url_words("https://x.example/europe/peace-talks/index.html") == [
        "europe",
        "peace",
        "talks",
    ]


def test_section_words_are_dropped_only_as_whole_segments_before_the_slug() -> None:
    assert url_words("https://x.example/news/press-freedom-news") == ["press", "freedom", "news"]
    assert url_words("https://x.example/news/press") == ["press"]
    assert url_words("https://x.example/world-ukraine/talks") == ["world", "ukraine", "talks"]
    assert {"article", "releases", "spokesperson", "latest"} <= SECTION_WORDS


def test_percent_encoded_apostrophes_are_dropped_as_in_slugs() -> None:
    assert url_words("https://x.example/trump%E2%80%99s-peace-plan") == ["trumps", "peace", "plan"]


def test_a_url_with_an_unparsable_host_still_gives_its_path_words() -> None:
    assert url_words("http://[::1/peace-talks?q=1") == ["peace", "talks"]


# title_score


def test_a_slug_made_of_the_title_scores_100() -> None:
    assert title_score(JEDDAH_TITLE, JEDDAH_URL) == pytest.approx(100.0)
    assert title_score(
        RUBIO_TITLE, "https://www.state.gov/secretary-of-state-marco-rubio-remarks-to-press-5/"
    ) == pytest.approx(100.0)


def test_a_different_page_of_the_same_speaker_scores_clearly_lower() -> None:
    url = "https://www.state.gov/secretary-of-state-marco-rubio-with-reporters/"
    assert title_score(RUBIO_TITLE, url) < 80


def test_section_words_before_the_slug_do_not_lower_the_score() -> None:
    assert title_score(PLANALTO_TITLE, PLANALTO_URL) == pytest.approx(100.0)


def test_a_truncated_slug_scores_partly() -> None:
    url = (
        "https://www.gov.br/planalto/en/latest-news/2024/05/"
        "brazil-and-china-present-joint-proposal-for-peace"
    )
    assert 50 < title_score(PLANALTO_TITLE, url) < 90


def test_near_spellings_and_plurals_match() -> None:
    url = "https://x.example/zelenskyy-rejects-negotiation-talk"
    assert title_score("Zelensky rejects negotiations, talks", url) == pytest.approx(100.0)


def test_short_words_must_be_equal_to_match() -> None:
    assert title_score("Gaza war", "https://x.example/gaza-car") == pytest.approx(50.0)


def test_an_unrelated_slug_scores_zero() -> None:
    assert title_score(JEDDAH_TITLE, "https://x.example/football-results") == 0.0


def test_nothing_to_compare_scores_zero() -> None:
    assert title_score("", JEDDAH_URL) == 0.0
    assert title_score("the of and", JEDDAH_URL) == 0.0
    assert title_score(JEDDAH_TITLE, "https://www.state.gov/") == 0.0


def test_each_word_matches_at_most_once() -> None:
    # "talks talks" against one "talks": half the title is found, all of the slug.
    score = title_score("talks talks", "https://x.example/talks")
    assert score == pytest.approx(100 * 2 * 0.5 * 1.0 / 1.5)


# key_terms


def test_key_terms_of_the_ceasefire_sentence() -> None:
    terms = key_terms(CEASEFIRE_SENTENCE, CEASEFIRE_PARAGRAPH, exclude=AP_CITATION)
    names = [term for term, _ in terms]
    assert {"putin", "witkoff", "ceasefire", "proposal", "details"} <= set(names)
    assert not {"march", "2025", "14", "30", "associated", "press", "president"} & set(names)
    assert names[0] == "putin"  # twice in the paragraph, in the sentence, a proper noun
    assert dict(terms)["putin"] == 4.0
    assert len(terms) <= 12


def test_key_terms_are_strongest_first_then_in_order_of_use() -> None:
    terms = key_terms(CEASEFIRE_SENTENCE, CEASEFIRE_PARAGRAPH, exclude=AP_CITATION)
    weights = [weight for _, weight in terms]
    assert weights == sorted(weights, reverse=True)
    names = [term for term, _ in terms]
    assert names.index("russian") < names.index("witkoff") < names.index("details")


def test_a_capital_at_a_sentence_start_does_not_make_a_proper_noun() -> None:
    terms = dict(key_terms("Negotiators met in Geneva.", "Negotiators met in Geneva."))
    assert terms["geneva"] == 3.0
    assert terms["negotiators"] == 2.0


def test_a_capital_after_an_abbreviation_makes_a_proper_noun() -> None:
    terms = dict(key_terms("They met Mr. Witkoff.", "They met Mr. Witkoff."))
    assert terms["witkoff"] == 3.0


def test_plurals_merge_into_the_singular_when_both_occur() -> None:
    paragraph = "The proposal was rejected. Other proposals followed."
    terms = dict(key_terms("The proposal was rejected.", paragraph))
    assert "proposals" not in terms
    assert terms["proposal"] == 3.0  # two uses, one in the sentence


def test_a_sentence_missing_from_the_paragraph_still_gives_terms() -> None:
    terms = dict(key_terms("Kursk was retaken.", "Talks continued in Riyadh."))
    assert {"kursk", "retaken", "talks", "riyadh"} <= set(terms)
    assert terms["kursk"] > terms["talks"]


def test_key_terms_respect_the_limit() -> None:
    assert len(key_terms(CEASEFIRE_SENTENCE, CEASEFIRE_PARAGRAPH, limit=3)) == 3
    assert key_terms(CEASEFIRE_SENTENCE, CEASEFIRE_PARAGRAPH, limit=0) == []


def test_weekdays_and_generic_news_words_are_not_terms() -> None:
    sentence = "On Tuesday, officials told reporters the government added sanctions."
    names = {term for term, _ in key_terms(sentence, sentence)}
    assert names == {"reporters", "sanctions"}


# terms_score


def test_terms_score_is_the_weighted_share_of_terms_found() -> None:
    terms = [("putin", 3.0), ("truce", 1.0)]
    assert terms_score(terms, ["putin", "met"]) == pytest.approx(0.75)
    assert terms_score(terms, words("Putin agreed to a truce")) == pytest.approx(1.0)
    assert terms_score(terms, ["football"]) == 0.0


def test_terms_score_matches_plurals_and_near_spellings() -> None:
    terms = [("zelensky", 1.0), ("proposal", 1.0), ("talks", 1.0)]
    assert terms_score(terms, ["zelenskyy", "proposals", "talk"]) == pytest.approx(1.0)
    assert terms_score([("war", 1.0)], ["was"]) == 0.0


def test_terms_score_without_terms_is_zero() -> None:
    assert terms_score([], ["putin"]) == 0.0


def test_terms_score_reads_a_generator_once() -> None:
    assert terms_score([("putin", 1.0)], (word for word in ["putin"])) == 1.0


# properties

PLAIN = [
    "ceasefire", "talks", "peace", "proposal", "joint", "statement", "meeting", "envoy", "truce",
    "sanctions", "border", "region", "energy", "grain", "deal", "summit", "leaders", "the", "of",
    "and", "news", "press", "Ukraine", "Russia's", "São", "Kyiv", "United", "States-Ukraine",
    "negotiations", "agreement",
]  # fmt: skip


@given(st.text())
def test_slugs_are_hyphen_joined_ascii_words_or_empty(text: str) -> None:
    slug = slugify(text)
    assert slug == "" or re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)


@given(st.text())
def test_words_are_only_lower_case_ascii_letters_and_digits(text: str) -> None:
    assert all(re.fullmatch(r"[a-z0-9]+", word) for word in words(text))


@given(st.text(), st.text())
def test_title_score_stays_within_0_and_100(title: str, url: str) -> None:
    assert 0.0 <= title_score(title, url) <= 100.0
    assert 0.0 <= title_score(title, "https://x.example/" + url) <= 100.0


@given(st.lists(st.sampled_from(PLAIN), min_size=1))
def test_the_slug_of_a_title_scores_100_against_it(chosen: list[str]) -> None:
    title = " ".join(chosen)
    assume(content_words(title))
    assert title_score(title, "https://x.example/" + slugify(title)) == 100.0


@given(st.text(), st.text(), st.text(), st.integers(min_value=0, max_value=20))
def test_key_terms_are_few_weighted_and_ordered(
    sentence: str, paragraph: str, exclude: str, limit: int
) -> None:
    terms = key_terms(sentence, paragraph, exclude=exclude, limit=limit)
    assert len(terms) <= limit
    weights = [weight for _, weight in terms]
    assert weights == sorted(weights, reverse=True)
    assert all(weight >= 1.0 for weight in weights)
    assert not {term for term, _ in terms} & set(content_words(exclude))


@given(
    st.lists(st.tuples(st.sampled_from(PLAIN), st.floats(0, 10))),
    st.lists(st.sampled_from(PLAIN)),
)
def test_terms_score_stays_within_0_and_1(terms: list[tuple[str, float]], found: list[str]) -> None:
    assert 0.0 <= terms_score(terms, found) <= 1.0
