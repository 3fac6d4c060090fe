"""One test per rule of the citations-in-words finders, on short invented texts.

The answer-key ratchet (test_articles.py) measures recall over whole articles; these pin each
rule down on its own, so that a change that breaks one says which.
"""

from __future__ import annotations

import pytest

from citecheck.extract import extract
from citecheck.model import Citation, Document


def _found(text: str, kind: str, path: str = "t.txt") -> list[Citation]:
    found, _ = extract(Document(path, "text", text, "utf-8"))
    return [c for c in found if c.kind == kind]


def _quote(text: str, words: str) -> Citation:
    (quote,) = [c for c in _found(text, "quote") if words in c.text]
    return quote


# --- speakers -----------------------------------------------------------------------------------


def test_a_title_before_the_name_after_the_quotation_is_part_of_the_speaker() -> None:
    text = '"Europe is arming itself for nothing," spokesman Dmitry Peskov told reporters.\n'
    assert _quote(text, "arming").attributed_to == "spokesman Dmitry Peskov"


def test_said_then_a_lowercase_speaker() -> None:
    text = (
        "“The river comes and goes like a tap now,” said one fisherman, who asked for anonymity.\n"
    )
    assert _quote(text, "tap").attributed_to == "one fisherman"


def test_a_quotation_that_goes_on_keeps_its_speaker() -> None:
    text = (
        "“If the hotline works, you will see rates move,” said Clara Osei, an underwriter. "
        "“If it doesn’t, nobody will insure those ships.”\n"
    )
    assert _quote(text, "nobody will insure").attributed_to == "Clara Osei"


def test_he_is_the_subject_of_the_sentence_before() -> None:
    text = (
        "Thailand's environment minister was blunter. "
        '"We will not wait for another dry season to find out," he said on Monday.\n'
    )
    assert _quote(text, "another dry season").attributed_to == "Thailand's environment minister"


def test_who_said_is_the_name_before_the_comma() -> None:
    text = (
        "The talks were confirmed by UN spokesperson Stéphane Dujarric, who said the "
        "organisation was “ready to support any arrangement that keeps ships safe.”\n"
    )
    assert _quote(text, "ready to support").attributed_to == "Stéphane Dujarric"


def test_an_apposition_between_name_and_verb() -> None:
    text = (
        "Dmitry Peskov, the Kremlin’s spokesman, told reporters that Russia would judge the "
        "talks “by deeds, not by communiqués.”\n"
    )
    assert _quote(text, "by deeds").attributed_to == "Dmitry Peskov"


def test_a_second_quotation_in_the_same_sentence_keeps_the_speaker() -> None:
    text = (
        "The ministry said Kyiv was “open to practical arrangements that protect shipping” "
        "but would accept “no limits on our right to defend our own waters.”\n"
    )
    quote = _quote(text, "no limits")
    assert quote.form == "attributed"
    assert quote.attributed_to == "The ministry"


def test_chinese_speaker_stops_before_the_circumstances() -> None:
    text = (
        "北約秘書長呂特在會後記者會上表示：「歐洲必須為自己的安全付出更多。」"
        "他又稱，兩者「已經無法分開」。\n"
    )
    assert _quote(text, "歐洲必須").attributed_to == "北約秘書長呂特"
    assert _quote(text, "已經無法分開").attributed_to == "北約秘書長呂特"


def test_a_news_agency_quoting_an_official_gives_the_official() -> None:
    text = "蒙通社援引蒙古国道路运输发展部官员的话说：“这条铁路是我们连接两个邻国的生命线。”\n"
    quote = _quote(text, "生命线")
    assert quote.attributed_to == "蒙古国道路运输发展部官员"
    assert quote.reference is not None
    assert quote.reference.publisher == "Montsame"


def test_a_minister_quoting_a_fisherman_is_the_speaker() -> None:
    text = (
        "日本外相岩屋毅在會上發言時，引述一位北海道漁民的話說："
        "「海上沒有邊界，只有風浪，安全問題也是一樣。」\n"
    )
    assert _quote(text, "海上沒有邊界").attributed_to == "日本外相岩屋毅"


