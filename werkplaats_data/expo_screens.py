"""The exhibition's screens: home, "De energie van het Oude Westen", "Werkplaats in beeld", "Verhalen".

Each screen is a ``kiosk.Screen``: how its tile reads, how it is built from a release in one
language, and which highlight sentences the attract loop shows. Screens only arrange what the
analysis modules compute (energy, repair, ruilpunt, greening, participation, stories); a section
whose table is missing or empty shows a friendly sentence instead (``kiosk.NoData``).

A kiosk screen is public: every count of people on it (households, visits, participations,
members, stories) passes the small-cell rule (``privacy.safe_count``: below 10 suppressed, the
rest rounded to 5), in the text and in the data sent to the browser with each chart. Where a
rule would hide the message (the coaches' team that fell apart), the report's own published
figures are quoted as text with their source (``facts.facts``).
"""

from __future__ import annotations

import base64
import logging
from pathlib import Path

import altair as alt
import ipywidgets as widgets
import pandas as pd

from werkplaats_data import activities, charts, context, energy, kiosk, privacy, repair, ruilpunt
from werkplaats_data.facts import facts as report_facts
from werkplaats_data.i18n import format_euro, format_number, t
from werkplaats_data.kiosk import NoData, esc, html_box, section

log = logging.getLogger(__name__)

#: Which consent purpose the exhibition needs: anonymous (a first name only with its own consent).
EXHIBITION_PURPOSE = "exhibition_anonymous"
#: The measures a visitor can tick in "what can I save", in this order.
SAVING_MEASURES = ("led_lamps", "radiator_foil", "draught_strips", "water_saving_showerhead")
#: How many of the most frequent story themes get a filter button (the others still show under "all").
STORY_THEME_BUTTONS = 6
#: The largest photo file the story wall embeds in the page (its types: ``stories.PHOTO_TYPES``).
MAX_PHOTO_BYTES = 2_000_000


def _require(release, table: str) -> pd.DataFrame:
    """The table, or ``NoData`` when the release lacks it or it has no rows."""
    if not release.has(table):
        raise NoData("expo.no_data")
    return getattr(release, table)


def _demo(release) -> bool:
    return bool(getattr(release, "is_demo", False))


def _page(title: str, lead: str, parts: list[widgets.Widget]) -> widgets.VBox:
    return widgets.VBox([html_box(f"<h1>{esc(title)}</h1><p class='wp-lead'>{esc(lead)}</p>"), *parts])


def _fact(text: str, lang: str) -> widgets.HTML:
    """A sentence quoting the Werkplaats's own report, with the source under it."""
    return html_box(f'<p>{esc(text)}</p><p class="wp-note">{esc(t("source.report", lang))}</p>', "wp-fact")


# ----- home ----------------------------------------------------------------------------------


def build_home(release, lang: str, app) -> widgets.Widget:
    """Title, one sentence, and a large tile per dashboard."""
    return _page(t("expo.home.title", lang), t("expo.home.lead", lang), [app.tiles(lang)])


HOME = kiosk.Screen("home", "expo.home.title", "expo.home.lead", "wp-tile-home", build_home, lambda release, lang: [])


# ----- De energie van het Oude Westen ----------------------------------------------------------


def saving_prices(table: pd.DataFrame, *, year: int | None = None) -> dict:
    """The electricity and gas price "what can I save" uses: {"kwh", "m3", "year", "source"}.

    ``table`` is ``energy.prices()`` (carrier, eur_per_unit_incl_vat, year, source); ``year``
    picks the prices of that year, by default the latest year that has both. ``NoData`` when
    that year lacks one of them (no euro amount is better than one at the wrong price).
    """
    both = table.groupby("year")["carrier"].nunique()
    known = sorted(int(y) for y in both[both == 2].index) if {"electricity", "gas"} <= set(table["carrier"]) else []
    year = known[-1] if year is None and known else year
    if year not in known:
        raise NoData("expo.energy.no_price")
    rows = table[table["year"] == year].set_index("carrier")
    sources = list(dict.fromkeys(_citation(text) for text in rows.loc[["electricity", "gas"], "source"]))
    return {"kwh": float(rows.loc["electricity", "eur_per_unit_incl_vat"]), "m3": float(rows.loc["gas", "eur_per_unit_incl_vat"]),
            "year": int(year), "source": "; ".join(sources)}


