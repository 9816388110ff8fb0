"""Participation on a hand-made release of five people, worked out on paper.

Sessions (last session date 2023-07-11):
    s1 repair 2023-01-10 12:00–14:00 (2 h)     s4 energy 2023-01-20 10:00–12:00 (2 h)
    s2 repair 2023-02-14 12:00–14:00 (2 h)     s5 energy 2023-05-20 no times (hours unknown)
    s3 repair 2023-04-11 12:00–15:00 (3 h)     s6 repair 2023-07-11 12:00–14:00 (2 h)
Attendance:
    A: s1 visitor, s2 s3 s6 volunteer      B: s1 visitor (seen once)
    C: s1 s2 s4 volunteer                  D: s4 s5 coordinator (energy's only coordinator)
    E: s3 s6 visitor                       F: in people, never came
"""

import altair as alt
import pandas as pd
import pytest

from werkplaats_data import participation as p
from werkplaats_data.charts import source_of


@pytest.fixture
def sessions():
    return pd.DataFrame({
        "session_id": ["s1", "s2", "s3", "s4", "s5", "s6"],
        "activity_id": ["repair", "repair", "repair", "energy", "energy", "repair"],
        "date": pd.to_datetime(["2023-01-10", "2023-02-14", "2023-04-11", "2023-01-20", "2023-05-20", "2023-07-11"]),
        "start_time": ["12:00", "12:00", "12:00", "10:00", None, "12:00"],
        "end_time": ["14:00", "14:00", "15:00", "12:00", None, "14:00"],
        "location": None, "visitors_count": pd.array([None] * 6, dtype="Int64"),
    })


@pytest.fixture
def attendance():
    rows = [("s1", "A", "visitor"), ("s2", "A", "volunteer"), ("s3", "A", "volunteer"), ("s6", "A", "volunteer"),
            ("s1", "B", "visitor"),
            ("s1", "C", "volunteer"), ("s2", "C", "volunteer"), ("s4", "C", "volunteer"),
            ("s4", "D", "coordinator"), ("s5", "D", "coordinator"),
            ("s3", "E", "visitor"), ("s6", "E", "visitor")]
    return pd.DataFrame(rows, columns=["session_id", "person_id", "role"])


@pytest.fixture
def people():
    return pd.DataFrame({"person_id": list("ABCDEF"), "birth_year_band": None, "lives_in_neighbourhood": None,
                         "first_seen": pd.to_datetime(["2023-01-10"] * 5 + ["2023-06-01"])})


@pytest.fixture
def paid_support():
    return pd.DataFrame({"activity_id": ["energy"], "start": pd.to_datetime(["2023-01-01"]),
                         "end": pd.to_datetime(["2023-03-31"]), "hours_per_week": [7.0], "funder": ["fund"]})


@pytest.fixture
def activities():
    return pd.DataFrame({"activity_id": ["repair", "energy"], "name_nl": ["Repair Café", "Energiecoaches"],
                         "name_en": ["Repair Café", "Energy coaches"]})


def test_session_hours_are_end_minus_start_and_unknown_when_a_time_is_missing(sessions):
    assert p.session_hours(sessions).tolist()[:4] == [2.0, 2.0, 3.0, 2.0]
    assert pd.isna(p.session_hours(sessions)[4])
    assert p.session_hours(sessions, missing_hours=1.5)[4] == 1.5


def test_lifecycle(attendance, sessions, people):
    life = p.person_lifecycle(attendance, sessions, people).set_index("person_id")
    assert life.loc["A", ["sessions", "hours", "main_role", "status"]].tolist() == [4, 9.0, "volunteer", "active"]
    assert life.loc["B", "first_seen"] == life.loc["B", "last_seen"]  # seen once
    assert life.loc["B", "status"] == "inactive"
    assert life.loc["C", "status"] == "inactive"  # last seen 147 days before 2023-07-11
    assert life.loc["D", ["hours", "main_role", "status"]].tolist() == [2.0, "coordinator", "active"]
    assert life.loc["E", "status"] == "active"  # first seen 91 days before: no longer new
    assert life.loc["F", "status"] == "prospective"
    assert p.person_lifecycle(attendance, sessions, new_days=91).set_index("person_id").loc["E", "status"] == "new"
    counts = p.status_counts(life.reset_index()).set_index("status")["people"]
    assert counts.to_dict() == {"prospective": 1, "new": 0, "active": 3, "inactive": 2}


