"""Motivation survey scoring on small hand-made survey_responses tables."""

import numpy as np
import pandas as pd
import pytest

from werkplaats_data import charts
from werkplaats_data import motivation as m
from werkplaats_data.i18n import t
from werkplaats_data.charts import source_of
from werkplaats_data.registers import SURVEY_ITEM
from werkplaats_data.stats import cronbach_alpha


def responses(forms: dict[str, dict[str, object]], *, language: str = "nl") -> pd.DataFrame:
    """A survey_responses table: {response_id: {item: value or text}}; person p<id>, date 1 March 2024."""
    rows = []
    for response_id, answers in forms.items():
        for item, answer in answers.items():
            is_text = isinstance(answer, str)
            rows.append({
                "response_id": response_id, "person_id": f"p{response_id}", "date": pd.Timestamp("2024-03-01"),
                "instrument": item.split("_")[0], "item": item, "value": np.nan if is_text else float(answer),
                "text": answer if is_text else None, "language": language,
            })
    return pd.DataFrame(rows)


def score(scores: pd.DataFrame, response_id: str, scale: str) -> float:
    return scores.loc[(scores["response_id"] == response_id) & (scores["scale"] == scale), "score"].item()


# --- item definitions ---------------------------------------------------------------------------


def test_vfi_key_matches_clary_1998():
    # REFERENCES.md §5 (Clary et al. 1998)
    key = {
        "values": [3, 8, 16, 19, 22], "understanding": [12, 14, 18, 25, 30], "social": [2, 4, 6, 17, 23],
        "career": [1, 10, 15, 21, 28], "protective": [7, 9, 11, 20, 24], "enhancement": [5, 13, 26, 27, 29],
    }
    items = m.survey_items("vfi")
    for function, numbers in key.items():
        assert sorted(items.loc[items["scale"] == function, "item"]) == sorted(f"vfi_{n}" for n in numbers)
    assert len(items) == 30 and set(items["min"]) == {1} and set(items["max"]) == {7}


def test_sci_subscales_are_blocks_of_six():
    items = m.survey_items("sci")
    assert list(items["item"]) == [f"sci_{n}" for n in range(1, 25)]
    assert list(items["scale"]) == [s for s in m.SCI_SUBSCALES for _ in range(6)]
    assert set(items["min"]) == {0} and set(items["max"]) == {3}


def test_item_definitions_are_complete():
    items = m.survey_items()
    assert list(items.columns) == ["instrument", "item", "scale", "text_nl", "text_en", "min", "max", "validated_nl", "source"]
    assert items["item"].is_unique
    assert all(SURVEY_ITEM.match(code) for code in items["item"])  # the register recognises every column
    assert set(items["validated_nl"]) <= {"yes", "no"}
    assert (items[["text_nl", "text_en", "source"]] != "").all().all()
    local = m.survey_items("local")
    assert {"local_saving_money", "local_belonging", "local_meaning_for_others", "local_learning",
            "local_working_together"} == set(local["item"])
    assert m.survey_items("open")["min"].isna().all()


# --- scoring ------------------------------------------------------------------------------------


def test_vfi_function_score_is_mean_and_needs_three_items():
    data = responses({
        "a": {"vfi_3": 7, "vfi_8": 5, "vfi_16": 6,  # values: 3 of 5 answered → (7 + 5 + 6) / 3 = 6
              "vfi_2": 4, "vfi_4": 2},  # social: only 2 of 5 → missing
        "b": {"vfi_3": 1, "vfi_8": 1, "vfi_16": 1, "vfi_19": 2, "vfi_22": 9},  # 9 is out of range → mean of 1 1 1 2
    })
    scores = m.vfi_scores(data)
    assert len(scores) == 2 * 6
    assert score(scores, "a", "values") == pytest.approx(6.0)
    assert np.isnan(score(scores, "a", "social"))
    assert score(scores, "b", "values") == pytest.approx(1.25)
    assert scores.loc[(scores["response_id"] == "b") & (scores["scale"] == "values"), "items_answered"].item() == 4
    assert score(m.vfi_scores(data, min_items=2), "a", "social") == pytest.approx(3.0)


