"""Poverty context: CBS figures reproduced from REFERENCES.md §1, the live loader's parsing and fallback, the map."""

import math
import sys
import types

import altair as alt
import pandas as pd
import pytest

from werkplaats_data import context as c
from werkplaats_data.charts import source_of

OW, CENTRUM, RDAM = c.OUDE_WESTEN, c.ROTTERDAM_CENTRUM, c.ROTTERDAM


@pytest.fixture(scope="module")
def kwb():
    return c.kwb_snapshot()


@pytest.mark.parametrize("variable, area, year, expected", [
    ("inhabitants", OW, 2017, 9435),
    ("inhabitants", CENTRUM, 2017, 33995),
    ("inhabitants", RDAM, 2017, 634660),
    ("low_income_households", OW, 2017, 24.5),
    ("low_income_households", OW, 2014, 33.7),
    ("low_income_households", CENTRUM, 2017, 12.8),
    ("low_income_households", RDAM, 2017, 15.1),
    ("social_minimum_households", OW, 2017, 25.4),
    ("social_minimum_households", RDAM, 2017, 14.7),
    ("corporation_owned", OW, 2017, 60),
    ("corporation_owned", OW, 2014, 62),
    ("corporation_owned", CENTRUM, 2017, 30),
    ("income_per_inhabitant", OW, 2017, 20_500),  # published as 20,5 × €1000
    ("income_per_inhabitant", RDAM, 2017, 23_600),
    ("electricity_per_dwelling", OW, 2017, 2050),
    ("gas_per_dwelling", OW, 2017, 930),
    ("gas_per_dwelling", CENTRUM, 2017, 250),
    ("persons_lowest_40pct", OW, 2017, 56.7),
])
def test_snapshot_reproduces_references(kwb, variable, area, year, expected):
    assert c.kwb_value(kwb, variable, area, year) == pytest.approx(expected)


def test_snapshot_is_tidy_with_units_and_sources(kwb):
    assert list(kwb.columns) == c.TIDY_COLUMNS
    assert sorted(kwb["year"].unique()) == [2014, 2015, 2016, 2017, 2018]
    assert set(kwb["area_code"]) == {OW, CENTRUM, RDAM}
    assert set(kwb.loc[kwb["area_code"] == CENTRUM, "area_name"]) == {"Rotterdam Centrum"}  # "Wijk 01 " dropped
    assert not kwb.duplicated(["year", "area_code", "variable"]).any()
    assert kwb["source"].str.contains("CC BY 4.0").all()


def test_dot_means_missing_never_zero(kwb):
    assert math.isnan(c.kwb_value(kwb, "income_per_inhabitant", OW, 2018))
    assert math.isnan(c.kwb_value(kwb, "district_heating", OW, 2017))
    assert c.parse_number(".") != c.parse_number(".")  # NaN
    assert c.parse_number("24,5") == 24.5
    assert c.parse_number(None) != c.parse_number(None)


def test_kwb_2014_gives_percentages_later_years_counts(kwb):
    units = kwb[(kwb["variable"] == "non_western_background") & (kwb["area_code"] == OW)].set_index("year")["unit"]
    assert units[2014] == "percent" and units[2017] == "count"


def test_shares_make_2014_and_later_comparable(kwb):
    shares = c.kwb_shares(kwb)
    assert c.kwb_value(shares, "migration_background", OW, 2017) == 70.5  # (1180 + 5475) / 9435
    assert c.kwb_value(shares, "western_background", OW, 2017) == 12.5
    assert c.kwb_value(shares, "non_western_background", OW, 2017) == 58.0
    assert c.kwb_value(shares, "migration_background", OW, 2014) == 72.0  # 12 % + 60 % as published
    assert c.kwb_value(shares, "migration_background", RDAM, 2017) == 50.3


def test_newer_reference_figures():
    newer = c.kwb_newer_reference()
    assert c.kwb_value(newer, "inhabitants", OW, 2024) == 9705
    assert c.kwb_value(newer, "persons_lowest_40pct", OW, 2024) == 51.8