def test_lifecycle_lapse_rule_is_a_keyword(attendance, sessions):
    life = p.person_lifecycle(attendance, sessions, lapse_days=200).set_index("person_id")
    assert (life["status"] == "active").all()


def test_retention_by_quarter(attendance, sessions):
    table = p.retention_table(attendance, sessions, period="Q")
    assert table.index.tolist() == ["2023Q1", "2023Q2"]
    assert table.loc["2023Q1"].tolist() == [1.0, 0.5, 0.25]  # A, B, C, D; then A, D; then A
    assert table.loc["2023Q2", [0, 1]].tolist() == [1.0, 1.0]  # E
    assert pd.isna(table.loc["2023Q2", 2])  # 2023Q4 has not happened yet


def test_retention_counts_an_empty_month_as_nobody(attendance, sessions):
    table = p.retention_table(attendance, sessions, period="M", with_size=True)
    assert table.loc["2023-01"].tolist() == [4, 1.0, 0.5, 0.0, 0.25, 0.25, 0.0, 0.25]
    assert table.loc["2023-04", "size"] == 1


def test_retention_per_activity_and_role(attendance, sessions):
    by_activity = p.retention_table(attendance, sessions, period="Q", by="activity_id")
    assert by_activity.loc[("repair", "2023Q1")].tolist() == pytest.approx([1.0, 1 / 3, 1 / 3])
    assert by_activity.loc[("energy", "2023Q1")].tolist() == [1.0, 0.5, 0.0]
    by_role = p.retention_table(attendance, sessions, period="Q", by="role")
    assert by_role.loc[("volunteer", "2023Q1")].tolist() == [1.0, 0.5, 0.5]  # A, C; A; A


def test_conversion_visitor_to_volunteer(attendance, sessions):
    conv = p.conversions(attendance, sessions).set_index("person_id")
    assert sorted(conv.index) == ["A", "B", "E"]  # C and D started as volunteers
    assert conv.loc["A", "days"] == 35
    assert pd.isna(conv.loc["B", "became"])
    summary = p.conversion_summary(conv.reset_index()).iloc[0]
    assert summary[["visitors", "converted", "median_days"]].tolist() == [3, 1, 35.0]
    assert summary["share"] == pytest.approx(1 / 3)


def test_volunteer_hours_per_activity_per_month(attendance, sessions):
    hours = p.volunteer_hours(attendance, sessions).set_index(["activity_id", "month"])
    assert hours.loc[("repair", pd.Timestamp("2023-02-01"))].tolist() == [2, 4.0]
    assert hours.loc[("energy", pd.Timestamp("2023-01-01"))].tolist() == [2, 4.0]
    assert hours.loc[("energy", pd.Timestamp("2023-05-01")), "hours"] == 0.0  # unknown hours
    assert p.volunteer_hours(attendance, sessions, missing_hours=2).set_index(["activity_id", "month"]).loc[
        ("energy", pd.Timestamp("2023-05-01")), "hours"] == 2.0
    assert ("repair", pd.Timestamp("2023-03-01")) not in hours.index


def test_key_person_factor_chaoss_example():
    assert p.key_person_factor([1000, 202, 90, 33, 332, 343, 42, 433]) == 2


@pytest.mark.parametrize("values, expected", [([], 0), ([0, 0], 0), ([5], 1), ([1, 1, 1, 1], 2), ([3, 1, 1, 1], 1)])
def test_key_person_factor_edges(values, expected):
    assert p.key_person_factor(values) == expected


