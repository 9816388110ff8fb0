"""Kiosk widgets and screens on a tiny hand-made release (no browser needed)."""

from __future__ import annotations

import csv
import json
import re
from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest

from werkplaats_data import stories as story_files
from werkplaats_data import charts, energy, expo, expo_screens, i18n, kiosk
from werkplaats_data.release import load_release, write_release

#: A fictional photo (an SVG drawing, no person in it).
PHOTO = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><rect width="40" height="30" fill="#009E73"/></svg>'


def tiny_tables() -> dict[str, pd.DataFrame]:
    """A release small enough to check by hand: 12 coached households in 12 months (2023), 4 swaps,
    3 greening actions, 3 Textiel Fridays (12 attendances by 12 people in 2023 Q1, 3 in Q2),
    5 repairs, solar rows for 2022 and 2023 (verified tax years)."""
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
        "kind": ["facade_garden", "tree_pit", "tiles_removed"],
        "street": ["Gaffelstraat", "Josephstraat", "Gaffelstraat"],
        "quantity": [1.0, 2.0, 12.0],
        "unit": ["stuks", "stuks", "tegels"],
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
    repairs = pd.DataFrame({
        "repair_id": [f"r{i}" for i in range(5)],
        "date": pd.to_datetime(["2023-02-18", "2023-02-18", "2023-03-18", "2023-03-18", "2023-03-18"]),
        "product_category": ["Vacuum", "Lamp", "Coffee maker", "Vacuum", "Lamp"],
        "partner_product_category": ["Stofzuiger", "Lamp", "Koffiezetapparaat", "Stofzuiger", "Lamp"],
        "brand": [None] * 5, "year_of_manufacture": pd.array([None] * 5, dtype="Int64"), "problem": ["kapot"] * 5,
        "repair_status": ["Fixed", "Fixed", "Repairable", "End of life", "Fixed"],
        "repair_barrier": [None, None, None, "Spare parts not available", None],
    })
    return {"energy_visits": energy_visits, "swaps": swaps, "greening": greening, "solar": solar,
            "sessions": sessions, "attendance": attendance, "activities": names, "repairs": repairs}


def story_text(story_id: str, *, teller: str, title: str, quote: str, language: str = "nl", themes: str = "belonging",
               photo: str = "", shows: str = "", translation_of: str = "") -> str:
    extra = (f"photo: {photo}\n" if photo else "") + (f"photo_shows: [{shows}]\n" if shows else "")
    extra += f"translation_of: {translation_of}\n" if translation_of else ""
    return (f"---\nid: {story_id}\ntitle: \"{title}\"\nteller: {teller}\ncollector: V-01\nlanguage: {language}\n"
            f"date: 2023-05-13\nactivity: ruilpunt\ndomain: contact_and_belonging\nthemes: [{themes}]\n"
            f"quote: \"{quote}\"\n{extra}demo: true\n---\n\nVoorbeeldverhaal. {quote}\n")


