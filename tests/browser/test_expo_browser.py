"""The exhibition in headless Chromium: renders offline, switches language, reacts to taps, is readable
(contrast, touch targets), keeps to consent, stays locked down, and recovers when left alone."""

from __future__ import annotations

import http.client
import os
import time
import urllib.parse
from pathlib import Path

import psutil
import pytest
from coloraide import Color

from werkplaats_data import expo
from werkplaats_data.i18n import t

from conftest import kiosk_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHART = ".wp-chart svg.marks, .wp-chart canvas"
TITLES = {"energie": "expo.energy.title", "werkplaats": "expo.werkplaats.title", "verhalen": "expo.stories.title"}


def visible_text(seen) -> str:
    return seen.page.inner_text(".wp-app")


CHART_TEXTS = "() => [...document.querySelectorAll('.wp-chart')].map(c => [...c.querySelectorAll('svg text')].map(t => t.textContent).join('|'))"
CHART_SVGS = "() => [...document.querySelectorAll('.wp-chart svg.marks')].map(s => s.innerHTML)"


def chart_texts(seen) -> list[str]:
    """The words drawn in each chart's SVG (titles, axis labels, legends), one string per chart."""
    return seen.page.evaluate(CHART_TEXTS)


def wait_for_chart_text(seen, contains: str, *, timeout: float = 20) -> str:
    """Wait until a chart draws ``contains``; returns that chart's words."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for words in chart_texts(seen):
            if contains in words:
                return words
        time.sleep(0.2)
    raise AssertionError(f"no chart shows {contains!r}; charts show: {chart_texts(seen)}")


def open_from_home(visit, kiosk, name: str):
    """Open the home screen and tap the dashboard's tile."""
    seen = visit(kiosk)
    title = t(TITLES[name], "nl")
    seen.page.get_by_role("button", name=title).click()
    seen.page.wait_for_selector(f"h1:has-text('{title}')", timeout=30_000)
    return seen


# ----- readability: contrast and touch targets ---------------------------------------------------

#: Every visible element with text of its own: its colour and the colour behind it (alpha composited).
TEXT_COLOURS = """() => {
  const parse = c => { const m = c.match(/[\\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const over = (top, below) => { const a = top[3]; return [0, 1, 2].map(i => top[i] * a + below[i] * (1 - a)).concat([1]); };
  const behind = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor); if (c[3] > 0) layers.push(c); if (c[3] >= 1) break; }
    return layers.reverse().reduce((below, top) => over(top, below), [255, 255, 255, 1]);
  };
  const shown = el => { for (let e = el; e; e = e.parentElement) { const s = getComputedStyle(e); if (s.visibility === 'hidden' || s.display === 'none' || Number(s.opacity) === 0) return false; } return el.getClientRects().length > 0; };
  const out = [];
  for (const el of document.querySelectorAll('.wp-app *')) {
    if (el.closest('svg') || !shown(el)) continue;
    const own = [...el.childNodes].filter(n => n.nodeType === 3 && n.textContent.trim()).map(n => n.textContent.trim()).join(' ');
    if (!own) continue;
    const bg = behind(el);
    out.push({text: own.slice(0, 60), fg: over(parse(getComputedStyle(el).color), bg), bg});
  }
  return out;
}"""
#: Every mark and text the charts draw, with its colour (the chart background is white).
CHART_COLOURS = """() => {
  const out = [];
  for (const g of document.querySelectorAll('.wp-chart svg.marks g.role-mark, .wp-chart svg.marks g.role-axis-label, .wp-chart svg.marks g.role-title-text')) {
    for (const item of g.querySelectorAll(':scope > path, :scope > text, :scope > rect')) {
      const fill = item.getAttribute('fill'), stroke = item.getAttribute('stroke');
      const opacity = Number(item.getAttribute('fill-opacity') ?? item.getAttribute('opacity') ?? 1);
      const colour = fill && fill !== 'none' && fill !== 'transparent' && opacity > 0 ? fill : stroke;
      if (colour && colour !== 'none') out.push({kind: item.tagName === 'text' ? 'text' : 'mark', cls: g.getAttribute('class'), colour});
    }
  }
  return out;
}"""
CLICKABLE = """() => [...document.querySelectorAll('button, summary, a[href], input:not([type=hidden]), select, textarea, [role=button], [tabindex]:not([tabindex="-1"])')]
  .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
  .map(e => { const r = e.getBoundingClientRect(); return {what: e.tagName + ' ' + (e.innerText || e.getAttribute('aria-label') || '').trim().slice(0, 40), w: r.width, h: r.height}; })"""


def _rgb(values) -> Color:
    return Color("srgb", [v / 255 for v in values[:3]])


