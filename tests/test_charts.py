"""The house chart style: theme per language, source captions, offline SVG."""

import altair as alt
import pandas as pd

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
