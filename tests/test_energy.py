"""Energy: measure table, coach visits, CBS comparison, Postcoderoos and energy poverty, checked on paper."""

import math

import pandas as pd
import pytest

from werkplaats_data import charts, privacy
from werkplaats_data import energy
from werkplaats_data.charts import source_of
from werkplaats_data.errors import UserError
from werkplaats_data.i18n import t
from werkplaats_data.schemas import schema


@pytest.fixture
def visits():
    """Two coaches, three households; one empty month (November 2022)."""
    table = pd.DataFrame([
        ("v1", "2022-09-05", "h1", "c1", "led_lamps;radiator_foil", 100.0, 20.0),
        ("v2", "2022-10-01", "h1", "c2", "draught_strips", 200.0, 50.0),
        ("v3", "2022-10-12", "h2", "c1", "led_lamps; standby_killer", None, None),
        ("v4", "2022-12-01", "h3", "c1", None, 0.0, 0.0),
    ], columns=["visit_id", "date", "household_id", "coach_id", "measures", "est_kwh_saved", "est_gas_m3_saved"])
    table["date"] = pd.to_datetime(table["date"])
    return table


@pytest.fixture
def solar():
    table = pd.DataFrame([
        ("p1", "Batavierenstraat", 2023, 2, 400.0),
        ("p2", "Batavierenstraat", 2023, 3, 600.0),
        ("p1", "Batavierenstraat", 2024, 2, 380.0),
    ], columns=["person_id", "project", "year", "shares", "kwh_allocated"])
    return table.astype({"year": "Int64", "shares": "Int64"})


def test_fixtures_follow_the_release_schema(visits, solar):
    schema("energy_visits").validate(visits)
    schema("solar").validate(solar)


def test_measure_table_is_complete_and_sourced():
    table = energy.measures()
    assert list(table.columns) == ["code", "label_nl", "label_en", "kwh_per_year", "gas_m3_per_year", "source"]
    assert table["code"].is_unique
    assert {"led_lamps", "radiator_foil", "draught_strips", "water_saving_showerhead", "standby_killer",
            "thermostat_advice"} <= set(table["code"])
    assert table["source"].str.len().gt(10).all()
    assert (table[["kwh_per_year", "gas_m3_per_year"]] >= 0).all().all()


def test_led_estimate_follows_its_stated_assumption():
    # 5 lamps × 30 W × 3 h × 365 d = 164.25 kWh, as the source column says
    assert energy.measures().loc["led_lamps", "kwh_per_year"] == round(5 * 30 * 3 * 365 / 1000)


def test_split_measures_and_unknown_codes(visits):
    long = energy.split_measures(visits)
    assert long.groupby("visit_id")["measure"].apply(list).to_dict() == {
        "v1": ["led_lamps", "radiator_foil"], "v2": ["draught_strips"], "v3": ["led_lamps", "standby_killer"],
    }
    odd = visits.assign(measures=["led_lamps;magic_box", None, None, None])
    assert energy.unknown_measures(odd).to_dict("records") == [{"visit_id": "v1", "measure": "magic_box"}]
    assert energy.unknown_measures(visits).empty


def test_visit_estimates_fill_missing_from_measure_table(visits):
    table = energy.visit_estimates(visits).set_index("visit_id")
    assert table.loc["v1", ["kwh", "gas_m3"]].tolist() == [100.0, 20.0]  # the coach's own estimate
    assert table.loc["v3", "kwh"] == 164 + 73  # led_lamps + standby_killer from the table
    assert table.loc["v3", "gas_m3"] == 0
    assert table["from_register"].tolist() == [True, True, False, True]


def test_visits_per_month(visits):
    table = energy.visits_per_month(visits)
    assert table["month"].dt.strftime("%Y-%m").tolist() == ["2022-09", "2022-10", "2022-11", "2022-12"]
    assert table["visits"].tolist() == [1, 2, 0, 1]
    assert table["active_coaches"].tolist() == [1, 2, 0, 1]
    assert table["households"].tolist() == [1, 2, 0, 1]


