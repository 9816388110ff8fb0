"""Tests for werkplaats_data.workplan: the plan file, its problems, and the review figures."""

from __future__ import annotations

import html

import pandas as pd
import pytest
import yaml

from werkplaats_data import charts
from werkplaats_data import workplan
from werkplaats_data.errors import UserError
from werkplaats_data.i18n import t

D = pd.Timestamp


def plan_dict(**changes) -> dict:
    base = {
        "titel": "Test", "jaar": 2025, "doelen": ["Meer reparaties"],
        "projectleider": {"rol": "projectleider", "betaalde_uren_per_week": 16, "nu_uren_per_week": 0},
        "activiteiten": [
            {"activiteit": "a", "eigenaar": "Amina", "rol_eigenaar": "coördinator", "status": "loopt",
             "vrijwilligers_nodig": 4, "betaalde_uren_per_week": 4, "budget_euro": "€ 1.200",
             "per_kwartaal": {"Q1": {"bijeenkomsten": 3, "bereik": 20}, "q2": {"bijeenkomsten": 3, "bereik": 20}}},
            {"activiteit": "b", "eigenaar": "werkgroep", "status": "nieuw", "betaalde_uren_per_week": 0,
             "per_kwartaal": {"K1": {"bijeenkomsten": 1, "bereik": 5}}},
        ],
    }
    base.update(changes)
    return base


def problem_keys(plan) -> list[str]:
    return sorted(plan.problems["key"].str.rsplit(".", n=1).str[-1])


# ------------------------------------------------------------ the plan file


def test_a_good_plan_has_no_problems_and_reads_numbers_as_written():
    plan = workplan.plan_from_dict(plan_dict())
    assert plan.problems.empty, plan.problem_texts()
    assert plan.year == 2025
    a = plan.activities.set_index("activity_id").loc["a"]
    assert a["budget_eur"] == 1200.0  # "€ 1.200" in Dutch notation
    assert sorted(plan.quarters["quarter"]) == ["Q1", "Q1", "Q2"]


def test_the_demo_plan_reads_without_problems_and_is_labelled_demo():
    plan = workplan.read_plan(workplan.demo_plan_path())
    assert plan.problems.empty, plan.problem_texts()
    assert plan.demo and plan.year == 2025
    assert {"repair_cafe", "ruilpunt", "textiel", "energy_coaching"} <= set(plan.activities["activity_id"])


def test_the_spreadsheet_template_holds_the_same_plan_as_the_demo_yaml():
    from_yaml = workplan.read_plan(workplan.demo_plan_path())
    from_xlsx = workplan.read_plan(workplan.template_path())
    assert from_xlsx.problems.empty, from_xlsx.problem_texts()
    pd.testing.assert_frame_equal(from_xlsx.activities, from_yaml.activities)
    pd.testing.assert_frame_equal(from_xlsx.quarters, from_yaml.quarters)
    assert from_xlsx.goals == from_yaml.goals and from_xlsx.project_leader == from_yaml.project_leader


@pytest.mark.parametrize("label, expected", [("Q1", "Q1"), ("q4", "Q4"), ("K2", "Q2"), ("kwartaal 3", "Q3"), (2, "Q2"),
                                             ("Q5", None), ("najaar", None), ("Q0", None)])
def test_parse_quarter(label, expected):
    assert workplan.parse_quarter(label) == expected


def test_bad_quarters_and_a_missing_owner_are_listed_and_the_rest_is_kept():
    data = plan_dict()
    data["activiteiten"][0]["per_kwartaal"]["Q5"] = {"bijeenkomsten": 1}
    data["activiteiten"][0]["per_kwartaal"]["najaar"] = {"bijeenkomsten": 1}
    del data["activiteiten"][1]["eigenaar"]
    plan = workplan.plan_from_dict(data)
    texts = plan.problem_texts("nl")
    assert len(texts) == 3
    assert any("'Q5' bestaat niet" in s and s.startswith("activiteit 1 (a)") for s in texts)
    assert any("'najaar'" in s for s in texts)
    assert any(s.startswith("activiteit 2 (b)") and "eigenaar" in s for s in texts)
    # the good parts stay: both activities, the three valid quarters
    assert list(plan.activities["activity_id"]) == ["a", "b"]
    assert len(plan.quarters) == 3
    assert "Q5" in " ".join(plan.problem_texts("en"))


def test_bad_numbers_status_and_duplicates_become_problems():
    data = plan_dict()
    data["activiteiten"][0]["vrijwilligers_nodig"] = "veel"
    data["activiteiten"][0]["status"] = "bezig"
    data["activiteiten"][1]["per_kwartaal"]["K1"]["bereik"] = -3
    data["activiteiten"].append({"activiteit": "A", "eigenaar": "X", "status": "loopt"})  # 'A' is 'a' again
    plan = workplan.plan_from_dict(data)
    assert problem_keys(plan) == ["duplicate", "number", "number", "status"]
    a = plan.activities.set_index("activity_id").loc["a"]
    assert pd.isna(a["volunteers_needed"]) and a["status"] == ""
    assert len(plan.activities) == 2