def contrast_problems(seen) -> list[str]:
    """Text below 4.5:1 against what is behind it, chart marks below 3:1 on white, chart text below 4.5:1."""
    problems = []
    for item in seen.page.evaluate(TEXT_COLOURS):
        ratio = _rgb(item["fg"]).contrast(_rgb(item["bg"]), method="wcag21")
        if ratio < 4.5:
            problems.append(f"text {item['text']!r}: {ratio:.2f}:1")
    for item in seen.page.evaluate(CHART_COLOURS):
        ratio = Color(item["colour"]).contrast("white", method="wcag21")
        if ratio < (4.5 if item["kind"] == "text" else 3):
            problems.append(f"chart {item['kind']} {item['colour']} ({item['cls']}): {ratio:.2f}:1")
    return sorted(set(problems))


def small_targets(seen) -> list[str]:
    return [f"{c['what']!r} {c['w']:.0f}×{c['h']:.0f}" for c in seen.page.evaluate(CLICKABLE) if c["w"] < 44 or c["h"] < 44]


def focus_ring_contrast(seen) -> list[float]:
    """Tab to the first few controls; for each, the focus outline's contrast with what is behind it."""
    ratios = []
    for _ in range(4):
        seen.page.keyboard.press("Tab")
        ring = seen.page.evaluate("""() => { const e = document.activeElement; if (!e || e === document.body) return null;
            const s = getComputedStyle(e); if (s.outlineStyle === 'none' || parseFloat(s.outlineWidth) < 2) return {none: e.tagName};
            let p = e.parentElement, bg = 'rgba(0, 0, 0, 0)';
            while (p && getComputedStyle(p).backgroundColor.match(/[\\d.]+/g).length > 3 && Number(getComputedStyle(p).backgroundColor.match(/[\\d.]+/g)[3]) === 0) p = p.parentElement;
            if (p) bg = getComputedStyle(p).backgroundColor;
            return {outline: s.outlineColor, bg}; }""")
        if ring is None:
            continue
        assert "none" not in ring, f"{ring['none']} has no visible focus ring"
        ratios.append(Color(ring["outline"]).contrast(Color(ring["bg"]), method="wcag21"))
    return ratios


def check_readable(seen, name: str) -> None:
    assert contrast_problems(seen) == [], name
    assert small_targets(seen) == [], name
    ratios = focus_ring_contrast(seen)
    assert ratios and min(ratios) >= 3, (name, ratios)


# ----- one check per dashboard, reached from home and served on its own -------------------------


def tap_changes_a_chart(seen, name: str) -> None:
    """The dashboard's own interaction: a tap changes what a chart draws."""
    if name == "energie":
        shower = seen.page.locator(".wp-measure").last
        label = shower.inner_text().strip()[:12]
        before = wait_for_chart_text(seen, t("expo.energy.save_title", "nl"))
        assert label not in before  # the shower head starts switched off
        total = seen.page.locator(".wp-figure").first.inner_text()
        shower.click()  # tap a measure: the total changes and the chart gets a bar for it
        seen.page.wait_for_function(f"() => document.querySelector('.wp-figure').innerText !== {total!r}", timeout=20_000)
        wait_for_chart_text(seen, label)
    elif name == "werkplaats":
        showing = lambda kind: t("expo.werkplaats.showing", "nl", kind=t(kind, "nl"))  # noqa: E731
        before = wait_for_chart_text(seen, showing("expo.werkplaats.all"))
        assert "Kleding" in before and "Klussen" in before  # goods and services
        wait_for_chart_text(seen, t("activities.textiel.attendances", "nl"))  # Textiel per quarter
        wait_for_chart_text(seen, "Oude Westen")  # greening on the map
        seen.page.get_by_role("button", name=t("ruilpunt.kind.service", "nl"), exact=True).click()
        after = wait_for_chart_text(seen, showing("ruilpunt.kind.service"))
        assert "Klussen" in after and "Kleding" not in after and "Boeken" not in after  # only services left
    else:
        seen.page.wait_for_selector(".wp-story", state="visible", timeout=30_000)
        wait_for_chart_text(seen, t("activities.stories.title", "nl"))
        everything = seen.page.locator(".wp-story").count()
        svgs = seen.page.evaluate(CHART_SVGS)
        seen.page.get_by_role("button", name=t("activities.theme.saving_money", "nl"), exact=True).click()
        seen.page.wait_for_function(f"() => document.querySelectorAll('.wp-story').length < {everything}", timeout=20_000)
        assert seen.page.locator(".wp-story").count() > 0
        words = wait_for_chart_text(seen, "◀")  # the chart marks the tapped theme
        assert t("activities.theme.saving_money", "nl") in words and seen.page.evaluate(CHART_SVGS) != svgs