def test_measure_counts(visits):
    table = energy.measure_counts(visits, lang="en").set_index("measure")
    assert table.index[0] == "led_lamps"
    assert table.loc["led_lamps", "visits"] == 2
    assert table.loc["led_lamps", "kwh_per_year"] == 2 * 164
    assert table.loc["draught_strips", "label"] == "Draught strips around windows and doors"


def test_cbs_reference_values_exact():
    ow = energy.cbs_use(area_code="BU05990111", year=2017).iloc[0]
    rotterdam = energy.cbs_use(area_code="GM0599", year=2017).iloc[0]
    assert (ow["kwh_per_dwelling"], ow["gas_m3_per_dwelling"]) == (2050, 930)
    assert (rotterdam["kwh_per_dwelling"], rotterdam["gas_m3_per_dwelling"]) == (2410, 840)


def test_savings_vs_cbs(visits):
    # per household: h1 100+200 = 300 kWh, 20+50 = 70 m³; h2 237 kWh, 0 m³; h3 0 → mean 179 kWh, 23.33 m³
    table = energy.savings_vs_cbs(visits).set_index("carrier")
    assert table.loc["electricity", "saved_per_household"] == pytest.approx(537 / 3)
    assert table.loc["gas", "share"] == pytest.approx((70 / 3) / 930)
    with pytest.raises(UserError, match="2030"):
        energy.savings_vs_cbs(visits, year=2030)


def test_tax_rates_exact_and_unknown_years_refused():
    assert energy.tax_rate(2016) == 0.1007
    assert energy.tax_rate(2020) == 0.0977
    assert energy.tax_rate(2022) == 0.03679
    assert energy.tax_rate(2023) == 0.12599
    assert energy.tax_rate(2024) == 0.10880
    with pytest.raises(UserError, match="No verified energy-tax rate for 2021"):
        energy.tax_rate(2021)


@pytest.mark.parametrize("year", ["2024", " 2024 ", 2024.0])
def test_tax_rate_takes_a_year_written_as_text(year):
    assert energy.tax_rate(year) == 0.10880


@pytest.mark.parametrize("year", ["twenty", "24", "2024-01", None, True])
def test_tax_rate_says_a_year_must_be_a_number(year):
    with pytest.raises(UserError, match="must be a number such as 2024"):
        energy.tax_rate(year)


def test_postcoderoos_cap_is_per_member_per_year():
    """6,000 kWh in each of two projects in 2024: 10,000 kWh count, € 1,316.48 (not € 1,579.78)."""
    solar = pd.DataFrame([
        ("p1", "Batavierenstraat", 2024, 10, 6000.0),
        ("p1", "Tweede dak", 2024, 10, 6000.0),
        ("p1", "Batavierenstraat", 2023, 10, 6000.0),   # another year: its own cap
        ("p2", "Batavierenstraat", 2024, 10, 6000.0),   # another member
    ], columns=["person_id", "project", "year", "shares", "kwh_allocated"]).astype({"year": "Int64", "shares": "Int64"})
    benefit = energy.postcoderoos_benefit(solar)
    p1_2024 = benefit[(benefit["person_id"] == "p1") & (benefit["year"] == 2024)]
    assert p1_2024["kwh_counted"].tolist() == [5000.0, 5000.0]
    assert round(p1_2024["benefit_eur"].sum(), 2) == 1316.48  # 10,000 × 0.10880 × 1.21
    assert benefit["kwh_counted"].tolist()[2:] == [6000.0, 6000.0]
    assert round(benefit["benefit_eur"].iloc[2], 2) == round(6000 * 0.12599 * 1.21, 2)


def test_share_benefit_on_paper():
    assert energy.share_benefit(1000, 2024) == pytest.approx(1000 * 0.10880 * 1.21)
    assert energy.share_benefit(1000, 2024, vat=0.0) == pytest.approx(108.80)


