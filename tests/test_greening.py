"""Greening actions per kind, period and street, on a table small enough to count by hand."""

import pandas as pd
import pytest

from werkplaats_data import greening
from werkplaats_data.charts import source_of
from werkplaats_data.schemas import GREENING_KINDS, schema


@pytest.fixture
def actions():
    table = pd.DataFrame([
        ("g1", "2021-05-01", "facade_garden", "Gaffelstraat", 1.0, "stuks"),
        ("g2", "2021-06-01", "tiles_removed", "Gaffelstraat", 40.0, "tegels"),
        ("g3", "2021-06-15", "tiles_removed", "Josephstraat", 3.0, "m2"),
        ("g4", "2023-04-01", "facade_garden", "Josephstraat", 2.0, "stuks"),
        ("g5", "2023-09-01", "maintenance", None, 1.0, None),
    ], columns=["action_id", "date", "kind", "street", "quantity", "unit"])
    table["date"] = pd.to_datetime(table["date"])
    return table


def test_fixture_follows_the_release_schema(actions):
    schema("greening").validate(actions)


def test_totals_never_add_different_units(actions):
    table = greening.totals_by_kind(actions)
    tiles = table[table["kind"] == "tiles_removed"].set_index("unit")["quantity"].to_dict()
    assert tiles == {"m2": 3.0, "tegels": 40.0}
    assert set(table["kind"]) == set(GREENING_KINDS)
    assert table.loc[table["kind"] == "rain_barrel", "actions"].tolist() == [0]
    assert table["actions"].sum() == 5


def test_actions_over_time_by_year_fills_quiet_years(actions):
    table = greening.actions_over_time(actions, freq="Y")
    per_year = table.groupby(table["period"].dt.year)["actions"].sum().to_dict()
    assert per_year == {2021: 3, 2022: 0, 2023: 2}
    # per year: facade_garden/stuks, tiles_removed/m2, tiles_removed/tegels, tree_pit, rain_barrel, maintenance/""
    assert len(table) == 3 * (len(GREENING_KINDS) + 1)
    tiles = table[(table["period"].dt.year == 2021) & (table["kind"] == "tiles_removed")]
    assert tiles.set_index("unit")[["actions", "quantity"]].to_dict("index") == {
        "m2": {"actions": 1, "quantity": 3.0}, "tegels": {"actions": 1, "quantity": 40.0}}  # never 43


def test_over_time_tooltip_keeps_units_apart(actions):
    rows = next(iter(greening.over_time_chart(actions, lang="en").to_dict()["datasets"].values()))
    amounts = {r["amount"] for r in rows if r["kind"] == "tiles_removed" and r["actions"]}
    assert amounts == {"40 tiles", "3 m²"}
    assert greening.unit_label("Tegels", "nl") == "tegels" and greening.unit_label("emmers", "en") == "emmers"
    assert greening.unit_label(None, "en") == ""


def test_actions_over_time_by_quarter(actions):
    table = greening.actions_over_time(actions, freq="Q")
    quarters = table.groupby("period")["actions"].sum()
    assert quarters.index.min() == pd.Timestamp("2021-04-01")
    assert quarters.loc[pd.Timestamp("2021-04-01")] == 3 and quarters.sum() == 5


def test_actions_by_street(actions):
    table = greening.actions_by_street(actions)
    assert table["street"].tolist() == ["Gaffelstraat", "Josephstraat", greening.UNKNOWN_STREET]
    assert table["actions"].tolist() == [2, 2, 1]
    assert table["kinds"].tolist() == [2, 2, 1]


def test_empty_table_gives_empty_result():
    from werkplaats_data.schemas import empty_table

    assert greening.actions_over_time(empty_table("greening")).empty


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_charts_carry_a_source_and_say_the_finding(actions, lang):
    chart = greening.over_time_chart(actions, lang=lang)
    title = chart.to_dict()["vconcat"][0]["title"]
    assert "5" in title and "2021" in title
    assert source_of(chart)
    street = greening.street_chart(actions, lang=lang, demo=False)
    assert "Gaffelstraat" in street.to_dict()["vconcat"][0]["title"]


def test_public_street_chart_leaves_out_small_streets(actions):
    many = pd.concat([actions] + [actions.head(1).assign(action_id=f"x{i}") for i in range(11)], ignore_index=True)
    chart = greening.street_chart(many, public=True).to_dict()
    rows = next(iter(chart["datasets"].values()))
    assert [(r["street"], r["actions"]) for r in rows] == [("Gaffelstraat", 15)]  # 13 rounded to 5; others < 10


def test_summary_three_lines_from_the_data(actions):
    lines = greening.summary(actions, lang="en", demo=True).split("  \n")
    assert len(lines) == 3 and "5 greening actions from 1 May 2021 to 1 September 2023" in lines[1]
    assert "most actions were of the kind facade garden (40% of all actions)" in lines[2]  # 2 of 5 (tiles too: first in order)
    assert "the busiest street was Gaffelstraat" in lines[2]
    public = greening.summary(actions, lang="en", public=True).split("  \n")[2]
    assert "no street had 10 or more actions" in public and "Gaffelstraat" not in public


@pytest.mark.parametrize("make", [greening.over_time_chart, greening.street_chart])
def test_charts_without_actions_raise_no_data(make):
    from werkplaats_data.charts import NoData
    from werkplaats_data.schemas import empty_table

    with pytest.raises(NoData, match="greening.no_data"):
        make(empty_table("greening"))