def check_dashboard(seen, name: str, screenshot: str) -> None:
    """Renders with charts, reacts to a tap, reads well, switches language (texts and number formats), stays offline."""
    seen.page.wait_for_selector(CHART, state="visible", timeout=60_000)
    assert "Voorbeelddata" in visible_text(seen)
    tap_changes_a_chart(seen, name)
    check_readable(seen, name)
    seen.screenshot(f"{screenshot}_nl")
    dutch = " ".join(chart_texts(seen))
    seen.page.get_by_role("button", name="English").click()
    seen.page.wait_for_selector(f"h1:has-text('{t(TITLES[name], 'en')}')", timeout=20_000)
    seen.page.wait_for_selector(CHART, state="visible", timeout=30_000)
    time.sleep(1)
    english = " ".join(chart_texts(seen))
    if name == "energie":  # the euro axis: '€ 50' in Dutch, '€50' in English
        assert "€ 50" in dutch and "€50" in english and "€ 50" not in english
    if name == "werkplaats":  # month names on the Repair Café's time axis
        assert "Mar" in english and "mrt" not in english.lower()
    check_readable(seen, f"{name} (en)")
    seen.screenshot(f"{screenshot}_en")
    seen.check_clean()


@pytest.mark.parametrize("name", ["energie", "werkplaats", "verhalen"])
def test_dashboard_through_home(visit, kiosk, name):
    check_dashboard(open_from_home(visit, kiosk, name), name, f"{name}_from_home")


def test_dashboard_served_directly(visit, direct):
    name, url = direct
    seen = visit(url)
    seen.page.wait_for_selector(f"h1:has-text('{t(TITLES[name], 'nl')}')", timeout=30_000)
    assert seen.page.locator(".wp-home-button").is_hidden()  # a single dashboard is its own home
    check_dashboard(seen, name, f"{name}_direct")


def test_home_renders_offline_with_tiles_and_banner(visit, kiosk):
    seen = visit(kiosk)
    text = visible_text(seen)
    for key in ("expo.home.title", "expo.energy.title", "expo.werkplaats.title", "expo.stories.title"):
        assert t(key, "nl") in text
    assert "Voorbeelddata" in text
    check_readable(seen, "home")
    seen.screenshot("home_nl")
    seen.check_clean()


def test_language_switch_and_arabic_right_to_left(visit, kiosk):
    seen = visit(kiosk)
    seen.page.get_by_role("button", name="English").click()
    seen.page.wait_for_selector(f"text={t('expo.home.title', 'en')}", timeout=20_000)
    seen.screenshot("home_en")
    seen.page.get_by_role("button", name="العربية").click()
    seen.page.wait_for_selector(f"text={t('expo.home.title', 'ar')}", timeout=20_000)
    direction = seen.page.evaluate("() => getComputedStyle(document.querySelector('.wp-main h1')).direction")
    assert direction == "rtl"
    assert t("expo.draft_translation", "ar") in visible_text(seen)
    check_readable(seen, "home (ar)")
    seen.screenshot("home_ar")
    seen.check_clean()


# ----- consent and photos -----------------------------------------------------------------------


def test_only_stories_with_exhibition_consent_reach_the_page(visit, kiosk, stories):
    seen = open_from_home(visit, kiosk, "verhalen")
    seen.page.wait_for_selector(".wp-story", state="visible", timeout=30_000)
    images = seen.page.evaluate("() => [...document.querySelectorAll('.wp-story img')].map(i => [i.src.slice(0, 26), i.naturalWidth])")
    assert images == [["data:image/svg+xml;base64,", 40]]  # F-01 inline; F-02 not (someone in it said no)
    for choice in (None, "English", "Türkçe"):  # the wall for every story language it offers
        if choice:
            seen.page.get_by_role("button", name=choice, exact=True).last.click()
            time.sleep(1)
        html = seen.page.content()
        assert "This stays in the research" not in html and "Not for the wall" not in html
    seen.check_clean()


# ----- kiosk safety -----------------------------------------------------------------------------


def _status(url: str, path: str, *, redirects: int = 5) -> tuple[int, str]:
    """GET exactly ``path`` (no client-side clean-up of '..'), following redirects: the final status
    and the start of its body."""
    address = urllib.parse.urlsplit(url)
    for _ in range(redirects + 1):
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read(200_000).decode("utf-8", "replace")
            location = response.getheader("Location")
        finally:
            connection.close()
        if response.status not in (301, 302, 303, 307, 308) or not location:
            return response.status, body
        path = urllib.parse.urlsplit(location)._replace(scheme="", netloc="").geturl()
    return response.status, body


def served_paths(target: Path) -> list[str]:
    """Every way Voila might be asked for ``target``: relative to the served folder (raw and %-encoded
    '..'), and absolute, under each prefix that serves files."""
    relative = os.path.relpath(target, expo.DASHBOARDS_DIR)
    forms = {relative, urllib.parse.quote(relative).replace("..", "%2E%2E"), str(target).lstrip("/"), urllib.parse.quote(str(target))}
    return [f"/{prefix}/{form}" for prefix in ("voila/files", "files", "voila/static", "voila/templates/kiosk/static", "static")
            for form in sorted(forms)]