def test_key_person_table(attendance, sessions):
    table = p.key_person_table(attendance, sessions).set_index("activity_id")
    assert table.loc["repair"].tolist() == [2, 11.0, 1]  # A 7 h of 11
    coordination = p.key_person_table(attendance, sessions, roles=("coordinator",))
    assert coordination.to_dict("records") == [{"activity_id": "energy", "people": 1, "work": 2.0, "key_person_factor": 1}]
    by_sessions = p.key_person_table(attendance, sessions, measure="sessions", period="Q").set_index(["activity_id", "period"])
    assert by_sessions.loc[("repair", "2023Q1")].tolist() == [2, 3.0, 1]  # C 2 sessions, A 1
    recent = p.key_person_table(attendance, sessions, last_days=100)  # after 2023-04-02: s3, s5, s6
    assert recent.set_index("activity_id")["people"].to_dict() == {"energy": 1, "repair": 1}


def test_paid_hours_are_spread_over_the_days(paid_support):
    paid = p.paid_hours_per_month(paid_support, until="2023-12-31").set_index("month")["paid_hours"]
    assert paid.tolist() == pytest.approx([31.0, 28.0, 31.0])  # 7 h a week = 1 h a day


def test_open_ended_paid_support_runs_until(paid_support):
    open_ended = paid_support.assign(end=pd.NaT)
    assert p.paid_hours_per_month(open_ended, until="2023-04-30")["paid_hours"].sum() == pytest.approx(120.0)


def test_continuity_fills_empty_months_until_the_last_session(attendance, sessions, paid_support):
    table = p.continuity(attendance, sessions, paid_support, activity_id="energy")
    assert table["month"].dt.month.tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert table["volunteers"].tolist() == [2, 0, 0, 0, 1, 0, 0]
    assert table["sessions"].tolist() == [1, 0, 0, 0, 1, 0, 0]
    assert table["paid_hours"].tolist() == pytest.approx([31, 28, 31, 0, 0, 0, 0])
    effect = p.support_effect(table).iloc[0]
    assert effect["volunteers_with_support"] == pytest.approx(2 / 3)
    assert effect["volunteers_without_support"] == pytest.approx(0.25)


def test_charts_carry_their_source(attendance, sessions, people, paid_support, activities):
    life = p.person_lifecycle(attendance, sessions, people)
    charts = [
        p.status_chart(life, source="Bron: test"),
        p.retention_chart(p.retention_table(attendance, sessions, with_size=True), source="Bron: test"),
        p.volunteer_hours_chart(p.volunteer_hours(attendance, sessions), activities, source="Bron: test"),
        p.key_person_chart(p.key_person_table(attendance, sessions), activities, source="Bron: test"),
        p.conversion_chart(p.conversions(attendance, sessions), source="Bron: test", lang="en"),
        p.continuity_chart(p.continuity(attendance, sessions, paid_support), activity_id="energy",
                           activity_name="Energiecoaches", source="Bron: test"),
    ]
    for chart in charts:
        assert isinstance(chart, alt.TopLevelMixin)
        assert source_of(chart) == "Bron: test"
    title = charts[-1].to_dict()["vconcat"][0]["title"]
    assert title == "Energiecoaches: na het stoppen van de betaalde steun van 2 naar 0 vrijwilligers"
    assert charts[0].to_dict()["vconcat"][0]["title"] == "3 van de 5 mensen doen nu mee"  # the 6th is only in a register
    assert charts[1].to_dict()["vconcat"][0]["title"] == "Gemiddeld 60% komt de periode na de eerste keer terug"


