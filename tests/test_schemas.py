"""The canonical tables' schemas, data dictionary and the report's facts."""

import pandas as pd
import pandera.errors
import pytest

import werkplaats_data as wd
from werkplaats_data import schemas

DESIGN_COLUMNS = {  # the contract in DESIGN.md
    "activities": ["activity_id", "name_nl", "name_en", "theme", "started", "ended", "paid_support_hours_per_week"],
    "sessions": ["session_id", "activity_id", "date", "start_time", "end_time", "location", "visitors_count"],
    "attendance": ["session_id", "person_id", "role"],
    "people": ["person_id", "birth_year_band", "lives_in_neighbourhood", "first_seen"],
    "repairs": ["repair_id", "date", "product_category", "partner_product_category", "brand", "year_of_manufacture",
                "problem", "repair_status", "repair_barrier"],
    "swaps": ["swap_id", "date", "giver_id", "receiver_id", "kind", "category", "points"],
    "energy_visits": ["visit_id", "date", "household_id", "coach_id", "measures", "est_kwh_saved", "est_gas_m3_saved"],
    "greening": ["action_id", "date", "kind", "street", "quantity", "unit"],
    "solar": ["person_id", "project", "year", "shares", "kwh_allocated"],
    "survey_responses": ["response_id", "person_id", "date", "instrument", "item", "value"],
    "consents": ["person_id", "subject", "purpose", "granted", "date"],
}


@pytest.mark.parametrize("table, columns", DESIGN_COLUMNS.items())
def test_every_design_table_and_column_exists(table, columns):
    assert set(columns) <= set(schemas.TABLES[table].column_names)


def test_data_dictionary_has_dutch_and_english_for_every_column():
    dictionary = schemas.data_dictionary()
    assert len(dictionary) == sum(len(t.columns) for t in schemas.TABLES.values())
    for col in ("label_nl", "label_en", "description_nl", "description_en"):
        assert dictionary[col].str.len().gt(1).all(), col


def test_schema_rejects_values_outside_the_rules():
    good = pd.DataFrame({"session_id": ["s1"], "person_id": ["p_1"], "role": ["volunteer"]})
    schemas.schema("attendance").validate(good)
    for bad in (good.assign(role="boss"), pd.concat([good, good], ignore_index=True), good.assign(extra=1)):
        with pytest.raises((pandera.errors.SchemaError, pandera.errors.SchemaErrors)):
            schemas.schema("attendance").validate(bad)
    swaps = pd.DataFrame({"swap_id": ["s"], "date": [pd.Timestamp("2024-01-01")], "giver_id": ["a"],
                          "receiver_id": ["b"], "kind": ["good"], "category": [None], "points": [-5.0]})
    with pytest.raises((pandera.errors.SchemaError, pandera.errors.SchemaErrors)):
        schemas.schema("swaps").validate(swaps)


def test_repairs_product_category_must_be_in_the_ords_list_and_times_are_hh_mm():
    repair = pd.DataFrame({"repair_id": ["r1"], "date": [pd.Timestamp("2024-01-01")], "product_category": ["Kettle"],
                           "partner_product_category": [None], "brand": [None], "year_of_manufacture": [None],
                           "problem": [None], "repair_status": ["Fixed"], "repair_barrier": [None]})
    schemas.schema("repairs").validate(repair)
    with pytest.raises((pandera.errors.SchemaError, pandera.errors.SchemaErrors)):
        schemas.schema("repairs").validate(repair.assign(product_category="Waterkoker"))
    session = pd.DataFrame({"session_id": ["s"], "activity_id": ["a"], "date": [pd.Timestamp("2024-01-01")],
                            "start_time": ["12:00"], "end_time": [None], "location": [None], "visitors_count": [None],
                            "title": [None]})
    schemas.schema("sessions").validate(session)
    with pytest.raises((pandera.errors.SchemaError, pandera.errors.SchemaErrors)):
        schemas.schema("sessions").validate(session.assign(start_time="12.00 u"))


def test_references_cover_attendance_and_sessions():
    refs = schemas.references()
    assert ("attendance", "session_id", "sessions", "session_id") in refs
    assert ("sessions", "activity_id", "activities", "activity_id") in refs


def test_facts_from_the_report():
    facts = wd.facts()
    assert facts.loc["ruilpunt_members", "value"] == "1300"
    assert facts.loc["energy_coaches_trained", "value"] == "10"
    assert {"value", "unit", "period", "report_section", "source"} <= set(facts.columns)
    assert facts["report_section"].str.len().gt(0).all()


def test_facts_in_a_language():
    nl = wd.facts(lang="nl")
    assert list(nl.columns) == ["value", "unit", "period", "statement", "source"]
    assert nl.loc["ruilpunt_members", "statement"] == "Het Ruilpunt heeft 1300 leden"
    assert wd.facts(lang="en").loc["ruilpunt_members", "statement"] == "The Ruilpunt has 1300 members"
    assert wd.facts()["statement_nl"].str.len().gt(0).all()  # every figure has its Dutch statement


def test_empty_release_table_has_the_schema_columns():
    assert list(schemas.empty_table("repairs").columns) == schemas.TABLES["repairs"].column_names
