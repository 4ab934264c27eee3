"""The documentation: generated pages match the code, links resolve, the README stays a front door."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys

from conftest import REPO
from etl import docs

DOCS = REPO / "docs"
LINK = re.compile(r"\]\((?!https?://|#)([^)#\s]+)(?:#[^)]*)?\)")


def test_generated_pages_match_the_code():
    assert docs.stale() == [], "run `make docs` and commit docs/codebook.md and docs/metrics.md"


def test_check_notices_drift(tmp_path):
    shutil.copytree(DOCS, tmp_path / "docs")
    assert docs.stale(tmp_path / "docs") == []
    page = tmp_path / "docs" / "codebook.md"
    page.write_text(page.read_text(encoding="utf-8").replace("design weight, > 0", "design weight"), encoding="utf-8")
    (tmp_path / "docs" / "metrics.md").unlink()
    assert docs.stale(tmp_path / "docs") == ["codebook.md", "metrics.md"]
    proc = subprocess.run([sys.executable, "-m", "etl.docs", "--check"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_codebook_has_every_column_comment_and_every_label():
    import csv

    from etl.schema import SCHEMA_SQL, parse_comments

    text = docs.codebook()
    tables, columns = parse_comments(SCHEMA_SQL.read_text(encoding="utf-8"))
    for table, comment in tables.items():
        assert f"## {table}\n\n{comment}\n" in text
    for (table, column), comment in columns.items():
        assert f"| `{column}` |" in text and docs._cell(comment) in text, (table, column)
    with open(REPO / "data" / "reference" / "labels.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            assert f"| `{r['code']}` | {docs._cell(r['label_da'])} | {docs._cell(r['label_en'])} |" in text


def test_metric_list_has_every_metric_and_parameter():
    import queries

    text = docs.metrics()
    for m in queries.list_metrics():
        assert f"## {m.name}\n\n**{m.title_en}** / *{m.title_da}*" in text
        assert docs._para(m.method) in text and docs._para(m.method_da) in text
        for p in m.params:
            assert f"| `{p.name}` | {p.type}" in text


def test_readme_is_a_short_front_door():
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150
    top = "\n".join(lines[:12])
    assert "make dashboard" in top and "make test" in top


def test_links_resolve_and_the_index_lists_every_page():
    pages = [REPO / "README.md", *sorted(DOCS.glob("*.md"))]
    for page in pages:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            path = (page.parent / target).resolve()
            assert path.exists(), f"{page.relative_to(REPO)} links to missing {target}"
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    for page in DOCS.glob("*.md"):
        if page.name != "README.md":
            assert f"]({page.name})" in index, f"docs/README.md does not list {page.name}"