def test_retention_summary_pools_cohorts(attendance, sessions):
    by_role = p.retention_table(attendance, sessions, period="Q", by="role", with_size=True)
    summary = p.retention_summary(by_role, ks=(1, 2))
    assert summary.loc["visitor"].tolist() == pytest.approx([1 / 3, 0.0])  # A, B: nobody; E: back in Q3
    assert summary.loc["volunteer"].tolist() == [0.5, 0.5]
    assert summary.loc["coordinator"].tolist() == [1.0, 0.0]
    overall = p.retention_summary(p.retention_table(attendance, sessions, with_size=True), ks=(1, 2, 5))
    assert overall.loc["all", 1] == pytest.approx(3 / 5)  # Q1: A, D of 4; Q2: E of 1
    assert pd.isna(overall.loc["all", 5])


def test_in_period_keeps_sessions_in_the_window_and_their_attendance(attendance, sessions):
    kept_attendance, kept_sessions = p.in_period(attendance, sessions, ("2023-01-20", "2023-04-11"))
    assert kept_sessions["session_id"].tolist() == ["s2", "s3", "s4"]  # both end days included
    assert sorted(kept_attendance["person_id"]) == ["A", "A", "C", "C", "D", "E"]


def test_in_period_without_sessions_gives_empty_tables(attendance, sessions):
    kept_attendance, kept_sessions = p.in_period(attendance, sessions, ("1990-01-01", "1990-12-31"))
    assert len(kept_attendance) == 0 and len(kept_sessions) == 0
    assert p.in_period(attendance, sessions, None) == (attendance, sessions)


def test_key_person_table_for_one_activity(attendance, sessions):
    table = p.key_person_table(attendance, sessions, activity_id="energy")
    assert table["activity_id"].tolist() == ["energy"]
    both = p.key_person_table(attendance, sessions)
    assert table.iloc[0].to_dict() == both[both["activity_id"] == "energy"].iloc[0].to_dict()


def test_activity_name_per_language(activities):
    assert p.activity_name(activities, "energy", "nl") == "Energiecoaches"
    assert p.activity_name(activities, "energy", "en") == "Energy coaches"
    assert p.activity_name(activities, "garden", "nl") is None


def test_activity_names_map_ids_to_names(activities):
    assert p.activity_names(activities, "en") == {"repair": "Repair Café", "energy": "Energy coaches"}


# --- periods: paid support and status follow the window ------------------------------------------

def test_continuity_in_a_period_counts_paid_support_only_inside_it(attendance, sessions, paid_support):
    """Energy's paid support ran January–March; from April on the support lies outside the window."""
    kept_attendance, kept_sessions = p.in_period(attendance, sessions, ("2023-04-01", "2023-07-31"))
    table = p.continuity(kept_attendance, kept_sessions, paid_support, activity_id="energy")
    assert table["month"].dt.month.tolist() == [5, 6, 7]  # from energy's first session in the window (s5)
    assert table["paid_hours"].sum() == 0
    assert p.support_effect(table).empty  # no month with support inside the window: nothing to compare


def test_continuity_keeps_paid_months_inside_a_period(attendance, sessions, paid_support):
    kept_attendance, kept_sessions = p.in_period(attendance, sessions, ("2023-02-01", "2023-07-31"))
    table = p.continuity(kept_attendance, kept_sessions, paid_support, activity_id="energy")
    assert table["month"].dt.month.tolist() == [2, 3, 4, 5, 6, 7]  # the window starts with s2 in February
    assert table["paid_hours"].tolist() == pytest.approx([28, 31, 0, 0, 0, 0])
    effect = p.support_effect(table).iloc[0]
    assert effect["volunteers_with_support"] == 0 and effect["volunteers_without_support"] == pytest.approx(0.25)


def test_continuity_without_sessions_is_empty(attendance, sessions, paid_support):
    assert p.continuity(attendance, sessions.iloc[0:0], paid_support).empty


