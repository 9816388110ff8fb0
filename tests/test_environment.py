"""What the repository declares: environment.yml (conda/Binder) and pyproject.toml list the same
dependencies with the same version specifiers, and the README's licence table names every shipped data file."""

import fnmatch
import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def pyproject_names() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    return {_name(r) for r in reqs}


def environment_names() -> set[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    names = {_name(d) for d in env["dependencies"] if isinstance(d, str)}
    return names - {"python", "pip"}


def test_environment_lists_the_same_dependencies_as_pyproject():
    missing_in_env = pyproject_names() - environment_names()
    missing_in_pyproject = environment_names() - pyproject_names()
    assert not missing_in_env, f"add to environment.yml: {sorted(missing_in_env)}"
    assert not missing_in_pyproject, f"add to pyproject.toml: {sorted(missing_in_pyproject)}"


def _specifiers(requirements) -> dict[str, str]:
    """name → version specifier, normalised ('pandas >= 2.2' and 'pandas>=2.2' alike; conda's '=' is '==')."""
    out = {}
    for text in requirements:
        text = re.sub(r"(?<![<>=!~])=(?!=)", "==", text.strip())
        requirement = Requirement(text)
        out[requirement.name.lower().replace("_", "-")] = str(requirement.specifier)
    return out


def test_environment_and_pyproject_ask_for_the_same_versions():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pyproject = _specifiers(project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    environment = _specifiers(d for d in env["dependencies"] if isinstance(d, str) and _name(d) not in ("python", "pip"))
    differ = {n: (pyproject[n], environment[n]) for n in pyproject.keys() & environment.keys() if pyproject[n] != environment[n]}
    assert not differ, f"versions differ (pyproject, environment.yml): {differ}"


def test_specifiers_are_compared_not_just_names():
    assert _specifiers(["pandas>=2.2"]) != _specifiers(["pandas>=2.1"])
    assert _specifiers(["pandas >= 2.2"]) == _specifiers(["pandas>=2.2"])
    assert _specifiers(["numpy=1.26"]) == _specifiers(["numpy==1.26"])


def test_readme_licence_table_names_every_shipped_data_file():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Licences", 1)[1].split("\n## ", 1)[0]
    listed = [entry for line in table.splitlines() if line.startswith("| `") for entry in
              re.findall(r"`([^`]+)`", line.split("|")[1])]
    data = ROOT / "werkplaats_data" / "data"
    shipped = [p for p in data.rglob("*") if p.is_file() and p.name not in ("README.md", "LICENSE.md")]
    for path in shipped:
        relative = path.relative_to(ROOT).as_posix()
        assert any(fnmatch.fnmatch(relative, entry) or relative.endswith("/" + entry) for entry in listed), \
            f"{relative} is not in the README's licence table"


def test_environment_installs_the_kit_itself():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section
