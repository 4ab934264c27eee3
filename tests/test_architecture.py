"""The package rules of docs/architecture.md, read from the source with tools/imports.py (every import, also the ones
inside functions): which package may import which, no widget or Voilà library below the dashboards, and no circle
among the project's modules."""
from __future__ import annotations

import importlib.util

import pytest

from conftest import REPO

spec = importlib.util.spec_from_file_location("imports", REPO / "tools" / "imports.py")
imports = importlib.util.module_from_spec(spec)
spec.loader.exec_module(imports)

# package -> the project packages it may import (docs/architecture.md)
ALLOWED = {
    "etl": {"queries"},
    "queries": {"etl"},  # only etl.docs, which writes the codebook the query layer checks against
    "views": {"queries"},
    "pages": {"views", "queries"},
    "dashboards": {"pages", "views", "queries", "server"},
    "server": {"pages", "views", "queries"},
    "reports": {"views", "queries"},
}
# the libraries of the widget face and the web server, and the packages that may import them
FACE = {"ipywidgets", "IPython", "voila", "jupyter_server", "tornado", "nbclient", "jupyter_client", "traitlets"}
FACE_ALLOWED = {"dashboards", "server"}

GRAPH = imports.graph()


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_a_package_imports_only_what_the_architecture_allows(package):
    edges = imports.package_edges(GRAPH).get(package, set())
    assert edges <= ALLOWED[package], (
        f"{package} imports {sorted(edges - ALLOWED[package])}; docs/architecture.md allows {sorted(ALLOWED[package])}: "
        + "; ".join(f"{m} -> {d}" for m, deps in sorted(GRAPH.items()) if m.split('.')[0] == package
                    for d in sorted(deps) if d.split('.')[0] not in ALLOWED[package] | {package}))


@pytest.mark.parametrize("package", sorted(set(ALLOWED) - FACE_ALLOWED))
def test_no_widget_or_server_library_below_the_face(package):
    used = imports.external(package) & FACE
    assert not used, f"{package} imports {sorted(used)}: only {sorted(FACE_ALLOWED)} may"


def test_the_dashboards_use_only_the_kernel_half_of_the_server():
    """A dashboard kernel reads its request through server.preheat; it never imports the web server itself."""
    used = {d for m, deps in GRAPH.items() if m.startswith("dashboards") for d in deps if d.startswith("server")}
    assert used <= {"server.preheat"}, used


def test_no_import_circle_among_the_modules():
    assert imports.cycles(GRAPH) == []


def test_the_reading_sees_imports_inside_functions_and_not_type_checking_ones(tmp_path, monkeypatch):
    """The rules hold only if the reading is right: a lazy import inside a function counts, an `if TYPE_CHECKING:`
    import does not, and a circle is found."""
    for pkg in ("views", "dashboards"):
        (tmp_path / pkg).mkdir()
        (tmp_path / pkg / "__init__.py").write_text("")
    (tmp_path / "views" / "a.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                             "    from dashboards import ui\n\ndef f():\n    from . import b\n")
    (tmp_path / "views" / "b.py").write_text("from .a import f\nimport ipywidgets\n")
    (tmp_path / "dashboards" / "ui.py").write_text("")
    monkeypatch.setattr(imports, "REPO", tmp_path)
    g = imports.graph()
    assert g["views.a"] == {"views.b"} and g["views.b"] == {"views.a"}
    assert imports.cycles(g) == [["views.a", "views.b"]]
    assert "ipywidgets" in imports.external("views")
