"""pyproject.toml is the one list of dependencies; environment.yml (conda) must name the same packages."""
from __future__ import annotations

import re
import tomllib

from conftest import REPO

CONDA_NAMES = {"python-duckdb": "duckdb"}  # conda-forge name -> PyPI name
IGNORED = {"python", "pip"}
REQ_RE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*?)\s*$")


def split(requirement: str) -> tuple[str, str]:
    """'pandas>=2.2' -> ('pandas', '>=2.2'); names normalised as PyPI does (lower case, '-' for '_' and '.')."""
    requirement = requirement.split("#", 1)[0].split(";", 1)[0]
    name, spec = REQ_RE.match(requirement).groups()
    return re.sub(r"[-_.]+", "-", name).lower(), spec.replace(" ", "")


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(project.get("dependencies", []))
    for group in project.get("optional-dependencies", {}).values():
        reqs += group
    return dict(split(r) for r in reqs)


def environment_requirements() -> dict[str, str]:
    """The conda and pip entries of environment.yml (a plain YAML list; parsed by hand to need no YAML library)."""
    conda, pip, section = [], [], None
    for raw in (REPO / "environment.yml").read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if not line.startswith(" "):
            section = line.rstrip(":").strip()
            continue
        if section != "dependencies":
            continue
        item = line.strip()
        if item == "- pip:":
            continue  # the pip entries follow, indented deeper
        assert item.startswith("- "), f"unexpected line in environment.yml: {raw!r}"
        indent = len(line) - len(line.lstrip())
        (pip if indent > 2 else conda).append(item[2:].strip())
    found = {}
    for entry in conda:
        name, spec = split(entry.replace("=", "==", 1) if re.match(r"^[^<>=!]+=[^=]", entry) else entry)
        found[CONDA_NAMES.get(name, name)] = spec
    for entry in pip:
        name, spec = split(entry)
        found[name] = spec
    return {k: v for k, v in found.items() if k not in IGNORED}


def test_environment_yml_names_the_same_packages_as_pyproject():
    py, env = pyproject_requirements(), environment_requirements()
    assert sorted(set(py) - set(env)) == [], "in pyproject.toml but not in environment.yml"
    assert sorted(set(env) - set(py)) == [], "in environment.yml but not in pyproject.toml"


def test_environment_yml_uses_the_same_minimum_versions():
    py, env = pyproject_requirements(), environment_requirements()
    assert {k: env[k] for k in py} == py


def test_parser_sees_conda_and_pip_sections():
    env = environment_requirements()
    assert "duckdb" in env and "python-duckdb" not in env  # from python-duckdb
    assert "playwright" in env               # from the pip: section
    assert "python" not in env and "pip" not in env


def test_one_version_license_and_citation():
    """pyproject.toml holds the one version number; LICENSE is the licence pyproject names; CITATION.cff parses."""
    import yaml

    from queries import provenance

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert provenance.package_version() == project["version"]
    assert project["license"] == "MIT" and (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["license"] == "MIT" and cff["authors"]
    assert "version" not in cff  # no second copy of the version number