def test_sci_subscale_sum_is_prorated_with_one_missing_and_total_needs_all():
    full = {f"sci_{n}": 2 for n in range(1, 25)}
    one_missing = {**full, "sci_1": 3, "sci_2": 3, "sci_3": 3, "sci_4": 3, "sci_5": 3}
    del one_missing["sci_6"]
    two_missing = {k: v for k, v in full.items() if k not in ("sci_7", "sci_8")}
    scores = m.sci_scores(responses({"full": full, "one": one_missing, "two": two_missing}))
    assert score(scores, "full", "membership") == 12 and score(scores, "full", "total") == 48
    assert score(scores, "one", "reinforcement_of_needs") == pytest.approx(18.0)  # mean 3 × 6
    assert score(scores, "one", "total") == pytest.approx(18 + 12 * 3)
    assert np.isnan(score(scores, "two", "membership"))
    assert np.isnan(score(scores, "two", "total"))
    assert score(m.sci_scores(responses({"two": two_missing}), max_missing=2), "two", "membership") == pytest.approx(12.0)


def test_scale_summary_counts_only_scored_forms_in_instrument_order():
    data = responses({"a": {"vfi_3": 7, "vfi_8": 7, "vfi_16": 7}, "b": {"vfi_3": 5, "vfi_8": 5, "vfi_16": 5}})
    summary = m.scale_summary(m.vfi_scores(data))
    assert list(summary["scale"]) == ["values"]  # the other functions have no scores
    assert summary[["n", "mean"]].iloc[0].tolist() == [2, 6.0]


def test_local_agreement_share_of_four_and_five():
    data = responses({"a": {"local_saving_money": 5}, "b": {"local_saving_money": 4},
                      "c": {"local_saving_money": 2}, "d": {"local_learning": 3}})
    table = m.local_agreement(data).set_index("item")
    assert table.loc["local_saving_money", ["n", "agree"]].tolist() == [3, 2]
    assert table.loc["local_saving_money", "share_agree"] == pytest.approx(2 / 3)
    assert table.loc["local_belonging", "n"] == 0 and np.isnan(table.loc["local_belonging", "share_agree"])


def test_reliability_uses_complete_forms_per_scale():
    values = [[7, 6, 7, 6, 7], [2, 3, 2, 1, 2], [4, 4, 5, 4, 3], [5, 6, 5, 6, 6]]
    codes = ["vfi_3", "vfi_8", "vfi_16", "vfi_19", "vfi_22"]
    forms = {f"r{i}": dict(zip(codes, row)) for i, row in enumerate(values)}
    forms["incomplete"] = {"vfi_3": 1, "vfi_8": 7}
    table = m.reliability(responses(forms)).set_index("scale")
    assert table.loc["values", "n_respondents"] == 4
    assert table.loc["values", "alpha"] == pytest.approx(cronbach_alpha(np.array(values)).alpha)
    assert table.loc["values", "alpha"] > 0.9  # items move together
    assert np.isnan(table.loc["social", "alpha"])
    assert table.loc["total", "n_items"] == 24


def test_open_answers_skip_empty_text():
    data = responses({"a": {"open_why": "Om geld te besparen"}, "b": {"open_why": "  "}, "c": {"vfi_3": 4}})
    answers = m.open_answers(data)
    assert answers["text"].tolist() == ["Om geld te besparen"]


# --- charts -------------------------------------------------------------------------------------


def test_vfi_chart_names_top_function_says_adapted_and_carries_source():
    data = responses({"a": {"vfi_3": 7, "vfi_8": 7, "vfi_16": 7, "vfi_2": 2, "vfi_4": 2, "vfi_6": 2}})
    chart = m.vfi_profile_chart(m.vfi_scores(data), source="Bron: test", lang="en")
    spec = chart.to_dict()
    title = spec["vconcat"][0]["title"]
    assert "Helping others" in title["text"]
    assert "not validated" in title["subtitle"]
    assert source_of(chart) == "Bron: test"


def test_sci_and_local_charts_carry_source():
    data = responses({"a": {**{f"sci_{n}": 3 for n in range(1, 25)}, "local_saving_money": 5}})
    assert source_of(m.sci_chart(m.sci_scores(data), source="S")) == "S"
    local = m.local_items_chart(m.local_agreement(data), source="S", lang="nl")
    assert "geld" in charts.title_text(local.to_dict()["vconcat"][0]["title"])


