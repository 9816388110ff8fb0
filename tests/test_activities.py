"""Activities over time, Textiel per session, greening map, stories per theme: hand-made tables."""

from __future__ import annotations

import pandas as pd

from werkplaats_data import activities, context


def sessions_and_attendance():
    """Textiel: 2 Fridays in 2024 Q1 with 6 people each (12 different people), 1 Friday in Q2 with 4.
    Repair Café: 1 session in Q1 with the same 4 people as in Textiel's Q2 Friday."""
    sessions = pd.DataFrame({
        "session_id": ["t1", "t2", "t3", "r1"],
        "activity_id": ["textiel", "textiel", "textiel", "repair_cafe"],
        "date": pd.to_datetime(["2024-01-05", "2024-02-02", "2024-04-05", "2024-03-16"]),
    })
    rows = ([("t1", f"p{i}") for i in range(6)] + [("t2", f"p{i}") for i in range(6, 12)]
            + [("t3", f"q{i}") for i in range(4)] + [("r1", f"q{i}") for i in range(4)])
    attendance = pd.DataFrame(rows, columns=["session_id", "person_id"])
    return sessions, attendance


def test_sessions_over_time_counts_sessions_and_hides_small_groups():
    sessions, attendance = sessions_and_attendance()
    table = activities.sessions_over_time(sessions, attendance, freq="Q")
    rows = {(r.activity_id, r.period.strftime("%Y-%m")): (r.sessions, r.people) for r in table.itertuples()}
    assert rows[("textiel", "2024-01")] == (2, 10)  # 12 different people, rounded to 5
    assert rows[("textiel", "2024-04")][0] == 1 and pd.isna(rows[("textiel", "2024-04")][1])  # 4 people: suppressed
    assert rows[("repair_cafe", "2024-01")][0] == 1 and pd.isna(rows[("repair_cafe", "2024-01")][1])
    assert len(table) == 3


def test_sessions_over_time_of_nothing_is_an_empty_table():
    sessions, attendance = sessions_and_attendance()
    table = activities.sessions_over_time(sessions.iloc[0:0], attendance)
    assert list(table.columns) == ["activity_id", "period", "sessions", "people"] and table.empty


def test_textiel_counts_participations_and_people_per_period():
    sessions, attendance = sessions_and_attendance()
    table = activities.textiel_sessions(sessions, attendance, freq="Q")
    assert table[["sessions", "attendances", "people"]].values.tolist() == [[2, 12, 12], [1, 4, 4]]
    spec = activities.textiel_chart(table, lang="en").to_dict()
    rows = next(iter(spec["datasets"].values()))
    # the chart applies the small-cell rule: 12 → 10, 4 → no number, no bar
    assert [(r["label"], r["shown"], r["text"]) for r in rows] == [("Q1 2024", 10, "10"), ("Q2 2024", None, "fewer than 10")]


def test_people_bars_sorted_show_counts_first_and_the_hidden_ones_by_label():
    table = pd.DataFrame({"key": list("abcdef"), "label": ["Zon", "Bus", "Mok", "Aap", "Kat", "Lamp"], "n": [3, 40, 12, 0, 26, 11]})
    spec = activities.people_bars(table, key="key", label="label", count="n", lang="nl", title="T", axis_title="N",
                                  source="Bron: test", sort=True).to_dict()
    rows = next(iter(spec["datasets"].values()))
    # 40, 26 → 25, then 11 and 12 (both 10) by label, then the hidden 0 and 3 by label: Aap before Zon
    assert [r["label"] for r in rows] == ["Bus", "Kat", "Lamp", "Mok", "Aap", "Zon"]
    unsorted = activities.people_bars(table, key="key", label="label", count="n", lang="nl", title="T", axis_title="N",
                                      source="Bron: test").to_dict()
    assert [r["key"] for r in next(iter(unsorted["datasets"].values()))] == list("abcdef")  # the table's order