def test_postcoderoos_cap_holds_for_a_single_row():
    """One member, one project, 12,000 kWh in 2024: 10,000 count, worth share_benefit(10,000)."""
    solar = pd.DataFrame([("p1", "Batavierenstraat", 2024, 10, 12000.0)],
                         columns=["person_id", "project", "year", "shares", "kwh_allocated"]).astype({"year": "Int64", "shares": "Int64"})
    row = energy.postcoderoos_benefit(solar).iloc[0]
    assert row["kwh_counted"] == 10000.0
    assert row["benefit_eur"] == pytest.approx(10000 * 0.10880 * 1.21) == energy.share_benefit(10000, 2024)


def test_postcoderoos_refuses_years_without_rate(solar):
    with_2021 = pd.concat([solar, solar.head(1).assign(year=2021)], ignore_index=True)
    with pytest.raises(UserError, match="2021"):
        energy.postcoderoos_benefit(with_2021)
    assert energy.years_without_rate(with_2021) == [2021]
    skipped = energy.postcoderoos_benefit(with_2021, skip_unknown_years=True)
    assert set(skipped["year"]) == {2023, 2024}


def test_share_yield(solar):
    table = energy.share_yield(solar).set_index("year")
    # 2023: 1000 kWh over 5 shares = 200 kWh per share; 200 × 0.12599 × 1.21 = 30.48958 euro
    assert table.loc[2023, "kwh_per_share"] == 200
    assert table.loc[2023, "eur_per_share"] == pytest.approx(200 * 0.12599 * 1.21)
    assert table.loc[2023, "members"] == 2


def test_what_can_i_save():
    result = energy.what_can_i_save(["led_lamps", "radiator_foil"])
    assert (result["kwh"], result["gas_m3"]) == (164, 25)
    assert result["eur"] == pytest.approx(164 * 0.40 + 25 * 1.45)  # prijsplafond 2023 prices
    assert "Prijsplafond" in result["price_source"]
    own = energy.what_can_i_save(["standby_killer"], price_kwh=0.30, price_m3=1.20)
    assert own["eur"] == pytest.approx(73 * 0.30) and own["price_source"] == "eigen invoer / user input"
    assert energy.what_can_i_save([])["eur"] == 0
    with pytest.raises(UserError, match="magic_box"):
        energy.what_can_i_save(["magic_box"])


def test_energy_poverty_on_paper():
    households = pd.DataFrame({
        "household_id": ["a", "b", "c", "d"],
        "income_eur": [20000, 20000, 20000, 50000],
        "energy_cost_eur": [2400, 1000, 1800, 6000],  # quotes 12 %, 5 %, 9 %, 12 %
        "low_income": [True, True, True, False],
        "low_energy_quality": [False, True, False, True],
    })
    flags = energy.classify_energy_poverty(households, heq_threshold=0.10, lihe_threshold=0.08).set_index("household_id")
    assert flags["HEQ"].tolist() == [True, False, False, True]
    assert flags["LIHE"].tolist() == [True, False, True, False]
    assert flags["LILEK"].tolist() == [False, True, False, False]
    assert flags["LIHE_or_LILEK"].tolist() == [True, True, True, False]
    stricter = energy.classify_energy_poverty(households, lihe_threshold=0.10)
    assert stricter["LIHE"].sum() == 1  # household c (9 %) drops out
    shares = energy.poverty_shares(flags).set_index("code")
    assert shares.loc["LIHE_or_LILEK", "share"] == 0.75


def test_poverty_reference_figures_and_unverified_thresholds():
    indicators = energy.poverty_indicators().set_index("code")
    nl = indicators["nl_2019_percent"]
    assert (nl["HEQ"], nl["LIHE"], nl["LILEK"], nl["LIHE_or_LILEK"]) == (7.4, 6.1, 5.4, 8.4)
    assert energy.poverty_thresholds()["source"].str.contains("unverified").all()