def _citation(source: str) -> str:
    """The citation part of a parameter file's source text: what comes before its first ':'."""
    return source.split(":", 1)[0].strip()


def _is_estimate(source: str) -> bool:
    """True for a figure the Werkplaats estimated itself (the parameter files say "schatting / estimate")."""
    return source.strip().lower().startswith("schatting")


def savings_chart(table: pd.DataFrame, *, lang: str = "nl", chosen: tuple[str, ...] = (), source: str) -> alt.TopLevelMixin:
    """Bars of euros saved per year for each measure in ``chosen`` (``energy.savings_for`` output for all).

    ``table`` holds every measure; the parameter ``chosen`` (a list of measure codes) filters them
    in the browser, so a tap only changes that parameter (``ChartSlots.set_param``), not the chart.
    """
    picked = alt.param(name="chosen", value=list(chosen))
    chart = alt.Chart(table[["measure", "label", "kwh", "gas_m3", "eur"]]).mark_bar().encode(
        x=alt.X("eur:Q", title=t("expo.energy.eur_per_year", lang), scale=alt.Scale(domain=[0, float(table["eur"].max() or 1)]),
                axis=alt.Axis(format="$d")),
        y=alt.Y("label:N", sort="-x", title=None, axis=alt.Axis(labelLimit=360)),
        color=alt.Color("measure:N", legend=None, scale=alt.Scale(domain=list(SAVING_MEASURES), range=charts.PALETTE[:4])),
        tooltip=["label:N", alt.Tooltip("kwh:Q", format=",.0f"), alt.Tooltip("gas_m3:Q", format=",.0f"), alt.Tooltip("eur:Q", format="$,.0f")],
    ).add_params(picked).transform_filter("indexof(chosen, datum.measure) >= 0").properties(
        title=t("expo.energy.save_title", lang), height=240)
    return charts.with_source(chart, source)


def assumption_lines(codes, prices: dict, lang: str) -> list[str]:
    """One line per assumption behind "what can I save": each measure's figure with its basis and
    source (or "Werkplaats estimate"), then the prices with their year and source."""
    table = energy.measures()
    label_column = "label_nl" if lang == "nl" else "label_en"
    lines = []
    for code in codes:
        row = table.loc[code]
        amounts = [t("expo.energy.per_year_kwh", lang, kwh=format_number(row.kwh_per_year, lang))] if row.kwh_per_year else []
        amounts += [t("expo.energy.per_year_m3", lang, gas=format_number(row.gas_m3_per_year, lang))] if row.gas_m3_per_year else []
        source = t("expo.energy.werkplaats_estimate", lang) if _is_estimate(row.source) else _citation(row.source)
        lines.append(t("expo.energy.assumption", lang, measure=row[label_column], amounts=", ".join(amounts),
                       basis=t(f"expo.energy.basis.{code}", lang), source=source))
    lines.append(t("expo.energy.price_line", lang, year=prices["year"], kwh=format_euro(prices["kwh"], lang, 2),
                   m3=format_euro(prices["m3"], lang, 2), source=prices["source"]))
    return lines


