"""The exhibition in headless Chromium: renders offline, switches language, reacts to taps, stays locked down."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import psutil
import pytest

from werkplaats_data.i18n import t

from conftest import kiosk_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHART = ".wp-chart svg.marks, .wp-chart canvas"


def visible_text(visit) -> str:
    return visit.page.inner_text(".wp-app")


def open_dashboard(visit, kiosk, title_key: str):
    seen = visit(kiosk)
    seen.page.get_by_role("button", name=t(title_key, "nl")).click()
    seen.page.wait_for_selector(f"h1:has-text('{t(title_key, 'nl')}')", timeout=30_000)
    return seen


CHART_TEXTS = "() => [...document.querySelectorAll('.wp-chart')].map(c => [...c.querySelectorAll('svg text')].map(t => t.textContent).join('|'))"


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


def test_home_renders_offline_with_tiles_and_banner(visit, kiosk):
    seen = visit(kiosk)
    text = visible_text(seen)
    for key in ("expo.home.title", "expo.energy.title", "expo.werkplaats.title", "expo.stories.title"):
        assert t(key, "nl") in text
    assert "Voorbeelddata" in text
    tile = seen.page.get_by_role("button", name=t("expo.energy.title", "nl")).bounding_box()
    assert tile["height"] >= 44 and tile["width"] >= 44
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
    seen.screenshot("home_ar")
    seen.check_clean()


def test_energy_dashboard(visit, kiosk):
    seen = open_dashboard(visit, kiosk, "expo.energy.title")
    seen.page.wait_for_selector(CHART, state="visible", timeout=60_000)
    shower = seen.page.locator(".wp-measure").last
    label = shower.inner_text().strip()[:12]
    before = wait_for_chart_text(seen, t("expo.energy.save_title", "nl"))
    assert label not in before  # the shower head starts switched off
    total = seen.page.locator(".wp-figure").first.inner_text()
    shower.click()  # tap a measure: the total changes and the chart gets a bar for it
    seen.page.wait_for_function(f"() => document.querySelector('.wp-figure').innerText !== {total!r}", timeout=20_000)
    wait_for_chart_text(seen, label)
    seen.screenshot("energie_nl")
    seen.page.get_by_role("button", name="English").click()
    seen.page.wait_for_selector(f"h1:has-text('{t('expo.energy.title', 'en')}')", timeout=20_000)
    seen.page.wait_for_selector(CHART, state="visible", timeout=30_000)
    seen.screenshot("energie_en")
    seen.check_clean()


def test_werkplaats_dashboard(visit, kiosk):
    seen = open_dashboard(visit, kiosk, "expo.werkplaats.title")
    seen.page.wait_for_selector(CHART, state="visible", timeout=60_000)
    showing = lambda kind: t("expo.werkplaats.showing", "nl", kind=t(kind, "nl"))  # noqa: E731
    before = wait_for_chart_text(seen, showing("expo.werkplaats.all"))
    assert "kleding" in before and "klussen" in before  # goods and services
    wait_for_chart_text(seen, t("activities.textiel.per_session", "nl"))  # Textiel per Friday
    wait_for_chart_text(seen, "Oude Westen")  # greening on the map
    seen.page.get_by_role("button", name=t("ruilpunt.kind.service", "nl"), exact=True).click()
    after = wait_for_chart_text(seen, showing("ruilpunt.kind.service"))
    assert "klussen" in after and "kleding" not in after and "boeken" not in after  # only services left
    seen.page.locator(".wp-chart").nth(2).scroll_into_view_if_needed()
    seen.screenshot("werkplaats_nl")
    seen.page.get_by_role("button", name="English").click()
    seen.page.wait_for_selector(f"h1:has-text('{t('expo.werkplaats.title', 'en')}')", timeout=20_000)
    seen.check_clean()


def test_stories_dashboard(visit, kiosk):
    seen = open_dashboard(visit, kiosk, "expo.stories.title")
    seen.page.wait_for_selector(".wp-story", state="visible", timeout=30_000)
    wait_for_chart_text(seen, t("activities.stories.title", "nl"))
    everything = seen.page.locator(".wp-story").count()
    seen.page.get_by_role("button", name=t("activities.theme.belonging", "nl"), exact=True).click()
    seen.page.wait_for_function(f"() => document.querySelectorAll('.wp-story').length < {everything}", timeout=20_000)
    assert seen.page.locator(".wp-story").count() > 0
    seen.screenshot("verhalen_nl")
    seen.page.get_by_role("button", name="English").click()
    seen.page.wait_for_selector(f"h1:has-text('{t('expo.stories.title', 'en')}')", timeout=20_000)
    seen.check_clean()


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read(200_000).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_kiosk_is_locked_down(kiosk, tiny_release):
    status, body = _get(kiosk + "voila/api/contents/")
    assert status != 200 or '"type": "directory"' not in body
    status, body = _get(kiosk + "voila/tree")
    assert "home.ipynb" not in body  # no file listing
    status, body = _get(kiosk + "?template=classic")
    assert "cdn.jsdelivr" not in body and "wp-tiles" in body  # override refused: still our template
    status, body = _get(kiosk + "?theme=dark")
    assert "theme-dark" not in body
    for name in ("datapackage.json", "swaps.csv", "swaps.parquet"):
        status, _ = _get(kiosk + f"voila/files/{tiny_release / name}")
        assert status in (403, 404)
    status, _ = _get(kiosk + "voila/files/home.ipynb")
    assert status in (403, 404)


def test_attract_loop_then_reset_and_bounded_kernels(visit, browser, tiny_release, tmp_path):
    with kiosk_server(tiny_release, tmp_path / "voila.log", attract_after=3, reset_after=7,
                      cull_interval=1, cull_idle_timeout=4) as (url, process):
        seen = visit(url)
        seen.page.get_by_role("button", name=t("expo.werkplaats.title", "nl")).click()
        seen.page.get_by_role("button", name="English").click()
        seen.page.wait_for_selector(".wp-attract:not(.wp-hidden)", state="visible", timeout=30_000)
        seen.screenshot("attract")
        seen.page.wait_for_selector(f"text={t('expo.touch', 'nl')}", timeout=30_000)  # reset: Dutch again
        seen.page.mouse.click(300, 300)  # a touch ends the attract loop, on the home screen
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