def test_lifecycle_for_a_period_knows_who_came_before(attendance, sessions, people):
    """Period February–April: status on 2023-04-11 (s3), the last session in it."""
    life = p.person_lifecycle(attendance, sessions, people, period=("2023-02-01", "2023-04-30")).set_index("person_id")
    assert life.loc["B", "status"] == "inactive"  # came once, on 2023-01-10: not "never came"
    assert life.loc["D", "status"] == "new"  # first came 2023-01-20, 81 days before; s5 (May) is later
    assert life.loc["D", "sessions"] == 1
    assert life.loc["E", "status"] == "new"  # first time on 2023-04-11; s6 (July) is later
    assert "F" not in life.index  # first seen 2023-06-01: not yet known on 2023-04-11
    assert (life["status"] == "prospective").sum() == 0


def test_lifecycle_as_of_leaves_out_later_sessions(attendance, sessions, people):
    life = p.person_lifecycle(attendance, sessions, people, as_of="2023-02-01").set_index("person_id")
    assert life.loc["A", ["sessions", "last_seen"]].tolist() == [1, pd.Timestamp("2023-01-10")]  # s2 is later
    assert life.loc["E", "status"] == "prospective"  # known since 2023-01-10, first came on 2023-04-11
    assert set(life.index) == set("ABCDE")
    assert life.loc[list("ABCD"), "status"].eq("new").all()


def test_status_day_is_the_last_session_in_the_period(sessions):
    assert p.status_day(sessions) == pd.Timestamp("2023-07-11")
    assert p.status_day(sessions, ("2023-02-01", "2023-04-30")) == pd.Timestamp("2023-04-11")
    assert p.status_day(sessions, ("1990-01-01", "1990-12-31")) == pd.Timestamp("1990-12-31")
    assert pd.isna(p.status_day(sessions.iloc[0:0]))


@pytest.mark.slow
def test_demo_energy_coaches_fall_away_after_paid_support_ends():
    """The demo release is made to show the report's story: ten coaches with support, about one after."""
    import werkplaats_data as wd

    release = wd.load_release()
    table = p.continuity(release.attendance, release.sessions, release.paid_support, activity_id="energy_coaching")
    supported = table[table["paid_hours"] > 0]
    after = table[table["month"] > supported["month"].max()]
    assert len(supported) == 12 and len(after) > 12
    assert supported["volunteers"].mean() > 8
    assert after["volunteers"].tail(12).max() <= 1  # the last year: at most one coach a month
    effect = p.support_effect(table).iloc[0]
    assert effect["volunteers_with_support"] > 3 * effect["volunteers_without_support"]
    in_2024 = p.continuity(*p.in_period(release.attendance, release.sessions, ("2024-01-01", "2024-12-31")),
                           release.paid_support, activity_id="energy_coaching")
    assert in_2024["month"].min() == pd.Timestamp("2024-01-01") and in_2024["paid_hours"].sum() == 0


# --- public mode: small-cell rule, no person ids ----------------------------------------------

@pytest.fixture
def big_team(attendance):
    """The five people plus twelve volunteers W01–W12 who helped once, at s1 (repair, 2023-01-10, 2 h)."""
    extra = pd.DataFrame({"session_id": "s1", "person_id": [f"W{n:02d}" for n in range(1, 13)], "role": "volunteer"})
    return pd.concat([attendance, extra], ignore_index=True)


def test_status_counts_in_public(big_team, sessions, people):
    life = p.person_lifecycle(big_team, sessions, people)
    exact = p.status_counts(life).set_index("status")["people"]
    assert exact.to_dict() == {"prospective": 1, "new": 0, "active": 3, "inactive": 14}  # B, C and the twelve
    public = p.status_counts(life, public=True).set_index("status")["people"]
    assert public["inactive"] == 15 and public[["prospective", "new", "active"]].isna().all()
    title = p.status_chart(life, source="x", public=True).to_dict()["vconcat"][0]["title"]
    assert title == "minder dan 10 van de 15 mensen doen nu mee"  # 3 of the 17 who came to a session
    title = p.status_chart(life, source="x", public=True, include_prospective=True).to_dict()["vconcat"][0]["title"]
    assert title == "minder dan 10 van de 20 mensen doen nu mee"  # 3 of 18: the one only in a register counts too