def _what_can_i_save(lang: str, app, *, price_year: int | None = None) -> widgets.Widget:
    """Toggle buttons per measure; the chart and the total follow the visitor's choice.

    Prices: ``saving_prices(energy.prices(), year=price_year)``; the screen says which year and source.
    """
    prices = saving_prices(energy.prices(), year=price_year)
    labels = energy.measures()
    label_column = "label_nl" if lang == "nl" else "label_en"
    buttons = [widgets.ToggleButton(value=code != "water_saving_showerhead", description=str(labels.loc[code, label_column]))
               for code in SAVING_MEASURES]
    for button in buttons:
        button.add_class("wp-measure")
    total = html_box("")
    initial = [code for code, button in zip(SAVING_MEASURES, buttons) if button.value is True]
    source = t("expo.energy.save_source", lang, year=prices["year"], source=prices["source"])
    table = energy.savings_for(list(SAVING_MEASURES), price_kwh=prices["kwh"], price_m3=prices["m3"], lang=lang)
    chart = app.slots.show("energy_save", savings_chart(table, lang=lang, chosen=tuple(initial), source=source), lang=lang)

    def update(_=None):
        chosen = [code for code, button in zip(SAVING_MEASURES, buttons) if button.value is True]
        app.slots.set_param("energy_save", "chosen", chosen)
        if not chosen:
            total.value = f'<div class="wp-empty">{esc(t("expo.energy.choose", lang))}</div>'
            return
        result = energy.what_can_i_save(chosen, price_kwh=prices["kwh"], price_m3=prices["m3"])
        total.value = (f'<div class="wp-figure">{esc(format_euro(result["eur"], lang))}</div><div>'
                       + esc(t("expo.energy.save_total", lang, kwh=format_number(result["kwh"], lang),
                               gas=format_number(result["gas_m3"], lang))) + "</div>")

    for button in buttons:
        button.observe(update, names="value")
    update()
    items = "".join(f"<li>{esc(line)}</li>" for line in assumption_lines(SAVING_MEASURES, prices, lang))
    choice_box = widgets.Box(buttons)
    choice_box.add_class("wp-choices")
    return widgets.VBox([choice_box, total, chart,
                         html_box(f'<details class="wp-note wp-assumptions"><summary>{esc(t("expo.energy.assumptions", lang))}</summary>'
                                  f"<ul>{items}</ul></details>")])


def _coach_figures(release, lang: str) -> widgets.Widget:
    visits = _require(release, "energy_visits")
    estimates = energy.visit_estimates(visits)
    households = estimates["household_id"].nunique()
    per_household = estimates.groupby("household_id")[["kwh", "gas_m3"]].sum().mean()
    return kiosk.figures([
        (privacy.count_text(households, lang, public=True), t("expo.energy.households", lang)),
        (format_number(per_household["kwh"], lang), t("expo.energy.kwh_per_household", lang)),
        (format_number(per_household["gas_m3"], lang), t("expo.energy.gas_per_household", lang)),
    ])


def coaches_chart(energy_visits: pd.DataFrame, *, lang: str, demo: bool) -> alt.TopLevelMixin:
    """Home visits per quarter (``energy.coaches_per_quarter``; a visit is a household: small-cell rule), for the kiosk."""
    table = energy.coaches_per_quarter(energy_visits)
    if table.empty:
        raise NoData("expo.no_data")
    table = table.assign(label=[activities.quarter_label(p, lang) for p in table["quarter"]], key=table["quarter"].astype(str))
    return activities.people_bars(table, key="key", label="label", count="visits", lang=lang, vertical=True,
                                  title=t("expo.energy.visits_title", lang), axis_title=t("energy.visits", lang),
                                  source=energy.source(lang, demo))


def _team_fact(lang: str) -> widgets.Widget:
    """The report's figures on the coaches' team: how many were trained, how many were left."""
    report = report_facts()
    trained, remaining = report.loc["energy_coaches_trained"], report.loc["energy_coaches_remaining"]
    return _fact(t("expo.energy.team_fact", lang, trained=trained["value"], trained_year=trained["period"],
                   remaining=remaining["value"], remaining_year=remaining["period"]), lang)


