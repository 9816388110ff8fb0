"""Poverty context: CBS figures reproduced from REFERENCES.md §1, the live loader's parsing and fallback, the map."""

import math
import sys
import time
import types

import altair as alt
import pandas as pd
import pytest
import requests

from werkplaats_data import charts
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


# --- the live loader, with a fake cbsodata shaped like the real one ------------------------------
#
# cbsodata.get_data(table_id, filters=..., typed=..., **requests_kwargs) returns a list of dicts: the
# WijkenEnBuurten code already replaced by the area *name*, the code itself in Codering_3 padded to 10
# characters, topic columns with a number suffix that changes between years, and missing values as
# "." (untyped) or None (typed). get_meta(table_id, "DataProperties") lists Key and Title per column.
# The column names below follow the real 2019 and 2024 tables; the values are made up.

def _rows_2024():
    return [
        {"ID": 0, "WijkenEnBuurten": "Rotterdam", "Gemeentenaam_1": "Rotterdam                               ",
         "SoortRegio_2": "Gemeente  ", "Codering_3": "GM0599    ", "AantalInwoners_5": 670000,
         "Nederland_17": 300000, "EuropaExclusiefNederland_18": 70000, "BuitenEuropa_19": 300000, "Nederland_20": 1,
         "GemiddeldeWOZWaardeVanWoningen_39": 290.0, "GemiddeldeElektriciteitslevering_53": 2190.0,
         "GemiddeldAardgasverbruik_55": 800.0, "GemiddeldInkomenPerInwoner_78": None,
         "LaagInkomenHuish_87": 14.0, "MateVanStedelijkheid_122": 1},
        {"ID": 1, "WijkenEnBuurten": "Oude Westen", "Gemeentenaam_1": "Rotterdam                               ",
         "SoortRegio_2": "Buurt     ", "Codering_3": "BU05990111", "AantalInwoners_5": 9700,
         "Nederland_17": 2500, "EuropaExclusiefNederland_18": 1200, "BuitenEuropa_19": 6000, "Nederland_20": 1,
         "GemiddeldeWOZWaardeVanWoningen_39": 230.0, "GemiddeldeElektriciteitslevering_53": None,
         "GemiddeldAardgasverbruik_55": 700.0, "GemiddeldInkomenPerInwoner_78": None,
         "LaagInkomenHuish_87": 19.0, "MateVanStedelijkheid_122": 1},
    ]


def _properties_2024():
    titles = {"WijkenEnBuurten": "Wijken en buurten", "Codering_3": "Codering", "AantalInwoners_5": "Aantal inwoners",
              "Nederland_17": "Nederland", "EuropaExclusiefNederland_18": "Europa (exclusief Nederland)",
              "BuitenEuropa_19": "Buiten Europa", "Nederland_20": "Nederland",
              "GemiddeldeWOZWaardeVanWoningen_39": "Gemiddelde WOZ-waarde van woningen",
              "GemiddeldeElektriciteitslevering_53": "Gemiddelde elektriciteitslevering",
              "GemiddeldAardgasverbruik_55": "Gemiddeld aardgasverbruik",
              "GemiddeldInkomenPerInwoner_78": "Gemiddeld inkomen per inwoner",
              # a renamed key whose title stayed the same: only DataProperties can find it
              "LaagInkomenHuish_87": "Huishoudens met een laag inkomen"}
    return [{"ID": i, "Key": key, "Title": title, "Type": "Topic"} for i, (key, title) in enumerate(titles.items())]


