"""Create the warehouse tables from etl/schema.sql and turn its `--` comments into table and column comments."""
from __future__ import annotations

import pathlib
import re

SCHEMA_SQL = pathlib.Path(__file__).with_name("schema.sql")

CREATE_RE = re.compile(r"^create table (\w+) \(")
COLUMN_RE = re.compile(r'^\s+"?(\w+)"?\s+\w+[^-]*?(?:--\s*(.*))?$')


def parse_comments(text: str) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Table comment = the `--` block right above `create table`; column comment = the trailing `--` text."""
    tables: dict[str, str] = {}
    columns: dict[tuple[str, str], str] = {}
    block: list[str] = []
    table = None
    for line in text.splitlines():
        stripped = line.strip()
        if table is None:
            if stripped.startswith("--"):
                block.append(stripped[2:].strip())
            elif m := CREATE_RE.match(stripped):
                table = m.group(1)
                tables[table] = " ".join(block)
                block = []
            else:
                block = []
            continue
        if stripped.startswith(")"):
            table = None
            continue
        m = COLUMN_RE.match(line)
        if m and m.group(1) != "primary":
            columns[(table, m.group(1))] = (m.group(2) or "").strip()
    return tables, columns


def create(con) -> None:
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))


def apply_comments(con) -> None:
    tables, columns = parse_comments(SCHEMA_SQL.read_text(encoding="utf-8"))
    for table, comment in tables.items():
        con.execute(f"comment on table {table} is {_lit(comment)}")
    for (table, column), comment in columns.items():
        con.execute(f'comment on column {table}."{column}" is {_lit(comment)}')


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
