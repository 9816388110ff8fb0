"""The house chart style: theme and formats per language, accessible colours, source captions, offline SVG."""

import re
from itertools import combinations

import altair as alt
import pandas as pd
import pytest
from coloraide import Color

from werkplaats_data import charts


def _chart():
    data = pd.DataFrame({"month": pd.to_datetime(["2024-01-01", "2024-03-01"]), "n": [1234.5, 20]})
    return alt.Chart(data).mark_line().encode(x="month:T", y="n:Q")


def test_dutch_theme_formats_numbers_and_months_the_dutch_way():
    charts.use_theme("nl")
    svg = charts.to_svg(_chart())
    assert "mrt" in svg.lower() or "maart" in svg.lower()
    charts.use_theme("en")
    assert "Mar" in charts.to_svg(_chart())
    charts.use_theme("nl")


def _axis_labels(svg: str) -> list[str]:
    return re.findall(r">([^<>]+)</text>", svg)


def _thousands():
    return alt.Chart(pd.DataFrame({"n": [0, 1000, 2500]})).mark_bar().encode(x=alt.X("n:Q", scale=alt.Scale(domain=[0, 3000])))


@pytest.mark.parametrize("theme", ["nl", "en"])
def test_a_localised_chart_keeps_its_language_whatever_theme_is_on(theme):
    charts.use_theme(theme)
    try:
        assert "1,000" in _axis_labels(charts.to_svg(charts.localise(_thousands(), "en")))
        assert "1.000" in _axis_labels(charts.to_svg(charts.localise(_thousands(), "nl")))
        english = charts.to_svg(charts.localise(_chart(), "en"))
        dutch = charts.to_svg(charts.localise(_chart(), "nl"))
        assert "Mar" in english and "mrt" not in english.lower()
        assert "mrt" in dutch.lower() or "maart" in dutch.lower()
    finally:
        charts.use_theme("nl")


def test_arabic_charts_have_arabic_month_names():
    assert charts.locale("ar")["time"]["months"][3] == "أبريل"
    assert charts.locale("ar")["number"]["decimal"] == "."  # as i18n.format_number writes numbers on the kiosk


def test_palette_marks_keep_three_to_one_on_white():
    low = {c: round(Color(c).contrast("white", method="wcag21"), 2) for c in [*charts.PALETTE, charts.MUTED, charts.SEQUENTIAL[0]]
           if Color(c).contrast("white", method="wcag21") < 3}
    assert low == {}
    assert Color(charts.HIGHLIGHT_TEXT).contrast("white", method="wcag21") >= 4.5
    assert Color(charts.TEXT_COLOUR).contrast("white", method="wcag21") >= 4.5


@pytest.mark.parametrize("deficiency", ["none", "deutan", "protan", "tritan"])
def test_palette_colours_stay_apart_for_colour_blind_readers(deficiency):
    """Simulated dichromacy (coloraide's Brettel/Viénot filters), distance CIEDE2000: no pair closer than 6
    (orange-on-white darkened to 3:1 would sit at 1.4 from vermillion for deutans)."""
    seen = [Color(c) if deficiency == "none" else Color(c).filter(deficiency) for c in charts.PALETTE]
    closest = min(a.delta_e(b, method="2000") for a, b in combinations(seen, 2))
    assert closest >= 6


def test_theme_uses_the_colour_blind_safe_palette():
    charts.use_theme()
    config = alt.theme.get()()["config"]
    assert config["range"]["category"] == charts.PALETTE
    assert config["axis"]["labelFontSize"] >= 14


def test_source_caption_is_kept_and_rendered():
    chart = charts.with_source(_chart(), "Bron: voorbeelddata (synthetisch)")
    assert charts.source_of(chart) == "Bron: voorbeelddata (synthetisch)"
    svg = charts.to_svg(chart)
    assert "voorbeelddata" in svg and "http" not in svg.replace("http://www.w3.org", "")


def test_offline_bundle_is_cached_and_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("WERKPLAATS_CACHE", str(tmp_path))
    monkeypatch.setattr(alt.JupyterChart, "_is_offline", False, raising=False)
    monkeypatch.setattr(alt.JupyterChart, "_esm", alt.JupyterChart._esm)
    charts.enable_offline()
    [bundle] = tmp_path.glob("jupyterchart-offline-*.js")
    assert len(bundle.read_text()) > 100_000 and "cdn.jsdelivr" not in bundle.read_text()[:2000]
    monkeypatch.setattr(alt.JupyterChart, "_is_offline", False)
    alt.JupyterChart._esm = ""
    charts.enable_offline()  # second kernel: read from the cache
    assert alt.JupyterChart._esm == bundle.read_text() and alt.JupyterChart._is_offline


def test_a_long_title_is_broken_into_lines_and_a_short_one_is_left():
    long = "Gas per woning per jaar: in 2017 hoger in het Oude Westen (930 m³) dan in Rotterdam (840 m³)"
    lines = charts.wrap_title(long)
    assert len(lines) == 2 and " ".join(lines) == long and max(map(len, lines)) <= charts.TITLE_CHARS
    assert charts.wrap_title({"text": long, "subtitle": "x"})["text"] == lines
    assert charts.wrap_title("Kort") == "Kort"
    spec = charts.with_source(alt.Chart(pd.DataFrame({"x": [1]}), title=long).mark_point(), "Bron: test").to_dict()
    assert spec["vconcat"][0]["title"] == lines


def test_title_text_joins_the_lines_again():
    long = "Huishoudens met een laag inkomen: in 2017 hoger in het Oude Westen (24,5%) dan in Rotterdam (15,1%)"
    assert charts.title_text(charts.wrap_title(long)) == long
    assert charts.title_text({"text": charts.wrap_title(long), "subtitle": "x"}) == long


def test_require_gives_the_table_back_or_raises_no_data_with_its_key():
    table = pd.DataFrame({"n": [1]})
    assert charts.require(table, "repair.no_data") is table
    with pytest.raises(charts.NoData) as missing:
        charts.require(table.iloc[:0], "repair.no_data")
    assert missing.value.key == "repair.no_data"


def test_show_or_say_shows_the_result_or_prints_the_sentence(capsys, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", shown.append)

    def nothing():
        raise charts.NoData("repair.no_data")

    charts.show_or_say(nothing, "en")
    assert capsys.readouterr().out.strip() == "There are no repairs in this data or period; this part is skipped."
    charts.show_or_say(lambda: "one line", "nl")
    assert capsys.readouterr().out == "one line\n"
    table = pd.DataFrame({"n": [1]})
    charts.show_or_say(lambda: table, "nl", empty="ruilpunt.ledger_ok")
    assert shown == [table]
    charts.show_or_say(lambda: table.iloc[:0], "nl", empty="ruilpunt.ledger_ok")
    assert capsys.readouterr().out.strip() == charts.t("ruilpunt.ledger_ok", "nl") and len(shown) == 1
    monkeypatch.setenv(charts.STATIC_ENV, "1")
    charts.show_or_say(lambda: _chart(), "nl")
    bundle = shown[-1]._repr_mimebundle_()  # a chart goes through show(): SVG, with its spec beside it
    rows = next(iter(bundle[charts.VEGA_LITE_MIME]["datasets"].values()))
    assert "<svg" in bundle["image/svg+xml"] and rows[0]["n"] == 1234.5
