"""views.cache: results and views computed once per warehouse build and shared between kernels; a rebuilt
warehouse (new build id) or an edited metric file invalidates them; the numbers are the query layer's."""
from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys

import pandas as pd
import pytest

import queries
from views import cache, data
from views.labels import DASHBOARDS, t

from conftest import FIXTURE_RAW, REPO, run_etl_build


@pytest.fixture
def own_db(tmp_path, fixture_db):
    """A copy of the fixture warehouse with its own cache folder beside it."""
    db = tmp_path / "wh.duckdb"
    shutil.copyfile(fixture_db, db)
    data._run.cache_clear()
    data._build_info.cache_clear()
    cache.build_id.cache_clear()
    yield db
    data._run.cache_clear()
    data._build_info.cache_clear()
    cache.build_id.cache_clear()
    queries.close_all()


def entries(db, kind):
    return sorted((db.with_name(db.stem + ".cache")).glob(f"*/{kind}/*.pkl"))


def test_a_result_is_computed_once_and_read_by_the_next_kernel(own_db):
    first = data.run("participation_rate", db=own_db, year=2012, by="gender")
    assert len(entries(own_db, "results")) == 1
    # another kernel: nothing in memory, the query layer must not be asked again
    code = (f"import queries, sys\nfrom views import data\n"
            f"queries.run = lambda *a, **k: sys.exit('the query layer was asked again')\n"
            f"r = data.run('participation_rate', db={str(own_db)!r}, year=2012, by='gender')\n"
            f"print(r.data.to_json())")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == first.data.to_json()
    # and it is what the query layer computes
    pd.testing.assert_frame_equal(first.data, queries.run("participation_rate", db=own_db, year=2012,
                                                          by="gender").data)


def test_a_rebuilt_warehouse_gets_a_new_build_id_and_the_old_entries_go(own_db, tmp_path):
    data.run("participation_rate", db=own_db, year=2012)
    root = own_db.with_name(own_db.stem + ".cache")
    [old_dir] = [p for p in root.iterdir() if not p.name.startswith(".")]
    queries.close_all()
    proc = run_etl_build(FIXTURE_RAW, own_db, cli=True)  # same inputs, new build (built_at differs)
    assert proc.returncode == 0, proc.stderr
    data._run.cache_clear()
    data.run("participation_rate", db=own_db, year=2012)
    dirs = [p for p in root.iterdir() if not p.name.startswith(".")]
    assert len(dirs) == 1 and dirs[0] != old_dir