def test_open_answer_themes_match_word_starts():
    data = responses({
        "a": {"open_why": "Ik bespaar geld en het is gezellig"},  # saving_money, belonging
        "b": {"open_why": "To learn repairing"},  # learning
        "c": {"open_why": "Geen idee"},  # nothing ("idee" is no keyword; "geen" does not start with "geld")
        "d": {"open_why": "Para biriktiriyorum."},  # Turkish: saving money
    })
    themes = m.open_answer_themes(m.open_answers(data)).set_index("theme")
    assert themes.loc["saving_money", "answers"] == 2 and themes.loc["belonging", "answers"] == 1
    assert themes.loc["learning", "answers"] == 1 and themes.loc["environment", "answers"] == 0
    assert themes.loc["saving_money", "share"] == pytest.approx(2 / 4)
    chart = m.open_themes_chart(themes.reset_index(), source="S", lang="nl")
    assert source_of(chart) == "S"


def test_in_period_and_overview():
    data = pd.concat([
        responses({"a": {"vfi_3": 4, "vfi_8": 5}}),
        responses({"b": {"vfi_3": 6}}, language="en").assign(date=pd.Timestamp("2023-01-10")),
    ])
    assert set(m.in_period(data, start="2024-01-01")["response_id"]) == {"a"}
    assert set(m.in_period(data, end="2023-12-31")["response_id"]) == {"b"}
    overview = m.survey_overview(data).iloc[0]
    assert (overview["forms"], overview["people"]) == (2, 2)
    assert overview["first"] == pd.Timestamp("2023-01-10")
    assert overview["languages"] == "nl: 1, en: 1"


def test_empty_survey_gives_empty_tables_not_errors():
    from werkplaats_data.schemas import empty_table

    empty = empty_table("survey_responses")
    assert m.vfi_scores(empty).empty and m.sci_scores(empty).empty and m.open_answers(empty).empty
    assert m.local_agreement(empty)["n"].eq(0).all()
    assert m.reliability(empty)["alpha"].isna().all()
    assert m.survey_overview(empty)["forms"].item() == 0


# --- public mode --------------------------------------------------------------------------------

def many_forms(n: int, answers: dict[str, float], *, language: str = "nl", start: int = 0) -> pd.DataFrame:
    """``n`` forms r<start>…, each with the same ``answers``."""
    return responses({f"r{start + i}": answers for i in range(n)}, language=language)


def test_survey_overview_in_public():
    data = pd.concat([many_forms(12, {"vfi_3": 5}), many_forms(3, {"vfi_3": 6}, language="en", start=12)])
    exact = m.survey_overview(data).iloc[0]
    assert (exact["forms"], exact["languages"]) == (15, "nl: 12, en: 3")
    public = m.survey_overview(data, public=True).iloc[0]
    assert (public["forms"], public["people"]) == (15, 15)
    assert public["languages"] == "nl: 10, en: minder dan 10"


def test_scale_summary_and_charts_in_public_need_ten_forms():
    values = {"vfi_3": 7, "vfi_8": 7, "vfi_16": 7}
    data = pd.concat([many_forms(12, values), many_forms(4, values, language="en", start=12)])
    public = m.scale_summary(m.vfi_scores(data), by="language", public=True).set_index("language")
    assert public.loc["nl", ["n", "mean"]].tolist() == [10, 7.0]  # 12 forms, rounded to 10
    assert pd.isna(public.loc["en", "n"]) and pd.isna(public.loc["en", "mean"])
    chart = m.vfi_profile_chart(m.vfi_scores(data), source="S", by="language", public=True).to_dict()
    rows = list(chart["datasets"].values())[0]
    assert {row["language"] for row in rows} == {"nl"}
    assert m.vfi_sentence(m.vfi_scores(data.iloc[:9]), lang="en", public=True) == (
        "There are too few VFI scores to name a strongest reason.")  # 3 forms of 3 items


