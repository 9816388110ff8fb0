"""The exhibition kiosk: Voila settings and a launcher for the dashboards.

A kiosk at the Werkplaats or in the Wijkpark runs unattended, often without internet. So Voila
serves ONE entry notebook (navigation happens inside it, there is no file tree), listens on
127.0.0.1 only, refuses template and theme overrides from the address bar, hides code and
tracebacks, loads only the three front-end extensions widgets need, keeps one kernel warm, and
culls kernels of closed pages so reloads do not pile them up. The page template (``kiosk``, in
``werkplaats_data/voila/templates``) is Voila's ``lab`` template without its CDN links.

The release to show reaches the kernel through the ``WERKPLAATS_DATA`` environment variable, the
stories folder through ``WERKPLAATS_STORIES``, the idle timings through
``WERKPLAATS_KIOSK_ATTRACT_AFTER`` and ``WERKPLAATS_KIOSK_RESET_AFTER``. Each dashboard notebook
has one cell, ``expo.entry(...)``, which cannot fail: whatever goes wrong, the visitor reads a
friendly sentence and the reason goes to the console Voila was started from.
"""

from __future__ import annotations

import html
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from werkplaats_data.errors import UserError, message

PACKAGE_DIR = Path(__file__).resolve().parent
#: The dashboards folder of the repository (notebooks are not part of the installed package).
DASHBOARDS_DIR = PACKAGE_DIR.parent / "dashboards"
#: The exhibition's dashboards, name → notebook: "home" is the entry with tiles for the other three.
#: Only these can be served by ``werkplaats expo``.
DASHBOARDS = {
    "home": "home.ipynb",
    "energie": "energie.ipynb",
    "werkplaats": "werkplaats_in_beeld.ipynb",
    "verhalen": "verhalen.ipynb",
}
#: Internal dashboards, served with the same kiosk settings by their own command (the work-plan
#: review, for the working group's meeting, by ``werkplaats workplan dashboard``): they apply no
#: small-cell rule and have no idle reset, so the public exhibition command does not offer them.
INTERNAL_DASHBOARDS = {"werkplan_2025": "werkplan_2025.ipynb"}
TEMPLATE = "kiosk"
#: Front-end extensions Voila may load: without the first widgets never render; with all of
#: JupyterLab's, unrelated extensions log errors on every page (VOILA_NOTES.md).
EXTENSION_ALLOWLIST = ("@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8", "anywidget")
#: Set to "1" by the test suite (conftest.py): the entry notebook then raises instead of showing the
#: friendly sentence, and builds every part at once, so nbval sees a dashboard that is broken. A kiosk
#: never runs strict: ``kiosk_environment`` leaves the variable out.
STRICT_ENV = "WERKPLAATS_KIOSK_STRICT"
ATTRACT_ENV = "WERKPLAATS_KIOSK_ATTRACT_AFTER"
RESET_ENV = "WERKPLAATS_KIOSK_RESET_AFTER"


@dataclass(frozen=True)
class KioskSettings:
    """What a kiosk can tune. Times are in seconds."""

    port: int = 8866
    preheat: bool = True
    pool_size: int = 1  # preheated kernels waiting; each holds ~150 MB, keep it small
    cull_interval: int = 60
    cull_idle_timeout: int = 300  # a kernel whose page closed is shut down after 5 minutes
    attract_after: int = 90  # no touch for this long: the attract loop starts
    reset_after: int = 240  # no touch for this long: back to home and Dutch


def notebook_path(dashboard: str = "home") -> Path:
    """The notebook of a dashboard (exhibition or internal); a UserError names the exhibition's
    dashboards when the name is unknown."""
    notebooks = {**DASHBOARDS, **INTERNAL_DASHBOARDS}
    if dashboard not in notebooks:
        raise UserError(message("expo.error.no_dashboard", name=dashboard, choices=", ".join(DASHBOARDS)))
    path = DASHBOARDS_DIR / notebooks[dashboard]
    if not path.exists():
        raise UserError(message("expo.error.notebook_missing", path=path))
    return path


