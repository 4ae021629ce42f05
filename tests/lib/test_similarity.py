"""Text similarity for duplicates, and name matching for conflicts of interest."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tipoff.lib.similarity import names_match, similarity, tokens

pytestmark = pytest.mark.one_leg


def test_chinese_is_cut_per_character_and_latin_per_word():
    assert tokens("王局长 held a 宴会!") == ["王", "局", "长", "held", "a", "宴", "会"]


def test_full_width_and_case_do_not_matter():
    assert similarity("ＡＢＣ Director", "abc director") == 1.0


def test_rewordings_of_one_story_score_high_and_different_stories_low():
    a = "市交通局王局长周五晚上在金鼎酒店用公款宴请二十多人"
    b = "王局长用公款在金鼎酒店请了二十多人吃饭，时间是周五晚上"
    c = "北山区教育局有老师上班时间长期不在岗"
    assert similarity(a, b) > 0.3
    assert similarity(a, c) < 0.1


@given(st.text(max_size=200), st.text(max_size=200))
def test_similarity_is_symmetric_and_bounded(a, b):
    score = similarity(a, b)
    assert 0.0 <= score <= 1.0
    assert score == similarity(b, a)


@given(st.text(min_size=1, max_size=200))
def test_a_text_is_identical_to_itself(a):
    assert similarity(a, a) in (0.0, 1.0)
    if tokens(a):
        assert similarity(a, a) == 1.0


def test_names_match_chinese_names_inside_display_names():
    assert names_match("张伟", "检查员 张伟")
    assert names_match("陈静局长", "组长 陈静")
    assert names_match("张伟", "张伟")
    assert not names_match("王五", "检查员 张伟")
    assert not names_match("张", "张伟")  # one character is too little to act on


def test_names_match_latin_names_as_whole_words():
    assert names_match("Wang Wu", "Director Wang Wu")
    assert names_match("wang  wu", "Wang Wu")
    assert not names_match("Li", "Oliver Li")  # too short alone
    assert not names_match("Wang", "Wangari Maathai")


def test_empty_names_never_match():
    assert not names_match("", "张伟")
    assert not names_match("张伟", "   ")


@given(st.text(max_size=40), st.text(max_size=40))
def test_name_matching_never_fails(a, b):
    assert names_match(a, b) in (True, False)


# Issue 8.9: a staff member must be excluded whichever script or romanisation
# the report uses for their name.
NAME_VARIANTS = [
    ("張偉", "张伟"),  # traditional characters
    ("Zhang Wei", "张伟"),  # pinyin, Chinese order
    ("Wei Zhang", "张伟"),  # pinyin, Western order
    ("ZHANG Wei", "检查员 張偉"),
    ("zhangwei", "张伟"),
    ("Zhāng Wěi", "张伟"),  # with tone marks
    ("Zhang-Wei", "张伟"),
    ("陳靜", "组长 陈静"),
    ("Chen Jing", "组长 陈静"),
    ("張偉局長", "检查员 张伟"),
    ("李晓明", "Li Xiaoming"),  # staff display name in pinyin
    ("Li Xiao-ming", "李晓明"),
    ("ＺＨＡＮＧ　ＷＥＩ", "张伟"),  # full-width
    ("歐陽修", "欧阳修"),
    ("Ouyang Xiu", "欧阳修"),
]
NOT_THE_SAME = [
    ("王五", "张伟"),
    ("Wang Wu", "张伟"),
    ("Zhang", "张伟"),  # a surname alone is too little
    ("Li", "李晓明"),
    ("張", "张伟"),
    ("Zhang Wen", "张伟"),
]


def test_names_match_across_scripts_and_romanisations():
    missed = [(a, b) for a, b in NAME_VARIANTS if not (names_match(a, b) and names_match(b, a))]
    assert missed == []


def test_different_names_still_do_not_match():
    wrong = [(a, b) for a, b in NOT_THE_SAME if names_match(a, b) or names_match(b, a)]
    assert wrong == []