def test_local_agreement_reliability_and_themes_in_public():
    data = pd.concat([many_forms(8, {"local_saving_money": 5, "open_why": "geld besparen"}),
                      many_forms(4, {"local_saving_money": 2, "local_learning": 4, "open_why": "leren"}, start=8)])
    local = m.local_agreement(data, public=True).set_index("item")
    assert local.loc["local_saving_money", "n"] == 10  # 12 forms, rounded to 10
    assert pd.isna(local.loc["local_saving_money", "agree"])  # 8 agree: below 10
    assert pd.isna(local.loc["local_saving_money", "share_agree"])  # 8 of 12 would give the 8 back
    assert pd.isna(local.loc["local_learning", "n"]) and pd.isna(local.loc["local_learning", "share_agree"])
    assert m.local_sentence(local.reset_index(), lang="en") == t("motivation.sentence.local_none", "en")
    more = pd.concat([data, many_forms(4, {"local_saving_money": 5}, start=12),
                      many_forms(6, {"local_saving_money": 2}, start=16)])  # 12 agree, 10 do not
    bigger = m.local_agreement(more, public=True).set_index("item")
    assert m.local_sentence(bigger.reset_index(), lang="en") == (
        "55% agree with ‘I take part because it saves me money.’ (20 forms).")  # 12 of 22; n rounded to 20
    themes = m.open_answer_themes(m.open_answers(data), public=True).set_index("theme")
    assert themes.loc["saving_money", "total"] == 10 and pd.isna(themes.loc["saving_money", "answers"])
    assert pd.isna(themes.loc["saving_money", "share"])
    assert m.reliability(data, public=True)["alpha"].isna().all()


# --- stories: why people take part, by theme ------------------------------------------------------

@pytest.fixture
def story_tables():
    stories = pd.DataFrame({
        "story_id": ["S-1", "S-2", "S-2-nl", "S-3"], "original_id": ["S-1", "S-2", "S-2", "S-3"],
        "themes": ["saving_money;belonging", "belonging", "belonging", "worries; saving_money"],
    })
    codebook = pd.DataFrame({"code": ["motives", "circumstances", "belonging", "saving_money", "worries"],
                             "parent": ["", "", "motives", "motives", "circumstances"],
                             "label_nl": ["Waarom", "Omstandigheden", "Erbij horen", "Geld besparen", "Zorgen"],
                             "label_en": ["Why", "Circumstances", "Belonging", "Saving money", "Worries"]})
    return {"stories": stories, "story_codebook": codebook}


def test_story_motives_count_original_stories_per_theme(story_tables):
    motives = m.story_motives(story_tables).set_index("theme")
    assert motives["stories"].to_dict() == {"belonging": 2, "saving_money": 2, "worries": 1}  # S-2-nl not again
    assert motives.loc["worries", ["group", "label_en", "total"]].tolist() == ["circumstances", "Worries", 3]
    assert motives.loc["belonging", "share"] == pytest.approx(2 / 3)
    assert m.story_sentence(motives.reset_index(), lang="en") == (
        "In the stories, ‘Belonging’ comes back most often: in 67% of the 3 stories.")
    public = m.story_motives(story_tables, public=True)
    assert public["share"].isna().all() and public["stories"].isna().all()
    assert m.story_sentence(public, lang="en") == "Fewer than 10 stories: too few to show per theme here."
    assert m.story_sentence(m.story_motives({}), lang="en").startswith("There are no stories")
    chart = m.story_motives_chart(motives.reset_index(), source="S", lang="en")
    assert chart.to_dict()["vconcat"][0]["title"]["text"] == "Most frequent in the stories: Belonging"
    assert source_of(chart) == "S"


def test_vfi_sentence_names_strongest_and_weakest():
    data = responses({"a": {"vfi_3": 7, "vfi_8": 6, "vfi_16": 5, "vfi_1": 2, "vfi_10": 1, "vfi_15": 3},
                      "b": {"vfi_3": 5, "vfi_8": 6, "vfi_16": 7, "vfi_1": 2, "vfi_10": 3, "vfi_15": 1}})
    assert m.vfi_sentence(m.vfi_scores(data), lang="en") == (
        "Strongest reason to take part: Helping others (values) (average 6.0 on 1–7, 2 forms); "
        "weakest: Work and CV (career) (2.0).")


def test_story_tables_follow_the_period():
    import werkplaats_data as wd

    release = wd.load_release()
    everything = m.story_tables(release)["stories"]
    later = m.story_tables(release, start="2024-01-01")["stories"]
    assert len(everything) > len(later) > 0 and (later["date"] >= pd.Timestamp("2024-01-01")).all()
    assert m.story_tables(release, end="1990-12-31")["stories"].empty
