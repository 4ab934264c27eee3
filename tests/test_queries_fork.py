"""A metric of your own: `python -m queries new`, `check`, a broken metric file, and the CLI as the docs show it.

The commands run in-process (queries.__main__.main) on a copy of queries/ and docs/ (catalog.QUERY_DIR and
etl.docs.DOCS point there), so the repository's own files are never touched."""
from __future__ import annotations

import re
import shlex
import shutil

import pandas as pd
import pytest

import queries
from conftest import REPO
from etl import docs
from queries import catalog, rules, run
from queries.__main__ import _parser, main


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """queries/ and docs/ copied; the catalogue and the docs generator read and write the copies."""
    qdir, ddir = tmp_path / "queries", tmp_path / "docs"
    shutil.copytree(catalog.QUERY_DIR, qdir, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    shutil.copytree(docs.DOCS, ddir)
    monkeypatch.setattr(catalog, "QUERY_DIR", qdir)
    monkeypatch.setattr(docs, "DOCS", ddir)
    yield qdir
    monkeypatch.undo()
    queries.close_all()  # the next test's connection creates its macros from the real folder


def cli(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_new_metric_passes_every_check_and_its_macro_needs_no_rebuild(workdir, capsys, fixture_db):
    code, out, err = cli(capsys, "new", "my_rate", "--from", "participation_rate")
    assert code == 0, err
    assert "wrote queries/my_rate.sql" in out and "wrote queries/my_rate.yml" in out
    assert "## my_rate" in (docs.DOCS / "metrics.md").read_text(encoding="utf-8")
    assert (workdir / "my_rate.sql").read_text(encoding="utf-8").startswith("-- my_rate: ")
    code, out, err = cli(capsys, "check", "my_rate", "--db", fixture_db)
    assert code == 0, out + err
    assert f"{len(rules.RULES)} rules: {len(rules.RULES)} met, 0 not met" in out and "FAIL" not in out
    # the fixture warehouse was built without it: its table macro is created from the file on connecting
    con = queries.connect(fixture_db)
    con.execute("""set variable "by" = 'gender'""")
    got = con.execute("from my_rate()").df()
    pd.testing.assert_frame_equal(got, run("participation_rate", by="gender", db=fixture_db).data)
    assert run("my_rate", by="gender", db=fixture_db).data.equals(got)


@pytest.mark.parametrize("name,message", [
    ("participation_rate", "exists already"),
    ("My-Rate", "invalid metric name"),
    ("_hidden", "invalid metric name"),
    ("sum", "DuckDB function or keyword"),
    ("ci_low", "macro in queries/_macros.sql"),
])
def test_new_refuses_a_name_it_cannot_take(workdir, capsys, name, message):
    code, _, err = cli(capsys, "new", name)
    assert code == 2 and message in err and "Traceback" not in err
    assert not (workdir / f"{name}.yml").exists() or name == "participation_rate"


def test_check_says_in_words_what_is_missing(workdir, capsys, fixture_db):
    assert cli(capsys, "new", "my_rate")[0] == 0
    path = workdir / "my_rate.sql"
    text = path.read_text(encoding="utf-8")
    # the Danish method no longer names the R functions the English one names, and a keyword in upper case
    edited = text.replace("som svyby(~volunteered, ~by, design, svymean)", "som i R", 1)
    edited = edited.replace("select * from final", "SELECT * from final")
    assert edited.count("SELECT") == 1 and "som i R" in edited
    path.write_text(edited, encoding="utf-8")
    code, out, _ = cli(capsys, "check", "my_rate", "--db", fixture_db)
    assert code == 1
    assert "FAIL  the Danish texts say what the English ones say" in out
    assert "method_da must name the same columns and functions as method: it lacks svyby, svymean" in out
    assert "write SQL keywords in lower case: SELECT found" in out
    assert "docs/metrics.md does not describe the metrics as their files do: run `make docs`" in out
    assert re.search(r"\d+ rules: \d+ met, 3 not met", out), out


def test_a_broken_metric_file_is_named_with_its_line_and_breaks_nothing_else(workdir, capsys, fixture_db):
    model = (workdir / "participation_rate.sql").read_text(encoding="utf-8").replace(
        "-- participation_rate:", "-- broken:", 1)
    (workdir / "broken.sql").write_text(model.replace("-- param suppress: bool = true;", "-- param suppress: bool = maybe;"),
                                        encoding="utf-8")
    line = next(i for i, row in enumerate(model.splitlines(), 1) if row.startswith("-- param suppress:"))
    code, out, err = cli(capsys, "list")
    assert code == 2
    assert f"error: queries/broken.sql, line {line}: param suppress: the default 'maybe' is not a bool" in err
    assert re.search(r"^participation_rate\s", out, re.M) and len(out.splitlines()) == len(catalog.metric_names()) - 1
    code, _, err = cli(capsys, "run", "broken", "--db", fixture_db)
    assert code == 2 and f"queries/broken.sql, line {line}:" in err and "Traceback" not in err
    code, out, err = cli(capsys, "run", "volunteers_count", "--year", 2012, "--format", "csv", "--db", fixture_db)
    assert code == 0, err
    # SQL that DuckDB refuses: the file and line of the query; the other metrics and their macros still work
    (workdir / "broken.sql").write_text(model.replace("select * from final", "select * from finale"), encoding="utf-8")
    line = next(i for i, row in enumerate(model.splitlines(), 1) if row.startswith("select * from final"))
    code, _, err = cli(capsys, "run", "broken", "--db", fixture_db)
    assert code == 2 and f"error: queries/broken.sql, line {line}: DuckDB refuses the query" in err, err
    assert cli(capsys, "list")[0] == 0
    pd.testing.assert_frame_equal(queries.connect(fixture_db).execute("from volunteers_count()").df(),
                                  run("volunteers_count", db=fixture_db).data)


def test_sql_takes_param_and_run_help_lists_the_metrics_own_options(capsys):
    code, out, err = cli(capsys, "sql", "area_share", "--param", "base=population")
    assert code == 0 and """set variable "base" = 'population';""" in out, err
    for argv in (["run", "area_share_change", "-h"], ["run", "--year", "2012", "area_share_change", "-h"],
                 ["sql", "area_share_change", "-h"]):
        with pytest.raises(SystemExit) as stop:
            main(argv)
        help_text = capsys.readouterr().out
        assert stop.value.code == 0 and "options of area_share_change" in help_text, argv
        assert "--since INT" in help_text and "--base TEXT" in help_text and "(volunteers|population)" in help_text


def test_every_queries_command_in_the_docs_parses():
    """The `python -m queries ...` lines of the README and docs/ are commands the CLI accepts as written."""
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    found = 0
    for page in pages:
        for m in re.finditer(r"python -m queries ([^\n`#|]*)", page.read_text(encoding="utf-8")):
            args = [a for a in shlex.split(m.group(1).strip()) if a != "-h"]  # help is tested above
            if not args or any(a.isupper() or "..." in a or "[" in a or "|" in a for a in args):
                continue  # a usage line with placeholders (METRIC, [--year Y]), not a command
            if args[0] in ("run", "sql", "describe", "check", "new") and len(args) < 2:
                continue  # the command named in prose ("what `python -m queries run` gives")
            metric = None
            if args[0] in ("run", "sql", "describe", "check") and len(args) > 1:
                metric = queries.load_metric(args[1]) if args[1] in catalog.metric_names() else None
            if args[0] == "check" or (args[0] == "run" and len(args) > 1 and args[1] == "my_rate"):
                metric = queries.load_metric("participation_rate")  # the forked example: same options
                args = [args[0], "participation_rate", *args[2:]]
            _parser(metric).parse_args(args)  # SystemExit(2) on anything the CLI does not accept
            found += 1
    assert found >= 10