def test_retention_in_public_leaves_out_small_cohorts(big_team, sessions):
    table = p.retention_table(big_team, sessions, with_size=True)
    assert table["size"].tolist() == [16, 1]  # 2023Q1: A B C D and the twelve; 2023Q2: E
    assert p.retention_summary(table, ks=(1,)).loc["all", 1] == pytest.approx(3 / 17)  # A, D of 16; E of 1
    overall = p.retention_summary(table, ks=(1,), public=True)
    assert pd.isna(overall.loc["all", 1])  # 3 of 17 stayed: too few to give a share of
    by_role = p.retention_summary(p.retention_table(big_team, sessions, by="role", with_size=True), ks=(1,), public=True)
    assert by_role[1].isna().all()


def test_retention_chart_in_public_shows_only_cells_with_ten_who_stayed_and_ten_who_did_not(sessions):
    first = pd.DataFrame({"session_id": "s1", "person_id": [f"P{n:02d}" for n in range(24)], "role": "visitor"})
    back = pd.DataFrame({"session_id": "s3", "person_id": [f"P{n:02d}" for n in range(12)], "role": "visitor"})
    late = pd.DataFrame({"session_id": "s5", "person_id": ["Q1", "Q2"], "role": "visitor"})
    table = p.retention_table(pd.concat([first, back, late], ignore_index=True), sessions, with_size=True)
    chart = p.retention_chart(table, source="x", public=True).to_dict()
    cells = {(row["cohort"], row["k"]): row["share"] for row in list(chart["datasets"].values())[0]}
    assert cells == {(table.index[0], 1): 0.5}  # 12 of 24 came back; k=0 is all of them; Q1, Q2 a cohort of 2


def test_conversions_in_public(attendance, sessions):
    crowd = pd.concat([attendance, pd.DataFrame({"session_id": "s3", "person_id": [f"V{n:02d}" for n in range(12)],
                                                 "role": "visitor"})], ignore_index=True)
    summary = p.conversion_summary(p.conversions(crowd, sessions), public=True).iloc[0]
    assert summary["visitors"] == 15 and pd.isna(summary["converted"])  # 15 visitors, 1 converted (A)
    assert pd.isna(summary["share"]) and pd.isna(summary["median_days"])  # 1 of 15 would give the 1 back
    assert p.conversion_sentence(p.conversions(attendance, sessions), lang="en", public=True) == (
        "Fewer than 10 people started as visitors: too few to show figures about them.")


def test_key_person_table_in_public_shows_factors_of_big_teams_only(big_team, sessions):
    table = p.key_person_table(big_team, sessions, public=True).set_index("activity_id")
    # repair: A 7 h, C 4 h, twelve × 2 h = 35 h; 7 + 4 + 2 + 2 + 2 + 2 = 19 ≥ 17.5 → 6 people
    assert table.loc["repair", ["people", "work", "key_person_factor"]].tolist() == [15, 35.0, 6]
    assert pd.isna(table.loc["energy", "people"]) and pd.isna(table.loc["energy", "key_person_factor"])
    coordinators = p.key_person_table(big_team, sessions, roles=("coordinator",), public=True)
    assert p.coordination_sentence(coordinators, lang="en") == (
        "How many people carry the coordination is not shown here: fewer than 10 per activity.")


def test_continuity_and_support_in_public(big_team, sessions, paid_support):
    exact = p.continuity(big_team, sessions, paid_support)
    public = p.continuity(big_team, sessions, paid_support, public=True)
    repair = public[public["activity_id"] == "repair"].set_index(public.loc[public["activity_id"] == "repair", "month"].dt.month)
    assert repair.loc[1, "volunteers"] == 15 and pd.isna(repair.loc[2, "volunteers"])  # C + twelve = 13; A, C = 2
    effect = p.support_effect(exact, public=True).iloc[0]
    assert pd.isna(effect["volunteers_with_support"]) and effect["months_with_support"] == 3
    title = p.continuity_chart(exact, activity_id="repair", source="x", public=True).to_dict()["vconcat"][0]["title"]
    assert title == "repair: hoogstens 15, nu minder dan 10 vrijwilligers per maand"