def test_misspelled_keys_are_flagged_with_the_key_that_was_meant():
    data = plan_dict(doelenn=["x"])
    first = data["activiteiten"][0]
    first["vrijwiligers_nodig"] = first.pop("vrijwilligers_nodig")
    first["budgt_euro"] = first.pop("budget_euro")
    first["per_kwartaal"]["Q1"] = {"sessies": 3, "bereik": 20}
    data["projectleider"]["uren"] = 16
    plan = workplan.plan_from_dict(data)
    texts = plan.problem_texts("nl")
    for wrong, meant in [("vrijwiligers_nodig", "vrijwilligers_nodig"), ("budgt_euro", "budget_euro"),
                         ("sessies", "bijeenkomsten"), ("doelenn", "doelen")]:
        assert any(f"'{wrong}' kennen we niet" in s and f"Bedoel je '{meant}'?" in s for s in texts), (wrong, texts)
    assert any(s.startswith("projectleider: 'uren' kennen we niet") for s in texts)
    assert any("Did you mean 'bijeenkomsten'?" in s for s in plan.problem_texts("en"))
    # what was misspelled is not used: unknown, never a silent 0
    a = plan.activities.set_index("activity_id").loc["a"]
    assert pd.isna(a["volunteers_needed"]) and pd.isna(a["budget_eur"])
    q1 = plan.quarters.set_index(["activity_id", "quarter"]).loc[("a", "Q1")]
    assert pd.isna(q1["planned_sessions"]) and q1["planned_reach"] == 20
    # and the missing 'bijeenkomsten' of Q1 is listed too
    assert any("Q1" in s and "'bijeenkomsten' staat niets" in s for s in texts)


def test_a_quarter_as_a_plain_number_is_flagged_and_counts_as_unknown_not_zero():
    data = plan_dict()
    data["activiteiten"][0]["per_kwartaal"]["Q1"] = 3
    plan = workplan.plan_from_dict(data)
    assert problem_keys(plan) == ["quarter_not_block"]
    assert "Bij Q1 staat alleen '3'" in plan.problem_texts()[0]
    out = workplan.planned_vs_realised(plan, sessions_table(), attendance_table(), data_end=D("2025-05-15"))
    q1 = out.set_index(["activity_id", "quarter"]).loc[("a", "Q1")]
    assert pd.isna(q1["planned_sessions"]) and pd.isna(q1["sessions_share"])  # unknown, not "0 planned"
    assert q1["realised_sessions"] == 2


def test_the_same_quarter_twice_is_flagged_and_counted_once():
    data = plan_dict()
    data["activiteiten"][0]["per_kwartaal"] = {"Q1": {"bijeenkomsten": 3, "bereik": 20},
                                               "q1": {"bijeenkomsten": 5, "bereik": 50}}
    plan = workplan.plan_from_dict(data)
    assert problem_keys(plan) == ["quarter_twice"]
    assert "Q1 staat twee keer in het plan (als 'Q1' en als 'q1')" in plan.problem_texts()[0]
    q1 = plan.quarters[(plan.quarters["activity_id"] == "a") & (plan.quarters["quarter"] == "Q1")]
    assert q1["planned_sessions"].tolist() == [3.0]  # the first one, not 3 + 5


def test_an_empty_figure_is_flagged_and_stays_unknown():
    data = plan_dict()
    data["activiteiten"][0]["per_kwartaal"]["Q1"] = {"bijeenkomsten": 3, "bereik": None}  # 'bereik:' left empty
    data["activiteiten"][0]["per_kwartaal"]["Q3"] = None  # 'Q3:' left empty
    plan = workplan.plan_from_dict(data)
    assert problem_keys(plan) == ["figure_missing", "quarter_empty"]
    out = workplan.planned_vs_realised(plan, sessions_table(), attendance_table(), data_end=D("2025-05-15"))
    out = out.set_index(["activity_id", "quarter"])
    assert pd.isna(out.loc[("a", "Q1"), "planned_reach"]) and pd.isna(out.loc[("a", "Q1"), "reach_share"])
    assert pd.isna(out.loc[("a", "Q3"), "planned_sessions"])
    assert out.loc[("a", "Q4"), "planned_sessions"] == 0  # not in the plan at all: planned as 0


def test_leader_hours_in_words_are_flagged_and_the_leader_still_shows():
    plan = workplan.plan_from_dict(plan_dict(projectleider={"rol": "projectleider", "betaalde_uren_per_week": "zestien"}))
    assert problem_keys(plan) == ["number"]
    assert plan.problem_texts()[0].startswith("projectleider: Bij 'betaalde_uren_per_week' staat 'zestien'")
    support = workplan.support_needed(plan, paid_table(), as_of=D("2025-03-01")).set_index("activity_id")
    assert "project_leader" in support.index and pd.isna(support.loc["project_leader", "hours_asked"])
    rv = workplan.Review(plan=plan, as_of=D("2025-03-01"), demo=False, activities=pd.DataFrame(), progress=pd.DataFrame(),
                         panel=pd.DataFrame(), uncoordinated=pd.DataFrame(), support=support)
    assert rv.missing_project_leader
    assert "hoeveel staat er niet als getal in" in rv.no_leader_text("nl")
    # no leader block at all: no leader row, nothing missing
    none = workplan.plan_from_dict({k: v for k, v in plan_dict().items() if k != "projectleider"})
    assert none.problems.empty
    assert "project_leader" not in set(workplan.support_needed(none, paid_table(), as_of=D("2025-03-01"))["activity_id"])


