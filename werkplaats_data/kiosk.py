"""Widgets for the exhibition kiosk: header with language switch, demo banner, tiles, sections,
friendly "no data" sentences, long-lived charts, and the idle / attract loop.

Every visible string comes from ``werkplaats_data.i18n`` (keys ``expo.*``). Text that comes from
the data (a story's quote) is HTML-escaped. Widget values are untrusted: a visitor with developer
tools can set any synced value, so callbacks only accept values from a fixed list.
The look (large type, 56 px touch targets, contrast) lives in the kiosk template's ``kiosk.css``.
Charts carry the number and date formats of the language they were made in (``charts.localise``).
"""

from __future__ import annotations

import html
import logging
import os
from dataclasses import dataclass
from typing import Callable

import anywidget
import ipywidgets as widgets
import traitlets

from werkplaats_data import charts
from werkplaats_data.charts import NoData
from werkplaats_data.i18n import DEFAULT_LANGUAGE, DRAFT_LANGUAGES, LANGUAGES, RTL_LANGUAGES, t

log = logging.getLogger(__name__)


def esc(text: object) -> str:
    """Text made safe to put inside HTML."""
    return html.escape("" if text is None else str(text))


def html_box(content: str, *classes: str) -> widgets.HTML:
    """An HTML widget with our CSS classes. ``content`` must already be escaped where it holds data."""
    box = widgets.HTML(content)
    for name in classes:
        box.add_class(name)
    return box


def no_data(lang: str, key: str = "expo.no_data", **values) -> widgets.HTML:
    """A friendly sentence in place of a chart that has no data."""
    return html_box(f'<div class="wp-empty">{esc(t(key, lang, **values))}</div>', "wp-no-data")


def section(title: str, body: widgets.Widget, text: str = "", note: str = "") -> widgets.VBox:
    """A card: a question as heading, a chart or figures, then two or three sentences."""
    parts = [html_box(f"<h2>{esc(title)}</h2>")]
    parts.append(body)
    if text:
        parts.append(html_box(f"<p>{esc(text)}</p>"))
    if note:
        parts.append(html_box(f'<p class="wp-note">{esc(note)}</p>'))
    box = widgets.VBox(parts)
    box.add_class("wp-section")
    return box


def safe_body(build: Callable[[], widgets.Widget], lang: str) -> widgets.Widget:
    """``build()``, or a friendly sentence when it raises ``NoData`` or fails.

    An unexpected error is logged for the volunteers (the kernel log) and the visitor reads a
    friendly sentence; the other sections keep working.
    """
    try:
        return build()
    except NoData as missing:  # the package's own "nothing to show" (charts.NoData), with its sentence
        return no_data(lang, missing.key, **missing.values)
    except Exception:  # noqa: BLE001 - a kiosk must keep running; the log keeps the details
        log.exception("a dashboard section failed")
        return no_data(lang, "expo.section_failed")


def figures(items: list[tuple[str, str]]) -> widgets.Box:
    """Big numbers with a label under each, e.g. [("75", "huishoudens geholpen")]."""
    boxes = [html_box(f'<div class="wp-figure">{esc(value)}</div><div>{esc(label)}</div>', "wp-figure-box")
             for value, label in items]
    box = widgets.Box(boxes)
    box.add_class("wp-figures")
    return box


def choices(options: list[tuple[str, str]], value: str, on_change: Callable[[str], None]) -> widgets.ToggleButtons:
    """Large toggle buttons; ``on_change`` only ever receives one of the option values."""
    allowed = [v for _, v in options]
    buttons = widgets.ToggleButtons(options=options, value=value if value in allowed else allowed[0],
                                    style={"button_width": "auto"})
    buttons.add_class("wp-choices")

    def changed(change):
        if change["new"] in allowed:
            on_change(change["new"])

    buttons.observe(changed, names="value")
    return buttons


def prepare_charts() -> None:
    """Make offline charts ready before the first visitor comes (the kernel preheats with it).

    In the kiosk, charts load the Vega JavaScript from the kiosk's own address (``charts.CHART_JS_ENV``);
    elsewhere (a notebook, a test) each chart carries the bundle from the kit's cache folder.
    """
    charts.enable_offline(os.environ.get(charts.CHART_JS_ENV))


class ChartSlots:
    """Long-lived offline charts, one per name: a new chart replaces ``.chart`` instead of adding a widget.

    Each ``JupyterChart`` carries ~0.9 MB of JavaScript, so a kiosk keeps a few and reuses them.
    """

    def __init__(self):
        self._slots: dict[str, widgets.Widget] = {}

    def show(self, name: str, chart, *, lang: str) -> widgets.Widget:
        """The widget for ``name`` now showing ``chart``, with the number and date formats of ``lang``."""
        chart = charts.localise(chart, lang)
        widget = self._slots.get(name)
        if widget is None:
            widget = charts.show(chart)
            widget.add_class("wp-chart")
            self._slots[name] = widget
        else:
            widget.chart = chart
        return widget

    def set_param(self, name: str, param: str, value) -> None:
        """Set a parameter of the chart in slot ``name``: the browser redraws without a new spec.

        Much faster than replacing ``.chart`` (no new Vega view); the chart must declare ``param``.
        """
        setattr(self._slots[name].params, param, value)

    def __len__(self) -> int:
        return len(self._slots)

    def __contains__(self, name: str) -> bool:
        return name in self._slots