def test_charts_hold_no_person_ids(big_team, sessions, people, paid_support, activities):
    life = p.person_lifecycle(big_team, sessions, people)
    for public in (False, True):
        specs = [p.status_chart(life, source="x", public=public),
                 p.retention_chart(p.retention_table(big_team, sessions, with_size=True), source="x", public=public),
                 p.conversion_chart(p.conversions(big_team, sessions), source="x", public=public),
                 p.key_person_chart(p.key_person_table(big_team, sessions, public=public), activities, source="x"),
                 p.continuity_chart(p.continuity(big_team, sessions, paid_support), activity_id="repair",
                                    source="x", public=public)]
        text = " ".join(str(chart.to_dict()) for chart in specs)
        assert not any(f"'{person}'" in text for person in ["A", "B", "C", "D", "E", "F", "W01", "W12"])


def test_conversion_months_counts_people_per_month(attendance, sessions):
    months = p.conversion_months(p.conversions(attendance, sessions))
    assert months.to_dict("records") == [{"months": 1, "people": 1}]  # A: 35 days
    assert p.conversion_months(p.conversions(attendance, sessions), public=True).empty


# --- sentences ------------------------------------------------------------------------------------

def test_support_sentence(attendance, sessions, paid_support):
    effect = p.support_effect(p.continuity(attendance, sessions, paid_support))
    assert p.support_sentence(effect, "energy", activity_name="Energy coaches", lang="en") == (
        "Energy coaches: on average 0.7 volunteers a month in the 3 months with paid support, 0.2 in the 4 months "
        "after. Without paid support fewer volunteers took part.")  # 2/3 and 1/4
    public = p.support_sentence(effect, "energy", lang="en", public=True)
    assert "on average fewer than 10 volunteers a month" in public and public.endswith("fewer volunteers took part.")
    assert p.support_sentence(effect, "repair", lang="en") == "repair: no paid support in this data or period."
    running = p.support_effect(p.continuity(attendance, sessions, paid_support.assign(end=pd.NaT)))
    assert p.support_sentence(running, "energy", lang="en").startswith("energy: paid support is still running")


def test_coordination_conversion_and_key_person_sentences(attendance, sessions):
    coordinators = p.key_person_table(attendance, sessions, roles=("coordinator",))
    assert p.coordination_sentence(coordinators, lang="en") == (
        "In 1 of the 1 activities with coordinators, one person does at least half of the coordination work.")
    assert p.coordination_sentence(coordinators.iloc[0:0], lang="en") == "There are no coordinators in this data or period."
    assert p.conversion_sentence(p.conversions(attendance, sessions), lang="en") == (
        "33% of the 3 people who started as visitors later became volunteers; half of them within 35 days.")
    by_year = p.key_person_table(attendance, sessions, period="Y", activity_id="repair")
    assert p.key_person_trend(by_year, activity_name="Repair Café", lang="en") == (
        "Key-person factor of Repair Café per year: 1 (2023).")
    public = p.key_person_table(attendance, sessions, period="Y", activity_id="repair", public=True)
    assert p.key_person_trend(public, activity_name="Repair Café", lang="en").endswith(
        "– (2023). (– = not shown: a team of fewer than 10 people.)")


