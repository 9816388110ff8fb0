"""The whole cleaning step on the demo registers, on bad input, and on random registers."""

import csv
import datetime as dt
import json
import re
import subprocess
import sys

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from werkplaats_data import clean, cleaning_report, demo, pipeline, privacy, schemas
from werkplaats_data.release import load_release, write_release

KEY = b"test-key-for-the-pipeline-tests!"


@pytest.fixture(scope="module")
def registers(tmp_path_factory):
    out = tmp_path_factory.mktemp("registers")
    demo.write_demo_registers(out)
    return out


@pytest.fixture(scope="module")
def result(registers):
    return pipeline.clean_registers(registers, key=KEY)


@pytest.fixture(scope="module")
def release(result, tmp_path_factory):
    out = tmp_path_factory.mktemp("release")
    pipeline.write_outputs(result, out, tmp_path_factory.mktemp("quarantine"), demo=True)
    return load_release(out)


def test_every_row_is_released_or_quarantined(result):
    counts = result.counts
    assert (counts["unaccounted"] == 0).all(), counts[counts["unaccounted"] != 0]
    assert (counts["rows_in"] == counts["rows_released"] + counts["rows_quarantined"]).all()
    assert counts["rows_in"].sum() > 10000


def test_the_planted_errors_and_only_those_go_to_quarantine(result):
    q = result.quarantine
    for file, what in demo.PLANTED_ERRORS:
        assert (q["file"] == file).any(), f"planted error not quarantined: {file}: {what}"
    totals = q["reason_en"].str.startswith("totals row")
    assert totals.sum() == 2  # the Repair Café register and the Ruilpunt ledger end with a totals row
    assert q[~totals].groupby(["file", "sheet", "row"]).ngroups == len(demo.PLANTED_ERRORS)
    assert q["reason_nl"].str.len().gt(10).all() and q["reason_en"].str.len().gt(10).all()


def test_quarantine_points_at_file_sheet_row_and_column(result):
    q = result.quarantine
    impossible = q[q["value"] == "31-02-2024"].iloc[0]
    assert impossible["file"] == "repaircafe_register_2023-2025.xlsx"
    assert impossible["sheet"] == "Register" and impossible["column"] == "Datum" and impossible["row"] > 3


def test_a_value_out_of_range_names_the_register_header_with_a_dutch_decimal_comma(result):
    [points] = result.quarantine[result.quarantine["file"] == "ruilpunt_punten.csv"].query("column == 'Punten'").itertuples()
    assert points.reason_nl == "Punten: moet minstens 0,01 zijn" and points.reason_en == "Punten: must be at least 0.01"
    summary = cleaning_report.reason_summary(result.quarantine)  # values are masked there, the column is not
    assert "Punten: moet minstens 0,01 zijn" in set(summary["reason_nl"])


def test_a_duplicate_row_has_one_reason_and_names_the_earlier_row_in_its_value(result):
    [twin] = result.quarantine[result.quarantine["reason_en"].str.startswith("duplicate row")].itertuples()
    earlier = re.fullmatch(r"= regel (\d+) / = row \1", twin.value)
    assert earlier and int(earlier[1]) < twin.row and "eerdere regel" in twin.reason_nl


def test_no_name_phone_email_or_address_reaches_the_release(release, registers):
    text = "\n".join(p.read_text(encoding="utf-8") for p in release.path.glob("*.csv"))
    text += (release.path / "datapackage.json").read_text(encoding="utf-8")
    text += (release.path / "cleaning_report.md").read_text(encoding="utf-8")
    lowered = text.lower()
    for person in demo.DemoWorld(demo.SEED).people:
        assert person.name.lower() not in lowered, person.name
        assert f"{person.last}, {person.first}".lower() not in lowered
    assert "@voorbeeld.invalid" not in lowered
    assert not re.search(r"06-\d{8}", text)
    for street in demo.STREETS:  # streets may appear (greening), house numbers may not
        assert not re.search(rf"{street} \d", text)