def test_missing_title_goals_and_year_are_flagged():
    data = {k: v for k, v in plan_dict().items() if k not in ("titel", "doelen", "jaar")}
    plan = workplan.plan_from_dict(data)
    assert problem_keys(plan) == ["no_goals", "no_title", "no_year"]
    assert plan.title == "Werkplan" and plan.year is None
    bad = workplan.plan_from_dict(plan_dict(jaar="volgend jaar"))
    assert problem_keys(bad) == ["year"] and bad.year is None


def test_a_plan_without_a_year_takes_the_year_of_the_data_and_says_so():
    plan = workplan.plan_from_dict(plan_dict(jaar=None))
    dated = workplan.with_year(plan, D("2025-05-15"))
    assert dated.year == 2025
    assert dated.problem_texts()[-1] == "jaar: Dit overzicht gebruikt daarom 2025, het jaar van de laatste gegevens."
    assert workplan.with_year(workplan.plan_from_dict(plan_dict()), D("2031-01-01")).year == 2025  # a good year stays
    out = workplan.planned_vs_realised(dated, sessions_table(), attendance_table(), data_end=D("2025-05-15"))
    assert out.set_index(["activity_id", "quarter"]).loc[("a", "Q1"), "realised_sessions"] == 2
    undated = workplan.planned_vs_realised(plan, sessions_table(), attendance_table(), data_end=D("2025-05-15"))
    pd.testing.assert_frame_equal(undated, out)  # the same rule (with_year) without review


def test_a_person_without_a_role_is_asked_for_one_a_group_is_not():
    data = plan_dict()
    data["activiteiten"][0]["rol_eigenaar"] = ""
    plan = workplan.plan_from_dict(data)
    assert problem_keys(plan) == ["no_role"]  # Amina has no role; 'werkgroep' is a group
    assert plan.problem_texts()[0].startswith("activiteit 1 (a): Er is geen rol ingevuld")
    assert plan.problem_texts("en")[0].startswith("activity 1 (a): No role is filled in")  # the place in English too


def test_activities_match_the_data_whatever_the_letter_case_or_by_name():
    data = plan_dict()
    data["activiteiten"][0]["activiteit"] = "Textiel"
    data["activiteiten"][1]["activiteit"] = "Repair Café"
    data["activiteiten"].append({"activiteit": "repair cafe", "eigenaar": "werkgroep", "status": "loopt"})
    data["activiteiten"].append({"activiteit": "textiel ", "eigenaar": "werkgroep", "status": "loopt"})
    plan = workplan.plan_from_dict(data)
    assert problem_keys(plan) == ["duplicate"]  # 'textiel ' is 'Textiel' again
    known = pd.DataFrame({"activity_id": ["textiel", "repair_cafe"], "name_nl": ["Werkplaats Textiel", "Repair Café"],
                          "name_en": ["Textile workshop", "Repair Café"]})
    checked = workplan.check_activities(plan, known)
    assert list(checked.activities["activity_id"]) == ["textiel", "repair_cafe"]
    assert set(checked.quarters["activity_id"]) == {"textiel", "repair_cafe"}
    assert checked.problem_texts()[-1] == ("activiteit (repair cafe): De activiteit 'repair cafe' komt niet voor in de data; "
                                           "ze is overgeslagen. Bedoel je 'repair_cafe'?")


def test_unknown_activities_are_moved_to_the_problems():
    plan = workplan.plan_from_dict(plan_dict())
    checked = workplan.check_activities(plan, pd.DataFrame({"activity_id": ["a", "c"]}))
    assert list(checked.activities["activity_id"]) == ["a"]
    assert set(checked.quarters["activity_id"]) == {"a"}
    assert "'b'" in checked.problem_texts("nl")[0]