def _cbs_use(lang: str, app) -> widgets.Widget:
    """CBS electricity or gas per dwelling over the years, Oude Westen against Rotterdam, as notebook 02
    draws it (``context.series_chart``) from the shipped figures only (a kiosk never fetches); buttons choose."""
    series = context.kwb_series(live=False)
    chart_box = widgets.Box()

    def show(variable: str):
        chart_box.children = [app.slots.show("energy_cbs", context.series_chart(series, variable, lang=lang), lang=lang)]

    options = [(t("energy.carrier.electricity", lang), "electricity_per_dwelling"), (t("energy.carrier.gas", lang), "gas_per_dwelling")]
    show("gas_per_dwelling")
    return widgets.VBox([kiosk.choices(options, "gas_per_dwelling", show), chart_box])


def solar_chart(solar: pd.DataFrame, *, lang: str, demo: bool) -> alt.TopLevelMixin:
    """``energy.share_yield_chart`` (verified tax years only; only per-share figures reach the browser).

    ``NoData`` when there is no solar data, with a sentence of its own when no year of the data has
    a verified tax rate.
    """
    if solar.empty:
        raise NoData("expo.no_data")
    if energy.share_yield(solar, skip_unknown_years=True).empty:
        raise NoData("expo.energy.solar_unverified")
    return energy.share_yield_chart(solar, lang=lang, demo=demo)


def build_energy(release, lang: str, app) -> widgets.Widget:
    """What a visitor can save (built first), then the coaches (visits, measures, the team), CBS use
    per dwelling, the solar roof, energy stories (``app.later``)."""
    demo = _demo(release)
    safe = kiosk.safe_body
    visits = lambda: _require(release, "energy_visits")  # noqa: E731
    return _page(t("expo.energy.title", lang), t("expo.energy.lead", lang), [
        section(t("expo.energy.save_q", lang), safe(lambda: _what_can_i_save(lang, app), lang), t("expo.energy.save_text", lang)),
        app.later(lambda: section(t("expo.energy.coaches_q", lang), widgets.VBox([
            safe(lambda: _coach_figures(release, lang), lang),
            safe(lambda: app.slots.show("energy_coaches", coaches_chart(visits(), lang=lang, demo=demo), lang=lang), lang),
            safe(lambda: _team_fact(lang), lang),
            safe(lambda: app.slots.show("energy_measures", energy.measures_chart(
                visits(), lang=lang, demo=demo, public=True, title=t("expo.energy.measures_title", lang)), lang=lang), lang),
        ]), t("expo.energy.coaches_text", lang, min_cell=privacy.MIN_CELL)), lang),
        app.later(lambda: section(t("expo.energy.use_q", lang), widgets.VBox([
            safe(lambda: _cbs_use(lang, app), lang),
            safe(lambda: app.slots.show("energy_use", energy.savings_vs_cbs_chart(visits(), lang=lang, demo=demo), lang=lang), lang),
        ]), t("expo.energy.use_text", lang)), lang),
        app.later(lambda: section(t("expo.energy.solar_q", lang), safe(lambda: app.slots.show(
            "energy_solar", solar_chart(_require(release, "solar"), lang=lang, demo=demo), lang=lang), lang),
            t("expo.energy.solar_text", lang)), lang),
        app.later(lambda: section(t("expo.energy.stories_q", lang),
                                  safe(lambda: story_wall(wall_entries(release, lang), lang, theme="energy"), lang)), lang),
    ])


def energy_highlights(release, lang: str) -> list[str]:
    """One sentence about the coaches' households, when there are visits."""
    if not release.has("energy_visits"):
        return []
    households = energy.visit_estimates(release.energy_visits)["household_id"].nunique()
    return [t("expo.energy.highlight", lang, households=privacy.count_text(households, lang, public=True))]


ENERGY = kiosk.Screen("energie", "expo.energy.title", "expo.energy.tile", "wp-tile-energy", build_energy, energy_highlights)


