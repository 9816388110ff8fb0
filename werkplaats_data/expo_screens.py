"""The exhibition's screens: home, "De energie van het Oude Westen", "Werkplaats in beeld", "Verhalen".

Each screen is a ``kiosk.Screen``: how its tile reads, how it is built from a release in one
language, and which highlight sentences the attract loop shows. Screens only arrange what the
analysis modules compute (energy, repair, ruilpunt, greening, participation, stories); a section
whose table is missing or empty shows a friendly sentence instead (``kiosk.NoData``).
Counts about people go through the small-cell rule (``privacy.safe_count``).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import altair as alt
import ipywidgets as widgets
import pandas as pd

from werkplaats_data import activities, charts, context, energy, kiosk, privacy, repair, ruilpunt
from werkplaats_data.i18n import format_number, t
from werkplaats_data.kiosk import NoData, esc, html_box, section

#: Which consent purpose the exhibition needs: anonymous (no first names shown).
EXHIBITION_PURPOSE = "exhibition_anonymous"
#: The measures a visitor can tick in "what can I save", in this order.
SAVING_MEASURES = ("led_lamps", "radiator_foil", "draught_strips", "water_saving_showerhead")
#: How many of the most frequent story themes get a filter button (the others still show under "all").
STORY_THEME_BUTTONS = 6


def _require(release, table: str) -> pd.DataFrame:
    """The table, or ``NoData`` when the release lacks it or it has no rows."""
    if not release.has(table):
        raise NoData("expo.no_data")
    return getattr(release, table)


def _demo(release) -> bool:
    return bool(getattr(release, "is_demo", False))


def _people(count, lang: str) -> str:
    """A count of people, safe to show: rounded to 5, or "fewer than 10"."""
    safe = privacy.safe_count(count)
    return t("small_cell.suppressed", lang) if safe is None else format_number(safe, lang)


def _page(title: str, lead: str, parts: list[widgets.Widget]) -> widgets.VBox:
    return widgets.VBox([html_box(f"<h1>{esc(title)}</h1><p class='wp-lead'>{esc(lead)}</p>"), *parts])


# ----- home ----------------------------------------------------------------------------------


def build_home(release, lang: str, app) -> widgets.Widget:
    """Title, one sentence, and a large tile per dashboard."""
    return _page(t("expo.home.title", lang), t("expo.home.lead", lang), [app.tiles(lang)])


HOME = kiosk.Screen("home", "expo.home.title", "expo.home.lead", "wp-tile-home", build_home, lambda release, lang: [])


# ----- De energie van het Oude Westen ----------------------------------------------------------


def savings_chart(table: pd.DataFrame, *, lang: str = "nl", chosen: tuple[str, ...] = ()) -> alt.TopLevelMixin:
    """Bars of euros saved per year for each measure in ``chosen`` (``energy.savings_for`` output for all).

    ``table`` holds every measure; the parameter ``chosen`` (a list of measure codes) filters them
    in the browser, so a tap only changes that parameter (``ChartSlots.set_param``), not the chart.
    """
    picked = alt.param(name="chosen", value=list(chosen))
    chart = alt.Chart(table[["measure", "label", "kwh", "gas_m3", "eur"]]).mark_bar().encode(
        x=alt.X("eur:Q", title=t("expo.energy.eur_per_year", lang), scale=alt.Scale(domain=[0, float(table["eur"].max() or 1)])),
        y=alt.Y("label:N", sort="-x", title=None, axis=alt.Axis(labelLimit=360)),
        color=alt.Color("measure:N", legend=None, scale=alt.Scale(domain=list(SAVING_MEASURES), range=charts.PALETTE[:4])),
        tooltip=["label:N", alt.Tooltip("kwh:Q", format=".0f"), alt.Tooltip("gas_m3:Q", format=".0f"), alt.Tooltip("eur:Q", format=".0f")],
    ).add_params(picked).transform_filter("indexof(chosen, datum.measure) >= 0").properties(
        title=t("expo.energy.save_title", lang), height=240)
    return charts.with_source(chart, t("expo.energy.save_source", lang))


def _what_can_i_save(lang: str, app) -> widgets.Widget:
    """Toggle buttons per measure; the chart and the total follow the visitor's choice."""
    labels = energy.measures()
    label_column = "label_nl" if lang == "nl" else "label_en"
    buttons = [widgets.ToggleButton(value=code != "water_saving_showerhead", description=str(labels.loc[code, label_column]))
               for code in SAVING_MEASURES]
    for button in buttons:
        button.add_class("wp-measure")
    total = html_box("")
    initial = [code for code, button in zip(SAVING_MEASURES, buttons) if button.value is True]
    chart = app.slots.show("energy_save", savings_chart(energy.savings_for(list(SAVING_MEASURES), lang=lang), lang=lang,
                                                        chosen=tuple(initial)))

    def update(_=None):
        chosen = [code for code, button in zip(SAVING_MEASURES, buttons) if button.value is True]
        app.slots.set_param("energy_save", "chosen", chosen)
        if not chosen:
            total.value = f'<div class="wp-empty">{esc(t("expo.energy.choose", lang))}</div>'
            return
        result = energy.what_can_i_save(chosen)
        total.value = ('<div class="wp-figure">€ ' + esc(format_number(result["eur"], lang)) + "</div><div>"
                       + esc(t("expo.energy.save_total", lang, kwh=format_number(result["kwh"], lang),
                               gas=format_number(result["gas_m3"], lang))) + "</div>")

    for button in buttons:
        button.observe(update, names="value")
    update()
    assumptions = "".join(f"<li>{esc(labels.loc[code, label_column])}: {esc(labels.loc[code, 'source'])}</li>" for code in SAVING_MEASURES)
    prices = energy.prices()
    price_note = "; ".join(f"{esc(row.source)}" for row in prices.itertuples())
    choice_box = widgets.Box(buttons)
    choice_box.add_class("wp-choices")
    return widgets.VBox([choice_box, total, chart,
                         html_box(f'<details class="wp-note"><summary>{esc(t("expo.energy.assumptions", lang))}</summary>'
                                  f"<ul>{assumptions}<li>{price_note}</li></ul></details>")])


