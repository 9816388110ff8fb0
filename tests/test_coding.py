"""Coding: theme counts and agreement, worked out on paper, plus the Artstein & Poesio κ reference."""

import numpy as np
import pandas as pd
import pytest

from werkplaats_data import coding

CODEBOOK = pd.DataFrame({"code": ["motives", "a", "b"], "parent": ["", "motives", "motives"],
                         "label_nl": ["Motieven", "A", "B"], "label_en": ["Motives", "A", "B"],
                         "description_nl": "", "description_en": "", "survey_items": ["", "i1;i2", ""]})


def codings(rows):
    return pd.DataFrame(rows, columns=["story_id", "coder", "code", "start", "end"])


def two_coders():
    """Both coders code s1–s4; both use b everywhere; a: coder X in s1, s2 — coder Y in s1, s3."""
    rows = [(s, c, "b", 0, 1) for s in ("s1", "s2", "s3", "s4") for c in ("X", "Y")]
    rows += [("s1", "X", "a", 2, 4), ("s2", "X", "a", 2, 4), ("s1", "Y", "a", 2, 4), ("s3", "Y", "a", 0, 3)]
    return codings(rows)


def test_kappa_per_code_and_overall_on_paper():
    table = coding.kappa_by_pair(two_coders(), CODEBOOK).set_index("code")
    # code a: X = 1,1,0,0 and Y = 1,0,1,0 → p_o = .5, p_e = .5 → κ = 0
    assert table.loc["a", "kappa"] == pytest.approx(0.0)
    assert table.loc["a", "units"] == 4
    # code b: both said yes everywhere → nothing to compare
    assert np.isnan(table.loc["b", "kappa"])
    # all codes: 8 units, agree on 6 → p_o = .75; marginals 6/8 and 2/8 each → p_e = .625; κ = .125/.375
    assert table.loc[coding.ALL_CODES, "kappa"] == pytest.approx(1 / 3)


def test_alpha_overall_on_paper():
    table = coding.alpha_by_code(two_coders(), CODEBOOK).set_index("code")
    # coincidences: o11 = 10, o10 = o01 = 2, o00 = 2; n1 = 12, n0 = 4, n = 16
    # α = 1 − (n − 1)·(o10 + o01) / (2·n1·n0) = 1 − 15·4/96 = 0.375
    assert table.loc[coding.ALL_CODES, "alpha"] == pytest.approx(0.375)
    assert table.loc[coding.ALL_CODES, "stories"] == 4
    assert table.loc["a", "coders"] == 2


def test_kappa_reproduces_artstein_and_poesio():
    # 100 stories; code x: both yes 20, only coder 1 yes 20, only coder 2 yes 10, both no 50 → κ = 0.348
    pattern = [(1, 1)] * 20 + [(1, 0)] * 20 + [(0, 1)] * 10 + [(0, 0)] * 50
    rows = []
    for i, (first, second) in enumerate(pattern):
        rows += [(f"s{i}", "P", "y", 0, 1), (f"s{i}", "Q", "y", 0, 1)]  # every story is coded by both
        rows += [(f"s{i}", "P", "x", 1, 2)] * first + [(f"s{i}", "Q", "x", 1, 2)] * second
    book = pd.DataFrame({"code": ["x", "y"], "parent": ["", ""]})
    table = coding.kappa_by_pair(codings(rows), book).set_index("code")
    assert round(table.loc["x", "kappa"], 3) == 0.348


def test_missing_coder_counts_as_missing_not_as_no():
    rows = two_coders()
    rows = pd.concat([rows, codings([("s1", "Z", "a", 0, 1)])])
    matrix = coding.presence(rows, ["a", "b"])
    assert matrix.loc["Z", ("s1", "a")] == 1 and matrix.loc["Z", ("s1", "b")] == 0
    assert np.isnan(matrix.loc["Z", ("s2", "a")])


STORIES = pd.DataFrame({
    "story_id": ["s1", "s2", "s2-nl", "s3"], "original_id": ["s1", "s2", "s2", "s3"],
    "activity": ["repair_cafe", "repair_cafe", "repair_cafe", "ruilpunt"], "language": ["nl", "ar", "nl", "en"]})