# ----- Werkplaats in beeld ----------------------------------------------------------------------


def category_label(category: str, lang: str) -> str:
    """A Ruilpunt category ("kleding") in ``lang``; one without a translation as it was registered."""
    try:
        return t(f"expo.ruilpunt.category.{category.strip().lower()}", lang)
    except KeyError:
        return category


def _ruilpunt(release, lang: str, app) -> widgets.Widget:
    """Points per category; buttons choose goods, services or both; the chart's title says which."""
    swaps = _require(release, "swaps")
    swaps = swaps.assign(category=[category_label(c, lang) for c in swaps["category"]])
    chart_box = widgets.Box()
    options = [(t("expo.werkplaats.all", lang), "all"), (t("ruilpunt.kind.good", lang), "good"), (t("ruilpunt.kind.service", lang), "service")]
    labels = dict((value, label) for label, value in options)

    def show(kind: str):
        chosen = swaps if kind == "all" else swaps[swaps["kind"] == kind]
        if chosen.empty:
            chart_box.children = [kiosk.no_data(lang)]
            return
        chart = ruilpunt.category_chart(chosen, lang=lang, demo=_demo(release)).properties(
            title=alt.TitleParams(t("expo.werkplaats.showing", lang, kind=labels[kind]), anchor="start", fontSize=20, color=charts.PALETTE[0]))
        chart_box.children = [app.slots.show("ruilpunt", chart, lang=lang)]

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
        app.slots.show("repairs", repair.outcomes_chart(repairs, lang=lang, demo=_demo(release)), lang=lang),
    ])


def _all_activities(release, lang: str, app) -> widgets.Widget:
    """Sessions per activity and quarter; people per cell only as a small-cell-safe number."""
    table = activities.sessions_over_time(_require(release, "sessions"), release.attendance if release.has("attendance")
                                          else pd.DataFrame(columns=["session_id", "person_id"]))
    names = release.activities if release.has("activities") else pd.DataFrame(columns=["activity_id", "name_nl", "name_en"])
    return app.slots.show("activities", activities.activities_chart(table, names, lang=lang, demo=_demo(release)), lang=lang)


def _textiel(release, lang: str, app) -> widgets.Widget:
    """Participations per quarter (small-cell rule), and the report's own figure per Friday."""
    table = activities.textiel_sessions(_require(release, "sessions"), _require(release, "attendance"))
    if table.empty:
        raise NoData("expo.no_data")
    per_friday = report_facts().loc["textiel_participants", "value"]
    return widgets.VBox([
        app.slots.show("textiel", activities.textiel_chart(table, lang=lang, demo=_demo(release)), lang=lang),
        _fact(t("expo.werkplaats.textiel_fact", lang, participants=per_friday.replace("-", "–")), lang),
    ])


def _greening(release, lang: str, app) -> widgets.Widget:
    """The greening totals as a sentence, and the map of the buurten with Oude Westen coloured."""
    table = _require(release, "greening")
    totals = activities.greening_sentence(activities.greening_totals(table), lang)
    return widgets.VBox([
        html_box(f'<p class="wp-lead">{esc(t("expo.werkplaats.greening_totals", lang, totals=totals))}</p>'),
        app.slots.show("greening_map", activities.greening_map(table, lang=lang, demo=_demo(release)), lang=lang),
    ])