def _coach_figures(release, lang: str) -> widgets.Widget:
    visits = _require(release, "energy_visits")
    estimates = energy.visit_estimates(visits)
    households = estimates["household_id"].nunique()
    per_household = estimates.groupby("household_id")[["kwh", "gas_m3"]].sum().mean()
    return kiosk.figures([
        (_people(households, lang), t("expo.energy.households", lang)),
        (format_number(per_household["kwh"], lang), t("expo.energy.kwh_per_household", lang)),
        (format_number(per_household["gas_m3"], lang), t("expo.energy.gas_per_household", lang)),
    ])


def _cbs_use(lang: str, app) -> widgets.Widget:
    """CBS electricity or gas per dwelling over the years, Oude Westen against Rotterdam; buttons choose."""
    kwb = context.kwb_snapshot()
    chart_box = widgets.Box()

    def show(variable: str):
        chart_box.children = [app.slots.show("energy_cbs", context.trend_chart(kwb, variable, lang=lang))]

    options = [(t("energy.carrier.electricity", lang), "electricity_per_dwelling"), (t("energy.carrier.gas", lang), "gas_per_dwelling")]
    show("gas_per_dwelling")
    return widgets.VBox([kiosk.choices(options, "gas_per_dwelling", show), chart_box])


def build_energy(release, lang: str, app) -> widgets.Widget:
    """CBS use per dwelling, the coaches, the solar roof, what a visitor can save, energy stories."""
    demo = _demo(release)
    safe = kiosk.safe_body
    return _page(t("expo.energy.title", lang), t("expo.energy.lead", lang), [
        section(t("expo.energy.save_q", lang), safe(lambda: _what_can_i_save(lang, app), lang), t("expo.energy.save_text", lang)),
        section(t("expo.energy.coaches_q", lang), widgets.VBox([
            safe(lambda: _coach_figures(release, lang), lang),
            safe(lambda: app.slots.show("energy_coaches", energy.coaches_chart(_require(release, "energy_visits"), lang=lang, demo=demo)), lang),
        ]), t("expo.energy.coaches_text", lang)),
        section(t("expo.energy.use_q", lang), widgets.VBox([
            safe(lambda: _cbs_use(lang, app), lang),
            safe(lambda: app.slots.show("energy_use", energy.savings_vs_cbs_chart(_require(release, "energy_visits"), lang=lang, demo=demo)), lang),
        ]), t("expo.energy.use_text", lang)),
        section(t("expo.energy.solar_q", lang),
                safe(lambda: app.slots.show("energy_solar", energy.share_yield_chart(_require(release, "solar"), lang=lang, demo=demo)), lang),
                t("expo.energy.solar_text", lang)),
        section(t("expo.energy.stories_q", lang), safe(lambda: story_wall(exhibition_stories(release), lang, theme="energy"), lang)),
    ])


def energy_highlights(release, lang: str) -> list[str]:
    """One sentence about the coaches' households, when there are visits."""
    if not release.has("energy_visits"):
        return []
    households = energy.visit_estimates(release.energy_visits)["household_id"].nunique()
    return [t("expo.energy.highlight", lang, households=_people(households, lang))]


ENERGY = kiosk.Screen("energie", "expo.energy.title", "expo.energy.tile", "wp-tile-energy", build_energy, energy_highlights)


# ----- Werkplaats in beeld ----------------------------------------------------------------------