def story_folder(root: Path) -> Path:
    """Four fictional stories with their consents:

    - S-01 (nl) with an English translation S-01-en and photo F-01: the teller and B-101 (in the
      photo) agreed to the exhibition, so the photo shows;
    - S-02 (nl) with photo F-02: B-102 in the photo refused, so the story shows without it;
    - S-03 (en): only research consent, so it never reaches the exhibition;
    - S-04 (tr): exhibition consent, no translation.
    """
    folder = root / "stories"
    (folder / "photos").mkdir(parents=True)
    stories = {
        "S-01": story_text("S-01", teller="T-001", title="Samen sterk", quote="Ik ruil nu elke week.", photo="F-01", shows="B-101"),
        "S-01-en": story_text("S-01-en", teller="T-001", title="Stronger together", quote="I swap every week now.", language="en",
                              translation_of="S-01", photo="F-01", shows="B-101"),
        "S-02": story_text("S-02", teller="T-002", title="Het nieuwe servies", quote="Mijn kast is weer vol.", themes="saving_money",
                           photo="F-02", shows="B-102"),
        "S-03": story_text("S-03", teller="T-003", title="Not for the wall", quote="This stays in the research.", language="en"),
        "S-04": story_text("S-04", teller="T-004", title="Komşular", quote="Burada herkes yardım ediyor.", language="tr", themes="saving_money"),
    }
    for story_id, text in stories.items():
        (folder / f"{story_id}.md").write_text(text, encoding="utf-8")
    for photo in ("F-01", "F-02"):
        (folder / "photos" / f"{photo}.svg").write_text(PHOTO, encoding="utf-8")
    rows = [("T-001", "S-01", "exhibition_anonymous", "yes"), ("T-001", "F-01", "exhibition_anonymous", "yes"),
            ("B-101", "F-01", "exhibition_anonymous", "yes"), ("T-002", "S-02", "exhibition_anonymous", "yes"),
            ("T-002", "F-02", "exhibition_anonymous", "yes"), ("B-102", "F-02", "exhibition_anonymous", "no"),
            ("T-003", "S-03", "research", "yes"), ("T-004", "S-04", "exhibition_anonymous", "yes")]
    with (folder / "consents.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["person_id", "subject", "purpose", "granted", "date", "method"])
        writer.writerows([(*row, "2023-05-13", "paper") for row in rows])
    return folder


@pytest.fixture
def release(tmp_path):
    return load_release(write_release(tiny_tables(), tmp_path / "release", demo=True))


@pytest.fixture
def empty_release(tmp_path):
    return load_release(write_release({}, tmp_path / "empty", demo=False))


@pytest.fixture
def stories(tmp_path, monkeypatch):
    folder = story_folder(tmp_path)
    monkeypatch.setenv(story_files.STORIES_ENV, str(folder))
    return folder


def texts(widget) -> str:
    """Every text a visitor could read in a widget tree (HTML values and button labels)."""
    out = []
    if isinstance(getattr(widget, "value", None), str) and not hasattr(widget, "options"):
        out.append(widget.value)
    if isinstance(getattr(widget, "description", None), str):
        out.append(widget.description)
    for option in getattr(widget, "_options_labels", ()) or ():
        out.append(option)
    for child in getattr(widget, "children", ()):
        out.append(texts(child))
    return "\n".join(out)


def visible(widget) -> str:
    """The visible text of a widget tree: tags removed, entities decoded, spaces collapsed."""
    import html

    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", texts(widget))))


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def _buttons_with(app, value: str):
    return next(w for w in _walk(app.widget) if value in [v for _, v in getattr(w, "options", ())])


# ----- translations ----------------------------------------------------------------------------


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
            "expo.stories.title", "expo.stories.tile", "expo.no_data", "expo.start_failed", "expo.stories.all_languages"]
    table = i18n.table()
    assert [k for k in keys if not table[k]["ar"]] == []


# ----- the small-cell rule on every screen ------------------------------------------------------

#: Every numeric field a kiosk chart sends to the browser, classified. A field not listed fails
#: the test until someone decides whether it counts people.
PEOPLE_FIELDS = {"shown", "position", "visits", "households", "people", "attendances", "members", "stories", "active_coaches",
                 "participants", "count"}
OTHER_FIELDS = {"kwh", "gas_m3", "eur", "value", "year", "saved_per_household", "use_per_dwelling", "share", "percent",
                "sessions", "swaps", "points", "share_of_points", "items", "kwh_per_share", "eur_per_share",
                "properties.actions", "properties.id", "lon", "lat"}
#: Nouns that follow a count of people in the screens' sentences.
PEOPLE_WORDS = r"(huishoudens|households|coaches?|deelnemers|participants|mensen|people|leden|members|verhalen|stories|" \
               r"huisbezoeken|home visits|vrijwilligers|volunteers|bezoekers|visitors)"


def _rows(spec: dict):
    """Every data row a Vega-Lite spec carries (named datasets and inline values), nested objects flattened."""
    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("values"), list):
                yield from node["values"]
            for key, value in node.items():
                if key != "values":
                    yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)
    for rows in spec.get("datasets", {}).values():
        yield from rows
    yield from walk({k: v for k, v in spec.items() if k != "datasets"})


