"""Exhibition kiosk speed: navigation → first visible chart, a visitor's tap on a home tile → that
screen's first chart, chart update after a tap, kernel memory.

Baseline in the same run: a bare one-cell Voila notebook that shows one offline Altair chart,
served with the same kiosk settings and template. Every dashboard is measured cold (no
preheated kernel) and preheated, ``--repeat`` times (default 3, each on a fresh Voila): the fastest
counts, the slowest is printed beside it. "First visible" is always a chart (never a "no data"
sentence). The visitor's path is measured on a preheated home screen: tap a tile, wait for a chart
of that screen. A timeout is counted and printed, never left out of a figure, and fails the run.
Requests off this machine are refused by Chromium itself (``--host-resolver-rules``) and any
attempt is reported; intercepting every request in Python, as the browser tests do, would add
about a second to a page with many widgets.
Targets: ≤ 1.5× the bare notebook, update < 200 ms, < 300 MB per kernel. Exit code 1 when a target
is missed or something timed out. Needs Debian's chromium.
Run: .venv/bin/python benchmarks/bench_expo.py [--repeat N]
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import psutil
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from werkplaats_data import expo
from werkplaats_data.i18n import t

CHART = ".wp-chart svg.marks, .wp-chart canvas, .vega-embed svg.marks"
TITLES = {"energie": "expo.energy.title", "werkplaats": "expo.werkplaats.title", "verhalen": "expo.stories.title"}
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "blob:", "data:")
TIMEOUT_MS = 120_000
RATIO_TARGET, UPDATE_TARGET_MS, MEMORY_TARGET_MB = 1.5, 200, 300
BARE_CELL = """import os, altair as alt, pandas as pd
from werkplaats_data import charts
charts.use_theme()
charts.enable_offline(os.environ.get(charts.CHART_JS_ENV))  # the bundle from the kiosk's address, as dashboards do
charts.show(alt.Chart(pd.DataFrame({"x": ["a", "b", "c"], "y": [3, 1, 2]})).mark_bar().encode(x="x", y="y"))"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(notebook: Path, *, preheat: bool, release: Path) -> tuple[subprocess.Popen, str, Path]:
    settings = expo.KioskSettings(port=free_port(), preheat=preheat)
    log = Path(tempfile.mkstemp(suffix=".log")[1])
    env = expo.kiosk_environment(release, settings)
    process = subprocess.Popen([sys.executable, "-m", "voila", *expo.voila_arguments(notebook, settings)],
                               cwd=notebook.parent, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = expo.address(settings)
    expo.wait_until_ready(process, url, timeout=120)
    if preheat:  # wait until the pool holds a kernel that ran the notebook
        deadline = time.monotonic() + 180
        while "is filled" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(1)
    return process, url, log


@contextlib.contextmanager
def _watched_page(browser):
    """A new page; afterwards it is closed, and the run stops if it tried to reach outside this machine."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(LOCAL) else outside.append(request.url))
    try:
        yield page
    finally:
        page.close()
    if outside:
        raise SystemExit(f"bench_expo: the page tried to reach outside this machine: {outside[:3]}")


def first_chart_seconds(browser, url: str) -> float | None:
    """Seconds from navigation until a chart is visible; None when it timed out."""
    with _watched_page(browser) as page:
        start = time.perf_counter()
        try:
            page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
            page.wait_for_selector(CHART, state="visible", timeout=TIMEOUT_MS)
            return time.perf_counter() - start
        except PlaywrightTimeout:
            return None


def tile_to_chart_seconds(browser, url: str, dashboard: str) -> float | None:
    """On the home screen, tap the dashboard's tile; seconds until a chart of that screen is visible."""
    with _watched_page(browser) as page:
        try:
            page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
            tile = page.get_by_role("button", name=t(TITLES[dashboard], "nl"))
            tile.wait_for(state="visible", timeout=TIMEOUT_MS)
            page.wait_for_timeout(500)
            start = time.perf_counter()
            tile.click()
            page.wait_for_selector(f"h1:has-text('{t(TITLES[dashboard], 'nl')}')", timeout=TIMEOUT_MS)
            page.wait_for_selector(CHART, state="visible", timeout=TIMEOUT_MS)
            return time.perf_counter() - start
        except PlaywrightTimeout:
            return None


def update_milliseconds(browser, url: str, repeats: int = 5) -> list[float | None]:
    """Tap a measure in "what can I save"; time until the chart's SVG changes (MutationObserver); None = no change
    in 10 s, or (every repeat) the page never showed its chart."""
    with _watched_page(browser) as page:
        try:
            page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
            page.wait_for_selector(CHART, state="visible", timeout=TIMEOUT_MS)
        except PlaywrightTimeout:
            return [None] * repeats
        page.wait_for_timeout(3000)  # the page settles: every section is built
        return [_one_update(page) for _ in range(repeats)]


def _one_update(page) -> float | None:
    """Milliseconds from a tap on a measure to the first change of the chart's SVG; None after 10 s."""
    milliseconds = page.evaluate("""() => new Promise(resolve => {
        const chart = document.querySelector('.wp-chart');
        const start = performance.now();
        const observer = new MutationObserver(() => { observer.disconnect(); resolve(performance.now() - start); });
        observer.observe(chart, { subtree: true, childList: true, attributes: true, characterData: true });
        document.querySelector('.wp-measure').click();
        setTimeout(() => resolve(-1), 10000);
    })""")
    page.wait_for_timeout(500)
    return None if milliseconds < 0 else milliseconds


def kernel_megabytes(process: subprocess.Popen) -> list[float]:
    kernels = [p for p in psutil.Process(process.pid).children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]
    return [k.memory_info().rss / 1e6 for k in kernels]


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=30)


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="page loads per dashboard and mode; the fastest counts")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        print("bench_expo: chromium not found; install it with 'apt-get install chromium'.")
        return 1
    release = expo.release_path()
    workdir = Path(tempfile.mkdtemp())
    bare = workdir / "bare.ipynb"
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(BARE_CELL)]
    nbformat.write(notebook, bare)
    notebooks = {"bare": bare, **{name: expo.notebook_path(name) for name in TITLES}}
    runs: dict[tuple[str, str], list[float | None]] = {}
    memory: list[float] = []
    updates: list[float | None] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=ARGS)
        for mode, preheat in (("cold", False), ("preheated", True)):
            for name, path in notebooks.items():
                for attempt in range(args.repeat):
                    process, url, _ = serve(path, preheat=preheat, release=release)
                    try:
                        runs.setdefault((name, mode), []).append(first_chart_seconds(browser, url))
                        if name == "energie" and preheat and attempt == 0:
                            updates = update_milliseconds(browser, url)
                        if name != "bare":
                            memory.extend(kernel_megabytes(process))
                    finally:
                        stop(process)
        for attempt in range(args.repeat):  # the visitor's path: home (preheated) → tap a tile → that screen's chart
            process, url, _ = serve(expo.notebook_path("home"), preheat=True, release=release)
            try:
                for name in TITLES:
                    runs.setdefault((name, "from home"), []).append(tile_to_chart_seconds(browser, url, name))
                memory.extend(kernel_megabytes(process))
            finally:
                stop(process)
        browser.close()

    failures = 0
    print(f"release: {release}")
    print(f"{'dashboard':<12}{'mode':<11}{'first chart (s)':>16}{'slowest':>9}{'× bare':>9}{'timeouts':>10}   target ≤ {RATIO_TARGET}× bare")
    for (name, mode), seconds in runs.items():
        done = [s for s in seconds if s is not None]
        timeouts = len(seconds) - len(done)
        failures += timeouts
        best = min(done) if done else float("nan")
        slowest = max(done) if done else float("nan")
        if name == "bare" or mode == "from home":  # the tap needs no page load: shown, not compared
            ok = timeouts == 0
            print(f"{name:<12}{mode:<11}{best:>16.2f}{slowest:>9.2f}{'':>9}{timeouts:>10}   {'' if ok else 'TIMEOUT'}")
            continue
        bare_done = [s for s in runs[("bare", mode)] if s is not None]
        ratio = best / min(bare_done) if bare_done and done else float("nan")
        ok = timeouts == 0 and ratio <= RATIO_TARGET
        failures += not ok
        print(f"{name:<12}{mode:<11}{best:>16.2f}{slowest:>9.2f}{ratio:>9.2f}{timeouts:>10}   {verdict(ok)}")
    done = sorted(u for u in updates if u is not None)
    timeouts = len(updates) - len(done)
    ok = bool(done) and timeouts == 0 and done[len(done) // 2] < UPDATE_TARGET_MS
    failures += not ok
    median = f"{done[len(done) // 2]:.0f}" if done else "–"
    print(f"chart update after a tap: median {median} ms, max {max(done) if done else float('nan'):.0f} ms, "
          f"{timeouts} timeouts of {len(updates)} (target < {UPDATE_TARGET_MS} ms): {verdict(ok)}")
    ok = bool(memory) and max(memory) < MEMORY_TARGET_MB
    failures += not ok
    print(f"kernel memory: max {max(memory) if memory else float('nan'):.0f} MB over {len(memory)} kernels "
          f"(target < {MEMORY_TARGET_MB} MB): {verdict(ok)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