def _rows_2019():  # untyped: numbers as padded text, "." = not available
    return [
        {"ID": 0, "WijkenEnBuurten": "Oude Westen", "Gemeentenaam_1": "Rotterdam ", "SoortRegio_2": "Buurt     ",
         "Codering_3": "BU05990111", "AantalInwoners_5": "      9500", "GemiddeldInkomenPerInwoner_72": "        .",
         "HuishoudensMetEenLaagInkomen_80": "       21.0", "GemiddeldAardgasverbruikTotaal_55": "       900"},
        {"ID": 1, "WijkenEnBuurten": "Rotterdam", "Gemeentenaam_1": "Rotterdam ", "SoortRegio_2": "Gemeente  ",
         "Codering_3": "GM0599    ", "AantalInwoners_5": "    650000", "GemiddeldInkomenPerInwoner_72": "      25.0",
         "HuishoudensMetEenLaagInkomen_80": "       14.0", "GemiddeldAardgasverbruikTotaal_55": "       830"},
    ]


class FakeCbsodata(types.ModuleType):
    """Stands in for ``cbsodata``: answers per table id, records every call, can fail or hang."""

    def __init__(self, answers=None, *, error=None, sleep=0.0):
        super().__init__("cbsodata")
        self.answers, self.error, self.sleep, self.calls = answers or {}, error, sleep, []

    def get_data(self, table_id, dir=None, typed=False, select=None, filters=None, catalog_url=None, **kwargs):
        self.calls.append({"table_id": table_id, "filters": filters, "typed": typed, **kwargs})
        time.sleep(self.sleep)
        if self.error:
            raise self.error
        if table_id not in self.answers:
            raise requests.HTTPError(f"Downloading table '{table_id}' failed. 404 Client Error")
        return self.answers[table_id][0]

    def get_meta(self, table_id, name, catalog_url=None, **kwargs):
        assert name == "DataProperties"
        return self.answers[table_id][1]


@pytest.fixture
def fake_cbsodata(monkeypatch):
    def install(*args, **kwargs):
        module = FakeCbsodata(*args, **kwargs)
        monkeypatch.setitem(sys.modules, "cbsodata", module)
        return module
    return install


LIVE = {"85984NED": (_rows_2024(), _properties_2024()), "84583NED": (_rows_2019(), [])}


def test_match_columns_by_name_loosely_and_by_title():
    mapping, unmatched = c.match_columns([row for row in _rows_2024()[0]], pd.DataFrame(_properties_2024()))
    assert mapping["AantalInwoners_5"] == "inhabitants"  # name without suffix
    assert mapping["GemiddeldeWOZWaardeVanWoningen_39"] == "home_value"  # 2020s name, in the dictionary
    assert mapping["GemiddeldAardgasverbruik_55"] == "gas_per_dwelling"  # 2024: no "Totaal"
    assert mapping["GemiddeldeElektriciteitslevering_53"] == "electricity_per_dwelling"
    assert mapping["LaagInkomenHuish_87"] == "low_income_households"  # by its DataProperties title
    assert mapping["Nederland_17"] == "origin_netherlands" and "Nederland_20" not in mapping  # the first one counts
    assert {mapping["EuropaExclusiefNederland_18"], mapping["BuitenEuropa_19"]} == {"origin_europe", "origin_outside_europe"}
    assert "MateVanStedelijkheid_122" not in mapping  # not in the dictionary
    assert "western_background" in unmatched and "inhabitants" not in unmatched


def test_parse_kwb_handles_codes_suffixes_and_missing():
    table = c.parse_kwb(pd.DataFrame(_rows_2024()), 2024, pd.DataFrame(_properties_2024()))
    assert list(table.columns) == c.TIDY_COLUMNS
    assert set(table["area_code"]) == {"GM0599", OW}  # padding stripped
    assert set(table.loc[table["area_code"] == OW, "area_name"]) == {"Oude Westen"}
    assert c.kwb_value(table, "inhabitants", OW, 2024) == 9700
    assert c.kwb_value(table, "home_value", OW, 2024) == 230_000  # × €1000
    assert c.kwb_value(table, "electricity_per_dwelling", RDAM, 2024) == 2190
    assert math.isnan(c.kwb_value(table, "electricity_per_dwelling", OW, 2024))  # None → NaN, not 0
    assert math.isnan(c.kwb_value(table, "income_per_inhabitant", OW, 2024))
    assert (table["source"].str.contains("85984NED")).all()
    assert "social_minimum_households" in table.attrs["unmatched"]
    untyped = c.parse_kwb(pd.DataFrame(_rows_2019()), 2019)
    assert c.kwb_value(untyped, "income_per_inhabitant", RDAM, 2019) == 25_000
    assert math.isnan(c.kwb_value(untyped, "income_per_inhabitant", OW, 2019))  # "." → NaN
    assert c.kwb_value(untyped, "inhabitants", OW, 2019) == 9500