def voila_arguments(notebook: Path, settings: KioskSettings) -> list[str]:
    """The Voila command-line options for a kiosk (one notebook, locked down, offline template)."""
    return [
        str(notebook),
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        f"--Voila.port={settings.port}",
        "--Voila.port_retries=0",
        f"--VoilaConfiguration.template={TEMPLATE}",
        "--VoilaConfiguration.theme=light",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.show_margins=False",
        *(f"--VoilaConfiguration.extension_allowlist={name}" for name in EXTENSION_ALLOWLIST),  # one flag per item, as traitlets wants
        f"--VoilaConfiguration.preheat_kernel={settings.preheat}",
        f"--VoilaConfiguration.default_pool_size={settings.pool_size if settings.preheat else 0}",
        f"--MappingKernelManager.cull_interval={settings.cull_interval}",
        f"--MappingKernelManager.cull_idle_timeout={settings.cull_idle_timeout}",
    ]


def kiosk_environment(release_path: Path, settings: KioskSettings, base: dict | None = None, *,
                      stories: str | os.PathLike | None = None, plan: str | os.PathLike | None = None) -> dict[str, str]:
    """Environment for Voila and its kernels: our template on JUPYTER_PATH, the chart JavaScript served
    beside it (its address for the kernels), the release, the stories folder (``stories``, else
    ``WERKPLAATS_STORIES`` as it was), the work plan (``plan``, for the work-plan dashboard, else
    ``WERKPLAATS_PLAN`` as it was), idle timings."""
    from werkplaats_data.charts import CHART_JS_ENV
    from werkplaats_data.stories import STORIES_ENV, stories_folder
    from werkplaats_data.workplan import PLAN_ENV

    env = dict(os.environ if base is None else base)
    env.pop(STRICT_ENV, None)
    static_root, bundle = chart_javascript()
    env["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(PACKAGE_DIR), str(static_root), env.get("JUPYTER_PATH", "")) if p)
    env[CHART_JS_ENV] = f"{address(settings)}voila/templates/{TEMPLATE}/static/{bundle}"
    env["WERKPLAATS_DATA"] = str(release_path)
    if stories is not None:
        env[STORIES_ENV] = str(stories_folder(folder=stories))
    if plan is not None:
        env[PLAN_ENV] = str(Path(plan).expanduser().resolve())
    env[ATTRACT_ENV] = str(settings.attract_after)
    env[RESET_ENV] = str(settings.reset_after)
    return env


def chart_javascript() -> tuple[Path, str]:
    """A Jupyter data folder in the kit's cache whose kiosk template holds the offline chart bundle as
    a static file (Voila serves it at /voila/templates/kiosk/static/NAME); returns (folder, NAME).

    Charts then carry the bundle's local address instead of 0.9 MB of JavaScript each, and the
    browser loads it once. Only this file is in that folder: nothing else of the cache is served.
    """
    from werkplaats_data.charts import offline_bundle
    from werkplaats_data.release import cache_dir

    bundle = offline_bundle()
    root = cache_dir() / "kiosk-static"
    target = root / "voila" / "templates" / TEMPLATE / "static" / bundle.name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.partial")
        partial.write_bytes(bundle.read_bytes())
        partial.replace(target)
    return root, bundle.name


def idle_timings(env: dict | None = None) -> tuple[int, int]:
    """(attract_after, reset_after) in seconds, from the environment or the defaults."""
    env = os.environ if env is None else env
    defaults = KioskSettings()
    try:
        attract = int(env.get(ATTRACT_ENV, defaults.attract_after))
        reset = int(env.get(RESET_ENV, defaults.reset_after))
    except ValueError:
        return defaults.attract_after, defaults.reset_after
    attract = max(attract, 1)
    return attract, max(reset, attract)


def release_path(data: str | os.PathLike | None = None) -> Path:
    """The release to show: ``data``, else ``WERKPLAATS_DATA``, else the demo release (built if needed)."""
    from werkplaats_data.release import DATAPACKAGE, demo_release_path

    if data is None and os.environ.get("WERKPLAATS_DATA"):
        data = os.environ["WERKPLAATS_DATA"]
    if data is None:
        return demo_release_path()
    path = Path(data).expanduser().resolve()
    if not (path / DATAPACKAGE).exists():
        raise UserError(message("expo.error.not_a_release", path=path, datapackage=DATAPACKAGE))
    return path


def port_is_free(port: int) -> bool:
    """True when nothing listens on 127.0.0.1:``port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def start(dashboard: str = "home", *, data: str | os.PathLike | None = None, stories: str | os.PathLike | None = None,
          plan: str | os.PathLike | None = None, settings: KioskSettings = KioskSettings(),
          log=subprocess.DEVNULL) -> subprocess.Popen:
    """Start Voila for one dashboard in the background; returns the process (stop it with ``.terminate()``).

    ``stories`` and ``plan`` reach the kernels as ``kiosk_environment`` says."""
    notebook = notebook_path(dashboard)
    if not port_is_free(settings.port):
        raise UserError(message("expo.error.port_in_use", port=settings.port))
    env = kiosk_environment(release_path(data), settings, stories=stories, plan=plan)
    command = [sys.executable, "-m", "voila", *voila_arguments(notebook, settings)]
    return subprocess.Popen(command, cwd=notebook.parent, env=env, stdout=log, stderr=subprocess.STDOUT)


def address(settings: KioskSettings) -> str:
    """The address a kiosk browser opens."""
    return f"http://127.0.0.1:{settings.port}/"


def wait_until_ready(process: subprocess.Popen, url: str, *, timeout: float = 60) -> None:
    """Poll ``url`` until Voila answers; a UserError if it stopped or did not answer in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise UserError(message("expo.error.voila_stopped", code=process.returncode, port=url.rsplit(":", 1)[-1].strip("/")))
        try:
            with urllib.request.urlopen(url + "voila/static/voila.js", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise UserError(message("expo.error.voila_silent", url=url, seconds=f"{timeout:.0f}"))



# ----- the dashboards' one cell -----------------------------------------------------------------

_console = logging.getLogger("werkplaats_data")


def _log_to_console() -> None:
    """Send the kit's log to the kernel's real stderr (the console Voila runs in), not to the page:
    in a kernel, ``sys.stderr`` is shown as cell output."""
    if not any(getattr(h, "wp_console", False) for h in _console.handlers):
        handler = logging.StreamHandler(sys.__stderr__)
        handler.wp_console = True
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s: %(message)s"))
        _console.addHandler(handler)
        _console.propagate = False


def entry(dashboard: str = "home", *, release_path: str | os.PathLike | None = None, lang: str = "nl"):
    """What a dashboard notebook shows: the kiosk app opening on ``dashboard``, with the release
    (``release_path``, else ``WERKPLAATS_DATA``, else the demo) and the idle timings of the environment;
    each screen's later parts are built once the page is on screen (``kiosk.App(defer=True)``).

    Never raises: when anything fails (a broken release, a bug) the visitor reads a friendly
    sentence (``expo.start_failed``) instead of Voila's developer text, and the reason is logged
    to the console Voila was started from. With ``WERKPLAATS_KIOSK_STRICT=1`` (the tests) it raises
    instead, and builds every part at once.
    """
    _log_to_console()
    strict = os.environ.get(STRICT_ENV) == "1"
    try:
        from werkplaats_data import charts, expo_screens, load_release

        charts.use_theme(lang)
        release = load_release(release_path, tables=expo_screens.KIOSK_TABLES)
        attract_after, reset_after = idle_timings()
        return expo_screens.app(release, start=dashboard, lang=lang, attract_after=attract_after, reset_after=reset_after,
                                defer=not strict).widget
    except Exception:  # noqa: BLE001 - a kiosk shows a sentence, the console gets the details
        if strict:
            raise
        _console.exception("the exhibition could not start the %r dashboard", dashboard)
        return start_failed()


def start_failed():
    """The friendly page a visitor sees when the kiosk cannot start (Dutch, English and Arabic)."""
    from IPython.display import HTML

    from werkplaats_data.i18n import direction, t

    lines = "".join(f'<p dir="{direction(lang)}" lang="{lang}">{html.escape(t("expo.start_failed", lang))}</p>' for lang in ("nl", "en", "ar"))
    return HTML(f'<div class="wp-app wp-start-failed">{lines}</div>')
