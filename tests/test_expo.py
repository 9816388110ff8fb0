"""Kiosk settings and the launcher (no server started here; the browser tests start one)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from werkplaats_data import charts, expo, stories
from werkplaats_data.cli import build_parser
from werkplaats_data.errors import UserError


def test_voila_is_locked_down_and_offline():
    args = expo.voila_arguments(expo.notebook_path("home"), expo.KioskSettings(port=9001))
    for expected in ("--Voila.ip=127.0.0.1", "--Voila.port=9001", "--VoilaConfiguration.template=kiosk",
                     "--VoilaConfiguration.allow_template_override=NO", "--VoilaConfiguration.allow_theme_override=NO",
                     "--VoilaConfiguration.strip_sources=True", "--VoilaConfiguration.show_tracebacks=False",
                     "--VoilaConfiguration.preheat_kernel=True", "--VoilaConfiguration.default_pool_size=1",
                     "--MappingKernelManager.cull_idle_timeout=300"):
        assert expected in args
    assert args[0].endswith("dashboards/home.ipynb")  # one notebook, not a folder


def test_voila_reads_the_kiosk_options_as_meant_without_deprecation_warnings():
    from voila.app import Voila

    app = Voila()
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        app.parse_command_line(expo.voila_arguments(expo.notebook_path("home"), expo.KioskSettings(port=9001))[1:])
    config = app.config.VoilaConfiguration
    assert config.extension_allowlist == list(expo.EXTENSION_ALLOWLIST)
    assert config.allow_template_override == "NO" and config.strip_sources is True and config.template == "kiosk"


def test_template_has_no_cdn_link():
    template = expo.PACKAGE_DIR / "voila" / "templates" / "kiosk"
    for path in template.iterdir():
        assert "http" not in path.read_text(encoding="utf-8"), path


def test_environment_carries_release_template_and_idle_times(tmp_path):
    env = expo.kiosk_environment(tmp_path, expo.KioskSettings(attract_after=30, reset_after=90), base={"JUPYTER_PATH": "/x"})
    static_root, bundle = expo.chart_javascript()
    assert env["JUPYTER_PATH"].split(":") == [str(expo.PACKAGE_DIR), str(static_root), "/x"]
    assert env["WERKPLAATS_DATA"] == str(tmp_path)
    assert expo.idle_timings(env) == (30, 90)
    assert env[charts.CHART_JS_ENV] == f"http://127.0.0.1:{expo.KioskSettings.port}/voila/templates/kiosk/static/{bundle}"


def test_the_chart_javascript_folder_holds_only_the_bundle():
    static_root, bundle = expo.chart_javascript()
    served = static_root / "voila" / "templates" / "kiosk" / "static"
    files = [p for p in static_root.rglob("*") if p.is_file()]
    assert files and all(p.parent == served and p.name.startswith("jupyterchart-offline-") for p in files)
    assert (served / bundle).read_bytes() == charts.offline_bundle().read_bytes()


def test_idle_timings_fall_back_on_nonsense():
    assert expo.idle_timings({expo.ATTRACT_ENV: "soon"}) == (90, 240)
    assert expo.idle_timings({expo.ATTRACT_ENV: "100", expo.RESET_ENV: "10"}) == (100, 100)


def test_unknown_dashboard_and_missing_release_are_plain_errors(tmp_path):
    with pytest.raises(UserError, match="choose one of"):
        expo.notebook_path("../secret")
    with pytest.raises(UserError, match="not a data release"):
        expo.release_path(tmp_path)


def test_every_dashboard_notebook_exists():
    assert all(expo.notebook_path(name).exists() for name in {**expo.DASHBOARDS, **expo.INTERNAL_DASHBOARDS})


def test_command_line():
    args = build_parser().parse_args(["expo", "--port", "9100", "--dashboard", "energie", "--stories", "/s"])
    assert (args.port, args.dashboard, args.data, args.stories) == (9100, "energie", None, "/s")


def test_the_internal_review_is_not_offered_by_the_exhibition(capsys):
    assert "werkplan_2025" not in expo.DASHBOARDS
    with pytest.raises(SystemExit):
        build_parser().parse_args(["expo", "--dashboard", "werkplan_2025"])
    assert "invalid choice" in capsys.readouterr().err
    assert expo.notebook_path("werkplan_2025").name == "werkplan_2025.ipynb"  # its own command still serves it


def test_the_work_plan_reaches_the_kernels_only_when_given(tmp_path):
    from werkplaats_data.workplan import PLAN_ENV

    env = expo.kiosk_environment(tmp_path, expo.KioskSettings(), base={}, plan=tmp_path / "plan.yaml")
    assert env[PLAN_ENV] == str((tmp_path / "plan.yaml").resolve())
    assert PLAN_ENV not in expo.kiosk_environment(tmp_path, expo.KioskSettings(), base={})


def test_stories_folder_reaches_the_kernels(tmp_path):
    env = expo.kiosk_environment(tmp_path, expo.KioskSettings(), base={}, stories=tmp_path)
    assert env[stories.STORIES_ENV] == str(tmp_path.resolve())
    with pytest.raises(UserError, match="stories folder .*nope does not exist"):
        expo.kiosk_environment(tmp_path, expo.KioskSettings(), base={}, stories=tmp_path / "nope")


class _FakeVoila:
    """Stands in for the Voila process: it 'runs' until waited for, then ends with code 0."""

    returncode = None

    def poll(self):
        return self.returncode

    def wait(self, timeout=None):
        self.returncode = 0
        return 0

    def terminate(self):
        self.returncode = -15


def test_make_run_prints_the_address_to_open(monkeypatch, capsys, tmp_path):
    started = {}

    def fake_start(dashboard, **kwargs):
        started.update(kwargs, dashboard=dashboard)
        return _FakeVoila()

    monkeypatch.setattr(expo, "start", fake_start)
    monkeypatch.setattr(expo, "wait_until_ready", lambda process, url, **_: None)
    from werkplaats_data.cli import main

    assert main(["expo", "--data", str(tmp_path), "--port", "9123"]) == 0
    out = capsys.readouterr().out
    assert "http://127.0.0.1:9123/" in out and "tentoonstelling" in out and "exhibition" in out
    assert (started["dashboard"], started["data"], started["settings"].port) == ("home", str(tmp_path), 9123)


def _root_conftest():
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "conftest.py"
    spec = importlib.util.spec_from_file_location("werkplaats_root_conftest", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_missing_browser_skips_but_fails_when_ci_requires_it(monkeypatch):
    skip_or_fail = _root_conftest().skip_or_fail
    monkeypatch.delenv("WERKPLAATS_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="install"):
        skip_or_fail("Playwright is missing: install it")
    monkeypatch.setenv("WERKPLAATS_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="a skip is a failure"):
        skip_or_fail("Playwright is missing: install it")
