"""Kiosk widgets and screens on a tiny hand-made release (no browser needed)."""

from __future__ import annotations

import csv
from importlib.resources import files

import pandas as pd
import pytest

from werkplaats_data import expo_screens, i18n, kiosk
from werkplaats_data.release import load_release, write_release


def tiny_tables() -> dict[str, pd.DataFrame]:
    """A release small enough to check by hand: 12 coached households, 4 swaps, 3 greening actions,
    3 Textiel Fridays (12 different people in 2023 Q1, 3 in Q2)."""
    days = pd.to_datetime([f"2023-{m:02d}-15" for m in range(1, 13)])
    energy_visits = pd.DataFrame({
        "visit_id": [f"v{i}" for i in range(12)],
        "date": days,
        "household_id": [f"h{i}" for i in range(12)],
        "coach_id": ["c1"] * 6 + ["c2"] * 6,
        "measures": ["led_lamps;radiator_foil"] * 12,
        "est_kwh_saved": [None] * 12,
        "est_gas_m3_saved": [None] * 12,
    })
    swaps = pd.DataFrame({
        "swap_id": ["s1", "s2", "s3", "s4"],
        "date": pd.to_datetime(["2023-01-02", "2023-01-09", "2023-02-06", "2023-02-13"]),
        "giver_id": ["p1", "p2", "org_ruilpunt", "p3"],
        "receiver_id": ["org_ruilpunt", "p1", "p2", "p1"],
        "kind": ["good", "service", "good", "service"],
        "category": ["kleding", "klussen", "boeken", "naaien"],
        "points": [5.0, 10.0, 3.0, 8.0],
    })
    greening = pd.DataFrame({
        "action_id": ["g1", "g2", "g3"],
        "date": pd.to_datetime(["2022-04-01", "2023-04-01", "2023-05-01"]),
        "kind": ["facade_garden", "tree_pit", "rain_barrel"],
        "street": ["Gaffelstraat", "Josephstraat", "Gaffelstraat"],
        "quantity": [1.0, 2.0, 1.0],
        "unit": ["stuks", "stuks", "stuks"],
    })
    solar = pd.DataFrame({
        "person_id": ["p1", "p2", "p1", "p2"],
        "project": ["Batavierenstraat"] * 4,
        "year": pd.array([2022, 2022, 2023, 2023], dtype="Int64"),
        "shares": pd.array([2, 1, 2, 1], dtype="Int64"),
        "kwh_allocated": [500.0, 250.0, 520.0, 260.0],
    })
    fridays = pd.to_datetime(["2023-01-06", "2023-01-13", "2023-04-07"])
    sessions = pd.DataFrame({"session_id": ["t1", "t2", "t3"], "activity_id": ["textiel"] * 3, "date": fridays})
    attendance = pd.DataFrame({"session_id": ["t1"] * 6 + ["t2"] * 6 + ["t3"] * 3,
                               "person_id": [f"p{i}" for i in range(12)] + ["p0", "p1", "p2"],
                               "role": ["visitor"] * 15})
    names = pd.DataFrame({"activity_id": ["textiel"], "name_nl": ["Werkplaats Textiel"], "name_en": ["Textile workshop"]})
    return {"energy_visits": energy_visits, "swaps": swaps, "greening": greening, "solar": solar,
            "sessions": sessions, "attendance": attendance, "activities": names}


@pytest.fixture
def release(tmp_path):
    return load_release(write_release(tiny_tables(), tmp_path / "release", demo=True))


@pytest.fixture
def empty_release(tmp_path):
    return load_release(write_release({}, tmp_path / "empty", demo=False))


def texts(widget) -> str:
    """Every text a visitor could read in a widget tree (HTML values and button labels)."""
    out = []
    for name in ("value", "description"):
        value = getattr(widget, name, None)
        if isinstance(value, str):
            out.append(value)
    for option in getattr(widget, "_options_labels", ()) or ():
        out.append(option)
    for child in getattr(widget, "children", ()):
        out.append(texts(child))
    return "\n".join(out)


def test_every_expo_key_has_dutch_and_english():
    path = files("werkplaats_data") / "data" / "i18n.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [row for row in csv.DictReader(fh) if row["key"].startswith("expo.")]
    assert len(rows) > 40
    missing = [row["key"] for row in rows if not row["nl"].strip() or not row["en"].strip()]
    assert missing == []


