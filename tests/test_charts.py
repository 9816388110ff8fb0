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