def test_parse_kwb_refuses_a_table_without_area_codes():
    with pytest.raises(ValueError, match="Codering"):
        c.parse_kwb(pd.DataFrame({"ID": [0], "AantalInwoners_5": [1]}), 2024)


def test_live_loader_uses_cbsodata_with_padded_codes_and_a_timeout(fake_cbsodata):
    fake = fake_cbsodata(LIVE)
    with pytest.warns(UserWarning, match="no column found for"):  # unmatched variables are said, not dropped
        table = c.kwb_live(2024, timeout=5)
    assert fake.calls[0]["table_id"] == "85984NED"
    assert "'GM0599    '" in fake.calls[0]["filters"] and "'BU05990111'" in fake.calls[0]["filters"]
    assert fake.calls[0]["timeout"] == 5  # each request gets the timeout too
    assert c.kwb_value(table, "gas_per_dwelling", OW, 2024) == 700
    assert table.attrs["live"] is True and "social_minimum_households" in table.attrs["unmatched"]


def test_live_loader_falls_back_to_the_snapshot_without_internet(fake_cbsodata):
    fake_cbsodata(error=requests.ConnectionError("Failed to resolve 'opendata.cbs.nl'"))
    with pytest.warns(UserWarning, match="KWB 2018"):
        table = c.kwb_live(2024)
    assert set(table["year"]) == {2018}
    assert "2024" in table.attrs["message"] and "2018" in table.attrs["message"]
    with pytest.warns(UserWarning, match="KWB 2018"):
        assert set(c.kwb_live(2031)["year"]) == {2018}  # no table id known: the newest snapshot year


def test_live_loader_does_not_hide_parsing_errors(fake_cbsodata):
    fake_cbsodata({"85984NED": ([{"ID": 0, "Unexpected_1": 3}], [])})
    with pytest.raises(ValueError, match="Codering"):
        c.kwb_live(2024)


def test_a_key_error_while_parsing_is_a_bug_not_a_missing_year(fake_cbsodata, monkeypatch):
    fake_cbsodata(LIVE)

    def broken(*args, **kwargs):
        raise KeyError("AantalInwoners")

    monkeypatch.setattr(c, "parse_kwb", broken)
    with pytest.raises(KeyError):
        c.kwb_live(2024)
    with pytest.raises(KeyError):
        c.kwb_series(range(2019, 2020))


def test_live_loader_gives_up_on_a_silent_network(fake_cbsodata):
    fake_cbsodata(LIVE, sleep=5)  # packets dropped: no error, just no answer
    start = time.monotonic()
    with pytest.warns(UserWarning, match="FetchTimeout"):
        table = c.kwb_live(2024, timeout=0.2)
    assert time.monotonic() - start < 2
    assert table.attrs["live"] is False and table.attrs["year_shown"] == 2018