def test_theme_counts_count_translations_with_their_original():
    rows = codings([("s1", "X", "a", 0, 1), ("s2-nl", "X", "a", 0, 1), ("s2", "Y", "a", 0, 1),
                    ("s3", "X", "b", 0, 1), ("s3", "Y", "b", 0, 1)])
    by_activity = coding.theme_counts(STORIES, rows, by="activity").set_index(["activity", "code"])
    assert by_activity.loc[("repair_cafe", "a"), "stories"] == 2  # s1 and s2 (once, though coded twice)
    assert by_activity.loc[("repair_cafe", "a"), "share"] == 1.0
    by_language = coding.theme_counts(STORIES, rows, by="language").set_index(["language", "code"])
    assert by_language.loc[("ar", "a"), "stories"] == 1  # the translation counts for the Arabic original
    two = coding.theme_counts(STORIES, rows, by="activity", min_coders=2).set_index(["activity", "code"])
    assert list(two.index) == [("repair_cafe", "a"), ("ruilpunt", "b")]
    assert two.loc[("repair_cafe", "a"), "stories"] == 1  # only s2 has a from two coders
    parents = coding.theme_counts(STORIES, rows, by="activity", codebook=CODEBOOK)
    assert set(parents["code"]) == {"motives"}


def test_theme_survey_comparison_on_paper():
    rows = codings([("s1", "X", "a", 0, 1), ("s3", "X", "b", 0, 1)])
    responses = pd.DataFrame({"person_id": ["p1", "p2", "p1"], "item": ["i1", "i1", "i2"], "value": [5.0, 3.0, 1.0]})
    items = pd.DataFrame({"item": ["i1", "i2"], "min": [1, 1], "max": [5, 5]})
    out = coding.theme_survey_comparison(STORIES, rows, CODEBOOK, responses, items).set_index("code")
    assert list(out.index) == ["a"]  # only a is linked to survey items
    assert out.loc["a", "story_share"] == pytest.approx(1 / 3)  # s1 of s1, s2, s3
    assert out.loc["a", "survey_score"] == pytest.approx((1 + 0.5 + 0) / 3)
    assert out.loc["a", "respondents"] == 2


def test_read_and_check_name_the_problem(tmp_path):
    book = tmp_path / "codebook.csv"
    book.write_text("code,parent,label_nl,label_en\na,,A,A\nb,zz,B,B\na,,A,A\n", encoding="utf-8")
    codebook, problems = coding.read_codebook(book)
    assert list(codebook["code"]) == ["a"]
    assert "regel 3, parent" in problems[0] and "regel 4, code" in problems[1]
    path = tmp_path / "codings.csv"
    path.write_text("story_id,coder,code,start,end\ns1,X,a,0,5\ns1,X,a,7,3\ns9,X,a,0,1\ns1,X,q,0,99\n", encoding="utf-8")
    found, problems = coding.read_codings(path)
    assert len(found) == 3 and "regel 3, start/end" in problems[0]
    stories = pd.DataFrame({"story_id": ["s1"], "text": ["twaalf tekens"]})
    problems = coding.check_codings(found, codebook, stories)
    assert any("s9" in p and "story_id" in p for p in problems)
    assert any("end: 99 ligt voorbij het einde" in p for p in problems)
    assert any("'q' is not in the codebook" in p for p in problems)


def test_theme_chart_carries_its_source():
    from werkplaats_data import charts

    counts = coding.theme_counts(STORIES, codings([("s1", "X", "a", 0, 1)]), by="activity")
    chart = coding.theme_chart(counts, CODEBOOK, by="activity", source="Bron: voorbeelddata")
    assert charts.source_of(chart) == "Bron: voorbeelddata"


def test_most_common_theme_names_the_label():
    counts = pd.DataFrame({"activity": ["x", "y", "y"], "code": ["a", "a", "b"], "stories": [1, 2, 2]})
    assert coding.most_common_theme(counts, CODEBOOK, lang="en") == "A"
    assert coding.most_common_theme(counts.iloc[0:0], CODEBOOK) is None


def test_public_theme_counts_follow_the_small_cell_rule():
    # 24 original stories: 12 in group g1 (11 with theme a), 12 in g2 (3 with theme a)
    ids = [f"s{i}" for i in range(24)]
    stories = pd.DataFrame({"story_id": ids, "original_id": ids, "activity": ["g1"] * 12 + ["g2"] * 12})
    rows = codings([(f"s{i}", "X", "a", 0, 1) for i in list(range(11)) + [12, 13, 14]])
    research = coding.theme_counts(stories, rows, by="activity")
    assert list(research["stories"]) == [11, 3]  # the research view counts everything
    public = coding.theme_counts(stories, rows, by="activity", public=True)
    assert list(public["activity"]) == ["g1"] and public["stories"].iloc[0] == 10  # 11 → 10; 3 suppressed
    assert pd.isna(public["share"].iloc[0])  # 11 of 12: a share would give the 1 without the theme back
    overall = coding.theme_counts(stories, rows, by=None, public=True)
    assert list(overall["all"]) == ["all"] and overall["stories"].iloc[0] == 15 and overall["group_stories"].iloc[0] == 25