def test_every_indicator_of_the_monitor_has_a_definition_and_its_thresholds():
    """REFERENCES.md §2: headline LIHE and/or LILEK; also HEQ, LEK, LEKWI, ZLEK, LARI."""
    indicators = energy.poverty_indicators().set_index("code")
    assert set(indicators.index) == set(energy.POVERTY_CODES)
    assert (indicators["definition_nl"].str.len() > 20).all() and (indicators["definition_en"].str.len() > 20).all()
    assert indicators["source"].str.contains("Monitor Energiearmoede").all()
    thresholds = energy.poverty_thresholds()
    used = {name for names in indicators["thresholds"] for name in names.split(";")}
    assert used == set(thresholds["name"])  # every threshold is used, every used one exists
    assert "8 % and 10 %" in thresholds.loc["heq_energy_quote", "source"]
    assert thresholds.loc["low_energy_quality_labels", "value"] == "E;F;G"
    assert "low_income_ratio" in indicators.loc["LIHE", "thresholds"]


def test_energy_poverty_from_labels_social_minimum_and_residual_income():
    households = pd.DataFrame({
        "household_id": ["a", "b", "c"],
        "income_eur": [15000, 30000, 15000],
        "social_minimum_eur": [12000, 12000, 12000],   # low income: at most 1.3 × 12,000 = 15,600
        "energy_cost_eur": [1000, 1000, 2000],          # quotes 6.7 %, 3.3 %, 13.3 %
        "energy_label": ["F", "g", "B"],
        "little_means_to_invest": [True, False, True],
        "housing_cost_eur": [6000, 9000, 7000],
        "residual_minimum_eur": [9000, 9000, 9000],     # residual 8,000, 20,000, 6,000
    })
    flags = energy.classify_energy_poverty(households).set_index("household_id")
    assert flags["LEK"].tolist() == [True, True, False]
    assert flags["ZLEK"].tolist() == [True, True, False]
    assert flags["LILEK"].tolist() == [True, False, False]
    assert flags["LIHE"].tolist() == [False, False, True]
    assert flags["LEKWI"].tolist() == [True, False, False]
    assert flags["LARI"].tolist() == [True, False, True]
    shares = energy.poverty_shares(flags).set_index("code")
    assert list(shares.index) == list(energy.POVERTY_CODES)
    assert shares.loc["LIHE_or_LILEK", "households"] == 2 and pd.isna(shares.loc["LARI", "nl_2019_percent"])
    stricter = energy.classify_energy_poverty(households, low_income_ratio=1.2, low_energy_labels="G")
    assert stricter["LILEK"].tolist() == [False, False, False]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_charts_carry_a_source_and_say_the_finding(visits, solar, lang):
    chart = energy.coaches_chart(visits, lang=lang)
    assert "2" in charts.title_text(chart.to_dict()["vconcat"][0]["title"])
    assert source_of(chart)
    assert "CBS" in source_of(energy.savings_vs_cbs_chart(visits, lang=lang))
    assert source_of(energy.measures_chart(visits, lang=lang, demo=False))
    yield_title = charts.title_text(energy.share_yield_chart(solar, lang=lang).to_dict()["vconcat"][0]["title"])
    assert not math.isnan(energy.share_yield(solar)["eur_per_share"].sum()) and "30" in yield_title


def test_measure_codes_from_what_coaches_write(visits):
    assert energy.measure_code("  Ledlampen ") == "led_lamps"
    assert energy.measure_code("Waterbesparende  douchekop") == "water_saving_showerhead"
    assert energy.measure_code("Radiator foil behind radiators on an outside wall") == "radiator_foil"
    assert energy.measure_code("Zonnescherm") == "zonnescherm"
    written = visits.assign(measures=["ledlampen, radiatorfolie", "tochtstrips", "stekkerdoos met schakelaar", None])
    codes = energy.split_measures(written)["measure"].tolist()
    assert codes == ["led_lamps", "radiator_foil", "draught_strips", "standby_killer"]


