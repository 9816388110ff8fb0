"""The kit's one Altair house style, and how charts are shown offline.

- ``use_theme(lang)`` turns on the theme: large type for screens, a colour-blind-safe palette whose
  marks keep 3:1 contrast on white (WCAG 2.1, 1.4.11), number and date formats of ``lang``.
- ``localise(chart, lang)`` gives one chart the number and date formats of ``lang`` (the kiosk
  switches language without restarting, so each chart carries its own).
- ``with_source(chart, text)`` puts the source under a chart ("Bron: …" or "Voorbeelddata").
- ``show(chart)`` returns an offline ``alt.JupyterChart`` (no CDN, action menu off) for notebooks
  and dashboards; ``to_svg(chart)`` renders SVG for printed reports.
Chart functions in the analysis modules return ``alt.Chart``; notebooks and dashboards decide how
to show them. A chart or table function with nothing to show raises ``NoData(key)`` (``require``),
``key`` being the i18n sentence that says why; ``show_or_say`` shows a result or prints that sentence.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import altair as alt

from werkplaats_data.i18n import DAYS, LANGUAGES, MONTHS, SHORT_MONTHS, t

#: Colour-blind-safe categorical palette: the Okabe & Ito (2008) colours that keep 3:1 contrast on
#: white (blue, vermillion, bluish green, reddish purple), their black replaced by a dark blue-grey,
#: and Paul Tol's wine and a violet for the sixth and seventh. Orange, sky blue and yellow are left
#: out: at 2.3:1, 2.3:1 and 1.3:1 on white they fail WCAG 1.4.11, and their darker variants can no
#: longer be told from vermillion and blue by people with a red-green colour deficiency.
#: tests/test_charts.py checks contrast and the distances under simulated colour-blindness.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#3B4B5C", "#882255", "#6A3D9A"]
#: A grey for marks that are context (other buurten on a map, "unknown"): 3:1 on white.
MUTED = "#8A939C"
#: Sequential blues for "more is darker" (heat maps); the lightest still has 3:1 on white.
SEQUENTIAL = ["#6294C0", "#08306B"]
TEXT_COLOUR = "#1F2A36"  # contrast 14:1 on white (WCAG AA needs 4.5:1)
#: Text that marks the chosen item, beside a vermillion bar: a dark vermillion with 6:1 on white.
HIGHLIGHT_TEXT = "#A33E00"
FONT = "DejaVu Sans, Arial, sans-serif"
THEME = "werkplaats"

#: d3-format number conventions per language: Dutch decimal comma and thousands dot; English and
#: Arabic (as ``i18n.format_number`` writes it on the kiosk) the other way round.
_NUMBERS = {
    "nl": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€ ", ""]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["€", ""]},
    "ar": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["€", ""]},
}
_DATES = {"nl": ("%a %e %B %Y %X", "%d-%m-%Y"), "en": ("%a %e %B %Y %X", "%m/%d/%Y"), "ar": ("%a %e %B %Y %X", "%d/%m/%Y")}


def locale(lang: str) -> dict:
    """Vega-Lite's ``config.locale`` for ``lang``: d3 number format and time format (month and day names)."""
    lang = lang if lang in LANGUAGES else "en"
    date_time, date = _DATES[lang]
    return {
        "number": _NUMBERS[lang],
        "time": {"dateTime": date_time, "date": date, "time": "%H:%M:%S", "periods": ["AM", "PM"] if lang == "en" else ["", ""],
                 "days": list(DAYS[lang]), "shortDays": [d[:2] if lang == "nl" else d[:3] if lang == "en" else d for d in DAYS[lang]],
                 "months": list(MONTHS[lang]), "shortMonths": list(SHORT_MONTHS[lang])},
    }


def _config(lang: str) -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "background": "white",
            "view": {"stroke": None, "continuousWidth": 520, "continuousHeight": 300},
            "range": {"category": PALETTE, "ramp": SEQUENTIAL, "heatmap": SEQUENTIAL},
            "title": {"fontSize": 22, "anchor": "start", "color": TEXT_COLOUR, "subtitleFontSize": 15, "subtitleColor": TEXT_COLOUR},
            "axis": {"labelFontSize": 15, "titleFontSize": 16, "labelColor": TEXT_COLOUR, "titleColor": TEXT_COLOUR, "gridColor": "#E3E7EB"},
            "legend": {"labelFontSize": 15, "titleFontSize": 16, "labelColor": TEXT_COLOUR, "titleColor": TEXT_COLOUR, "symbolSize": 200},
            "header": {"labelFontSize": 15, "titleFontSize": 16},
            "mark": {"color": PALETTE[0]},
            "bar": {"color": PALETTE[0]},
            "line": {"strokeWidth": 3},
            "point": {"size": 80},
            "locale": locale(lang),
        }
    }


