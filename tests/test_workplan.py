"""Tests for werkplaats_data.workplan: the plan file, its problems, and the review figures."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from werkplaats_data import workplan
from werkplaats_data.errors import UserError

D = pd.Timestamp


def plan_dict(**changes) -> dict:
    base = {
        "titel": "Test", "jaar": 2025,
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


# ------------------------------------------------------------ the plan file


def test_a_good_plan_has_no_problems_and_reads_numbers_as_written():
    plan = workplan.plan_from_dict(plan_dict())
    assert plan.problems.empty
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
    assert "Q5" in plan.problem_texts("en")[0] or "Q5" in " ".join(plan.problem_texts("en"))


def test_bad_numbers_status_and_duplicates_become_problems():
    data = plan_dict()
    data["activiteiten"][0]["vrijwilligers_nodig"] = "veel"
    data["activiteiten"][0]["status"] = "bezig"
    data["activiteiten"][1]["per_kwartaal"]["K1"]["bereik"] = -3
    data["activiteiten"].append({"activiteit": "a", "eigenaar": "X", "status": "loopt"})
    plan = workplan.plan_from_dict(data)
    keys = sorted(plan.problems["key"].str.rsplit(".", n=1).str[-1])
    assert keys == ["duplicate", "number", "number", "status"]
    a = plan.activities.set_index("activity_id").loc["a"]
    assert pd.isna(a["volunteers_needed"]) and a["status"] == ""
    assert len(plan.activities) == 2


def test_unknown_activities_are_moved_to_the_problems():
    plan = workplan.plan_from_dict(plan_dict())
    checked = workplan.check_activities(plan, pd.DataFrame({"activity_id": ["a", "c"]}))
    assert list(checked.activities["activity_id"]) == ["a"]
    assert set(checked.quarters["activity_id"]) == {"a"}
    assert "'b'" in checked.problem_texts("nl")[0]


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


def test_public_owner_never_prints_a_name():
    assert workplan.public_owner("Amina", "coördinator") == "coördinator (A.)"
    assert workplan.public_owner("amina") == "A."
    assert workplan.public_owner("", "werkgroep") == "werkgroep"
    assert workplan.public_owner("") == ""
    assert workplan.public_owner("community builder", "community builder (Rotterdam Circulair)") == "community builder (Rotterdam Circulair)"


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
    assert "'bakkerij'" in out and "'Q5'" in out and "eigenaar" in out and "3 punt(en)" in out