def test_reach_counts_visits_households_and_coaches(visits):
    row = energy.reach(visits).iloc[0]
    assert (row["visits"], row["households"], row["coaches"]) == (4, 3, 2)
    assert row["first"] == pd.Timestamp("2022-09-05") and row["last"] == pd.Timestamp("2022-12-01")
    empty = energy.reach(visits.iloc[:0]).iloc[0]
    assert empty["visits"] == 0 and empty["first"] is None


def test_estimate_origin_counts_register_and_table_estimates(visits):
    counts = energy.estimate_origin(visits)
    assert counts[True] == 3 and counts[False] == 1  # v3 has no estimate in the register


def test_unknown_measure_counts(visits):
    extra = visits.assign(measures=["zonnescherm", "zonnescherm; led_lamps", None, "iets anders"])
    counts = energy.unknown_measure_counts(extra)
    assert counts.to_dict() == {"zonnescherm": 2, "iets anders": 1}


def test_share_example_is_the_sum_a_reader_can_check():
    assert energy.share_example(1000, 2024, lang="nl") == \
        "Een voorbeeld om na te rekenen: 1.000 kWh in 2024 levert 1.000 × € 0,10880 × 1,21 = € 131,65 op."
    assert "€ 131.65" in energy.share_example(1000, "2024", lang="en")


def test_missing_rate_note_and_share_yield_table(solar):
    assert energy.missing_rate_note(solar, lang="en") == t("energy.all_years_have_rate", "en")
    with_2021 = pd.concat([solar, solar.head(1).assign(year=2021)], ignore_index=True)
    assert "2021" in energy.missing_rate_note(with_2021, lang="nl")
    table = energy.share_yield_table(with_2021)
    assert set(table["year"]) == {2023, 2024} and table["members"].tolist() == [2, 1]
    assert energy.share_yield_table(with_2021, public=True)["members"].isna().all()  # 2 and 1 member: suppressed


def test_public_counts_follow_the_small_cell_rule(visits):
    assert energy.reach(visits, public=True)[["visits", "households", "coaches"]].isna().all(axis=None)
    assert energy.estimate_origin(visits, public=True).isna().all()
    many = pd.concat([visits.assign(visit_id=visits["visit_id"] + f"_{i}", measures="zonnescherm") for i in range(3)]
                     + [visits.head(1).assign(visit_id="x", measures="iets anders")], ignore_index=True)
    assert energy.unknown_measure_counts(many, public=True).to_dict() == {"zonnescherm": 10}  # 12 → 10; 1 left out


def test_public_coaches_chart_counts_per_quarter_with_the_small_cell_rule(visits):
    quarters = energy.coaches_per_quarter(visits)
    assert quarters["quarter"].tolist() == [pd.Timestamp("2022-07-01"), pd.Timestamp("2022-10-01")]
    assert quarters["visits"].tolist() == [1, 3] and quarters["active_coaches"].tolist() == [1, 2]
    spec = energy.coaches_chart(visits, lang="en", public=True).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert all(r["count"] is None for r in rows)
    assert charts.title_text(spec["vconcat"][0]["title"]) == t("energy.coaches_title_few", "en", min_cell=privacy.MIN_CELL)
    spec = energy.measures_chart(visits, lang="en", public=True).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert rows and all(r["shown"] is None and r["text"] == "fewer than 10" for r in rows)  # 1–2 households each
    assert charts.title_text(spec["vconcat"][0]["title"]) == t("energy.measures_title_few", "en")


def test_measures_chart_counts_households_per_measure(visits):
    # h1 took LED lamps, radiator foil and draught strips; h2 LED lamps and a standby killer; h3 nothing
    spec = energy.measures_chart(visits, lang="en").to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert [(r["measure"], r["households"]) for r in rows][0] == ("led_lamps", 2)
    assert sorted(r["households"] for r in rows) == [1, 1, 1, 2]
    assert charts.title_text(spec["vconcat"][0]["title"]).endswith(energy.measures().loc["led_lamps", "label_en"])
    crowd = pd.concat([visits.assign(visit_id=visits["visit_id"] + f"_{i}", household_id=visits["household_id"] + f"_{i}")
                       for i in range(6)], ignore_index=True)  # 12 households with LED lamps, 6 with each other measure
    public = next(iter(energy.measures_chart(crowd, lang="en", public=True).to_dict()["datasets"].values()))
    assert [(r["key"], r["shown"]) for r in public][0] == ("led_lamps", 10)
    assert all(r["shown"] is None for r in public[1:])