def test_participation_functions_on_empty_tables(attendance, sessions, people, paid_support, activities):
    no_attendance, no_sessions = attendance.iloc[0:0], sessions.iloc[0:0]
    assert p.person_lifecycle(no_attendance, no_sessions).empty
    assert (p.person_lifecycle(no_attendance, no_sessions, people)["status"] == "prospective").all()
    assert p.status_counts(p.person_lifecycle(no_attendance, no_sessions))["people"].sum() == 0
    assert p.retention_table(no_attendance, no_sessions).empty
    assert pd.isna(p.retention_summary(p.retention_table(no_attendance, no_sessions, with_size=True)).loc["all", 1])
    assert p.conversions(no_attendance, no_sessions).empty
    assert p.conversion_summary(p.conversions(no_attendance, no_sessions)).iloc[0]["visitors"] == 0
    assert p.volunteer_hours(no_attendance, no_sessions).empty
    assert p.key_person_table(no_attendance, no_sessions, period="Y", last_days=365).empty
    assert p.continuity(no_attendance, no_sessions, paid_support).empty
    assert p.support_effect(p.continuity(no_attendance, no_sessions, paid_support)).empty
    assert p.conversion_sentence(p.conversions(no_attendance, no_sessions), lang="en") == (
        "Nobody started as a visitor in this data or period.")
    for chart in (p.status_chart(p.person_lifecycle(no_attendance, no_sessions), source="x"),
                  p.retention_chart(p.retention_table(no_attendance, no_sessions, with_size=True), source="x"),
                  p.conversion_chart(p.conversions(no_attendance, no_sessions), source="x"),
                  p.key_person_chart(p.key_person_table(no_attendance, no_sessions), activities, source="x"),
                  p.volunteer_hours_chart(p.volunteer_hours(no_attendance, no_sessions), activities, source="x"),
                  p.continuity_chart(p.continuity(no_attendance, no_sessions, paid_support), activity_id="energy",
                                     source="x")):
        assert source_of(chart) == "x"


@pytest.mark.parametrize("period, expected", [("M", [24276, 24277, 24288]), ("Q", [8092, 8092, 8096]),
                                              ("Y", [2023, 2023, 2024])])
def test_period_number_makes_k_periods_later_a_subtraction(period, expected):
    dates = pd.Series(pd.to_datetime(["2023-01-31", "2023-02-01", "2024-01-01"]))
    assert p.period_number(dates, period).tolist() == expected  # 2023 × 12 + 0 = 24276; 2023 × 4 = 8092
    with pytest.raises(ValueError):
        p.period_number(dates, "W")


def test_retention_sentence_compares_volunteers_and_visitors(attendance, sessions):
    by_role = p.retention_summary(p.retention_table(attendance, sessions, period="Q", by="role", with_size=True), ks=(1,))
    assert p.retention_sentence(by_role, lang="en") == (
        "One period after their first time in that role, 50% of volunteers still take part, against 33% of visitors.")
    public = p.retention_summary(p.retention_table(attendance, sessions, period="Q", by="role", with_size=True),
                                 ks=(1,), public=True)
    assert "– of volunteers" in p.retention_sentence(public, lang="en")


def test_report_coaches_sentence_quotes_the_report():
    sentence = p.report_coaches_sentence(lang="en")
    assert sentence.startswith("The report: the energy-coach team started in September 2022 with 10 trained volunteers")
    assert "1 coach remained" in sentence and "Terugblik en vooruitblik" in sentence


def test_meaning_bullets_give_advice_only_where_the_data_supports_it(attendance, sessions, paid_support):
    effect = p.support_effect(p.continuity(attendance, sessions, paid_support))
    coordinators = p.key_person_table(attendance, sessions, roles=("coordinator",))
    support, coordination, conversion = p.meaning_bullets(effect, coordinators, p.conversions(attendance, sessions),
                                                          activity_id="energy", lang="en")
    assert "Plan support in" in support and "a second coordinator" in coordination
    assert conversion.startswith("**From visitor to volunteer.** 33% of the 3 people")
    more_after = effect.assign(volunteers_without_support=5.0)
    support, coordination, _ = p.meaning_bullets(more_after, coordinators.iloc[0:0], p.conversions(attendance, sessions),
                                                 activity_id="energy", lang="en")
    assert "Plan support in" not in support and "no fewer volunteers" in support
    assert "second coordinator" not in coordination
