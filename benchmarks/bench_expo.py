"""Exhibition kiosk speed: navigation → first visible chart, chart update after a tap, kernel memory.

Baseline in the same run: a bare one-cell Voila notebook that shows one offline Altair chart,
served with the same kiosk settings and template. Every dashboard is measured cold (no
preheated kernel) and preheated, ``--repeat`` times (default 3, each on a fresh Voila): the fastest
counts, the slowest is printed beside it. Requests off this machine are refused by Chromium itself
(``--host-resolver-rules``) and any attempt is reported; intercepting every request in Python, as
the browser tests do, would add about a second to a page with many widgets.
Targets: ≤ 1.5× the bare notebook, update < 200 ms, < 300 MB per kernel. Needs Debian's chromium.
Run: .venv/bin/python benchmarks/bench_expo.py [--repeat N]
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import psutil
from playwright.sync_api import sync_playwright

from werkplaats_data import expo

CHART = ".wp-chart svg.marks, .wp-chart canvas, .vega-embed svg.marks"
FIRST_VISIBLE = {"energie": CHART, "werkplaats": CHART, "verhalen": ".wp-story, .wp-no-data", "bare": CHART}
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "blob:", "data:")
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


def first_chart_seconds(browser, url: str, selector: str) -> float:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(LOCAL) else outside.append(request.url))
    start = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=180_000)
    page.wait_for_selector(selector, state="visible", timeout=180_000)
    seconds = time.perf_counter() - start
    page.close()
    if outside:
        raise SystemExit(f"bench_expo: the page tried to reach outside this machine: {outside[:3]}")
    return seconds


def update_milliseconds(browser, url: str, repeats: int = 5) -> list[float]:
    """Tap a measure in "what can I save"; time until the chart's SVG changes (MutationObserver)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url, wait_until="commit", timeout=180_000)
    page.wait_for_selector(CHART, state="visible", timeout=180_000)
    page.wait_for_timeout(1000)
    times = []
    for _ in range(repeats):
        times.append(page.evaluate("""() => new Promise(resolve => {
            const chart = document.querySelector('.wp-chart');
            const start = performance.now();
            const observer = new MutationObserver(() => { observer.disconnect(); resolve(performance.now() - start); });
            observer.observe(chart, { subtree: true, childList: true, attributes: true, characterData: true });
            document.querySelector('.wp-measure').click();
            setTimeout(() => resolve(-1), 10000);
        })"""))
        page.wait_for_timeout(500)
    page.close()
    return times


def kernel_megabytes(process: subprocess.Popen) -> list[float]:
    kernels = [p for p in psutil.Process(process.pid).children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]
    return [k.memory_info().rss / 1e6 for k in kernels]


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=30)


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
    notebooks = {"bare": bare, **{name: expo.notebook_path(name) for name in ("energie", "werkplaats", "verhalen")}}
    runs: dict[tuple[str, str], list[float]] = {}
    memory: list[float] = []
    updates: list[float] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=ARGS)
        for mode, preheat in (("cold", False), ("preheated", True)):
            for name, path in notebooks.items():
                for attempt in range(args.repeat):
                    process, url, _ = serve(path, preheat=preheat, release=release)
                    try:
                        runs.setdefault((name, mode), []).append(first_chart_seconds(browser, url, FIRST_VISIBLE[name]))
                        if name == "energie" and preheat and attempt == 0:
                            updates = update_milliseconds(browser, url)
                        if name != "bare":
                            memory.extend(kernel_megabytes(process))
                    finally:
                        stop(process)
        browser.close()
    results = {key: min(seconds) for key, seconds in runs.items()}
    print(f"release: {release}")
    print(f"{'dashboard':<12}{'mode':<11}{'first chart (s)':>16}{'slowest':>9}{'× bare':>9}   target ≤ 1.5×")
    for (name, mode), seconds in results.items():
        ratio = seconds / results[("bare", mode)]
        print(f"{name:<12}{mode:<11}{seconds:>16.2f}{max(runs[(name, mode)]):>9.2f}{ratio:>9.2f}   "
              f"{'ok' if ratio <= 1.5 else 'SLOWER'}")
    good = [u for u in updates if u >= 0]
    if good:
        print(f"chart update after a tap: median {sorted(good)[len(good) // 2]:.0f} ms, max {max(good):.0f} ms "
              f"(n={len(good)}, target < 200 ms)")
    print(f"kernel memory: max {max(memory):.0f} MB over {len(memory)} kernels (target < 300 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