def build_werkplaats(release, lang: str, app) -> widgets.Widget:
    """Activities over time (built first), then Repair Café, Ruilpunt, Textiel, greening on the map (``app.later``)."""
    safe = kiosk.safe_body
    parts = [("repair", _repair_cafe), ("ruilpunt", _ruilpunt), ("textiel", _textiel), ("greening", _greening)]
    later = [app.later(lambda key=key, build=build: section(
        t(f"expo.werkplaats.{key}_q", lang), safe(lambda: build(release, lang, app), lang), t(f"expo.werkplaats.{key}_text", lang, min_cell=privacy.MIN_CELL),
        note=t("expo.werkplaats.greening_map_text", lang) if key == "greening" else ""), lang) for key, build in parts]
    return _page(t("expo.werkplaats.title", lang), t("expo.werkplaats.lead", lang), [
        section(t("expo.werkplaats.activities_q", lang), safe(lambda: _all_activities(release, lang, app), lang),
                t("expo.werkplaats.activities_text", lang, min_cell=privacy.MIN_CELL)),
        *later,
    ])


def werkplaats_highlights(release, lang: str) -> list[str]:
    """A sentence about the Ruilpunt's swaps, when there are some."""
    if not release.has("swaps"):
        return []
    return [t("expo.werkplaats.highlight", lang, swaps=format_number(len(release.swaps), lang))]


WERKPLAATS = kiosk.Screen("werkplaats", "expo.werkplaats.title", "expo.werkplaats.tile", "wp-tile-werkplaats",
                          build_werkplaats, werkplaats_highlights)


# ----- Verhalen ---------------------------------------------------------------------------------


def wall_entries(release, lang: str) -> pd.DataFrame:
    """The stories the exhibition may show, one per story, in ``lang`` where translated; ``NoData`` when none."""
    from werkplaats_data import stories

    folder = stories.stories_folder(release)
    if folder is None or not Path(folder).is_dir():
        raise NoData("expo.stories.none")
    return stories.wall_entries(folder, lang=lang, purpose=EXHIBITION_PURPOSE)


def photo_uri(path) -> str | None:
    """A photo file as a data: URI to put in the page (nothing is served from the disk), or None
    for no file, an unknown type or a file above MAX_PHOTO_BYTES."""
    if not isinstance(path, str) or not path:
        return None
    from werkplaats_data.stories import PHOTO_TYPES

    file = Path(path)
    mime = PHOTO_TYPES.get(file.suffix.lower())
    if mime is None or not file.is_file() or file.stat().st_size > MAX_PHOTO_BYTES:
        log.warning("story photo %s not shown: unknown type, missing, or larger than %d bytes", path, MAX_PHOTO_BYTES)
        return None
    return f"data:{mime};base64,{base64.b64encode(file.read_bytes()).decode('ascii')}"


def _about_theme(themes, activity, theme: str) -> bool:
    """Whether a story is about ``theme`` ("energy" also takes the energy coaches' stories)."""
    return theme in activities.theme_list(themes) or activity == f"{theme}_coaching"


def story_card(story, lang: str) -> widgets.HTML:
    """One card: photo (when consent allowed it), quote, title, first name (when given), language and year."""
    from werkplaats_data.stories import LANGUAGES as STORY_LANGUAGES

    uri = photo_uri(story.photo_file)
    photo = (f'<img class="wp-photo" src="{esc(uri)}" alt="{esc(t("expo.stories.photo_alt", lang, title=story.title))}">'
             if uri else "")
    named = isinstance(story.first_name, str) and story.first_name.strip()
    teller = f'<div class="wp-teller">{esc(t("expo.stories.teller", lang, name=story.first_name))}</div>' if named else ""
    told = t("expo.stories.told_in", lang, language=STORY_LANGUAGES.get(story.language, story.language))
    if story.is_translation:
        told += " · " + t("expo.stories.translated", lang)
    year = story.date.year if hasattr(story.date, "year") else story.date
    return html_box(photo + f'<blockquote lang="{esc(story.language)}">“{esc(story.quote)}”</blockquote>'
                    f'<div><b lang="{esc(story.language)}">{esc(story.title)}</b></div>{teller}'
                    f'<div class="wp-meta">{esc(told)} · {esc(year)}</div>', "wp-story")


