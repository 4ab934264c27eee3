"""requirements.lock (make lock) pins every dependency pyproject.toml names, within pyproject's range, with hashes."""
from __future__ import annotations

import re

from packaging.specifiers import SpecifierSet

from conftest import REPO
from test_environment import pyproject_requirements

LOCK = REPO / "requirements.lock"
PIN_RE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def locked() -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes), names normalised as PyPI does."""
    pins: dict[str, tuple[str, int]] = {}
    name = None
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        m = PIN_RE.match(line)
        if m:
            name = re.sub(r"[-_.]+", "-", m.group(1)).lower()
            pins[name] = (m.group(2), 0)
        elif name and line.strip().startswith("--hash=sha256:"):
            pins[name] = (pins[name][0], pins[name][1] + 1)
        elif line and not line.startswith(" "):
            name = None
    return pins


def test_every_pyproject_dependency_is_locked_within_its_range():
    pins = locked()
    wrong = {}
    for name, spec in pyproject_requirements().items():
        if name not in pins:
            wrong[name] = f"{spec}: not in requirements.lock"
        elif pins[name][0] not in SpecifierSet(spec):
            wrong[name] = f"{spec}: locked at {pins[name][0]}"
    assert wrong == {}, "pyproject.toml and requirements.lock disagree (run make lock)"


def test_every_locked_package_has_a_hash():
    pins = locked()
    assert len(pins) > len(pyproject_requirements())  # the transitive dependencies are locked too
    assert [name for name, (_, hashes) in pins.items() if hashes == 0] == []