def test_the_source_version_is_the_content_of_the_source_files(tmp_path, monkeypatch):
    """An edited metric definition (.yml), SQL file or view module changes every key; a file touched without a change
    (a checkout, a copy) does not, and no key depends on a function's bytecode."""
    for rel in ("queries/m.sql", "queries/m.yml", "queries/run.py", "views/charts.py", "pages/p.py",
                "data/reference/labels.csv", "dashboards/ui.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(f"-- {rel}\n")
    monkeypatch.setattr(cache, "REPO", tmp_path)
    before = cache.code_version()
    st = os.stat(tmp_path / "queries/m.yml")
    os.utime(tmp_path / "queries/m.yml", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert cache.code_version() == before  # touched, not changed
    for rel in ("queries/m.yml", "queries/m.sql", "views/charts.py", "pages/p.py", "data/reference/labels.csv"):
        (tmp_path / rel).write_text("changed\n")
        after = cache.code_version()
        assert after != before, rel
        before = after
    (tmp_path / "dashboards/ui.py").write_text("changed\n")  # the widgets draw views; they do not make them
    assert cache.code_version() == before
    assert not hasattr(cache, "_code_digest") and "co_code" not in (REPO / "views" / "cache.py").read_text()


def test_a_view_keeps_its_figure_as_a_dict_and_is_shared(own_db):
    import plotly.graph_objects as go

    from views.present import View

    calls = []

    def panel():
        calls.append(1)
        return View(go.Figure(go.Bar(x=["a"], y=[1])), pd.DataFrame({"x": [1]}), None)

    where = data.key(own_db)
    v1 = cache.view(where, "x.ipynb", "p", {"year": 2012}, "da", panel)
    v2 = cache.view(where, "x.ipynb", "p", {"year": 2012}, "da", panel)
    assert len(calls) == 1
    assert isinstance(v2.fig, cache.FigureDict) and v2.fig.to_dict()["data"][0]["type"] == "bar"
    cache.view(where, "x.ipynb", "p", {"year": 2021}, "da", panel)
    cache.view(where, "x.ipynb", "p", {"year": 2012}, "en", panel)
    cache.view(where, "x.ipynb", "q", {"year": 2012}, "da", panel)
    assert len(calls) == 4  # another control value, language or panel is another entry
    # the table travels pickled (a page drawn from the cache needs no pandas) and comes back whole when asked for
    assert isinstance(v2.table, cache.StoredTable) and len(v2.table) == 1
    assert cache.frame(v1.table).equals(cache.frame(v2.table)) and cache.frame(v2.table).equals(pd.DataFrame({"x": [1]}))
    assert "numpy" not in repr(v2.fig)  # plain lists: reading the figure back needs no numpy


def test_a_value_that_cannot_be_stored_is_used_not_kept(own_db):
    class Local:
        pass

    value = cache.get_or_compute(str(own_db), 1, "views", "k", Local)
    assert isinstance(value, Local) and entries(own_db, "views") == []


def test_off_switch(own_db, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, "off")
    data.run("participation_rate", db=own_db, year=2012)
    assert not own_db.with_name(own_db.stem + ".cache").exists()


def prebuild_env() -> dict[str, str]:
    """The environment of a process run as the prebuild command: the repository importable, the map geometry at
    its default address."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("FRIVILLIGDATA_GEOJSON_URL", None)
    return env


@pytest.fixture(scope="module")
def prebuilt_db(tmp_path_factory, fixture_db):
    """A copy of the fixture warehouse after `python -m server.prebuild --views default` (its cache beside it)."""
    db = tmp_path_factory.mktemp("prebuilt") / "wh.duckdb"
    shutil.copyfile(fixture_db, db)
    proc = subprocess.run([sys.executable, "-m", "server.prebuild", "--db", str(db), "--views", "default"],
                          cwd=REPO, env=prebuild_env(), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return db


@pytest.mark.notebook
def test_prebuild_fills_the_default_views_so_a_page_computes_nothing(prebuilt_db):
    """`python -m server.prebuild --views default` builds every dashboard's default view, Danish and English; a
    page opened afterwards (same code, same server address of the map geometry) only reads the cache."""
    built = entries(prebuilt_db, "views")
    assert len(built) >= 20  # 5 dashboards x 2 languages, several panels each
    downloads = {lang: t("download_csv", lang) for lang in ("da", "en")}
    infos = [pickle.loads(p.read_bytes()).info_html for p in built]
    for lang, text in downloads.items():  # both languages built, each dashboard in each
        assert sum(text in info for info in infos) >= 5, lang
    # the same run again computes no view: every one is read back
    check = ("import sys; from views import cache; from server import prebuild\n"
             "read = cache.get_or_compute\n"
             "def computed(*a): raise AssertionError('computed ' + repr(a[2:4]))\n"
             "cache.get_or_compute = lambda db, ident, kind, key, compute: read(db, ident, kind, key, computed)\n"
             "failed = prebuild.prebuild(sys.argv[1], near=False)\n"
             # a page drawn from the cache imports none of the libraries that compute (issue 11: 0.4 s per kernel)
             "heavy = sorted({'pandas', 'numpy', 'duckdb'} & set(sys.modules))\n"
             "assert not heavy, 'a page drawn from the cache imported ' + ', '.join(heavy)\n"
             # nor builds a plotly figure, so it never builds the charts' template (80 ms)
             "import plotly.io as pio\n"
             "assert pio.templates.default != 'frivillig', 'a page drawn from the cache built a figure'\n"
             "sys.exit(1 if failed else 0)\n")
    proc = subprocess.run([sys.executable, "-c", check, str(prebuilt_db)], cwd=REPO, env=prebuild_env(),
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert entries(prebuilt_db, "views") == built


@pytest.mark.notebook
def test_prebuild_near_builds_every_page_one_widget_change_away(own_db, monkeypatch):
    """`--views near` (what `make warehouse` runs) also builds the pages one change away from each default page, so
    a visitor's first change is read from the cache: every other wave, breakdown and reference group of a page, the
    reference group set back to the first offered when the breakdown changes, as the page does."""
    from server import prebuild

    monkeypatch.setattr(prebuild, "PAGES", {"1_frivillige.ipynb": prebuild.PAGES["1_frivillige.ipynb"]})
    # prebuild points this process at its warehouse and the map's address: undone after the test
    for name, value in (("FRIVILLIGDATA_DB", str(own_db)), ("FRIVILLIGDATA_GEOJSON_URL", "")):
        monkeypatch.setenv(name, value)
    failures, nearby = prebuild.run_page("1_frivillige.ipynb", "")
    assert not failures
    assert "?by=gender" in nearby and "?year=2012" in nearby and "?ref=female" in nearby
    assert "?ref=male" not in nearby  # the reference group the page shows (the first offered) is the page itself
    assert not any("lang" in q for q in nearby) and len(nearby) == len(set(nearby))
    assert prebuild.run_page("1_frivillige.ipynb", "?lang=en")[1][0].startswith("?lang=en&")
    assert prebuild.prebuild(str(own_db), near=True, jobs=1) == []
    read = cache.get_or_compute

    def computed(*args):
        raise AssertionError(f"computed {args[2:4]!r}")

    monkeypatch.setattr(cache, "get_or_compute", lambda db, ident, kind, key, compute: read(db, ident, kind, key,
                                                                                          computed))
    for query in ("?by=gender", "?year=2012", "?lang=en&by=region"):
        assert prebuild.run_page("1_frivillige.ipynb", query)[0] == [], query
    assert prebuild.run_page("1_frivillige.ipynb", "?year=2012&by=gender")[0]  # two changes away: not built


@pytest.mark.notebook
@pytest.mark.parametrize("name", [d[0] for d in DASHBOARDS])
def test_a_served_page_reads_every_view_the_prebuild_built(name, prebuilt_db, monkeypatch):
    """The prebuild and a served page reach a view through the same declaration (pages/, Page.view), so a page
    opened after `prebuild` (the command, in another process) computes nothing: its widgets are drawn from the cache
    alone."""
    from dashboards import ui
    from server import prebuild
    from views import geo

    # the server's kernels know the map geometry's address as the prebuild does (its default base URL)
    for env, value in (("FRIVILLIGDATA_DB", str(prebuilt_db)), (geo.URL_ENV, geo.served_url("/"))):
        monkeypatch.setenv(env, value)
    read = cache.get_or_compute

    def computed(*args):
        raise AssertionError(f"{name}: computed {args[2:4]!r}")

    monkeypatch.setattr(cache, "get_or_compute", lambda db, ident, kind, key, compute: read(db, ident, kind, key,
                                                                                          computed))
    dash = ui.Dashboard(prebuild.PAGES[name], query="")
    dash.redraw()
    assert all(d.panel.info.value and "fd-error" not in d.panel.info.value for d in dash.panels), name
    assert all(d.panel.value and "fd-error" not in d.panel.value for d in dash.texts), name