def test_series_fetches_every_newer_year_live(fake_cbsodata):
    fake = fake_cbsodata(LIVE)
    series = c.kwb_series(range(2017, 2025), timeout=5)
    years = series.years.set_index("year")
    assert years.loc[[2017, 2018], "origin"].eq("snapshot").all()
    assert years.loc[2019, "origin"] == "live" and years.loc[2024, "origin"] == "live"
    assert years.loc[2020, ["origin", "reason", "detail"]].tolist() == ["missing", "http_error", "HTTPError"]
    assert "social_minimum_households" in years.loc[2024, "unmatched"]
    assert [call["table_id"] for call in fake.calls] == ["84583NED", "84799NED", "85039NED", "85318NED",
                                                         "85618NED", "85984NED"]  # a 404 stops only its own year
    figures = series.figures
    point = figures[(figures["variable"] == "gas_per_dwelling") & (figures["area_code"] == OW) & (figures["year"] == 2024)]
    assert point[["value", "table_id", "origin"]].values.tolist() == [[700.0, "85984NED", "live"]]
    assert c.kwb_value(figures, "gas_per_dwelling", OW, 2017) == 930  # snapshot year
    missing = c.missing_years(series, "income_per_inhabitant").set_index("year")["reason"]
    assert missing[2018] == "not_published" and missing[2019] == "not_published" and missing[2024] == "not_published"
    assert c.missing_years(series, "social_minimum_households").set_index("year")["reason"][2024] == "not_in_table"


def test_series_stops_trying_after_the_first_network_error(fake_cbsodata):
    fake = fake_cbsodata(error=requests.ConnectionError("no internet"))
    series = c.kwb_series()
    assert len(fake.calls) == 1  # 2019 failed; 2020–2024 would fail the same way
    years = series.years.set_index("year")
    assert years.loc[2014:2018, "origin"].eq("snapshot").all()
    assert years.loc[2019:2023, "origin"].eq("missing").all()
    assert years.loc[2019:2024, "reason"].eq("offline").all() and years.loc[2020, "detail"] == "ConnectionError"
    assert years.loc[2024, "origin"] == "reference"  # the shipped 2024 figures
    assert c.kwb_value(series.figures, "persons_lowest_40pct", OW, 2024) == 51.8


def test_series_is_bounded_in_time_on_a_silent_network(fake_cbsodata):
    fake_cbsodata(LIVE, sleep=5)
    start = time.monotonic()
    series = c.kwb_series(timeout=0.3)
    assert time.monotonic() - start < 2
    years = series.years.set_index("year")
    assert years.loc[2019:2024, "reason"].eq("timeout").all() and years.loc[2019, "detail"] == "0.3"
    assert "0.3" in c.series_summary(series, lang="en")


def test_series_offline_for_real(monkeypatch):
    """The real cbsodata and requests, with name lookups failing as they do without internet."""
    import socket

    def no_dns(*args, **kwargs):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    monkeypatch.delitem(sys.modules, "cbsodata", raising=False)
    series = c.kwb_series(timeout=20)
    years = series.years.set_index("year")
    assert years.loc[2019, ["origin", "reason", "detail"]].tolist() == ["missing", "offline", "ConnectionError"]
    assert set(series.figures["origin"]) == {"snapshot", "reference"}


def test_series_without_live_uses_the_shipped_files():
    series = c.kwb_series(live=False)
    assert series.years["origin"].tolist() == ["snapshot"] * 5 + ["missing"] * 5 + ["reference"]
    assert series.years.loc[5:, "reason"].eq("not_tried").all()
    assert series.figures["table_id"].str.endswith("NED").all()
    summary = c.series_summary(series, lang="nl")
    assert summary.startswith("Waar de cijfers vandaan komen – 2014–2018: meegeleverde momentopname; 2019–2023: ontbreekt")
    assert "2024: alleen de meegeleverde losse cijfers (Inwoners, Personen bij de laagste 40% inkomens" in summary
    note = c.series_note(series, "low_income_households", lang="en")
    assert note == ('No figure for Oude Westen – 2018: CBS gave no figure here ("."); '
                    "2019–2024: not fetched from CBS: only the figures the kit ships with.")
    assert c.series_note(series, "corporation_owned", lang="en").startswith("No figure for Oude Westen – 2019–2024")