def test_home_and_navigation_are_in_arabic():
    keys = ["expo.brand", "expo.home", "expo.open", "expo.touch", "expo.draft_translation", "expo.home.title",
            "expo.home.lead", "expo.energy.title", "expo.energy.tile", "expo.werkplaats.title", "expo.werkplaats.tile",
            "expo.stories.title", "expo.stories.tile", "expo.no_data"]
    table = i18n.table()
    assert [k for k in keys if not table[k]["ar"]] == []


def test_idle_phase_follows_the_two_thresholds():
    phase = lambda s: kiosk.idle_phase(s, attract_after=60, reset_after=180)  # noqa: E731
    assert [phase(s) for s in (0, 59, 60, 179, 180, 10_000)] == ["active", "active", "attract", "attract", "reset", "reset"]


def test_home_shows_a_tile_per_dashboard_and_the_demo_banner(release):
    app = expo_screens.app(release)
    text = texts(app.widget)
    for key in ("expo.energy.title", "expo.werkplaats.title", "expo.stories.title"):
        assert i18n.t(key, "nl") in text
    assert app.banner.layout.display is None  # shown: this is a demo release
    assert app.home_button.layout.display == "none"  # no "back" on the home screen


def test_no_banner_on_a_real_release(empty_release):
    assert expo_screens.app(empty_release).banner.layout.display == "none"


def test_language_switch_changes_text_and_direction(release):
    app = expo_screens.app(release)
    app.language.value = "en"
    assert i18n.t("expo.home.title", "en") in texts(app.widget)
    app.language.value = "ar"
    assert "wp-rtl" in app.widget._dom_classes
    assert app.draft.layout.display is None  # Arabic is marked as a draft translation
    app.language.value = "nl"
    assert "wp-rtl" not in app.widget._dom_classes


def test_untrusted_values_are_ignored(release):
    app = expo_screens.app(release)
    app.go("../../etc/passwd")
    app.set_language("__import__('os')")
    assert (app.current, app.lang) == ("home", "nl")


def test_tile_opens_its_dashboard_and_home_goes_back(release):
    app = expo_screens.app(release)
    tile_buttons = [w for w in app.tiles("nl").children]
    tile_buttons[0].children[1].click()
    assert app.current == "energie"
    assert app.home_button.layout.display is None
    app.home_button.click()
    assert app.current == "home"


def test_energy_screen_uses_small_cell_rule_and_reuses_charts(release):
    app = expo_screens.app(release, start="energie")
    text = texts(app.widget)
    # 12 households: shown rounded to 10 (small-cell rule: round to 5)
    assert "10</div><div>" + i18n.t("expo.energy.households", "nl") in text
    slots = len(app.slots)
    app.set_language("en")
    assert len(app.slots) == slots  # the same chart widgets, with new charts inside


def test_what_can_i_save_follows_the_buttons(release):
    app = expo_screens.app(release, start="energie")
    chart = app.slots._slots["energy_save"]
    spec = chart.spec
    assert chart._params["chosen"] == ["led_lamps", "radiator_foil", "draught_strips"]  # the shower head starts off
    measure_buttons = [w for w in _walk(app.widget) if "wp-measure" in getattr(w, "_dom_classes", ())]
    assert len(measure_buttons) == len(expo_screens.SAVING_MEASURES)
    measure_buttons[-1].value = True
    measure_buttons[0].value = False
    # only the synced parameter changes (fast in the browser); the spec stays the same
    assert chart._params["chosen"] == ["radiator_foil", "draught_strips", "water_saving_showerhead"]
    assert chart.spec is spec


def test_savings_chart_filters_on_the_chosen_parameter():
    table = expo_screens.energy.savings_for(list(expo_screens.SAVING_MEASURES))
    spec = expo_screens.savings_chart(table, chosen=("led_lamps",)).to_dict()
    assert {"name": "chosen", "value": ["led_lamps"]} in spec["params"]  # Altair lifts parameters to the top
    assert {"filter": "indexof(chosen, datum.measure) >= 0"} in spec["vconcat"][0]["transform"]