def test_chinese_told_a_publisher() -> None:
    text = "一名菲律宾海岸警卫队官员对美联社表示：“我们希望看到更多具体的联合演练。”\n"
    quote = _quote(text, "联合演练")
    assert quote.attributed_to == "一名菲律宾海岸警卫队官员"
    assert quote.reference is not None
    assert quote.reference.form == "told"
    assert quote.reference.domain == "apnews.com"


# --- what is not a quotation --------------------------------------------------------------------


def test_claims_to_champion_a_word_is_a_scare_quote() -> None:
    text = "Every government in the basin now claims to champion “transparency”.\n"
    assert _quote(text, "transparency").form == "scare"


def test_one_word_in_mid_sentence_after_say_is_a_scare_quote() -> None:
    text = "Critics say talk of a “surge” is premature.\n"
    assert _quote(text, "surge").form == "scare"


def test_a_slogan_is_not_tied_to_the_reference_before() -> None:
    text = (
        "Reuters reported on 16 June that the talks went well.\n\n"
        "Banners carried the slogan “Safe seas, open trade, fair premiums for every flag”.\n"
    )
    quote = _quote(text, "Safe seas")
    assert quote.form == "unattributed"
    assert quote.reference is None


def test_words_named_with_de_are_not_tied_to_the_reference_before() -> None:
    text = (
        "（来源：联合国新闻，2024年6月8日）\n\n屏幕上打出“同舟共济，守护蓝色生命线”的主题标语。\n"
    )
    assert _quote(text, "同舟共济").form == "unattributed"


# --- references ---------------------------------------------------------------------------------


def test_a_month_after_reported_dates_the_reference() -> None:
    text = "2025-04-09\n\nReuters reported in March that output could double.\n"
    (reference,) = _found(text, "reference")
    assert (reference.publisher, reference.date) == ("Reuters", "2025-03")


def test_an_unknown_outlet_with_an_apposition() -> None:
    text = (
        "2025-06-18\n\nThe Constanța Harbour Courier, a shipping weekly in Romania, reported "
        "on 2 May that port officials asked to attend.\n"
    )
    (reference,) = _found(text, "reference")
    assert reference.publisher == "Constanța Harbour Courier"
    assert reference.date == "2025-05-02"


def test_a_described_publisher_after_according_to() -> None:
    text = "Peskov spoke in Moscow, according to the state news agency TASS.\n"
    (reference,) = _found(text, "reference")
    assert (reference.form, reference.publisher) == ("according-to", "TASS")


def test_a_statement_with_its_date() -> None:
    text = (
        "In a statement posted on June 17, 2025, Ukraine’s foreign ministry said Kyiv was open.\n"
    )
    (reference,) = _found(text, "reference")
    assert reference.form == "statement"
    assert (reference.domain, reference.date) == ("mfa.gov.ua", "2025-06-17")


def test_source_opening_a_sentence_of_a_caption() -> None:
    text = "Estimated output of shells. Source: European Commission, March 2025\n"
    (reference,) = _found(text, "reference")
    assert (reference.publisher, reference.date) == ("European Commission", "2025-03")


@pytest.mark.parametrize(
    ("text", "publisher", "title", "date"),
    [
        (
            "（來源：美國國務院新聞稿〈北約與印太夥伴外長會議成果〉，2025年7月1日）\n",
            "United States Department of State",
            "北約與印太夥伴外長會議成果",
            "2025-07-01",
        ),
        (
            "（来源：联合国亚太经社会《2025年亚太贸易与投资报告》）\n",
            "United Nations Economic and Social Commission for Asia and the Pacific",
            "2025年亚太贸易与投资报告",
            None,
        ),
    ],
)
def test_a_publisher_then_a_title_in_chinese_brackets(
    text: str, publisher: str, title: str, date: str | None
) -> None:
    (reference,) = _found(text, "reference")
    assert (reference.publisher, reference.title, reference.date) == (publisher, title, date)


def test_a_newspaper_in_title_marks_that_ran_an_article() -> None:
    text = (
        "2025-09-12\n\n《人民日报》12日刊发评论员文章《让钢铁驼队跑得更快》，认为改造需要同步。\n"
    )
    (reference,) = _found(text, "reference")
    assert reference.form == "reported"
    assert (reference.domain, reference.title, reference.date) == (
        "people.com.cn",
        "让钢铁驼队跑得更快",
        "2025-09-12",
    )


