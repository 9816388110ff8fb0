"""binder/ (for mybinder.org / repo2docker) must stay in step with environment.yml and pyproject.toml.

repo2docker builds binder/environment.yml before the repository is copied in, so a `pip: [-e .]`
there fails, and it mishandles a minimum-only `python>=3.11`; binder/postBuild installs the kit.
"""

import os
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"


def _dependencies(path: Path) -> list:
    return yaml.safe_load(path.read_text())["dependencies"]


def _packages(path: Path) -> dict[str, str]:
    """name → requirement, for the conda packages other than python and pip."""
    out = {}
    for dependency in _dependencies(path):
        if isinstance(dependency, str):
            name = re.split(r"[<>=!~ ]", dependency, maxsplit=1)[0].lower()
            if name not in ("python", "pip"):
                out[name] = dependency.replace(" ", "")
    return out


def test_binder_lists_the_same_packages_and_versions_as_environment_yml():
    assert _packages(BINDER / "environment.yml") == _packages(ROOT / "environment.yml")
    binder, root = (yaml.safe_load(p.read_text()) for p in (BINDER / "environment.yml", ROOT / "environment.yml"))
    assert binder["channels"] == root["channels"]


def test_binder_pins_a_python_the_kit_supports():
    pins = [d for d in _dependencies(BINDER / "environment.yml") if isinstance(d, str) and d.startswith("python")]
    assert len(pins) == 1 and re.fullmatch(r"python=3\.\d+", pins[0]), pins  # one exact version, no ">="
    minor = int(pins[0].split(".")[1])
    required = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert int(re.fullmatch(r">=3\.(\d+)", required).group(1)) <= minor


def test_binder_does_not_install_the_kit_from_the_environment():
    pip_sections = [d["pip"] for d in _dependencies(BINDER / "environment.yml") if isinstance(d, dict)]
    assert not any("-e" in line or line.strip() == "." for section in pip_sections for line in section)


def test_postbuild_installs_the_kit_without_its_dependencies():
    post_build = BINDER / "postBuild"
    assert os.access(post_build, os.X_OK), "binder/postBuild must be executable"
    text = post_build.read_text()
    assert text.startswith("#!/bin/bash") and "set -e" in text
    assert "pip install --no-deps -e ." in text


def test_readme_says_how_to_open_the_notebooks_on_binder():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "mybinder.org/v2/gh/" in readme and "binder/environment.yml" in readme