@pytest.mark.parametrize("make", [energy.coaches_chart, energy.measures_chart, energy.savings_vs_cbs_chart])
def test_charts_without_visits_raise_no_data(visits, make):
    with pytest.raises(charts.NoData, match="energy.no_data"):
        make(visits.iloc[:0])


@pytest.mark.parametrize("make", [energy.share_yield_chart, energy.missing_rate_note])
def test_solar_parts_without_solar_rows_raise_no_data(solar, make):
    with pytest.raises(charts.NoData, match="energy.no_solar"):
        make(solar.iloc[:0])


def test_tables_in_a_language():
    nl = energy.measures(lang="nl")
    assert list(nl.columns) == ["label", "kwh_per_year", "gas_m3_per_year", "source"]
    assert nl.loc["led_lamps", "label"].startswith("Ledlampen")
    assert energy.measures(lang="ar").loc["led_lamps", "label"].startswith("LED lamps")  # no Arabic column: English
    indicators = energy.poverty_indicators(lang="en").set_index("code")
    assert list(indicators.columns) == ["label", "definition", "thresholds", "nl_2019_percent"]
    assert indicators.loc["HEQ", "label"] == "High energy quote"
    thresholds = energy.poverty_thresholds(lang="nl")
    assert list(thresholds.columns) == ["value", "unit", "meaning", "source"]
    assert thresholds.loc["heq_energy_quote", "meaning"].startswith("HEQ: energiekosten")


def test_years_come_from_the_data():
    assert energy.newest_cbs_year() == 2017  # cbs_use.csv: Oude Westen 2014–2017
    assert energy.savings_vs_cbs(pd.DataFrame(columns=["visit_id", "date", "household_id", "coach_id", "measures",
                                                       "est_kwh_saved", "est_gas_m3_saved"]))["year"].tolist() == [2017, 2017]
    assert energy.newest_tax_year() == 2024  # energy_tax.csv: 2016, 2020, 2022, 2023, 2024
    assert energy.share_example(lang="nl") == energy.share_example(1000, 2024, lang="nl")


def test_share_yield_chart_sends_no_member_count(solar):
    rows = next(iter(energy.share_yield_chart(solar).to_dict()["datasets"].values()))
    assert rows and all(set(r) == {"project", "year", "kwh_per_share", "eur_per_share"} for r in rows)


def test_share_yield_chart_title_gives_one_amount_when_all_years_yield_the_same(solar):
    title = charts.title_text(energy.share_yield_chart(solar[solar["year"] == 2023], lang="en").to_dict()["vconcat"][0]["title"])
    # 2023: (400 + 600) kWh × € 0.12599 × 1.21 over 5 shares = € 30.49 per share
    assert title == t("energy.share_title_one", "en", eur="30.49")


def test_summary_three_lines_from_the_data(visits, solar):
    text = energy.summary(visits, solar, lang="en", demo=True)
    lines = text.split("  \n")
    assert len(lines) == 3 and lines[0].startswith("*Question:*") and "made-up demo data" in lines[1]
    assert "4 home visits" in lines[1] and "3 households" in lines[2]
    assert "2.5%" in lines[2]  # (70 / 3) m³ per household of 930 m³ per dwelling (CBS 2017)
    assert "a share in the solar roof yielded 25.01 to 30.49 euro a year" in lines[2]  # 190 and 200 kWh per share
    public = energy.summary(visits, solar, lang="en", public=True)
    assert "fewer than 10 households" in public and "fewer than 10 home visits" in public
    assert len(energy.summary(visits.iloc[:0], solar, lang="nl").split("  \n")) == 2