def test_a_website_that_issued_a_statement() -> None:
    text = "2025-09-12\n\n克里姆林宫网站10日发布消息称，双方通了电话。\n"
    (reference,) = _found(text, "reference")
    assert reference.form == "statement"
    assert (reference.domain, reference.date) == ("kremlin.ru", "2025-09-10")


def test_a_white_paper_is_dated_by_the_clause_that_issues_it() -> None:
    text = (
        "2025-03-05\n\n国务院新闻办公室5日发布《新时代的中国海上搜救》白皮书。"
        "交通运输部此前印发的《关于加强海上搜救能力建设的通知》要求，到2027年实现全覆盖。\n"
    )
    white_paper, notice = _found(text, "reference")
    assert (white_paper.domain, white_paper.date) == ("scio.gov.cn", "2025-03-05")
    assert notice.domain == "mot.gov.cn"
    assert notice.date is None  # 2027 is what the notice asks for, not when it was issued


def test_a_day_alone_is_read_against_the_article_date() -> None:
    text = "2025年7月10日\n\n6月30日會議舉行。中方7月2日回應。法新社記者8日在布魯塞爾採訪時得知。\n"
    (reference,) = [c for c in _found(text, "reference") if c.form == "reporter"]
    assert reference.date == "2025-07-08"


# --- credits ------------------------------------------------------------------------------------


def test_a_photo_credit_is_dated_by_its_caption() -> None:
    text = "Workers at the plant on Tuesday, April 8, 2025. (AP Photo/Gareth Lloyd-Evans)\n"
    (credit,) = _found(text, "credit")
    assert (credit.domain, credit.author, credit.date) == (
        "apnews.com",
        "Gareth Lloyd-Evans",
        "2025-04-08",
    )


def test_a_chinese_dateline_names_its_reporters() -> None:
    text = "新华社北京3月5日电（记者王思远、刘畅）国务院新闻办公室发布白皮书。\n"
    (credit,) = _found(text, "credit")
    assert credit.form == "dateline"
    assert credit.author == "王思远、刘畅"


def test_a_byline_with_date_and_reading_time() -> None:
    text = "By Daniel Whitcombe | 18 June 2025 | 6 min read\n\nText.\n"
    (credit,) = _found(text, "credit")
    assert (credit.author, credit.date, credit.publisher) == (
        "Daniel Whitcombe",
        "2025-06-18",
        None,
    )


def test_two_bylines_in_one_paragraph() -> None:
    text = "文：馬克・霍爾登（Mark Holden）\n譯寫:何以寧\n\n正文。\n"
    credits = _found(text, "credit")
    assert [c.author for c in credits] == ["馬克・霍爾登（Mark Holden）", "何以寧"]
    assert credits[1].note == "translator"


def test_a_contributor_line() -> None:
    text = "Associated Press writer Olena Marchuk in Kyiv contributed to this report.\n"
    (credit,) = _found(text, "credit")
    assert (credit.form, credit.domain, credit.author) == ("byline", "apnews.com", "Olena Marchuk")


def test_an_html_dateline_after_blanked_tags() -> None:
    html = "<html><body><p>LONDON (AP) — A plant in Wales reopened on Tuesday.</p></body></html>"
    found, _ = extract(Document("p.html", "html", html, "utf-8"))
    (credit,) = [c for c in found if c.kind == "credit"]
    assert (credit.form, credit.domain) == ("dateline", "apnews.com")


# --- republication ------------------------------------------------------------------------------


def test_a_source_note_with_original_title_and_link() -> None:
    html = (
        '<p>本文来源：新华网（原标题：《中蒙俄签署合作协议》）<a href="http://www.xinhuanet.com/'
        'world/20250911/c.html">阅读原文</a></p>'
    )
    found, _ = extract(Document("p.html", "html", html, "utf-8"))
    (note,) = [c for c in found if c.kind == "republication"]
    assert (note.domain, note.title) == ("xinhuanet.com", "中蒙俄签署合作协议")
    assert note.url == "http://www.xinhuanet.com/world/20250911/c.html"
    assert note.link_missing is False