def test_kiosk_is_locked_down(kiosk, tiny_release, stories):
    status, body = _status(kiosk, "/voila/api/contents/")
    assert status != 200 or '"type": "directory"' not in body
    status, body = _status(kiosk, "/voila/tree")
    assert "home.ipynb" not in body  # no file listing
    status, body = _status(kiosk, "/?template=classic")
    assert "cdn.jsdelivr" not in body and "wp-tiles" in body  # override refused: still our template
    status, body = _status(kiosk, "/?theme=dark")
    assert "theme-dark" not in body
    secrets = [tiny_release / name for name in ("datapackage.json", "swaps.csv", "swaps.parquet")]
    secrets += [stories / "S-03.md", stories / "consents.csv", stories / "photos" / "F-02.svg", stories / "photos" / "F-01.svg",
                expo.DASHBOARDS_DIR / "home.ipynb", expo.DASHBOARDS_DIR / "werkplan_2025.ipynb",
                expo.PACKAGE_DIR / "data" / "i18n.csv", expo.PACKAGE_DIR / "data" / "workplan" / "demo_2025.yaml"]
    served = []
    for target in secrets:
        start = target.read_bytes()[:60].decode("utf-8", "replace")
        for path in served_paths(target):
            status, body = _status(kiosk, path)
            if status == 200 or start in body:  # Voila answers 403/404 (or 500 for '..' under its template folder)
                served.append((path, status))
    assert served == []
    status, _ = _status(kiosk, "/voila/files/home.ipynb")
    assert status in (403, 404)


def test_a_release_that_breaks_the_start_shows_a_friendly_page(visit, tiny_release, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    for file in tiny_release.iterdir():
        (broken / file.name).write_bytes(file.read_bytes())
    (broken / "datapackage.json").write_text("{ not json")
    with kiosk_server(broken, tmp_path / "voila.log", dashboard="energie") as (url, _):
        seen = visit(url, wait_for=".wp-start-failed")
        text = seen.page.inner_text("body")
        for lang in ("nl", "en", "ar"):
            assert t("expo.start_failed", lang) in text
        assert "show_tracebacks" not in seen.page.content() and "Traceback" not in text
        seen.screenshot("start_failed")
        seen.check_clean()
    assert "could not start" in (tmp_path / "voila.log").read_text()  # the reason is in the console


# ----- left alone ---------------------------------------------------------------------------------


def attract_text(seen) -> str:
    return seen.page.inner_text(".wp-attract-text p:not(.wp-note)")


def test_attract_loop_cycles_a_touch_returns_then_reset_and_bounded_kernels(visit, tiny_release, stories, tmp_path):
    with kiosk_server(tiny_release, tmp_path / "voila.log", stories=stories, attract_after=3, reset_after=22,
                      cull_interval=1, cull_idle_timeout=4) as (url, process):
        seen = visit(url)
        seen.page.get_by_role("button", name=t("expo.werkplaats.title", "nl")).click()
        seen.page.get_by_role("button", name="English").click()
        seen.page.wait_for_selector(f"h1:has-text('{t('expo.werkplaats.title', 'en')}')", timeout=20_000)
        seen.page.wait_for_selector(".wp-attract:not(.wp-hidden)", state="visible", timeout=30_000)
        first = attract_text(seen)
        seen.screenshot("attract")
        seen.page.wait_for_function(f"() => document.querySelector('.wp-attract-text p').innerText !== {first!r}", timeout=20_000)
        assert attract_text(seen) != first  # at least two different highlights
        seen.page.mouse.click(300, 300)  # a touch before the reset: back on the screen the visitor was on
        seen.page.wait_for_selector(".wp-attract", state="hidden", timeout=20_000)
        assert t("expo.werkplaats.title", "en") in visible_text(seen)
        seen.page.wait_for_selector(f"text={t('expo.touch', 'nl')}", timeout=60_000)  # left alone: reset, Dutch again
        seen.page.mouse.click(300, 300)
        seen.page.wait_for_selector(".wp-attract", state="hidden", timeout=20_000)
        assert t("expo.home.title", "nl") in visible_text(seen)
        seen.check_clean()

        for _ in range(10):
            seen.page.reload(wait_until="commit", timeout=120_000)
            seen.page.wait_for_selector("#rendered_cells", state="visible", timeout=120_000)
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            kernels = [p for p in psutil.Process(process.pid).children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]
            if len(kernels) <= 3:  # the open page, the preheated one, at most one being replaced
                break
            time.sleep(2)
        assert len(kernels) <= 3