def cbsodata_like_frame():
    """Two rows shaped like cbsodata.get_data output for KWB 2024: names in WijkenEnBuurten, padded codes."""
    return pd.DataFrame({
        "ID": [0, 1],
        "WijkenEnBuurten": ["Rotterdam", "Oude Westen"],
        "Gemeentenaam_1": ["Rotterdam                               ", "Rotterdam                               "],
        "SoortRegio_2": ["Gemeente  ", "Buurt     "],
        "Codering_3": ["GM0599    ", "BU05990111"],
        "AantalInwoners_5": [670610, 9705],
        "GemiddeldeElektriciteitsleveringTotaal_48": [2190.0, None],
        "GemiddeldInkomenPerInwoner_81": [31.5, 25.1],
        "HuishoudensMetEenLaagInkomen_87": [".", 19.0],
        "MateVanStedelijkheid_122": [1, 1],
    })


def test_parse_kwb_handles_codes_suffixes_and_missing():
    table = c.parse_kwb(cbsodata_like_frame(), 2024)
    assert list(table.columns) == c.TIDY_COLUMNS
    assert set(table["area_code"]) == {"GM0599", OW}
    assert c.kwb_value(table, "inhabitants", OW, 2024) == 9705
    assert c.kwb_value(table, "income_per_inhabitant", OW, 2024) == pytest.approx(25_100)
    assert c.kwb_value(table, "electricity_per_dwelling", RDAM, 2024) == 2190  # renamed column, matched
    assert math.isnan(c.kwb_value(table, "electricity_per_dwelling", OW, 2024))
    assert math.isnan(c.kwb_value(table, "low_income_households", RDAM, 2024))
    assert set(table["variable"]) == {"inhabitants", "electricity_per_dwelling", "income_per_inhabitant",
                                      "low_income_households"}  # unknown columns left out
    assert (table["source"].str.contains("85984NED")).all()


def _fake_cbsodata(monkeypatch, get_data):
    module = types.ModuleType("cbsodata")
    module.get_data = get_data
    monkeypatch.setitem(sys.modules, "cbsodata", module)


def test_live_loader_uses_cbsodata_with_padded_codes(monkeypatch):
    calls = []

    def get_data(table_id, filters=None):
        calls.append((table_id, filters))
        return cbsodata_like_frame().to_dict("records")

    _fake_cbsodata(monkeypatch, get_data)
    table = c.kwb_live(2024)
    assert calls[0][0] == "85984NED"
    assert "'GM0599    '" in calls[0][1]
    assert c.kwb_value(table, "inhabitants", OW, 2024) == 9705


def test_live_loader_falls_back_to_the_snapshot_without_internet(monkeypatch):
    def get_data(table_id, filters=None):
        raise ConnectionError("no internet")

    _fake_cbsodata(monkeypatch, get_data)
    with pytest.warns(UserWarning, match="KWB 2018"):
        table = c.kwb_live(2024)
    assert set(table["year"]) == {2018}
    assert "2024" in table.attrs["message"] and "2018" in table.attrs["message"]
    with pytest.warns(UserWarning, match="KWB 2016"):
        assert set(c.kwb_live(2016)["year"]) == {2016}  # no table id known: snapshot year itself


def test_wijkprofiel_flags_the_2018_social_copy():
    profile = c.wijkprofiel()
    assert profile.loc[(profile["year"] == 2018) & (profile["file"] == "si"), "copy_of_2016"].all()
    assert not profile.loc[profile["year"] < 2018, "copy_of_2016"].any()
    idx = c.wijkprofiel_indices().set_index(["year", "area", "indicator"])["value"]
    assert idx[(2014, "Oude Westen", "social")] == 99 and idx[(2016, "Oude Westen", "social")] == 93
    assert math.isnan(idx[(2018, "Oude Westen", "social")])
    assert [idx[(y, "Oude Westen", "physical")] for y in (2014, 2016, 2018)] == [92, 91, 95]
    assert [idx[(y, "Oude Westen", "safety")] for y in (2014, 2016, 2018)] == [88, 84, 87]
    assert idx[(2014, "Oude Westen", "hard_to_make_ends_meet")] == 33
    assert idx[(2016, "Rotterdam", "hard_to_make_ends_meet")] == 16
    assert idx[(2014, "Oude Westen", "enough_green")] == 56