def story_wall(table: pd.DataFrame, lang: str, *, theme: str = "all") -> widgets.Widget:
    """Story cards (``wall_entries`` rows) for one theme, those in the visitor's language first;
    ``NoData`` when none fit."""
    chosen = table if theme == "all" else table[[_about_theme(th, act, theme) for th, act in zip(table["themes"], table["activity"])]]
    if chosen.empty:
        raise NoData("expo.stories.none")
    chosen = chosen.sort_values("language", key=lambda codes: codes != lang, kind="stable")
    box = widgets.Box([story_card(story, lang) for story in chosen.itertuples()])
    box.add_class("wp-stories")
    return box


def _stories(release, lang: str, app) -> widgets.Widget:
    """Stories per theme (a chart that marks the chosen theme), theme and story-language buttons, the wall.

    "All languages" shows each story in the visitor's language where a translation exists; a
    language button shows the stories that can be read in that language, in it.
    """
    entries = {lang: wall_entries(release, lang)}
    per_theme = activities.stories_per_theme(entries[lang])
    state = {"theme": "all", "language": "all"}
    wall = widgets.Box([])

    def cards() -> pd.DataFrame:
        if state["language"] == "all":
            return entries[lang]
        if state["language"] not in entries:
            entries[state["language"]] = wall_entries(release, state["language"])
        shown = entries[state["language"]]
        return shown[shown["language"] == state["language"]]

    def refresh():
        wall.children = [kiosk.safe_body(lambda: story_wall(cards(), lang, theme=state["theme"]), lang)]

    def choose_theme(theme: str):
        state["theme"] = theme
        if "story_themes" in app.slots:
            app.slots.set_param("story_themes", "chosen", theme)
        refresh()

    def choose_language(code: str):
        state["language"] = code
        refresh()

    from werkplaats_data.stories import LANGUAGES as STORY_LANGUAGES

    themes = per_theme["theme"].head(STORY_THEME_BUTTONS).tolist()
    theme_options = [(t("expo.werkplaats.all", lang), "all")] + [(activities.theme_label(th, lang), th) for th in themes]
    languages = sorted(set(entries[lang]["language"]), key=lambda code: (code != lang, STORY_LANGUAGES.get(code, code)))
    language_options = [(t("expo.stories.all_languages", lang), "all")] + [(STORY_LANGUAGES.get(c, c), c) for c in languages]
    refresh()
    parts = [html_box(f'<p class="wp-label">{esc(t("expo.stories.choose_theme", lang))}</p>'),
             kiosk.choices(theme_options, "all", choose_theme),
             html_box(f'<p class="wp-label">{esc(t("expo.stories.choose_language", lang))}</p>'),
             kiosk.choices(language_options, "all", choose_language), wall]
    if len(per_theme):
        chart = activities.stories_theme_chart(per_theme, lang=lang, demo=_demo(release), chosen="all")
        parts.insert(0, app.slots.show("story_themes", chart, lang=lang))
    return widgets.VBox(parts)


def build_stories(release, lang: str, app) -> widgets.Widget:
    """The story wall with a theme filter and a story-language choice."""
    return _page(t("expo.stories.title", lang), t("expo.stories.lead", lang), [kiosk.safe_body(lambda: _stories(release, lang, app), lang)])


STORIES = kiosk.Screen("verhalen", "expo.stories.title", "expo.stories.tile", "wp-tile-stories", build_stories, lambda release, lang: [])

SCREENS = (HOME, ENERGY, WERKPLAATS, STORIES)


#: The release tables the screens read (stories come from their folder, not from the release).
KIOSK_TABLES = ("activities", "sessions", "attendance", "repairs", "swaps", "energy_visits", "greening", "solar")


def app(release, *, start: str = "home", lang: str = "nl", **settings) -> kiosk.App:
    """The kiosk app with every screen, opening on ``start`` (``settings``: idle timings, ``defer``)."""
    return kiosk.App(release, list(SCREENS), start=start, lang=lang, **settings)