def test_newest_figures_offline_use_the_shipped_2024_figures():
    newest = c.newest_figures(c.kwb_series(live=False).figures).set_index(["variable", "area_name"])
    assert newest.loc[("inhabitants", "Oude Westen"), ["value", "year"]].tolist() == [9705, 2024]
    assert newest.loc[("persons_lowest_40pct", "Oude Westen"), ["value", "year"]].tolist() == [51.8, 2024]
    assert newest.loc[("low_income_households", "Oude Westen"), ["value", "year"]].tolist() == [24.5, 2017]  # 2018 is "."
    assert newest.loc[("corporation_owned", "Rotterdam"), "year"] == 2018
    assert "85984NED" in newest.loc[("inhabitants", "Oude Westen"), "source"]
    table = c.newest_table(c.kwb_series(live=False).figures, lang="en")
    assert table.loc["Inhabitants", "Oude Westen"] == "9,705 (2024)"
    assert table.loc["Households with a low income", "Rotterdam"] == "15.1% (2017)"


def test_year_ranges():
    assert c.year_ranges([2016, 2014, 2015, 2018, 2024, 2023]) == "2014–2016, 2018, 2023–2024"
    assert c.year_ranges([]) == ""


def test_trend_chart_shows_every_year_and_leaves_gaps(kwb):
    series = c.kwb_series(live=False)
    chart = c.trend_chart(series.figures, "persons_lowest_40pct", years=series.years["year"], note="a note")
    spec = chart.to_dict()["vconcat"][0]
    assert spec["encoding"]["x"]["scale"]["domain"] == list(range(2014, 2025))
    assert spec["title"]["subtitle"] == "a note"
    assert "2014–2017, 2024" in source_of(chart)
    values = [row for row in chart.to_dict()["datasets"].values()][0]
    ow = {row["year"]: row["segment"] for row in values if row["area_code"] == OW}
    assert ow[2014] == ow[2017] != ow[2024]  # 2017 and 2024 are not joined by a line


def test_area_comparison_is_wide_per_area(kwb):
    table = c.area_comparison(kwb, ("low_income_households", "corporation_owned"))
    assert list(table.columns) == ["Oude Westen", "Rotterdam", "Rotterdam Centrum"]
    assert table.loc[("low_income_households", 2017), "Oude Westen"] == 24.5
    assert table.loc[("corporation_owned", 2014), "Rotterdam Centrum"] == 30
    assert set(table.index.get_level_values("variable")) == {"low_income_households", "corporation_owned"}


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
    title = charts.title_text(chart.to_dict()["vconcat"][0]["title"])
    assert title == "Huishoudens met een laag inkomen: in 2017 hoger in het Oude Westen (24,5%) dan in Rotterdam (15,1%)"
    assert "2014–2017" in source_of(chart)


def test_report_vs_cbs():
    table = c.report_vs_cbs().set_index("fact_id")
    assert table.loc["migration_background_share", ["report_value", "cbs_value", "verdict"]].tolist() == [90.0, 70.5, "differs"]
    assert table.loc["social_housing_share", ["report_value", "cbs_value", "verdict"]].tolist() == [60.0, 60.0, "agrees"]
    assert table.loc["poorest_neighbourhood", "verdict"] == "supported"
    assert table["cbs_definition"].str.len().gt(20).all()


def test_live_note_names_the_snapshot_year_when_offline(fake_cbsodata):
    fake_cbsodata(error=requests.ConnectionError("no internet"))
    with pytest.warns(UserWarning):
        table = c.kwb_live(2024)
    assert table.attrs["year_shown"] == 2018 and table.attrs["live"] is False
    note = c.kwb_live_note(table, lang="nl")
    assert "KWB 2018" in note and "momentopname" in note
    assert "KWB 2018" in c.kwb_live_note(table, lang="en") and "snapshot" in c.kwb_live_note(table, lang="en")


