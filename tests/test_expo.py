"""Kiosk settings and the launcher (no server started here; the browser tests start one)."""

from __future__ import annotations

import pytest

from werkplaats_data import charts, expo
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
    assert all(expo.notebook_path(name).exists() for name in expo.DASHBOARDS)


def test_command_line():
    args = build_parser().parse_args(["expo", "--port", "9100", "--dashboard", "energie"])
    assert (args.port, args.dashboard, args.data) == (9100, "energie", None)