def test_a_key_written_twice_in_yaml_is_flagged_with_its_line(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text("titel: T\njaar: 2025\ndoelen: [x]\nactiviteiten:\n"
                    "  - activiteit: a\n    eigenaar: werkgroep\n    status: loopt\n    per_kwartaal:\n"
                    "      Q1: {bijeenkomsten: 3, bereik: 20}\n      Q1: {bijeenkomsten: 9, bereik: 90}\n", encoding="utf-8")
    plan = workplan.read_plan(path)
    assert plan.problem_texts() == ["regel 10: 'Q1' staat twee keer in hetzelfde blok; alleen de eerste telt. "
                                    "Voeg ze samen of haal er één weg."]
    assert plan.problem_texts("en")[0].startswith("line 10: 'Q1' is in ")
    assert plan.quarters["planned_sessions"].tolist() == [3.0]


def spreadsheet_with_mistakes(path):
    """The demo plan as a workbook, then edited as a volunteer might: a misspelled column, a quarter
    entered twice, an unknown field, 'Textiel' in capitals, an empty 'bereik', leader hours in words."""
    from openpyxl import load_workbook

    data = yaml.safe_load(workplan.demo_plan_path().read_text(encoding="utf-8"))
    data["activiteiten"][2]["activiteit"] = "Textiel"
    workplan.write_workbook(data, path)
    book = load_workbook(path)
    activities, quarters, plan = book["activiteiten"], book["kwartalen"], book["plan"]
    header = [c.value for c in activities[1]]
    activities.cell(row=1, column=header.index("vrijwilligers_nodig") + 1, value="vrijwiligers_nodig")
    rows = list(quarters.iter_rows(min_row=2, values_only=True))
    quarters.append(rows[0][:2] + (9, 99))  # repair_cafe Q1 again
    quarters.cell(row=3, column=4).value = None  # repair_cafe Q2: bereik left empty
    plan.append(("jaartal", 2025))
    for row in plan.iter_rows(min_row=2):
        if row[0].value == "projectleider_betaalde_uren_per_week":
            row[1].value = "zestien"
    book.save(path)
    return path


def test_the_spreadsheet_gets_the_same_checks(tmp_path):
    plan = workplan.read_plan(spreadsheet_with_mistakes(tmp_path / "plan.xlsx"))
    texts = plan.problem_texts()
    assert any(s.startswith("tabblad activiteiten: 'vrijwiligers_nodig' kennen we niet") and "'vrijwilligers_nodig'?" in s
               for s in texts), texts
    assert any(s.startswith("tabblad plan: 'jaartal' kennen we niet") and "Bedoel je 'jaar'?" in s for s in texts)
    assert "activiteit 1 (repair_cafe), Q1: Het kwartaal Q1 staat twee keer bij deze activiteit; alleen de eerste telt. " \
        "Voeg de twee samen." in texts
    assert not any("nog eens" in s for s in texts)
    assert any("(repair_cafe), Q2: Bij 'bereik' staat niets" in s for s in texts)
    assert any(s.startswith("projectleider: Bij 'betaalde_uren_per_week' staat 'zestien'") for s in texts)
    assert len(texts) == 5, texts
    # 'Textiel' is the textile workshop of the data, the first Q1 counts, the rest of the plan is kept
    checked = workplan.check_activities(plan, pd.DataFrame({"activity_id": list(plan.activities["activity_id"].str.lower())}))
    assert "textiel" in set(checked.activities["activity_id"]) and len(checked.problems) == 5
    q = plan.quarters.set_index(["activity_id", "quarter"])
    assert q.loc[("repair_cafe", "Q1"), "planned_sessions"] == 3 and len(plan.activities) == 7


def test_write_workbook_takes_a_quarter_written_as_a_plain_number(tmp_path):
    data = plan_dict()
    data["activiteiten"][0]["per_kwartaal"]["Q1"] = 3
    path = workplan.write_workbook(data, tmp_path / "plan.xlsx")
    plan = workplan.read_plan(path)
    assert sorted(plan.problems["values"].map(lambda v: v.get("field"))) == ["bereik", "bijeenkomsten"]
    assert all(s.startswith("activiteit 1 (a), Q1:") for s in plan.problem_texts())


def test_unreadable_files_raise_a_plain_user_error(tmp_path):
    with pytest.raises(UserError, match="bestaat niet"):
        workplan.read_plan(tmp_path / "geen.yaml")
    bad = tmp_path / "kapot.yaml"
    bad.write_text("titel: [open\n", encoding="utf-8")
    with pytest.raises(UserError, match="geen geldige YAML"):
        workplan.read_plan(bad)
    listing = tmp_path / "lijst.yaml"
    listing.write_text(yaml.safe_dump(["a", "b"]), encoding="utf-8")
    with pytest.raises(UserError, match="vorm"):
        workplan.read_plan(listing)


# ------------------------------------------------------------ names stay out of public output


def test_owner_names_are_every_name_word_of_a_person_and_none_of_a_group():
    assert workplan.owner_names("Amina") == {"Amina"}
    assert workplan.owner_names("Karim de Vries") == {"Karim", "Vries"}
    assert workplan.owner_names("fatima en joost") == {"fatima", "joost"}
    assert workplan.owner_names("community builder") == set()
    assert workplan.owner_names("werkgroep exposities") == set()
    assert workplan.owner_names("team Noor") == {"Noor"}  # a group with a person's name in it
    not_names = workplan.activity_words(pd.DataFrame({"activity_id": ["greening"], "name_nl": ["Wij(k) Vergroenen"],
                                                      "name_en": ["Greening team"]}))
    assert workplan.owner_names("team Wij(k) Vergroenen", not_names=not_names) == set()


def test_public_owner_shows_the_role_without_any_name():
    assert workplan.public_owner("Amina", "coördinator") == "coördinator"
    assert workplan.public_owner("Amina", "coördinator Amina") == "coördinator"
    assert workplan.public_owner("Karim de Vries", "Karim de Vries, vrijwilliger") == "vrijwilliger"
    assert workplan.public_owner("Els", "coördinator (els)") == "coördinator"
    assert workplan.public_owner("amina") == ""  # a person without a role: nothing (the check asks for a role)
    assert workplan.public_owner("", "werkgroep") == "werkgroep"
    assert workplan.public_owner("team Wij(k) Vergroenen", "werkgroep") == "werkgroep"  # no initial made up
    assert workplan.public_owner("werkgroep exposities") == "werkgroep exposities"
    assert workplan.public_owner("community builder", "community builder (Rotterdam Circulair)") == "community builder (Rotterdam Circulair)"
    # other owners' names are left out of a role too
    assert workplan.public_owner("Amina", "neemt het over van Fatima", names={"Amina", "Fatima"}) == "neemt het over"


def test_remove_names_matches_whole_words_only():
    names = {"Fatima", "Els", "Karim", "Vries"}
    assert workplan.remove_names("als Fatima stopt", names, placeholder="[naam]") == "als [naam] stopt"
    assert workplan.remove_names("als Karim de Vries stopt", names, placeholder="[naam]") == "als [naam] stopt"
    assert workplan.remove_names("nieuwe modellen en Elsa", names, placeholder="[naam]") == "nieuwe modellen en Elsa"
    assert workplan.remove_names("ELS, fatima", names, placeholder="[naam]") == "[naam], [naam]"
    assert workplan.remove_names("als Karim en Fatima stoppen", names, placeholder="[naam]") == "als [naam] stoppen"


# ------------------------------------------------------------ the review, on a hand-made release


def sessions_table() -> pd.DataFrame:
    rows = [  # session_id, activity, date, visitors_count
        ("a1", "a", "2025-01-10", 10), ("a2", "a", "2025-02-10", None), ("a3", "a", "2025-04-10", 7),
        ("b1", "b", "2025-03-01", 4), ("b0", "b", "2024-12-01", 50),
    ]
    df = pd.DataFrame(rows, columns=["session_id", "activity_id", "date", "visitors_count"])
    df["date"] = pd.to_datetime(df["date"])
    df["visitors_count"] = df["visitors_count"].astype("Int64")
    return df.assign(start_time="10:00", end_time="12:00", location=None)


def attendance_table() -> pd.DataFrame:
    rows = [("a1", "p1", "volunteer"), ("a1", "p2", "visitor"),
            ("a2", "p1", "volunteer"), ("a2", "p3", "visitor"), ("a2", "p4", "visitor"), ("a2", "p5", "volunteer")]
    return pd.DataFrame(rows, columns=["session_id", "person_id", "role"])


def test_planned_vs_realised_on_paper():
    plan = workplan.plan_from_dict(plan_dict())
    out = workplan.planned_vs_realised(plan, sessions_table(), attendance_table(), data_end=D("2025-05-15"))
    out = out.set_index(["activity_id", "quarter"])
    assert len(out) == 8  # 2 activities × 4 quarters
    a1 = out.loc[("a", "Q1")]
    # a1 counted 10; a2 has no count, so its two listed visitors (volunteers do not count)
    assert (a1["planned_sessions"], a1["realised_sessions"], a1["realised_reach"]) == (3, 2, 12)
    assert a1["sessions_share"] == pytest.approx(2 / 3) and a1["reach_share"] == pytest.approx(0.6)
    assert a1["quarter_status"] == "done"
    a2 = out.loc[("a", "Q2")]
    assert (a2["realised_sessions"], a2["realised_reach"], a2["quarter_status"]) == (1, 7, "running")
    b1 = out.loc[("b", "Q1")]
    assert (b1["realised_sessions"], b1["realised_reach"]) == (1, 4)  # the 2024 session is not in 2025
    assert out.loc[("b", "Q2"), "planned_sessions"] == 0 and pd.isna(out.loc[("b", "Q2"), "sessions_share"])
    assert out.loc[("a", "Q3"), "quarter_status"] == "future" and pd.isna(out.loc[("a", "Q3"), "realised_sessions"])


def test_planned_vs_realised_with_empty_quarters_and_an_activity_without_data():
    data = plan_dict()
    data["activiteiten"].append({"activiteit": "c", "eigenaar": "werkgroep", "status": "nieuw",
                                 "per_kwartaal": {"Q1": {"bijeenkomsten": 2, "bereik": 10},
                                                  "Q2": {"bijeenkomsten": 0, "bereik": 0}}})
    plan = workplan.plan_from_dict(data)
    out = workplan.planned_vs_realised(plan, sessions_table(), attendance_table(), data_end=D("2025-05-15"))
    out = out.set_index(["activity_id", "quarter"])
    c1, c2 = out.loc[("c", "Q1")], out.loc[("c", "Q2")]
    # c has no session at all: planned 2, held 0 (not unknown) in a quarter that is over
    assert (c1["planned_sessions"], c1["realised_sessions"], c1["realised_reach"]) == (2, 0, 0)
    assert c1["sessions_share"] == 0 and c1["reach_share"] == 0 and c1["quarter_status"] == "done"
    # planned 0 and held 0: nothing to compare, the share is not 0 % nor 100 %
    assert (c2["realised_sessions"], c2["quarter_status"]) == (0, "running") and pd.isna(c2["sessions_share"])
    # quarters that have not started have no realised figures, only the plan
    assert out.loc[("c", "Q3"), "planned_sessions"] == 0 and pd.isna(out.loc[("c", "Q3"), "realised_sessions"])
    # b held nothing in Q2 (its only 2025 session is in Q1)
    assert out.loc[("b", "Q2"), "realised_sessions"] == 0


def paid_table() -> pd.DataFrame:
    return pd.DataFrame({
        "activity_id": ["a", "a", "b"],
        "start": pd.to_datetime(["2024-01-01", "2025-01-01", "2024-01-01"]),
        "end": pd.to_datetime(["2024-12-31", None, "2024-06-30"]),
        "hours_per_week": [8.0, 4.0, 6.0],
        "funder": None,
    })


def test_paid_hours_now_counts_only_periods_running_on_the_day():
    now = workplan.paid_hours_now(paid_table(), as_of=D("2025-03-01"))
    assert now.to_dict() == {"a": 4.0}
    assert workplan.paid_hours_now(paid_table(), as_of=D("2024-03-01")).to_dict() == {"a": 8.0, "b": 6.0}


def test_support_needed_adds_the_project_leader():
    plan = workplan.plan_from_dict(plan_dict())
    out = workplan.support_needed(plan, paid_table(), as_of=D("2025-03-01")).set_index("activity_id")
    assert out.loc["a"].tolist() == [4.0, 4.0, 0.0]
    assert out.loc["b"].tolist() == [0.0, 0.0, 0.0]
    assert out.loc["project_leader"].tolist() == [16.0, 0.0, 16.0]


def continuity_fixture():
    """Activity x: volunteers p1, p2 every month Jan–Jun 2024; from Jul 2024 only p1, monthly until Dec 2024.
    p1 also coordinates in Dec. Activity y: p3 volunteers once in Jan 2024, never again."""
    sessions, attendance = [], []
    for month in range(1, 13):
        sid = f"x{month}"
        sessions.append((sid, "x", D(2024, month, 5)))
        attendance.append((sid, "p1", "coordinator" if month == 12 else "volunteer"))
        if month <= 6:
            attendance.append((sid, "p2", "volunteer"))
        attendance.append((sid, f"v{month}", "visitor"))
    sessions.append(("y1", "y", D(2024, 1, 20)))
    attendance.append(("y1", "p3", "volunteer"))
    s = pd.DataFrame(sessions, columns=["session_id", "activity_id", "date"]).assign(
        start_time="10:00", end_time="12:00", location=None, visitors_count=pd.NA)
    a = pd.DataFrame(attendance, columns=["session_id", "person_id", "role"])
    paid = pd.DataFrame({"activity_id": ["y"], "start": [D("2023-01-01")], "end": [D("2024-02-01")],
                         "hours_per_week": [4.0], "funder": [None]})
    return s, a, paid


def test_continuity_panel_on_paper():
    s, a, paid = continuity_fixture()
    panel = workplan.continuity_panel(a, s, paid, as_of=D("2024-12-31")).set_index("activity_id")
    x, y = panel.loc["x"], panel.loc["y"]
    # x: Jul–Dec one volunteer a month, Jan–Jun two → down
    assert (x["volunteers_recent"], x["volunteers_before"], x["trend"]) == (1.0, 2.0, "down")
    # both started as volunteers in 2024Q1 and both were back in Q2 → 2 of 2
    assert (x["retention"], x["retention_base"]) == (1.0, 2)
    # 12 turns by p1 + 6 by p2: p1 alone does half
    assert x["key_person_factor"] == 1
    assert x["coordinated"] and x["paid_hours_now"] == 0
    # y: one volunteer in January (outside both windows of the last 12 months? Jan is in 'before')
    assert (y["volunteers_recent"], y["volunteers_before"]) == (0.0, pytest.approx(1 / 6))
    assert (y["retention"], y["retention_base"]) == (0.0, 1)
    assert not y["coordinated"]


def test_continuity_panel_of_an_activity_without_data():
    s, a, paid = continuity_fixture()
    z = workplan.continuity_panel(a, s, paid, activity_ids=["x", "z"], as_of=D("2024-12-31")).set_index("activity_id").loc["z"]
    assert (z["volunteers_recent"], z["volunteers_before"], z["trend"]) == (0, 0, "none")
    assert z["retention_base"] == 0 and pd.isna(z["retention"])
    assert z["key_person_factor"] == 0 and z["paid_hours_now"] == 0 and not z["coordinated"]


def review_of_fixture(**plan_changes):
    s, a, paid = continuity_fixture()
    panel = workplan.continuity_panel(a, s, paid, activity_ids=["x", "y", "z"], as_of=D("2024-12-31"))
    plan = workplan.plan_from_dict({"jaar": 2024, **plan_changes,
                                    "activiteiten": [{"activiteit": i, "eigenaar": "werkgroep", "status": "loopt"} for i in "xyz"]})
    return workplan.Review(plan=plan, as_of=D("2024-12-31"), demo=False, activities=pd.DataFrame(columns=["activity_id", "name_nl", "name_en"]),
                           progress=pd.DataFrame(), panel=panel, uncoordinated=pd.DataFrame(), support=pd.DataFrame())


def test_panel_table_in_public_output_says_none_and_gives_the_trend_in_words():
    rv = review_of_fixture()
    x = workplan.panel_table(rv, "x", public=True).set_index("Wat")["Uitkomst"]
    # 1 and 2 volunteers a month are both below 10: only the direction, with the rule in words
    assert x["Vrijwilligers per maand"] == ("daalt: minder vrijwilligers per maand dan in de 6 maanden ervoor "
                                            "(aantallen onder de 10 niet getoond)")
    assert "minder dan 10 (daarvoor" not in x["Vrijwilligers per maand"]
    assert x["Hoeveel mensen dragen de helft?"] == "1 persoon"  # a measure of spread, shown as it is
    z = workplan.panel_table(rv, "z", public=True).set_index("Wat")["Uitkomst"]
    assert z["Vrijwilligers per maand"] == "geen vrijwilligers in de laatste 12 maanden"
    assert z["Hoeveel mensen dragen de helft?"] == "geen vrijwilligersbeurten in het laatste jaar"
    # outside public output the numbers themselves
    inside = workplan.panel_table(rv, "x", public=False, lang="en").set_index("What")["Result"]
    assert inside["Volunteers per month"] == "1 (before: 2): falling"


def test_without_coordination_needs_a_running_activity():
    s, a, paid = continuity_fixture()
    panel = workplan.continuity_panel(a, s, paid, as_of=D("2024-12-31"))
    assert workplan.without_coordination(panel).empty  # y has no volunteers recently, x has a coordinator
    plan = workplan.plan_from_dict({"jaar": 2025, "activiteiten": [{"activiteit": "y", "eigenaar": "Z", "status": "loopt"}]})
    assert list(workplan.without_coordination(panel, plan)["activity_id"]) == ["y"]


def test_workplan_commands_copy_the_template_and_list_problems(tmp_path, capsys):
    from werkplaats_data import cli, schemas
    from werkplaats_data.release import write_release

    activities = schemas.empty_table("activities")
    activities["activity_id"] = pd.Series(["textiel"], dtype=object)
    release = write_release({"activities": activities}, tmp_path / "release")
    assert cli.main(["workplan", "template", str(tmp_path / "plan.xlsx")]) == 0
    assert cli.main(["workplan", "template", str(tmp_path / "plan.xlsx")]) == 2  # never overwrites
    bad = tmp_path / "bad.yaml"
    bad.write_text("jaar: 2025\nactiviteiten:\n  - {activiteit: bakkerij, eigenaar: X, status: loopt}\n"
                   "  - {activiteit: textiel, status: loopt, per_kwartaal: {Q5: {bijeenkomsten: 1}}}\n", encoding="utf-8")
    assert cli.main(["workplan", "check", str(bad), "--data", str(release)]) == 1
    out = capsys.readouterr().out
    # no title, no goals, 'X' without a role, the unknown 'bakkerij', Q5, textiel without an owner
    assert "'bakkerij'" in out and "'Q5'" in out and "eigenaar" in out and "titel" in out and "6 punt(en)" in out
    assert out.count("\n  EN: ") == 6 and "owner" in out  # every point in English too


def test_workplan_dashboard_passes_the_plan_to_the_notebook(tmp_path, monkeypatch):
    import os

    from werkplaats_data import cli, expo

    seen = {}

    class Ended:  # the Voila process, already done
        def poll(self):
            return 0

        def wait(self, timeout=None):
            return 0

    def fake_start(dashboard, *, plan=None, settings, **_):  # instead of starting Voila: what would the kernel get?
        env = expo.kiosk_environment(tmp_path, settings, base={}, plan=plan)
        seen.update(dashboard=dashboard, port=settings.port, plan=env.get(workplan.PLAN_ENV))
        return Ended()

    monkeypatch.setattr(expo, "start", fake_start)
    monkeypatch.setattr(expo, "wait_until_ready", lambda process, url, **_: None)
    monkeypatch.delenv(workplan.PLAN_ENV, raising=False)
    plan = tmp_path / "ons_plan.xlsx"
    workplan.write_workbook(yaml.safe_load(workplan.demo_plan_path().read_text(encoding="utf-8")), plan)
    assert cli.main(["workplan", "dashboard", "--plan", str(plan), "--port", "8999"]) == 0
    assert seen == {"dashboard": "werkplan_2025", "port": 8999, "plan": str(plan.resolve())}
    assert workplan.PLAN_ENV not in os.environ  # only in the kernels' environment, never in this process
    assert workplan.plan_file() == workplan.demo_plan_path()
    monkeypatch.setenv(workplan.PLAN_ENV, str(plan))
    assert workplan.plan_file() == plan and workplan.plan_file(tmp_path / "x.yaml") == tmp_path / "x.yaml"
    # a plan that is not there stops before Voila starts, with a plain message
    seen.clear()
    assert cli.main(["workplan", "dashboard", "--plan", str(tmp_path / "geen.yaml")]) == 2
    assert seen == {}


@pytest.mark.slow
def test_the_dashboard_notebook_runs_with_a_given_plan(tmp_path):
    import html
    import os
    from pathlib import Path

    import nbformat
    from nbconvert.preprocessors import ExecutePreprocessor

    plan = tmp_path / "plan.yaml"
    plan.write_text("titel: Ons eigen plan\njaar: 2025\ndoelen: [Meer reparaties]\nactiviteiten:\n"
                    "  - {activiteit: textiel, eigenaar: werkgroep, status: loopt, per_kwartaal: {Q5: {bijeenkomsten: 1, bereik: 5}}}\n",
                    encoding="utf-8")
    notebook = Path(workplan.__file__).resolve().parent.parent / "dashboards" / "werkplan_2025.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    old = os.environ.get(workplan.PLAN_ENV)
    os.environ[workplan.PLAN_ENV] = str(plan)
    try:
        ExecutePreprocessor(timeout=300, kernel_name="python3").preprocess(nb, {"metadata": {"path": str(notebook.parent)}})
    finally:
        os.environ.pop(workplan.PLAN_ENV) if old is None else os.environ.__setitem__(workplan.PLAN_ENV, old)
    widgets = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"].values()
    shown = html.unescape("".join(str(w["state"].get("value", "")) for w in widgets))  # what the HTML widgets show
    assert "Ons eigen plan" in shown and "'Q5' bestaat niet" in shown
    assert "Karim" not in shown  # not the demo plan


def test_progress_chart_counts_only_activities_whose_plan_is_known():
    data = plan_dict()
    data["activiteiten"][0]["per_kwartaal"]["Q1"] = 3  # a: Q1 unknown
    plan = workplan.plan_from_dict(data)
    progress = workplan.planned_vs_realised(plan, sessions_table(), attendance_table(), data_end=D("2025-05-15"))
    rv = workplan.Review(plan=plan, as_of=D("2025-05-15"), demo=True, progress=progress, panel=pd.DataFrame(),
                         activities=pd.DataFrame({"activity_id": ["a", "b"], "name_nl": ["A", "B"], "name_en": ["A", "B"]}),
                         uncoordinated=pd.DataFrame(), support=pd.DataFrame())
    bars = workplan.progress_chart(rv, source="Bron: test").vconcat[0]  # above the source caption
    # b planned 1 and held 1 in Q1 (0 and 0 in Q2): on track; a's plan is unknown: not counted as on track
    assert charts.title_text(bars.title) == "1 van de 2 activiteiten hielden tot nu toe minstens de geplande bijeenkomsten"


def test_support_chart_says_at_least_when_some_hours_are_unknown():
    plan = workplan.plan_from_dict(plan_dict(projectleider={"rol": "projectleider", "betaalde_uren_per_week": "zestien"}))
    support = workplan.support_needed(plan, paid_table(), as_of=D("2025-03-01"))
    rv = workplan.Review(plan=plan, as_of=D("2025-03-01"), demo=True, progress=pd.DataFrame(), panel=pd.DataFrame(),
                         activities=pd.DataFrame({"activity_id": ["a", "b"], "name_nl": ["A", "B"], "name_en": ["A", "B"]}),
                         uncoordinated=pd.DataFrame(), support=support)
    bars = workplan.support_chart(rv, source="Bron: test").vconcat[0]
    assert charts.title_text(bars.title).startswith("Het plan vraagt minstens 4 betaalde uren per week (niet alle uren")


def test_coordination_html_escapes_activity_names_and_flags_the_missing_leader():
    plan = workplan.plan_from_dict(plan_dict(projectleider={"rol": "projectleider", "betaalde_uren_per_week": 16}))
    support = workplan.support_needed(plan, paid_table(), as_of=D("2025-03-01"))
    names = pd.DataFrame({"activity_id": ["a", "b"], "name_nl": ["Koffie & <b>thee</b>", "B"], "name_en": ["A", "B"]})
    rv = workplan.Review(plan=plan, as_of=D("2025-03-01"), demo=True, progress=pd.DataFrame(), panel=pd.DataFrame(),
                         activities=names, uncoordinated=pd.DataFrame({"activity_id": ["a"]}), support=support)
    text = workplan.coordination_html(rv, lang="nl")
    assert "<li>Koffie &amp; &lt;b&gt;thee&lt;/b&gt;</li>" in text and "<b>thee" not in text
    assert ('<p class="flag"><strong>' + html.escape(rv.no_leader_text("nl")) + "</strong></p>") in text
    none = workplan.Review(plan=workplan.plan_from_dict({k: v for k, v in plan_dict().items() if k != "projectleider"}),
                           as_of=D("2025-03-01"), demo=True, progress=pd.DataFrame(), panel=pd.DataFrame(),
                           activities=names, uncoordinated=pd.DataFrame(columns=["activity_id"]), support=support)
    assert workplan.coordination_html(none, lang="en") == f"<p>{html.escape(t('workplan.report.uncoordinated_none', 'en'))}</p>"