def test_live_note_says_live_when_cbs_answers(fake_cbsodata):
    fake_cbsodata(LIVE)
    with pytest.warns(UserWarning, match="no column found"):
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


# --- sentences: numbers computed from the figures (values from REFERENCES.md §1) -------------------

def test_comparison_sentence_uses_the_newest_year_of_oude_westen(kwb):
    assert c.comparison_sentence(kwb, "low_income_households", lang="en") == (
        "Households with a low income in 2017: 24.5% in Oude Westen, 12.8% in Rotterdam Centrum "
        "and 15.1% in Rotterdam as a whole.")  # 2018 is "." for all three
    newer = c.kwb_series(live=False).figures
    assert c.comparison_sentence(newer, "inhabitants", lang="nl").startswith("Inwoners in 2024: 9.705 in het Oude Westen, –")
    assert c.comparison_sentence(kwb.iloc[0:0], "inhabitants", lang="en") == "Inhabitants: no figure for Oude Westen."


def test_jump_sentences_flag_the_2014_low_income_figure(kwb):
    jumps = c.jump_sentences(kwb, "low_income_households", lang="en")
    assert len(jumps) == 1 and "33.7% (2014) to 26.6% (2015)" in jumps[0]  # (33.7 − 26.6) / 33.7 = 21 %
    assert c.jump_sentences(kwb, "corporation_owned") == []


def test_wijkprofiel_and_claim_sentences():
    ends_meet, green = c.wijkprofiel_sentences(lang="en")
    assert "33% (2014), 27% (2016) of residents in Oude Westen, against 22% (2014), 16% (2016)" in ends_meet
    assert "56% (2014), 63% (2016), 60% (2018) in Oude Westen" in green
    assert c.wijkprofiel_sentences(lang="en", indicators=("enough_green",)) == [green]  # notebook 07 says only this one
    assert "80% (2014), 82% (2016), 81% (2018) in Rotterdam" in green
    claims = c.claim_sentences(c.report_vs_cbs(), lang="en")
    assert claims[0].startswith("Migration background: the report says about 90%; CBS gives 70.5% in 2017")
    assert claims[0].endswith("they differ.") and claims[1].endswith("they agree.")
    assert "24.5% of households with a low income in 2017 – higher than in Rotterdam" in claims[2]


def test_summary_and_meaning_follow_the_figures(kwb):
    series = c.kwb_series(live=False)
    assert c.summary_sentence(series.figures) == (
        "Main finding: in 2017, 24.5% of households in Oude Westen had a low income, against 15.1% in Rotterdam; "
        "in 2024, 51.8% of its residents were among the national lowest 40% of incomes "
        "(CBS Key figures districts and neighbourhoods 2017, 2024, CC BY 4.0).")
    changed = series.figures.copy()
    changed.loc[(changed["variable"] == "low_income_households") & (changed["year"] == 2017)
                & (changed["area_code"] == OW), "value"] = 30.0
    assert "in 2017, 30.0% of households" in c.summary_sentence(changed)
    poverty, housing, green, limits = c.meaning_bullets(series.figures, series.years, lang="en")
    assert "24.5% of households" in poverty and "25.4% lived under or around the social minimum" in poverty
    assert "In 2018, 60.0% of dwellings" in housing and "(Rotterdam: 44.0%)" in housing
    assert "60% of residents found there was enough green, against 81%" in green and "supports" in green
    assert "figures from 2014–2018, 2024" in limits


def test_series_chart_and_sentences():
    series = c.kwb_series(live=False)
    chart = c.series_chart(series, "low_income_households", lang="en")
    assert chart.to_dict()["vconcat"][0]["title"]["subtitle"] == c.series_note(series, "low_income_households", lang="en")
    text = c.series_sentences(series, "low_income_households", lang="en")
    assert text.startswith("Households with a low income in 2017: 24.5% in Oude Westen") and "33.7% (2014)" in text