def test_name_variants_share_one_pseudonym(release, registers):
    rows = list(csv.reader((registers / "ruilpunt_punten.csv").open(encoding="cp1252"), delimiter=";"))
    written = {r[1] for r in rows[1:] if clean.normalise_name(r[1]) == "amal fictief"}
    assert len(written) > 1  # 'Amal Fictief', 'Fictief, Amal', ' amal  fictief ' …
    amal = {privacy.pseudonym(r, KEY) for r in written}
    assert len(amal) == 1
    assert amal <= set(release.people["person_id"])


def test_release_tables_pass_their_schemas(release):
    for name in schemas.TABLES:
        assert name in release.tables, name
        schemas.schema(name).validate(release.tables[name])


def test_references_between_tables_hold(release):
    assert set(release.attendance["session_id"]) <= set(release.sessions["session_id"])
    assert set(release.attendance["person_id"]) <= set(release.people["person_id"])
    assert set(release.sessions["activity_id"]) <= set(release.activities["activity_id"])


def test_datapackage_describes_every_table_in_dutch_and_english(release):
    package = json.loads((release.path / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"] and package["created"] and package["demo"] is True
    for resource in package["resources"]:
        assert resource["count_of_rows"] == len(release.tables[resource["name"]])
        assert resource["sources"], resource["name"]
        for f in resource["schema"]["fields"]:
            assert f["title"] and f["title_nl"] and f["description"] and f["description_nl"]


def test_datapackage_has_frictionless_keys_row_counts_time_fields_and_every_source(release):
    package = json.loads((release.path / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    assert resources["attendance"]["schema"]["primaryKey"] == ["session_id", "person_id"]
    keys = {k["fields"]: k for k in resources["attendance"]["schema"]["foreignKeys"]}
    assert keys["session_id"]["reference"] == {"resource": "sessions", "fields": "session_id"}
    assert keys["person_id"]["reference"] == {"resource": "people", "fields": "person_id"}
    swaps = {k["fields"]: k for k in resources["swaps"]["schema"]["foreignKeys"]}
    assert swaps["giver_id"]["exceptions"] == [schemas.ORGANISATION_ACCOUNT]
    assert {k["fields"] for k in resources["story_selections"]["schema"]["foreignKeys"]} == {"story_id"}
    for name, resource in resources.items():
        assert resource["stats"]["rows"] == len(release.tables[name])
        assert resource["bytes"] == (release.path / resource["path"]).stat().st_size
        assert resource["hash"].startswith("sha256:")
        for key in resource["schema"].get("foreignKeys", []):  # every key holds in the release
            values = release.tables[name][key["fields"]].dropna()
            target = set(release.tables[key["reference"]["resource"]][key["reference"]["fields"]])
            assert values[~values.isin(key.get("exceptions", []))].isin(target).all(), (name, key)
    fields = {f["name"]: f for f in resources["sessions"]["schema"]["fields"]}
    assert fields["start_time"]["type"] == "time" and fields["start_time"]["format"] == "%H:%M"
    people_sources = resources["people"]["sources"]
    assert people_sources and all(s["path"] and s["title"] for s in people_sources)
    assert {"ruilpunt_punten.csv", "deelnemers.xlsx"} <= {s["path"] for s in people_sources}
    enum = {f["name"]: f for f in resources["repairs"]["schema"]["fields"]}["product_category"]["constraints"]["enum"]
    assert {"Kettle", "Unpowered - Textile"} <= set(enum) and set(release.repairs["product_category"].dropna()) <= set(enum)


def test_release_round_trip(release, tmp_path):
    again = load_release(write_release(release.tables, tmp_path / "copy"))
    for name, frame in release.tables.items():
        pd.testing.assert_frame_equal(again.tables[name], frame, check_dtype=False)


def test_release_csv_copies_hold_every_row_with_plain_dates(release):
    for name in ("repairs", "swaps", "people"):
        copy = pd.read_csv(release.path / f"{name}.csv", dtype=str)
        assert len(copy) == len(release.tables[name]) and list(copy.columns) == list(release.tables[name].columns)
    dates = pd.read_csv(release.path / "repairs.csv", dtype=str)["date"]
    assert dates.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()


# --- calibration to the report (facts.csv) -----------------------------------------------------------

def _sessions(release, activity):
    s = release.sessions
    return s[s["activity_id"] == activity]


def test_ruilpunt_about_250_visits_a_month_and_about_1300_members(release):
    s = _sessions(release, "ruilpunt")
    per_month = s.groupby(s["date"].dt.to_period("M"))["visitors_count"].sum()
    assert 200 <= per_month.mean() <= 300
    members = (set(release.swaps["giver_id"]) | set(release.swaps["receiver_id"])) - {schemas.ORGANISATION_ACCOUNT}
    assert 1250 <= len(members) <= 1350  # facts: 1300 members, also those who swap only now and then
    swaps_each = pd.concat([release.swaps["giver_id"], release.swaps["receiver_id"]]).value_counts()
    assert (swaps_each.drop(schemas.ORGANISATION_ACCOUNT) <= 3).sum() >= 300  # members who rarely swap


def test_ceramics_four_times_a_year_is_its_own_series(release):
    s = _sessions(release, "workshops")
    ceramics = s[s["title"] == "Keramiek schilderen"]
    assert ceramics.groupby(ceramics["date"].dt.year).size().eq(4).all() and len(ceramics) == 16
    assert {"Upcycle textiel", "Tassen van rijstzakken", "Dialoog op school"} <= set(s["title"])
    expos = _sessions(release, "exhibitions")
    assert set(expos["title"]) == {"De Zachte Stad", "Tuinplezier en Wortelwerk", "De energie van het Oude Westen"}


def test_demo_headers_vary_across_registers_as_volunteers_write_them():
    headers = {h for sheets in demo.build().sheets.values() for rows in sheets.values() for row in rows[:4] for h in row
               if isinstance(h, str)}
    assert {"Datum", "datum bezoek", "Dag", "Apparaat", "Wat is er kapot?", "Resultaat", "Naam",
            "Voor- en achternaam", "Gegeven door"} <= headers


def test_demo_ods_register_has_a_title_row_and_merged_dates_that_clean(registers, result):
    import zipfile

    with zipfile.ZipFile(registers / "vergroening.ods") as zf:
        content = zf.read("content.xml")
    assert b"number-rows-spanned" in content and b"covered-table-cell" in content
    q = result.quarantine[result.quarantine["file"] == "vergroening.ods"]
    assert len(q) == 1 and q["value"].iloc[0] == "03/21/2022"  # only the planted month-first date
    greening = result.tables["greening"]
    assert (greening.groupby("date").size() > 1).sum() >= 5  # days with two actions under one merged date


def test_repair_cafe_third_saturday_12_to_14_from_2023_with_three_volunteers(release):
    s = _sessions(release, "repair_cafe")
    assert s["date"].min().year == 2023
    assert (s["date"].dt.weekday == 5).all() and s["date"].dt.day.between(15, 21).all()
    assert set(s["start_time"]) == {"12:00"} and set(s["end_time"]) == {"14:00"}
    a = release.attendance[release.attendance["session_id"].isin(s["session_id"])]
    assert a["person_id"].nunique() == 3


def test_textiel_fridays_from_september_2023_with_8_to_10_participants(release):
    s = _sessions(release, "textiel")
    assert s["date"].min() >= pd.Timestamp("2023-09-01") and (s["date"].dt.weekday == 4).all()
    a = release.attendance[release.attendance["session_id"].isin(s["session_id"])]
    per_session = a[a["role"] != "coordinator"].groupby("session_id").size()
    assert 8 <= per_session.mean() <= 10.5


def test_energy_coaches_ten_then_one_after_coordination_stopped(release):
    s = _sessions(release, "energy_coaching")
    a = release.attendance.merge(s[["session_id", "date"]], on="session_id")
    coaches = a[a["role"] == "volunteer"]
    assert coaches[coaches["date"] < "2023-09-01"]["person_id"].nunique() == 10
    assert coaches[coaches["date"] >= "2025-01-01"]["person_id"].nunique() == 1
    support = release.paid_support[release.paid_support["activity_id"] == "energy_coaching"]
    assert support["end"].max() == pd.Timestamp("2023-08-31")
    assert 70 <= release.energy_visits["household_id"].nunique() <= 80


def test_exhibitions_on_their_dates(release):
    days = _sessions(release, "exhibitions")["date"]
    for start, end in (("2023-01-26", "2023-02-19"), ("2023-03-13", "2023-04-14"), ("2024-04-24", "2024-06-05")):
        assert days.between(start, end).any()
    assert days.between("2024-04-24", "2024-06-05").sum() + days.between("2023-01-26", "2023-04-14").sum() == len(days)


def test_energy_measures_are_released_as_codes(release):
    codes = set(";".join(release.energy_visits["measures"].dropna()).split(";"))
    assert codes <= {"led_lamps", "radiator_foil", "draught_strips", "water_saving_showerhead", "standby_killer",
                     "thermostat_advice"}, codes


def test_demo_is_deterministic(tmp_path):
    a, b = demo.build(seed=7), demo.build(seed=7)
    assert a.sheets == b.sheets
    assert demo.build(seed=8).sheets != a.sheets


# --- the command line, and bad input ---------------------------------------------------------------

def _werkplaats(*args, env=None, tmp_path=None):
    import os

    environment = {**os.environ, "WERKPLAATS_KEY_FILE": str(tmp_path / "key"), **(env or {})}
    return subprocess.run([sys.executable, "-m", "werkplaats_data.cli", *map(str, args)],
                          capture_output=True, text=True, env=environment, timeout=300)


@pytest.mark.slow
def test_cli_demo_then_clean(tmp_path):
    assert _werkplaats("demo", "--out", tmp_path / "raw", tmp_path=tmp_path).returncode == 0
    done = _werkplaats("clean", tmp_path / "raw", "--out", tmp_path / "rel", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Rows in:" in done.stdout and "Traceback" not in done.stderr
    assert (tmp_path / "rel" / "datapackage.json").exists()
    assert (tmp_path / "raw" / "quarantaine" / "quarantaine.csv").exists()
    assert not list((tmp_path / "rel").glob("quarantaine*"))  # quarantine stays beside the registers
    assert load_release(tmp_path / "rel").is_demo  # cleaned demo registers are still labelled demo data


def test_cli_bad_files_are_named_and_the_rest_is_cleaned(tmp_path, registers):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "ruilpunt_punten.csv").write_bytes((registers / "ruilpunt_punten.csv").read_bytes())
    (raw / "leeg.csv").write_bytes(b"")
    (raw / "geheim.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    (raw / "foto.jpg").write_bytes(b"\xff\xd8\xff")
    done = _werkplaats("clean", raw, "--out", tmp_path / "rel", tmp_path=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    for name in ("leeg.csv", "geheim.xlsx", "foto.jpg"):
        assert name in done.stdout
    assert load_release(tmp_path / "rel").has("swaps")


def test_cli_nothing_readable_is_one_line_and_exit_2(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "leeg.csv").write_bytes(b"")
    done = _werkplaats("clean", raw, "--out", tmp_path / "rel", tmp_path=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "werkplaats clean:" in done.stderr


def test_cli_kind_override(tmp_path):
    raw = tmp_path / "lijst.csv"
    raw.write_text("Naam;Geboortejaar\nRia Demo;1970\n", encoding="utf-8")
    done = _werkplaats("clean", raw, "--out", tmp_path / "rel", "--kind", "people", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(load_release(tmp_path / "rel").people) == 1


def test_two_registers_of_one_activity_get_distinct_ids(tmp_path):
    """Ids are numbered over the whole table, so a second Repair Café list on the same day is kept."""
    for name in ("reparaties_zaal.csv", "reparaties_tuin.csv"):
        (tmp_path / name).write_text("Datum;Naam bezoeker;Apparaat;Wat is er kapot?;Resultaat\n"
                                     "3-2-2024;Ria Demo;Lamp;snoer;gerepareerd\n"
                                     "3-2-2024;Kees Proef;Radio;ruis;advies gegeven\n",
                                     encoding="utf-8")
    result = pipeline.clean_registers(tmp_path, key=KEY)
    assert result.quarantine.empty
    assert sorted(result.tables["repairs"]["repair_id"]) == [f"rc_20240203_0{n}" for n in (1, 2, 3, 4)]


# --- property: whatever volunteers type, no row is lost ----------------------------------------------

CELL = st.one_of(st.just(""), st.sampled_from(["3-2-2024", "31-2-2024", "03/02/24", "Gerepareerd", "x", "????",
                                               "Totaal", "Lamp", "Föhn"]), st.text(max_size=12))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(CELL, min_size=6, max_size=6), min_size=1, max_size=25))
def test_rows_are_never_lost(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("random")
    with (folder / "reparaties.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["Datum", "Naam bezoeker", "Apparaat", "Merk", "Wat is er kapot?", "Resultaat"])
        writer.writerows([[c.replace("\n", " ").replace("\r", " ") for c in r] for r in rows])
    result = pipeline.clean_registers(folder, key=KEY)
    if result.skipped:
        return  # the file as a whole was refused, with a reason
    assert (result.counts["unaccounted"] == 0).all()
    assert result.counts["rows_in"].sum() == result.counts["rows_released"].sum() + result.counts["rows_quarantined"].sum()


def test_stories_folder_beside_the_registers_gives_story_tables(release, registers):
    assert (registers / "stories").is_dir()
    assert len(release.stories) > 0 and len(release.story_codings) > 0
    redaction_list = (registers / "stories" / "redaction.csv")
    if redaction_list.exists():  # canary names listed for redaction never reach the release
        terms = pd.read_csv(redaction_list).iloc[:, 0].dropna().astype(str)
        text = "\n".join(p.read_text(encoding="utf-8") for p in release.path.glob("story*.csv"))
        for term in terms:
            assert term not in text, term


# --- sheets, links between registers, times and dates (small registers worked out by hand) ----------

def _write(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")


def test_a_sheet_that_cannot_be_read_is_skipped_with_its_reason_and_the_exit_status_says_so(tmp_path):
    import openpyxl

    raw = tmp_path / "raw"
    raw.mkdir()
    wb = openpyxl.Workbook()
    wb.active.title = "2023"
    wb.active.append(["Datum", "Apparaat", "Wat is er kapot?", "Resultaat"])
    wb.active.append(["3-2-2023", "Lamp", "flikkert", "gerepareerd"])
    ws = wb.create_sheet("2024")
    ws.append(["Datum", "Apparaat", "Wat is er kapot?", "Uitslag"])
    ws.append(["3-2-2024", "Radio", "ruis", "gerepareerd"])
    wb.save(raw / "reparaties.xlsx")
    result = pipeline.clean_registers(raw, key=KEY)
    assert len(result.tables["repairs"]) == 1
    [line] = result.skipped
    assert "blad '2024'" in line and "Resultaat" in line
    done = _werkplaats("clean", raw, "--out", tmp_path / "rel", tmp_path=tmp_path)
    assert done.returncode == 1 and "blad '2024'" in done.stdout
    assert "blad '2024'" in (tmp_path / "rel" / "cleaning_report.md").read_text(encoding="utf-8")


def test_attendance_of_a_quarantined_session_is_quarantined_with_the_session_and_its_reason(tmp_path):
    _write(tmp_path, "activiteiten.csv", "Activiteit;Thema;Startdatum\nRepair Café;circulair;1-1-2023\n")
    _write(tmp_path, "bijeenkomsten.csv", "Activiteit;Datum;Begintijd;Aantal bezoekers\n"
                                          "Repair Café;3-2-2024;12.00;12\nRepair Café;2-3-2024;12.00;99999\n")
    _write(tmp_path, "presentielijst.csv", "Activiteit;Datum;Naam;Rol\nRepair Café;3-2-2024;Ria Demo;vrijwilliger\n"
                                           "Repair Café;2-3-2024;Ria Demo;vrijwilliger\n"
                                           "Repair Café;2-3-2024;Kees Proef;bezoeker\n")
    result = pipeline.clean_registers(tmp_path, key=KEY)
    assert len(result.tables["sessions"]) == 1 and len(result.tables["attendance"]) == 1
    q = result.quarantine[result.quarantine["file"] == "presentielijst.csv"]
    assert sorted(q["row"]) == [3, 4]
    assert q["value"].eq("repair_cafe 02-03-2024").all()
    assert q["reason_nl"].str.contains("staat in quarantaine").all()
    assert q["reason_en"].str.contains("must be at most 5000").all()  # why the session went
    assert (result.counts["unaccounted"] == 0).all()


def test_without_an_activities_register_sessions_of_known_activities_clean_and_the_report_says_so(tmp_path):
    _write(tmp_path, "bijeenkomsten.csv", "Activiteit;Datum;Begintijd\nRepair Café;3-2-2024;12.00\n"
                                          "Ruilpunt;5-2-2024;12.00\nBreicafé;6-2-2024;10.00\n")
    result = pipeline.clean_registers(tmp_path, key=KEY)
    assert sorted(result.tables["sessions"]["activity_id"]) == ["repair_cafe", "ruilpunt"]
    activities = result.tables["activities"].set_index("activity_id")
    assert activities.at["ruilpunt", "name_en"] == "Swap shop" and activities.at["ruilpunt", "started"] == pd.Timestamp("2024-02-05")
    [q] = result.quarantine.itertuples()
    assert q.value == "breicafe" and "activities" in q.reason_en
    assert any("geen register 'Activiteiten'" in n for n in result.notes)
    out = tmp_path / "rel"
    pipeline.write_outputs(result, out, tmp_path / "q")
    assert "ingebouwde lijst" in (out / "cleaning_report.md").read_text(encoding="utf-8")


def test_every_link_is_checked_and_the_ruilpunt_account_is_no_person():
    refs = schemas.references()
    for link in [("attendance", "session_id", "sessions", "session_id"), ("attendance", "person_id", "people", "person_id"),
                 ("swaps", "giver_id", "people", "person_id"), ("swaps", "receiver_id", "people", "person_id"),
                 ("energy_visits", "coach_id", "people", "person_id"), ("solar", "person_id", "people", "person_id"),
                 ("survey_responses", "person_id", "people", "person_id"), ("consents", "person_id", "people", "person_id"),
                 ("story_selections", "story_id", "stories", "story_id")]:
        assert link in refs, link
    tables = {"people": pd.DataFrame({"person_id": ["p_a"], "_file": "x", "_sheet": "", "_row": 1}),
              "swaps": pd.DataFrame({"giver_id": ["p_a", "p_b", schemas.ORGANISATION_ACCOUNT],
                                     "receiver_id": [schemas.ORGANISATION_ACCOUNT, "p_a", "p_a"],
                                     "_file": "r.csv", "_sheet": "", "_row": [2, 3, 4]})}
    records = pipeline._reference_check(tables)
    assert [r["row"] for r in records] == [3] and records[0]["column"] == "giver_id"
    assert list(tables["swaps"]["_row"]) == [2, 4]


def test_a_time_range_in_one_cell_gives_start_and_end_of_a_session(tmp_path):
    _write(tmp_path, "bijeenkomsten.csv", "Activiteit;Datum;Begintijd;Eindtijd\nRepair Café;3-2-2024;12.00-14.00;\n"
                                          "Repair Café;2-3-2024;12:00:00;14:00:00\nRepair Café;6-4-2024;12.00-14.00;15.00\n")
    result = pipeline.clean_registers(tmp_path, key=KEY)
    s = result.tables["sessions"]
    assert list(s["start_time"]) == ["12:00", "12:00"] and list(s["end_time"]) == ["14:00", "14:00"]
    [q] = result.quarantine.itertuples()
    assert q.row == 4 and q.column == "Begintijd" and "tot 14:00" in q.reason_nl


def test_clean_registers_uses_today_for_dates_in_the_future(tmp_path):
    _write(tmp_path, "reparaties.csv", "Datum;Apparaat;Wat is er kapot?;Resultaat\n3-2-2024;Lamp;snoer;gerepareerd\n"
                                       "3-2-2025;Radio;ruis;gerepareerd\n")
    _write(tmp_path, "bijeenkomsten.csv", "Activiteit;Datum\nRepair Café;3-2-2025\n")
    result = pipeline.clean_registers(tmp_path, key=KEY, today=dt.date(2024, 6, 1))
    assert len(result.tables["repairs"]) == 1 and len(result.tables["sessions"]) == 1  # a session may be planned
    [q] = result.quarantine.itertuples()
    assert q.file == "reparaties.csv" and "toekomst" in q.reason_nl
    assert len(pipeline.clean_registers(tmp_path, key=KEY, today=dt.date(2025, 6, 1)).tables["repairs"]) == 2


def test_a_csv_row_with_a_delimiter_too_many_is_quarantined_and_the_rest_released(tmp_path):
    lines = ["Datum;Apparaat;Wat is er kapot?;Resultaat"] + ["3-2-2024;Lamp;snoer;gerepareerd"] * 35
    lines.insert(33, "3-2-2024;Lamp; klein;snoer;gerepareerd")
    _write(tmp_path, "reparaties.csv", "\n".join(lines) + "\n")
    result = pipeline.clean_registers(tmp_path, key=KEY)
    assert result.skipped == []
    wide = result.quarantine[result.quarantine["reason_en"].str.contains("more cells than the header")]
    assert wide["row"].tolist() == [34]
    assert (result.counts["unaccounted"] == 0).all() and int(result.counts["rows_in"].sum()) == 36


def test_cli_damaged_key_file_and_out_pointing_at_a_file_give_plain_messages(tmp_path, registers):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "ruilpunt_punten.csv").write_bytes((registers / "ruilpunt_punten.csv").read_bytes())
    (tmp_path / "key").write_text("dit is geen sleutel\n")
    done = _werkplaats("clean", raw, "--out", tmp_path / "rel", tmp_path=tmp_path)
    assert done.returncode == 2 and "beschadigd" in done.stderr and "Traceback" not in done.stderr
    (tmp_path / "key").write_bytes(b"\xff\xfe\x00garbage")
    assert _werkplaats("clean", raw, "--out", tmp_path / "rel", tmp_path=tmp_path).returncode == 2
    (tmp_path / "key").unlink()
    (tmp_path / "release.txt").write_text("x")
    done = _werkplaats("clean", raw, "--out", tmp_path / "release.txt", tmp_path=tmp_path)
    assert done.returncode == 2 and "geen map" in done.stderr and "iets mis in de kit" not in done.stderr


def test_open_survey_answers_lose_names_phone_numbers_and_e_mail_before_release(tmp_path):
    _write(tmp_path, "presentielijst.csv", "Activiteit;Datum;Naam;Rol\nRepair Café;3-2-2024;Karel Kanarie;vrijwilliger\n"
                                           "Repair Café;3-2-2024;El Amrani, Fatima;bezoeker\nRepair Café;3-2-2024;Wil Proef;bezoeker\n")
    _write(tmp_path, "bijeenkomsten.csv", "Activiteit;Datum\nRepair Café;3-2-2024\n")
    _write(tmp_path, "enquete.csv", "Naam;Datum;open_why\n"
                                    "Wil Proef;1-10-2024;Karel kanarie helpt mij, bel 06-12345678 of mail k.k@voorbeeld.nl\n"
                                    "Karel Kanarie;1-10-2024;Ik wil iets doen met Fatima en de buurvrouw Truus Tulp\n")
    (tmp_path / "stories").mkdir()
    (tmp_path / "stories" / "redaction.csv").write_text("term,kind\nTruus Tulp,person\n", encoding="utf-8")
    result = pipeline.clean_registers(tmp_path, key=KEY)
    texts = " ".join(result.tables["survey_responses"]["text"].dropna())
    for canary in ("Karel", "kanarie", "06-12345678", "k.k@voorbeeld.nl", "Fatima", "Truus", "Tulp"):
        assert canary not in texts, canary
    assert "[naam] helpt mij" in texts and "[telefoon]" in texts and "[e-mail]" in texts
    assert "Ik wil iets doen" in texts  # 'wil' in lower case is a verb, not the name Wil


def test_load_release_reads_only_the_tables_asked_for(release):
    part = load_release(release.path, tables=["sessions", "attendance", "no_such_table"])
    assert set(part.tables) == {"sessions", "attendance"}
    assert part.sessions.equals(release.sessions)