def _ruilpunt(release, lang: str, app) -> widgets.Widget:
    """Points per category; buttons choose goods, services or both; the chart's title says which."""
    swaps = _require(release, "swaps")
    chart_box = widgets.Box()
    options = [(t("expo.werkplaats.all", lang), "all"), (t("ruilpunt.kind.good", lang), "good"), (t("ruilpunt.kind.service", lang), "service")]
    labels = dict((value, label) for label, value in options)

    def show(kind: str):
        chosen = swaps if kind == "all" else swaps[swaps["kind"] == kind]
        if chosen.empty:
            chart_box.children = [kiosk.no_data(lang)]
            return
        chart = ruilpunt.category_chart(chosen, lang=lang, demo=_demo(release)).properties(
            title=alt.TitleParams(t("expo.werkplaats.showing", lang, kind=labels[kind]), anchor="start", fontSize=20, color="#0072B2"))
        chart_box.children = [app.slots.show("ruilpunt", chart)]

    show("all")
    return widgets.VBox([kiosk.choices(options, "all", show), chart_box])


def _repair_cafe(release, lang: str, app) -> widgets.Widget:
    """Fixed items, kg waste prevented and kg CO2e avoided, and the outcomes per month."""
    repairs = _require(release, "repairs")
    totals = repair.impact_totals(repairs)
    return widgets.VBox([
        kiosk.figures([
            (format_number(totals["fixed"], lang), t("expo.werkplaats.fixed", lang)),
            (format_number(totals["waste_prevented_kg"], lang), t("expo.werkplaats.kg_waste", lang)),
            (format_number(totals["co2e_avoided_kg"], lang), t("expo.werkplaats.kg_co2e", lang)),
        ]),
        app.slots.show("repairs", repair.outcomes_chart(repairs, lang=lang, demo=_demo(release))),
    ])


def _all_activities(release, lang: str, app) -> widgets.Widget:
    """Sessions per activity and quarter; people per cell only as a small-cell-safe number."""
    table = activities.sessions_over_time(_require(release, "sessions"), release.attendance if release.has("attendance")
                                          else pd.DataFrame(columns=["session_id", "person_id"]))
    names = release.activities if release.has("activities") else pd.DataFrame(columns=["activity_id", "name_nl", "name_en"])
    return app.slots.show("activities", activities.activities_chart(table, names, lang=lang, demo=_demo(release)))


def _textiel(release, lang: str, app) -> widgets.Widget:
    """Average participants per Friday session, per quarter (from the attendance lists)."""
    table = activities.textiel_sessions(_require(release, "sessions"), _require(release, "attendance"))
    if table["per_session"].isna().all():
        raise NoData("expo.no_data")
    return app.slots.show("textiel", activities.textiel_chart(table, lang=lang, demo=_demo(release)))


def _greening(release, lang: str, app) -> widgets.Widget:
    """The greening totals as a sentence, and the map of the buurten with Oude Westen coloured."""
    table = _require(release, "greening")
    totals = activities.greening_sentence(activities.greening_totals(table), lang)
    return widgets.VBox([
        html_box(f'<p class="wp-lead">{esc(t("expo.werkplaats.greening_totals", lang, totals=totals))}</p>'),
        app.slots.show("greening_map", activities.greening_map(table, lang=lang, demo=_demo(release))),
    ])


def build_werkplaats(release, lang: str, app) -> widgets.Widget:
    """Activities over time, Repair Café, Ruilpunt, Textiel, greening on the map."""
    safe = kiosk.safe_body
    return _page(t("expo.werkplaats.title", lang), t("expo.werkplaats.lead", lang), [
        section(t("expo.werkplaats.activities_q", lang), safe(lambda: _all_activities(release, lang, app), lang),
                t("expo.werkplaats.activities_text", lang)),
        section(t("expo.werkplaats.repair_q", lang), safe(lambda: _repair_cafe(release, lang, app), lang), t("expo.werkplaats.repair_text", lang)),
        section(t("expo.werkplaats.ruilpunt_q", lang), safe(lambda: _ruilpunt(release, lang, app), lang), t("expo.werkplaats.ruilpunt_text", lang)),
        section(t("expo.werkplaats.textiel_q", lang), safe(lambda: _textiel(release, lang, app), lang), t("expo.werkplaats.textiel_text", lang)),
        section(t("expo.werkplaats.greening_q", lang), safe(lambda: _greening(release, lang, app), lang),
                t("expo.werkplaats.greening_text", lang), note=t("expo.werkplaats.greening_map_text", lang)),
    ])


def werkplaats_highlights(release, lang: str) -> list[str]:
    """A sentence about the Ruilpunt's swaps, when there are some."""
    if not release.has("swaps"):
        return []
    return [t("expo.werkplaats.highlight", lang, swaps=format_number(len(release.swaps), lang))]


