"""The kit's one Altair house style, and how charts are shown offline.

- ``use_theme()`` turns on the theme: large type for screens, the Okabe–Ito colour-blind-safe
  palette, Dutch number format.
- ``with_source(chart, text)`` puts the source under a chart ("Bron: …" or "Voorbeelddata").
- ``show(chart)`` returns an offline ``alt.JupyterChart`` (no CDN, action menu off) for notebooks
  and dashboards; ``to_svg(chart)`` renders SVG for printed reports.
Chart functions in the analysis modules return ``alt.Chart``; notebooks and dashboards decide how
to show them.
"""

from __future__ import annotations

import os
from pathlib import Path

import altair as alt

#: Okabe & Ito (2008) colour-blind-safe palette, black replaced by a dark blue-grey.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#3B4B5C"]
TEXT_COLOUR = "#1F2A36"  # contrast 14:1 on white (WCAG AA needs 4.5:1)
FONT = "DejaVu Sans, Arial, sans-serif"
THEME = "werkplaats"

# d3-format locale for Dutch: decimal comma, thousands dot.
DUTCH_FORMAT_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€ ", ""]}
# d3-time-format locale for Dutch: month and day names on time axes.
DUTCH_TIME_LOCALE = {
    "dateTime": "%a %e %B %Y %X", "date": "%d-%m-%Y", "time": "%H:%M:%S", "periods": ["", ""],
    "days": ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
    "shortDays": ["zo", "ma", "di", "wo", "do", "vr", "za"],
    "months": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
               "oktober", "november", "december"],
    "shortMonths": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
}


def _config(dutch: bool) -> alt.theme.ThemeConfig:
    locale = {"number": DUTCH_FORMAT_LOCALE, "time": DUTCH_TIME_LOCALE} if dutch else {}
    return {
        "config": {
            "font": FONT,
            "background": "white",
            "view": {"stroke": None, "continuousWidth": 520, "continuousHeight": 300},
            "range": {"category": PALETTE},
            "title": {"fontSize": 22, "anchor": "start", "color": TEXT_COLOUR, "subtitleFontSize": 15, "subtitleColor": TEXT_COLOUR},
            "axis": {"labelFontSize": 15, "titleFontSize": 16, "labelColor": TEXT_COLOUR, "titleColor": TEXT_COLOUR, "gridColor": "#E3E7EB"},
            "legend": {"labelFontSize": 15, "titleFontSize": 16, "labelColor": TEXT_COLOUR, "titleColor": TEXT_COLOUR, "symbolSize": 200},
            "header": {"labelFontSize": 15, "titleFontSize": 16},
            "mark": {"color": PALETTE[0]},
            "bar": {"color": PALETTE[0]},
            "line": {"strokeWidth": 3},
            "point": {"size": 80},
            **({"locale": locale} if locale else {}),
        }
    }


@alt.theme.register(THEME, enable=False)
def _theme_dutch() -> alt.theme.ThemeConfig:
    return _config(dutch=True)


@alt.theme.register(f"{THEME}-en", enable=False)
def _theme_english() -> alt.theme.ThemeConfig:
    return _config(dutch=False)


def use_theme(lang: str = "nl") -> None:
    """Enable the house style for every chart made after this call.

    Dutch number and date formats (1.234,5; 'mrt 2024') for ``lang="nl"``, English formats otherwise.
    """
    alt.theme.enable(THEME if lang == "nl" else f"{THEME}-en")


def with_source(chart: alt.TopLevelMixin, source: str) -> alt.TopLevelMixin:
    """The chart with its source as a caption underneath (a figure without a source is a bug)."""
    return alt.vconcat(chart, alt.Chart({"values": [{}]}).mark_text(
        align="left", baseline="top", fontSize=13, color=TEXT_COLOUR, text=source
    ).encode().properties(height=18, width=10), spacing=4).properties(usermeta={"source": source})


def source_of(chart: alt.TopLevelMixin) -> str | None:
    """The source a chart was given with ``with_source``."""
    meta = chart.to_dict().get("usermeta") or {}
    return meta.get("source")


#: Set to "1" (as ``werkplaats report`` does) to make ``show`` give static SVG for printed reports.
STATIC_ENV = "WERKPLAATS_STATIC"
#: The kiosk's local address of ``offline_bundle()`` (set by ``expo.kiosk_environment``).
CHART_JS_ENV = "WERKPLAATS_CHART_JS"


def show(chart: alt.TopLevelMixin):
    """An offline interactive chart: Vega bundled locally, action menu off.

    With the environment variable ``WERKPLAATS_STATIC=1`` the chart as inline SVG instead
    (``IPython.display.SVG``), so that an exported notebook needs no JavaScript and no internet.
    """
    if os.environ.get(STATIC_ENV) == "1":
        from IPython.display import SVG

        return SVG(to_svg(chart))
    enable_offline()
    return alt.JupyterChart(chart, embed_options={"actions": False})


def enable_offline(url: str | None = None) -> None:
    """Make ``JupyterChart`` work without internet, fast.

    Altair bundles Vega's JavaScript with vl-convert the first time a chart is shown offline, which
    takes seconds in every new kernel. The bundle is kept in the kit's cache folder (``offline_bundle``),
    so later kernels read it in milliseconds. Each chart then carries the ~0.9 MB bundle to the
    browser; with ``url`` (a local address serving that file, as the kiosk has) each chart carries only
    the address and the browser loads the bundle once. (This sets the two attributes Altair's own
    ``enable_offline`` sets: check them when Altair moves.)
    """
    chart_class = alt.JupyterChart
    if getattr(chart_class, "_is_offline", False):
        return
    chart_class._esm = url or offline_bundle().read_text(encoding="utf-8")
    chart_class._is_offline = True


def offline_bundle() -> Path:
    """The file with the JavaScript offline charts need (Vega, Vega-Lite, anywidget glue), made once."""
    from importlib.metadata import version

    from werkplaats_data.release import cache_dir

    # the version from the package metadata: importing vl-convert costs a kernel ~9 MB it may not need
    cached = cache_dir() / f"jupyterchart-offline-altair{alt.__version__}-vlc{version('vl-convert-python')}.js"
    if not cached.exists():
        chart_class = alt.JupyterChart
        online = (chart_class._esm, getattr(chart_class, "_is_offline", False))
        chart_class.enable_offline()
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.partial")
        partial.write_text(chart_class._esm, encoding="utf-8")
        partial.replace(cached)
        chart_class._esm, chart_class._is_offline = online  # enable_offline decides what charts carry
    return cached


def to_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as an SVG string (no internet needed to view)."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart.to_json())