def test_people_bars_suppress_small_counts_and_can_mark_a_chosen_row():
    table = pd.DataFrame({"key": ["a", "b", "c"], "label": ["A", "B", "C"], "n": [23, 9, 0]})
    spec = activities.people_bars(table, key="key", label="label", count="n", lang="nl", title="T", axis_title="N",
                                  source="Bron: test", chosen="b").to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert [(r["key"], r["shown"], r["position"], r["text"]) for r in rows] == [
        ("a", 25, 25, "25"), ("b", None, 0, "minder dan 10"), ("c", None, 0, "geen")]  # none at all is "geen"
    assert {"name": "chosen", "value": "b"} in spec["params"]
    text_layer = spec["vconcat"][0]["layer"][1]
    assert "chosen" in text_layer["transform"][0]["calculate"]  # the chosen row gets a sign, not only a colour


def test_activities_chart_shows_names_and_never_a_small_count():
    sessions, attendance = sessions_and_attendance()
    names = pd.DataFrame({"activity_id": ["textiel", "repair_cafe"], "name_nl": ["Werkplaats Textiel", "Repair Café"],
                          "name_en": ["Textile workshop", "Repair Café"]})
    spec = activities.activities_chart(activities.sessions_over_time(sessions, attendance), names, lang="nl").to_dict()
    values = next(iter(spec["datasets"].values()))
    assert {v["activity"] for v in values} == {"Werkplaats Textiel", "Repair Café"}
    assert sorted(v["people_text"] for v in values) == ["10", "minder dan 10", "minder dan 10"]


def test_greening_totals_and_sentence():
    greening = pd.DataFrame({"action_id": ["g1", "g2", "g3"], "date": pd.to_datetime(["2023-04-01"] * 3),
                             "kind": ["facade_garden", "facade_garden", "tiles_removed"],
                             "street": ["A", "B", "A"], "quantity": [1.0, 2.0, 30.0], "unit": ["stuks", "stuks", "tegels"]})
    totals = activities.greening_totals(greening)
    assert totals[["kind", "actions", "quantity"]].values.tolist() == [["facade_garden", 2, 3.0], ["tiles_removed", 1, 30.0]]
    assert activities.greening_sentence(totals, "nl") == "3 × Geveltuin (stuks) · 30 × Tegels eruit (tegels)"
    assert activities.greening_sentence(totals, "en") == "3 × Facade garden (pieces) · 30 × Tiles removed (tiles)"
    spec = activities.greening_map(greening, lang="nl").to_dict()
    layers = spec["vconcat"][0]["layer"]
    features = layers[0]["data"]["values"]
    ours = [f for f in features if f["properties"]["ours"]]
    assert [f["properties"]["statcode"] for f in ours] == [context.OUDE_WESTEN]
    assert ours[0]["properties"]["actions"] == 3
    assert 3 < len(features) < 40  # only the buurten around Oude Westen, not all of Rotterdam


def test_stories_per_theme_counts_a_translation_once():
    stories = pd.DataFrame({
        "story_id": ["S-1", "S-1-nl", "S-2", "S-3"],
        "original_id": ["S-1", "S-1", "S-2", "S-3"],
        "themes": ["belonging;learning_skills", "belonging;learning_skills", "belonging", ["saving_money"]],
    })
    table = activities.stories_per_theme(stories)
    assert table.values.tolist() == [["belonging", 2], ["learning_skills", 1], ["saving_money", 1]]
    assert activities.theme_list(None) == [] and activities.theme_list(" a ; b;") == ["a", "b"]
    assert activities.theme_label("belonging", "en") == "Belonging"
    assert activities.theme_label("no_such_theme", "nl") == "no such theme"


def test_stories_theme_chart_hides_small_counts_and_orders_them_alphabetically():
    table = pd.DataFrame({"theme": ["belonging", "learning_skills", "saving_money"], "stories": [12, 7, 8]})
    spec = activities.stories_theme_chart(table, lang="en", chosen="saving_money").to_dict()
    rows = next(iter(spec["datasets"].values()))
    # 12 → 10; 8 and 7 suppressed and in the order of their labels, not of their (hidden) counts
    assert [(r["label"], r["shown"]) for r in rows] == [("Belonging", 10), ("Learning skills", None), ("Saving money", None)]
    assert {"name": "chosen", "value": "saving_money"} in spec["params"]