def test_missing_tables_give_friendly_sentences_not_errors(empty_release):
    app = expo_screens.app(empty_release, start="werkplaats")
    text = texts(app.widget)
    assert i18n.t("expo.no_data", "nl") in text
    assert i18n.t("expo.section_failed", "nl") not in text
    energy = texts(expo_screens.app(empty_release, start="energie").widget)
    assert i18n.t("expo.no_data", "nl") in energy
    assert i18n.t("expo.energy.save_title", "nl")  # the "what can I save" part works without data


def test_attract_loop_and_reset(release):
    app = expo_screens.app(release, attract_after=10, reset_after=30)
    app.go("werkplaats")
    app.set_language("en")
    app.idle.idle_seconds = 10
    assert "wp-hidden" not in app.attract._dom_classes
    assert (app.current, app.lang) == ("werkplaats", "en")
    app.idle.idle_seconds = 34
    assert (app.current, app.lang) == ("home", "nl")
    app.idle.idle_seconds = 0
    assert "wp-hidden" in app.attract._dom_classes


def test_werkplaats_screen_has_every_part_and_the_ruilpunt_filter_names_itself(release):
    app = expo_screens.app(release, start="werkplaats")
    text = texts(app.widget)
    for key in ("activities_q", "repair_q", "ruilpunt_q", "textiel_q", "greening_q", "greening_map_text"):
        assert i18n.t(f"expo.werkplaats.{key}", "nl") in text
    assert {"activities", "ruilpunt", "textiel", "greening_map"} <= set(app.slots._slots)
    textiel = next(iter(app.slots._slots["textiel"].spec["datasets"].values()))
    assert [(row["sessions"], row["per_session"], row["people_text"]) for row in textiel] == [(2, 6.0, "10")]  # Q2: too few
    ruilpunt = app.slots._slots["ruilpunt"]
    assert ruilpunt.spec["title"]["text"] == i18n.t("expo.werkplaats.showing", "nl", kind=i18n.t("expo.werkplaats.all", "nl"))
    kinds = next(w for w in _walk(app.widget) if "good" in [v for _, v in getattr(w, "options", ())])
    kinds.value = "service"
    assert ruilpunt.spec["title"]["text"] == i18n.t("expo.werkplaats.showing", "nl", kind=i18n.t("ruilpunt.kind.service", "nl"))
    shown = [row["kind"] for rows in ruilpunt.spec["datasets"].values() for row in rows if "kind" in row]
    assert set(shown) == {"service"}


def test_story_wall_filters_on_themes_and_shows_photos_only_when_allowed():
    stories = pd.DataFrame({
        "story_id": ["S-1", "S-2"], "original_id": ["S-1", "S-2"], "title": ["Een", "Twee"], "language": ["nl", "en"],
        "date": pd.to_datetime(["2023-01-01", "2024-01-01"]), "activity": ["ruilpunt", "textiel"],
        "themes": ["belonging;saving_money", "learning_skills"], "quote": ["<b>Samen</b>", "Learn"], "photo": ["F-1", None],
    })
    wall = texts(expo_screens.story_wall(stories, "nl", theme="saving_money"))
    assert "&lt;b&gt;Samen" in wall and "Learn" not in wall  # filtered on one of the ';' themes, quote escaped
    assert i18n.t("expo.stories.photo", "nl", title="Een") in wall
    other = texts(expo_screens.story_wall(stories, "nl", theme="learning_skills"))
    assert "wp-photo" not in other  # no photo allowed: no placeholder
    with pytest.raises(kiosk.NoData):
        expo_screens.story_wall(stories, "nl", theme="worries")


def test_stories_screen_has_a_theme_chart_and_buttons_from_the_data(release):
    app = expo_screens.app(release, start="verhalen")
    assert "story_themes" in app.slots._slots
    buttons = next(w for w in _walk(app.widget) if "all" in [v for _, v in getattr(w, "options", ())])
    assert len(buttons.options) > 2
    cards = lambda: [w for w in _walk(app.widget) if "wp-story" in getattr(w, "_dom_classes", ())]  # noqa: E731
    everything = len(cards())
    buttons.value = buttons.options[1][1]  # the most frequent theme: some stories, not all
    assert 0 < len(cards()) < everything


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)