def test_buurt_boundaries_and_map():
    features = c.buurt_boundaries()["features"]
    assert len(features) == 91
    ow = [f for f in features if f["properties"]["statcode"] == OW]
    assert ow[0]["properties"]["statnaam"] == "Oude Westen"
    assert c._signed_area(ow[0]["geometry"]["coordinates"][0]) < 0  # outer ring clockwise for d3
    chart = c.buurt_map()
    assert isinstance(chart, alt.TopLevelMixin) and "CBS/Kadaster" in source_of(chart)
    values = pd.DataFrame({"statcode": [OW], "value": [3.0]})
    spec = c.buurt_map(values, highlight=(OW, "BU05990110"), source="Bron: test").to_dict()
    assert "lookup" in str(spec) and source_of(c.buurt_map(values, source="Bron: test")) == "Bron: test"


@pytest.mark.slow
def test_map_renders_offline_as_svg():
    from werkplaats_data.charts import to_svg

    assert "<svg" in to_svg(c.buurt_map())


def test_trend_chart_title_states_the_comparison(kwb):
    chart = c.trend_chart(kwb, "low_income_households")
    title = chart.to_dict()["vconcat"][0]["title"]
    assert title == "Huishoudens met een laag inkomen: in 2017 hoger in het Oude Westen (24,5%) dan in Rotterdam (15,1%)"
    assert "2014–2017" in source_of(chart)


def test_report_vs_cbs():
    table = c.report_vs_cbs().set_index("fact_id")
    assert table.loc["migration_background_share", ["report_value", "cbs_value", "verdict"]].tolist() == [90.0, 70.5, "differs"]
    assert table.loc["social_housing_share", ["report_value", "cbs_value", "verdict"]].tolist() == [60.0, 60.0, "agrees"]
    assert table.loc["poorest_neighbourhood", "verdict"] == "supported"
    assert table["cbs_definition"].str.len().gt(20).all()


def test_live_note_names_the_snapshot_year_when_offline(monkeypatch):
    def get_data(table_id, filters=None):
        raise ConnectionError("no internet")

    _fake_cbsodata(monkeypatch, get_data)
    with pytest.warns(UserWarning):
        table = c.kwb_live(2024)
    assert table.attrs["year_shown"] == 2018 and table.attrs["live"] is False
    note = c.kwb_live_note(table, lang="nl")
    assert "KWB 2018" in note and "momentopname" in note
    assert "KWB 2018" in c.kwb_live_note(table, lang="en") and "snapshot" in c.kwb_live_note(table, lang="en")


def test_live_note_says_live_when_cbs_answers(monkeypatch):
    _fake_cbsodata(monkeypatch, lambda table_id, filters=None: cbsodata_like_frame().to_dict("records"))
    table = c.kwb_live(2024)
    assert table.attrs["year_shown"] == 2024 and table.attrs["live"] is True
    assert "KWB 2024" in c.kwb_live_note(table) and "live" in c.kwb_live_note(table)


def test_wijkprofiel_table_is_wide_per_area():
    table = c.wijkprofiel_table(indicators=("enough_green",))
    assert set(table.index.get_level_values("indicator")) == {"enough_green"}
    assert table.loc[("enough_green", 2014), "Oude Westen"] == 56
    assert "Rotterdam" in table.columns


def test_map_source_follows_the_language():
    assert source_of(c.buurt_map(lang="nl")).startswith("Kaart: CBS/Kadaster")
    assert source_of(c.buurt_map(lang="en")).startswith("Map: CBS/Kadaster")