def idle_phase(idle_seconds: int, *, attract_after: int, reset_after: int) -> str:
    """What the kiosk does after ``idle_seconds`` without a touch.

    "active" below ``attract_after``; "attract" (cycle through highlights) from there;
    "reset" (back to home and the default language, still attracting) from ``reset_after``.
    """
    if idle_seconds >= reset_after:
        return "reset"
    if idle_seconds >= attract_after:
        return "attract"
    return "active"


_IDLE_JS = """
export default {
  render({ model }) {
    let idle = 0;
    const touch = () => {
      if (idle >= model.get("attract_after")) { model.set("idle_seconds", 0); model.save_changes(); }
      idle = 0;
    };
    const kinds = ["pointerdown", "keydown", "wheel", "touchstart"];
    for (const kind of kinds) document.addEventListener(kind, touch, { capture: true, passive: true });
    model.send({ event: "shown" });  // the page is on screen: the kernel may build what it deferred
    const timer = setInterval(() => {
      idle += 1;
      const start = model.get("attract_after"), step = model.get("cycle_seconds");
      if (idle >= start && (idle - start) % step === 0) { model.set("idle_seconds", idle); model.save_changes(); }
    }, 1000);
    return () => { clearInterval(timer); for (const kind of kinds) document.removeEventListener(kind, touch, { capture: true }); };
  }
};
"""


class IdleWatcher(anywidget.AnyWidget):
    """Counts seconds without a touch in the browser; tells the kernel when the attract loop should move.

    The browser sends ``idle_seconds`` when it reaches ``attract_after``, every ``cycle_seconds``
    after that, and 0 at the first touch during the attract loop; and the message
    ``{"event": "shown"}`` once it is on screen. Nothing is shown.
    """

    _esm = _IDLE_JS
    idle_seconds = traitlets.Int(0).tag(sync=True)
    attract_after = traitlets.Int(90).tag(sync=True)
    cycle_seconds = traitlets.Int(8).tag(sync=True)


@dataclass(frozen=True)
class Screen:
    """One dashboard: its tile on the home screen and how to build it.

    ``build(release, lang, app)`` returns the screen's widgets (``app`` gives ``slots`` and ``tiles``); ``highlights(release, lang)``
    returns short sentences for the attract loop.
    """

    key: str
    title_key: str
    tile_key: str
    css: str
    build: Callable
    highlights: Callable