WERKPLAATS = kiosk.Screen("werkplaats", "expo.werkplaats.title", "expo.werkplaats.tile", "wp-tile-werkplaats",
                          build_werkplaats, werkplaats_highlights)


# ----- Verhalen ---------------------------------------------------------------------------------


def stories_folder(release) -> Path | None:
    """Where the exhibition's stories are: ``WERKPLAATS_STORIES``, else the demo stories for a demo release."""
    from werkplaats_data import stories

    if os.environ.get("WERKPLAATS_STORIES"):
        return Path(os.environ["WERKPLAATS_STORIES"])
    return stories.DEMO_STORIES_DIR if _demo(release) else None


def exhibition_stories(release) -> pd.DataFrame:
    """The stories whose tellers (and the people in their photos) agreed to the exhibition, redacted."""
    from werkplaats_data import stories

    folder = stories_folder(release)
    if folder is None or not Path(folder).exists():
        raise NoData("expo.stories.none")
    return stories.shareable(folder, EXHIBITION_PURPOSE)


def story_wall(table: pd.DataFrame, lang: str, *, theme: str = "all", language: str = "all") -> widgets.Widget:
    """Story cards (quote, title, language, year) for one theme and story language; ``NoData`` when none fit.

    A story's photo is only an id: when consent allowed the photo (``photo`` kept by
    ``consent.for_purpose``) the card shows a neutral placeholder with a caption, otherwise nothing.
    The theme "energy" also takes the energy coaches' stories.
    """
    from werkplaats_data.stories import LANGUAGES as STORY_LANGUAGES
    chosen = table
    if theme != "all":
        chosen = chosen[[theme in activities.theme_list(themes) or activity == f"{theme}_coaching"
                         for themes, activity in zip(chosen["themes"], chosen["activity"])]]
    if language != "all":
        chosen = chosen[chosen["language"] == language]
    if chosen.empty:
        raise NoData("expo.stories.none")
    cards = []
    for story in chosen.itertuples():
        photo = ""
        if isinstance(story.photo, str) and story.photo:
            photo = (f'<figure class="wp-photo"><div class="wp-photo-placeholder" aria-hidden="true"></div>'
                     f'<figcaption>{esc(t("expo.stories.photo", lang, title=story.title))}</figcaption></figure>')
        cards.append(html_box(
            photo + f'<blockquote lang="{esc(story.language)}">“{esc(story.quote)}”</blockquote>'
            f"<div><b>{esc(story.title)}</b></div>"
            f'<div class="wp-meta">{esc(t("expo.stories.told_in", lang, language=STORY_LANGUAGES.get(story.language, story.language)))} · {esc(story.date.year if hasattr(story.date, "year") else story.date)}</div>',
            "wp-story"))
    box = widgets.Box(cards)
    box.add_class("wp-stories")
    return box


def _stories(release, lang: str, app) -> widgets.Widget:
    """Stories per theme (a chart), theme buttons for the most frequent themes, and the wall."""
    table = exhibition_stories(release)
    per_theme = activities.stories_per_theme(table)
    wall = widgets.Box([])

    def show(theme: str):
        wall.children = [kiosk.safe_body(lambda: story_wall(table, lang, theme=theme), lang)]

    themes = per_theme["theme"].head(STORY_THEME_BUTTONS).tolist()
    options = [(t("expo.werkplaats.all", lang), "all")] + [(activities.theme_label(th, lang), th) for th in themes]
    show("all")
    parts = [kiosk.choices(options, "all", show), wall]
    if len(per_theme):
        parts.insert(0, app.slots.show("story_themes", activities.stories_theme_chart(per_theme, lang=lang, demo=_demo(release))))
    return widgets.VBox(parts)


def build_stories(release, lang: str, app) -> widgets.Widget:
    """The story wall with a theme filter."""
    return _page(t("expo.stories.title", lang), t("expo.stories.lead", lang), [kiosk.safe_body(lambda: _stories(release, lang, app), lang)])


STORIES = kiosk.Screen("verhalen", "expo.stories.title", "expo.stories.tile", "wp-tile-stories", build_stories, lambda release, lang: [])

SCREENS = (HOME, ENERGY, WERKPLAATS, STORIES)


#: The release tables the screens read (stories come from their folder, not from the release).
KIOSK_TABLES = ("activities", "sessions", "attendance", "repairs", "swaps", "energy_visits", "greening", "solar")


def kiosk_release(release):
    """The release with only the tables the screens read: a kiosk kernel keeps less in memory."""
    return dataclasses.replace(release, tables={name: table for name, table in release.tables.items() if name in KIOSK_TABLES})


def app(release, *, start: str = "home", lang: str = "nl", **idle) -> kiosk.App:
    """The kiosk app with every screen, opening on ``start``."""
    return kiosk.App(release, list(SCREENS), start=start, lang=lang, **idle)