def _flat(row: dict, prefix: str = ""):
    for key, value in row.items():
        if isinstance(value, dict):
            yield from _flat(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def small_counts(app) -> list[str]:
    """Problems: people counts of 1–9 (or not rounded to 5) in chart data or visible text, and unknown numeric fields."""
    problems = []
    for name, widget in app.slots._slots.items():
        for row in _rows(widget.spec):
            if not isinstance(row, dict):
                continue
            for field, value in _flat(row):
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    continue
                if field in PEOPLE_FIELDS:
                    if value != 0 and (value < 10 or value % 5):
                        problems.append(f"{name}: {field}={value}")
                elif field not in OTHER_FIELDS:
                    problems.append(f"{name}: unclassified numeric field {field}")
    for box in _walk(app.widget):
        if "wp-fact" in getattr(box, "_dom_classes", ()):  # the report's own figures, shown with their source
            continue
        text = box.value if isinstance(getattr(box, "value", None), str) and not getattr(box, "children", None) else ""
        text = re.sub(r"<[^>]+>", " ", text)
        for number, word in re.findall(r"(\d[\d.,]*)\s+" + PEOPLE_WORDS, text, flags=re.I):
            value = float(number.replace(".", "").replace(",", ""))
            if value < 10 or value % 5:
                problems.append(f"text: {number} {word}")
    return problems


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("start", ["energie", "werkplaats", "verhalen"])
def test_no_small_count_of_people_reaches_a_screen(release, lang, start):
    app = expo_screens.app(release, start=start, lang=lang)
    assert len(app.slots) >= 1
    assert small_counts(app) == []
    for sentence in app.highlights():
        assert not re.search(r"\b[1-9]\s+" + PEOPLE_WORDS, sentence)


@pytest.mark.slow
def test_no_small_count_of_people_on_the_demo_release():
    demo = load_release(None, tables=expo_screens.KIOSK_TABLES)
    for start in ("energie", "werkplaats", "verhalen"):
        app = expo_screens.app(demo, start=start)
        assert small_counts(app) == [], start


def test_the_walker_catches_a_small_count():
    fake = type("App", (), {})()
    fake.slots = kiosk.ChartSlots()
    fake.widget = kiosk.html_box("<div class='wp-figure'>7</div><div>huishoudens geholpen</div>")
    import altair as alt
    fake.slots.show("x", alt.Chart(pd.DataFrame({"members": [32, 7], "year": [2023, 2024]})).mark_bar(), lang="nl")
    assert small_counts(fake) == ["x: members=32", "x: members=7", "text: 7 huishoudens"]


def test_coaches_are_shown_per_quarter_with_the_small_cell_rule_and_the_report_says_the_rest(release):
    app = expo_screens.app(release, start="energie")
    rows = next(iter(app.slots._slots["energy_coaches"].spec["datasets"].values()))
    # 12 visits, one a month in 2023: 3 per quarter, every quarter suppressed
    assert [(r["label"], r["shown"], r["text"]) for r in rows] == [(f"K{q} 2023", None, "minder dan 10") for q in (1, 2, 3, 4)]
    fact = next(w for w in _walk(app.widget) if "wp-fact" in getattr(w, "_dom_classes", ()))
    assert "10 vrijwilligers" in fact.value and "nog 1 coach" in fact.value and i18n.t("source.report", "nl") in fact.value


def test_measures_chart_counts_households_per_measure(release):
    app = expo_screens.app(release, start="energie", lang="en")
    rows = next(iter(app.slots._slots["energy_measures"].spec["datasets"].values()))
    # 12 households took LED lamps and radiator foil: 12 → 10
    assert sorted((r["key"], r["shown"]) for r in rows) == [("led_lamps", 10), ("radiator_foil", 10)]
    assert "LED lamps" in json.dumps(rows)


def test_solar_chart_sends_no_member_count(release):
    app = expo_screens.app(release, start="energie")
    rows = next(iter(app.slots._slots["energy_solar"].spec["datasets"].values()))
    assert set(rows[0]) == {"project", "year", "kwh_per_share", "eur_per_share"}
    # 2023: (520 + 260) kWh × 0.12599 × 1.21 over 3 shares
    assert [round(r["eur_per_share"], 2) for r in rows if r["year"] == 2023] == [round(780 * 0.12599 * 1.21 / 3, 2)]


def test_cbs_use_is_notebook_02s_chart_from_the_shipped_figures_only(release, monkeypatch):
    from werkplaats_data import context

    monkeypatch.setattr(context, "fetch_kwb", lambda *a, **k: pytest.fail("the kiosk fetched from CBS StatLine"))
    app = expo_screens.app(release, start="energie")
    spec = app.slots._slots["energy_cbs"].spec
    expected = context.series_chart(context.kwb_series(live=False), "gas_per_dwelling", lang="nl").to_dict()
    assert spec["vconcat"][0] == expected["vconcat"][0]  # the same figure as notebook 02 draws
    assert spec["vconcat"][0]["encoding"]["x"]["scale"]["domain"] == list(range(2014, 2025))


def test_solar_with_only_unverified_years_gives_a_sentence(tmp_path):
    tables = tiny_tables()
    tables["solar"] = tables["solar"].assign(year=pd.array([2018, 2018, 2019, 2019], dtype="Int64"))
    app = expo_screens.app(load_release(write_release(tables, tmp_path / "r", demo=True)), start="energie")
    assert "energy_solar" not in app.slots
    assert i18n.t("expo.energy.solar_unverified", "nl") in visible(app.widget)
    assert "–" not in visible(app.widget).split(i18n.t("expo.energy.solar_q", "nl"))[1][:200]


def test_textiel_shows_participations_not_an_average(release):
    app = expo_screens.app(release, start="werkplaats")
    rows = next(iter(app.slots._slots["textiel"].spec["datasets"].values()))
    # Q1: 12 participations → 10; Q2: 3 → suppressed
    assert [(r["label"], r["shown"]) for r in rows] == [("K1 2023", 10), ("K2 2023", None)]
    assert "per_session" not in json.dumps(app.slots._slots["textiel"].spec)


# ----- number and date formats per language -----------------------------------------------------


def test_charts_follow_the_screen_language(release):
    app = expo_screens.app(release, start="energie")
    assert app.slots._slots["energy_save"].spec["config"]["locale"] == charts.locale("nl")
    app.set_language("en")
    assert app.slots._slots["energy_save"].spec["config"]["locale"] == charts.locale("en")
    app.set_language("ar")
    assert app.slots._slots["energy_save"].spec["config"]["locale"]["time"]["months"][2] == "مارس"


# ----- navigation, languages, idle --------------------------------------------------------------


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
    assert "افتح ←" in texts(app.widget)  # the arrow points the reading way
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


def test_a_single_dashboard_is_its_own_home(release):
    app = expo_screens.app(release, start="energie", attract_after=10, reset_after=30)
    assert app.home_button.layout.display == "none"
    app.set_language("en")
    app.idle.idle_seconds = 34
    assert (app.current, app.lang) == ("energie", "nl")
    app.go("werkplaats")  # only through developer tools: there is no tile
    app.home_button.click()
    assert app.current == "energie"


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
    table = energy.savings_for(list(expo_screens.SAVING_MEASURES))
    spec = expo_screens.savings_chart(table, chosen=("led_lamps",), source="Bron: x").to_dict()
    assert {"name": "chosen", "value": ["led_lamps"]} in spec["params"]  # Altair lifts parameters to the top
    assert {"filter": "indexof(chosen, datum.measure) >= 0"} in spec["vconcat"][0]["transform"]


def test_saving_prices_pick_a_year_with_both_prices_and_cite_it():
    table = pd.DataFrame({"carrier": ["electricity", "gas", "electricity"], "eur_per_unit_incl_vat": [0.40, 1.45, 0.30],
                          "year": [2023, 2023, 2024], "source": ["Prijsplafond 2023 (Rijksoverheid): stroom", "Prijsplafond 2023 (Rijksoverheid): gas",
                                                                  "CBS 2024: stroom"]})
    assert expo_screens.saving_prices(table) == {"kwh": 0.40, "m3": 1.45, "year": 2023, "source": "Prijsplafond 2023 (Rijksoverheid)"}
    with pytest.raises(kiosk.NoData):  # 2024 has no gas price: no euro amount rather than a mixed one
        expo_screens.saving_prices(table, year=2024)
    both = pd.concat([table, pd.DataFrame({"carrier": ["gas"], "eur_per_unit_incl_vat": [1.30], "year": [2024], "source": ["CBS 2024: gas"]})])
    assert expo_screens.saving_prices(both)["year"] == 2024


def test_every_assumption_has_a_source_in_the_screen_language():
    prices = expo_screens.saving_prices(energy.prices())
    for lang, estimate in (("nl", "schatting van de Werkplaats"), ("en", "Werkplaats estimate")):
        lines = expo_screens.assumption_lines(expo_screens.SAVING_MEASURES, prices, lang)
        assert len(lines) == len(expo_screens.SAVING_MEASURES) + 1
        assert all(f"({estimate})" in line for line in lines[:-1])  # measures.csv marks each as an estimate
        assert str(prices["year"]) in lines[-1] and prices["source"] in lines[-1]
    english = " ".join(expo_screens.assumption_lines(expo_screens.SAVING_MEASURES, prices, "en"))
    assert "schatting" not in english and "rule of thumb" not in english


def test_missing_tables_give_friendly_sentences_not_errors(empty_release):
    app = expo_screens.app(empty_release, start="werkplaats")
    text = texts(app.widget)
    assert i18n.t("expo.no_data", "nl") in text
    assert i18n.t("expo.section_failed", "nl") not in text
    energy_text = texts(expo_screens.app(empty_release, start="energie").widget)
    assert i18n.t("expo.no_data", "nl") in energy_text
    assert i18n.t("expo.section_failed", "nl") not in energy_text


def test_attract_loop_cycles_highlights_then_resets(release):
    app = expo_screens.app(release, attract_after=10, reset_after=30, cycle_seconds=8)
    app.go("werkplaats")
    app.set_language("en")
    app.idle.idle_seconds = 10
    assert "wp-hidden" not in app.attract._dom_classes
    first = app.attract.children[0].value
    app.idle.idle_seconds = 18
    second = app.attract.children[0].value
    assert first != second  # the energy and the Ruilpunt highlight take turns
    assert {re.search(r"<p>(.*?)</p>", v).group(1) for v in (first, second)} == set(app.highlights())
    assert (app.current, app.lang) == ("werkplaats", "en")
    app.idle.idle_seconds = 0  # a touch before the reset: back where the visitor was
    assert "wp-hidden" in app.attract._dom_classes
    assert (app.current, app.lang) == ("werkplaats", "en")
    app.idle.idle_seconds = 34
    assert (app.current, app.lang) == ("home", "nl")


def test_werkplaats_screen_has_every_part_and_the_ruilpunt_filter_names_itself(release):
    app = expo_screens.app(release, start="werkplaats")
    text = texts(app.widget)
    for key in ("activities_q", "repair_q", "ruilpunt_q", "textiel_q", "greening_q", "greening_map_text"):
        assert i18n.t(f"expo.werkplaats.{key}", "nl") in text
    assert {"activities", "repairs", "ruilpunt", "textiel", "greening_map"} <= set(app.slots._slots)
    ruilpunt = app.slots._slots["ruilpunt"]
    assert ruilpunt.spec["title"]["text"] == i18n.t("expo.werkplaats.showing", "nl", kind=i18n.t("expo.werkplaats.all", "nl"))
    kinds = _buttons_with(app, "good")
    kinds.value = "service"
    assert ruilpunt.spec["title"]["text"] == i18n.t("expo.werkplaats.showing", "nl", kind=i18n.t("ruilpunt.kind.service", "nl"))
    shown = [row["kind"] for rows in ruilpunt.spec["datasets"].values() for row in rows if "kind" in row]
    assert set(shown) == {"service"}


#: Dutch words that occur in the data (categories, units, parameter sources) and must not reach an English screen.
DUTCH_DATA_WORDS = ("kleding", "boeken", "klussen", "naaien", "stuks", "tegels", "schatting", "prijsplafond",
                    "huisbezoeken", "gerepareerd", "minder dan", "kwartaal", "deelnames", "voorbeelddata")


def english_screen_words(app) -> str:
    """The visible text of a screen plus every string its charts draw (titles, labels, data); a story
    card is left out (a story not translated is shown in the language it was told in)."""
    strings = [visible(box) for box in _walk(app.widget) if not getattr(box, "children", None)
               and "wp-story" not in getattr(box, "_dom_classes", ())]
    for widget in app.slots._slots.values():
        strings += [value for row in _rows(widget.spec) if isinstance(row, dict) for _, value in _flat(row) if isinstance(value, str)]
        strings.append(json.dumps({k: v for k, v in widget.spec.items() if k not in ("datasets", "config")}, ensure_ascii=False))
    return " ".join(strings).lower()


@pytest.mark.parametrize("start", ["energie", "werkplaats", "verhalen"])
def test_the_english_screen_has_no_dutch_data_words(release, start):
    app = expo_screens.app(release, start=start, lang="en")
    text = english_screen_words(app)
    # the price source keeps its Dutch title (a citation), and the report's title is cited in English
    text = text.replace(expo_screens.saving_prices(energy.prices())["source"].lower(), "")
    found = [word for word in DUTCH_DATA_WORDS if re.search(rf"\b{word}", text)]
    assert found == []
    assert "€ " not in visible(app.widget)  # English writes €174, not € 174


def test_the_dutch_data_words_are_really_there_in_dutch(release):
    text = " ".join(english_screen_words(expo_screens.app(release, start=s, lang="nl")) for s in ("energie", "werkplaats"))
    assert [w for w in ("kleding", "boeken", "stuks", "tegels", "schatting", "minder dan") if w not in text] == []


# ----- the story wall ---------------------------------------------------------------------------


def test_wall_entries_group_translations_and_keep_photos_only_with_complete_consent(stories):
    dutch = story_files.wall_entries(stories, lang="nl")
    assert dutch["original_id"].tolist() == ["S-01", "S-02", "S-04"]  # S-03 has no exhibition consent
    english = story_files.wall_entries(stories, lang="en").set_index("original_id")
    assert english.loc["S-01", ["story_id", "title", "is_translation"]].tolist() == ["S-01-en", "Stronger together", True]
    assert english.loc["S-04", ["story_id", "language", "is_translation"]].tolist() == ["S-04", "tr", False]
    assert english.loc["S-01", "photo_file"].endswith("photos/F-01.svg")
    assert english.loc["S-02", "photo_file"] is None  # B-102 in the photo said no
    assert list(dutch.columns) == ["story_id", "original_id", "language", "title", "quote", "themes", "activity", "date",
                                   "photo_file", "first_name", "is_translation"]


def test_story_cards_show_the_photo_inline_and_a_first_name_only_when_given(stories):
    entries = story_files.wall_entries(stories, lang="nl")
    wall = texts(expo_screens.story_wall(entries, "nl"))
    assert wall.count("data:image/svg+xml;base64,") == 1 and "/photos/" not in wall  # inline, not a file address
    assert i18n.t("expo.stories.teller", "nl", name="").strip() not in wall
    named = entries.assign(first_name=["Fatima", None, None])
    assert i18n.t("expo.stories.teller", "nl", name="Fatima") in texts(expo_screens.story_wall(named, "nl"))
    escaped = entries.assign(quote=["<b>Samen</b>", "x", "y"])
    assert "&lt;b&gt;Samen" in texts(expo_screens.story_wall(escaped, "nl"))
    with pytest.raises(kiosk.NoData):
        expo_screens.story_wall(entries, "nl", theme="worries")


def test_photo_uri_refuses_unknown_types_and_large_files(tmp_path):
    script = tmp_path / "x.html"
    script.write_text("<script>alert(1)</script>")
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG" + bytes(expo_screens.MAX_PHOTO_BYTES))
    assert expo_screens.photo_uri(str(script)) is None and expo_screens.photo_uri(str(big)) is None
    assert expo_screens.photo_uri(None) is None


def test_stories_screen_filters_on_theme_and_story_language(release, stories):
    app = expo_screens.app(release, start="verhalen")
    cards = lambda: [w.value for w in _walk(app.widget) if "wp-story" in getattr(w, "_dom_classes", ())]  # noqa: E731
    assert len(cards()) == 3
    assert "This stays in the research" not in texts(app.widget)
    chart = app.slots._slots["story_themes"]
    assert chart._params["chosen"] == "all"
    themes = _buttons_with(app, "saving_money")
    themes.value = "saving_money"
    assert len(cards()) == 2 and chart._params["chosen"] == "saving_money"  # the chart marks the tapped theme
    themes.value = "all"
    languages = _buttons_with(app, "tr")
    assert [v for _, v in languages.options] == ["all", "nl", "tr"]
    languages.value = "tr"
    assert len(cards()) == 1 and "Burada herkes" in cards()[0]
    app.set_language("en")
    assert any("Stronger together" in c for c in cards())  # the English screen takes the translation
    assert not any("Samen sterk" in c for c in cards())


def test_the_stories_chart_counts_a_story_once_and_hides_small_counts(release, stories):
    app = expo_screens.app(release, start="verhalen")
    rows = next(iter(app.slots._slots["story_themes"].spec["datasets"].values()))
    assert {r["key"]: r["text"] for r in rows} == {"belonging": "minder dan 10", "saving_money": "minder dan 10"}


# ----- the entry cell ---------------------------------------------------------------------------


def test_entry_shows_the_app(tmp_path):
    release_dir = write_release(tiny_tables(), tmp_path / "release", demo=True)
    widget = expo.entry("werkplaats", release_path=release_dir, lang="en")
    assert i18n.t("expo.werkplaats.title", "en") in texts(widget)


def test_entry_never_raises_and_shows_a_friendly_sentence(tmp_path, caplog, monkeypatch):
    monkeypatch.delenv(expo.STRICT_ENV, raising=False)  # as in the kiosk
    broken = write_release(tiny_tables(), tmp_path / "broken", demo=True)
    (broken / "datapackage.json").write_text("{ not json")
    shown = expo.entry("energie", release_path=broken)
    page = shown._repr_html_()
    for lang in ("nl", "en", "ar"):
        assert i18n.t("expo.start_failed", lang) in page
    assert "Traceback" not in page and "show_tracebacks" not in page


def test_entry_raises_in_strict_mode_so_a_broken_dashboard_fails_its_test(tmp_path, monkeypatch):
    monkeypatch.setenv(expo.STRICT_ENV, "1")
    broken = write_release(tiny_tables(), tmp_path / "broken", demo=True)
    (broken / "datapackage.json").write_text("{ not json")
    with pytest.raises(ValueError):
        expo.entry("energie", release_path=broken)
    assert expo.STRICT_ENV not in expo.kiosk_environment(broken, expo.KioskSettings(), base={expo.STRICT_ENV: "1"})


def test_a_deferred_screen_shows_its_first_part_and_builds_the_rest_once_on_screen(release):
    app = expo_screens.app(release, start="energie", defer=True)
    assert set(app.slots._slots) == {"energy_save"}  # only "what can I save" before the page is shown
    app.idle._handle_custom_msg({"event": "shown", "path": "/etc/passwd"}, [])  # anything else is ignored
    assert set(app.slots._slots) == {"energy_save"}
    app.idle._handle_custom_msg({"event": "shown"}, [])
    assert {"energy_coaches", "energy_measures", "energy_cbs", "energy_use", "energy_solar"} <= set(app.slots._slots)
    app.go("werkplaats")  # once on screen, a new screen builds its later parts right after its first
    assert {"activities", "repairs", "ruilpunt", "textiel", "greening_map"} <= set(app.slots._slots)