def test_anonymous_coders_hide_pseudonyms_but_keep_agreement():
    anon = coding.anonymous_coders(two_coders(), lang="nl")
    assert set(anon["coder"]) == {"codeur A", "codeur B"}
    assert set(coding.anonymous_coders(two_coders(), lang="en")["coder"]) == {"coder A", "coder B"}
    table = coding.kappa_by_pair(anon, CODEBOOK).set_index("code")
    assert table.loc[coding.ALL_CODES, "kappa"] == pytest.approx(1 / 3)
    assert (table["coder_1"] == "codeur A").all()


def test_activity_themes_chart_per_activity_or_in_public_over_all_stories():
    from werkplaats_data import charts

    ids = [f"s{i}" for i in range(24)]
    stories = pd.DataFrame({"story_id": ids, "original_id": ids, "activity": ["g1"] * 12 + ["g2"] * 12})
    rows = codings([(f"s{i}", "X", "a", 0, 1) for i in list(range(11)) + [12, 13, 14]])
    research = coding.activity_themes_chart(stories, rows, CODEBOOK, source="x", lang="en",
                                            activity_names={"g1": "Group one"}).to_dict()
    data = next(iter(research["datasets"].values()))
    assert {(r["group"], r["stories"]) for r in data} == {("Group one", 11), ("g2", 3)}
    assert charts.title_text(research["vconcat"][0]["title"]) == "Most frequent in the stories: a"
    public = coding.activity_themes_chart(stories, rows, CODEBOOK, source="x", lang="en", public=True).to_dict()
    data = next(iter(public["datasets"].values()))
    assert [(r["group"], r["stories"]) for r in data] == [("all stories", 15)]  # 14 → 15, per group 11 and 3 would not pass
    assert charts.title_text(public["vconcat"][0]["title"]) == "Themes in at least 10 stories; most frequent: a"
    with pytest.raises(charts.NoData) as few:
        coding.activity_themes_chart(stories, rows.head(3), CODEBOOK, source="x", public=True)
    assert few.value.key == "notebooks.stories.too_few" and few.value.values == {"min_cell": 10, "round_to": 5}
    with pytest.raises(charts.NoData, match="stories.no_data"):
        coding.activity_themes_chart(stories.iloc[:0], rows, CODEBOOK, source="x")


def test_language_agreement_and_survey_charts_say_when_there_is_nothing():
    from werkplaats_data import charts

    rows = two_coders()
    stories = pd.DataFrame({"story_id": ["s1", "s2", "s3", "s4"], "original_id": ["s1", "s2", "s3", "s4"],
                            "activity": "x", "language": ["nl", "nl", "ar", "en"]})
    chart = coding.language_themes_chart(stories, rows, CODEBOOK, source="x", lang="en").to_dict()
    assert {r["group"] for r in next(iter(chart["datasets"].values()))} == {"nl", "ar", "en"}
    with pytest.raises(charts.NoData, match="notebooks.stories.too_few"):
        coding.language_themes_chart(stories, rows, CODEBOOK, source="x", public=True)  # 4 stories
    title = coding.overall_agreement_chart(rows, CODEBOOK, source="x", lang="en").to_dict()["vconcat"][0]["title"]
    alpha = coding.alpha_by_code(rows, CODEBOOK).set_index("code").loc[coding.ALL_CODES, "alpha"]
    assert title == f"Agreement between coders over all themes together: α = {alpha:.2f}"
    assert list(coding.overall_kappas(rows, CODEBOOK)["code"]) == [coding.ALL_CODES]
    with pytest.raises(charts.NoData, match="stories.no_data"):
        coding.overall_agreement_chart(rows.iloc[:0], CODEBOOK, source="x")
    no_answers = pd.DataFrame(columns=["person_id", "item", "value"])
    with pytest.raises(charts.NoData, match="notebooks.no_survey_or_stories"):
        coding.survey_comparison_chart(stories, rows, CODEBOOK, no_answers, pd.DataFrame(columns=["item", "min", "max"]),
                                       source="x")


def test_survey_chart_leaves_out_values_a_public_page_hides():
    from werkplaats_data import charts

    comparison = pd.DataFrame({"code": ["a", "b"], "label_nl": ["A", "B"], "label_en": ["A", "B"],
                               "story_share": [0.5, None], "survey_score": [None, 0.75], "respondents": [None, 12]})
    chart = coding.theme_survey_chart(comparison, source="x", lang="en")
    rows = next(iter(chart.to_dict()["datasets"].values()))
    assert [(r["theme"], r["value"]) for r in rows] == [("A", 0.5), ("B", 0.75)]
    assert "<svg" in charts.to_svg(chart)  # no NaN left to break the JSON of the printed report