def _theme_name(lang: str) -> str:
    return THEME if lang == "nl" else f"{THEME}-{lang}"


for _lang in LANGUAGES:
    alt.theme.register(_theme_name(_lang), enable=False)(lambda lang=_lang: _config(lang))


def use_theme(lang: str = "nl") -> None:
    """Enable the house style for every chart made after this call, with the formats of ``lang``
    (1.234,5 and 'mrt 2024' in Dutch; 1,234.5 and 'Mar 2024' in English)."""
    alt.theme.enable(_theme_name(lang if lang in LANGUAGES else "en"))


def localise(chart: alt.TopLevelMixin, lang: str) -> alt.TopLevelMixin:
    """``chart`` with the number and date formats of ``lang``, whatever theme is on (a top-level chart only)."""
    return chart.configure(locale=locale(lang))


#: A title longer than this many characters is broken into lines (Vega cuts a long one off at the edge).
TITLE_CHARS = 60


def wrap_title(title):
    """A chart title (text, or a dict with "text") with text over ``TITLE_CHARS`` broken into lines."""
    if isinstance(title, str) and len(title) > TITLE_CHARS:
        return textwrap.wrap(title, TITLE_CHARS)
    if isinstance(title, dict) and isinstance(title.get("text"), str):
        return {**title, "text": wrap_title(title["text"])}
    return title


def title_text(title) -> str:
    """The words of a title as one line, whether or not ``wrap_title`` broke it into lines."""
    if isinstance(title, dict):
        return title_text(title.get("text"))
    return " ".join(title) if isinstance(title, list) else str(title)


def with_source(chart: alt.TopLevelMixin, source: str) -> alt.TopLevelMixin:
    """The chart with its source as a caption underneath (a figure without a source is a bug);
    a long title is broken into lines (``wrap_title``)."""
    if isinstance(chart, alt.Chart) and chart.title is not alt.Undefined:
        chart = chart.properties(title=wrap_title(chart.title))
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


#: The mimetype under which a static chart keeps its Vega-Lite spec in the notebook (an HTML export shows the SVG).
VEGA_LITE_MIME = "application/vnd.vegalite.v5+json"


class StaticChart:
    """A chart as inline SVG, with its Vega-Lite spec beside it in the output (``VEGA_LITE_MIME``): the
    HTML export shows only the SVG, and a test can still read the data the chart was drawn from."""

    def __init__(self, chart: alt.TopLevelMixin):
        self.svg = to_svg(chart)
        self.spec = chart.to_dict()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"image/svg+xml": self.svg, VEGA_LITE_MIME: self.spec, "text/plain": "<chart>"}


def show(chart: alt.TopLevelMixin):
    """An offline interactive chart: Vega bundled locally, action menu off.

    With the environment variable ``WERKPLAATS_STATIC=1`` the chart as inline SVG instead
    (``StaticChart``), so that an exported notebook needs no JavaScript and no internet.
    """
    if os.environ.get(STATIC_ENV) == "1":
        return StaticChart(chart)
    enable_offline()
    return alt.JupyterChart(chart, embed_options={"actions": False})


class NoData(Exception):
    """There is nothing to show; ``key`` is the i18n key of the sentence the reader gets instead,
    ``values`` fill its ``{name}`` fields."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key = key
        self.values = values


def require(table, key: str):
    """``table`` itself when it has rows; else ``NoData(key)``."""
    if table is None or len(table) == 0:
        raise NoData(key)
    return table


def show_or_say(make, lang: str = "nl", *, empty: str | None = None) -> None:
    """Display what ``make()`` returns (a chart through ``show``, text printed, anything else as it is),
    or print the sentence of the ``NoData`` it raises, in ``lang``. A table without rows is the
    sentence ``empty`` when one is given (e.g. "no problems found"). Nothing is displayed for ``None``."""
    from IPython.display import display

    try:
        shown = make()
        if empty is not None and hasattr(shown, "__len__") and not isinstance(shown, str):
            require(shown, empty)
    except NoData as missing:
        print(t(missing.key, lang, **missing.values))
        return
    if isinstance(shown, alt.TopLevelMixin):
        display(show(shown))
    elif isinstance(shown, str):
        print(shown)
    elif shown is not None:
        display(shown)


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