class App:
    """The kiosk: header (title, home button, language switch), banner, the current screen, attract loop.

    It opens on ``start``, which is its home: the home button and the reset after ``reset_after``
    seconds without a touch (also back to the default language) both go to ``start``. A kiosk
    serving one dashboard (``werkplaats expo --dashboard energie``) so never leaves it.

    With ``defer=True`` (the kiosk) a screen shows its first part at once and builds the parts it
    put off with ``later`` once the page is on screen (the browser says so): a visitor sees the
    first chart sooner, the rest follows below it. Without it (tests, notebooks) all is built at once.
    """

    def __init__(self, release, screens: list[Screen], *, start: str = "home", lang: str = DEFAULT_LANGUAGE,
                 attract_after: int = 90, reset_after: int = 240, cycle_seconds: int = 8, defer: bool = False):
        self.release = release
        self.screens = {s.key: s for s in screens}
        self.start_key = start if start in self.screens else "home"
        self.default_lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
        self.lang = self.default_lang
        self.current = self.start_key
        self.attract_after, self.reset_after = attract_after, reset_after
        self.slots = ChartSlots()
        self.defer = defer
        self._shown = not defer
        self._pending: list[tuple[widgets.Box, Callable[[], widgets.Widget], str]] = []
        prepare_charts()

        self.brand = html_box("", "wp-brand")
        self.home_button = widgets.Button(layout=widgets.Layout(width="auto"))
        self.home_button.add_class("wp-home-button")
        self.home_button.on_click(lambda _: self.go(self.start_key))
        self.language = widgets.ToggleButtons(options=[(t(f"expo.lang.{code}", code), code) for code in LANGUAGES],
                                              value=self.lang, style={"button_width": "auto"})
        self.language.add_class("wp-language")
        self.language.observe(self._language_changed, names="value")
        header = widgets.HBox([self.brand, self.home_button, self.language])
        header.add_class("wp-header")
        self.banner = html_box("", "wp-banner")
        self.draft = html_box("", "wp-draft")
        self.main = widgets.VBox()
        self.main.add_class("wp-main")
        self.attract = widgets.VBox([html_box("", "wp-attract-text")])
        self.attract.add_class("wp-attract")
        self.attract.add_class("wp-hidden")
        self.idle = IdleWatcher(attract_after=attract_after, cycle_seconds=cycle_seconds)
        self.idle.observe(self._idle_changed, names="idle_seconds")
        self.idle.on_msg(self._browser_message)
        self.widget = widgets.VBox([header, self.banner, self.draft, self.main, self.attract, self.idle])
        self.widget.add_class("wp-app")
        self.render()

    # navigation and language -------------------------------------------------------------
    def go(self, key: str) -> None:
        """Show a screen; unknown keys (e.g. sent from developer tools) are ignored."""
        if key in self.screens:
            self.current = key
            self.render()

    def set_language(self, lang: str) -> None:
        """Switch language; anything but a known language code is ignored."""
        if lang in LANGUAGES and lang != self.lang:
            self.lang = lang
            self.language.value = lang
            self.render()

    def _language_changed(self, change) -> None:
        self.set_language(change["new"])

    def render(self) -> None:
        """Rebuild the texts and the current screen in the current language."""
        lang = self.lang
        self.widget.remove_class("wp-rtl")
        if lang in RTL_LANGUAGES:
            self.widget.add_class("wp-rtl")
        self.brand.value = f"<b>{esc(t('expo.brand', lang))}</b>"
        self.home_button.description = t("expo.home", lang)
        self.home_button.layout.display = "none" if self.current == self.start_key else None
        self.banner.value = esc(t("demo.banner", lang)) + (f" · {esc(t('demo.banner', 'en'))}" if lang != "en" else "")
        self.banner.layout.display = None if getattr(self.release, "is_demo", False) else "none"
        self.draft.value = esc(t("expo.draft_translation", lang)) + " · " + esc(t("expo.draft_translation", "en"))
        self.draft.layout.display = None if lang in DRAFT_LANGUAGES else "none"
        screen = self.screens[self.current]
        self._pending = []  # a new screen drops what the old one still waited for
        self.main.children = [safe_body(lambda: screen.build(self.release, lang, self), lang)]
        if self._shown:
            self._build_pending()

    def later(self, build: Callable[[], widgets.Widget], lang: str) -> widgets.Widget:
        """``safe_body(build, lang)``, built now or, with ``defer``, once the page is on screen."""
        if not self.defer:
            return safe_body(build, lang)
        box = widgets.VBox()
        box.add_class("wp-later")
        self._pending.append((box, build, lang))
        return box

    def _build_pending(self) -> None:
        while self._pending:
            box, build, lang = self._pending.pop(0)
            box.children = [safe_body(build, lang)]

    def _browser_message(self, _widget, content, _buffers) -> None:
        """The page is on screen: build what was put off. Any other message is ignored (untrusted)."""
        if content == {"event": "shown"}:
            self._shown = True
            self._build_pending()

    def tiles(self, lang: str) -> widgets.Box:
        """The home screen's large tiles, one per dashboard (a tap anywhere on a tile opens it)."""
        tiles = []
        for screen in self.screens.values():
            if screen.key == "home":
                continue
            title = t(screen.title_key, lang)
            card = html_box(f"<h2>{esc(title)}</h2><p>{esc(t(screen.tile_key, lang))}</p>"
                            f'<span class="wp-go">{esc(t("expo.open", lang))}</span>')
            hit = widgets.Button(description=title, tooltip=title)
            hit.add_class("wp-tile-hit")
            hit.on_click(lambda _, key=screen.key: self.go(key))
            tile = widgets.Box([card, hit])
            tile.add_class("wp-tile")
            tile.add_class(screen.css)
            tiles.append(tile)
        box = widgets.Box(tiles)
        box.add_class("wp-tiles")
        return box

    # idle and attract loop ---------------------------------------------------------------
    def highlights(self) -> list[str]:
        """Sentences for the attract loop, from every screen that has some."""
        out = []
        for screen in self.screens.values():
            try:
                out.extend(screen.highlights(self.release, self.lang))
            except Exception:  # noqa: BLE001 - the attract loop must not stop the kiosk
                log.exception("highlights of %s failed", screen.key)
        return out or [t("expo.brand", self.lang)]

    def _idle_changed(self, change) -> None:
        seconds = change["new"]
        if not isinstance(seconds, int) or seconds < 0:
            return
        phase = idle_phase(seconds, attract_after=self.attract_after, reset_after=self.reset_after)
        if phase == "active":
            self.attract.add_class("wp-hidden")
            return
        if phase == "reset" and (self.current != self.start_key or self.lang != self.default_lang):
            self.current = self.start_key
            self.lang = self.default_lang
            self.language.value = self.lang
            self.render()
        texts = self.highlights()
        step = (seconds - self.attract_after) // max(self.idle.cycle_seconds, 1)
        lang = self.lang
        self.attract.children[0].value = (
            f"<h1>{esc(t('expo.brand', lang))}</h1><p>{esc(texts[step % len(texts)])}</p>"
            f'<span class="wp-touch">{esc(t("expo.touch", lang))}</span>'
            + (f'<p class="wp-note">{esc(t("expo.touch", "en"))}</p>' if lang != "en" else "")
        )
        self.attract.remove_class("wp-hidden")
