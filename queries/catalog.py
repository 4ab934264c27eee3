"""The metric catalogue: parse the header of every `queries/<metric>.sql` into a `Metric`."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

QUERY_DIR = Path(__file__).resolve().parent
MACRO_FILE = QUERY_DIR / "_macros.sql"

# A metric reads its parameters as DuckDB variables: `getvariable('year')` when the default is null, else
# `coalesce(getvariable('by'), 'total')` with the header's default (the loader checks both, see check_variables).
_VARIABLE = re.compile(
    r"(?P<coalesce>coalesce\(\s*)?getvariable\(\s*'(?P<name>[a-z_][a-z0-9_]*)'\s*\)(?(coalesce)\s*,\s*(?P<default>[^()]*?)\s*\))"
)
PARAM_TYPES = {"int", "double", "text", "bool", "dimension"}
REQUIRED_KEYS = ("title_da", "title_en", "method", "method_da", "unit", "unit_da", "source")
LANGS = ("da", "en")
# The Python steps a metric header may name (`-- finish: NAME`): NAME -> the module whose finish(data, params)
# turns the SQL file's result into the metric's result. A whitelist: a header never names arbitrary code.
FINISHERS = {"fay_herriot": "queries.small_area"}

_KEY_LINE = re.compile(r"^--\s(?P<key>[a-z_]+)(?:\s+(?P<arg>[A-Za-z0-9_]+))?:\s*(?P<value>.*)$")
_PARAM_SPEC = re.compile(
    r"^(?P<type>[a-z]+)(?:\{(?P<choices>[^}]*)\})?(?:\[(?P<lo>[0-9.eE+-]+),\s*(?P<hi>[0-9.eE+-]+)\])?\s*=\s*(?P<default>[^;]*?)\s*(?:;\s*(?P<doc>.*))?$"
)
_TYPED_DOC = re.compile(r"^(?P<type>[a-z]+)\s*(?:;\s*(?P<doc>.*))?$")


def listed(values) -> str:
    """Valid values for a message: comma-separated, '(none)' rather than an empty list."""
    return ", ".join(map(str, values)) or "(none)"


class QueryError(ValueError):
    """A request the catalogue cannot answer (unknown metric, dimension, year or parameter); the message lists valid values."""


class MetricFileError(QueryError):
    """A metric file the catalogue cannot read: its file, line (None: the file as a whole) and the reason in words.
    The command line prints it as `error: queries/x.sql, line 12: <reason>` and exits 2."""

    def __init__(self, path: Path, line: int | None, reason: str):
        self.path, self.line, self.reason = Path(path), line, reason
        super().__init__(f"{shown_path(path)}{f', line {line}' if line else ''}: {reason}")


def shown_path(path: Path) -> str:
    """A file's path as a message names it: relative to the repository when inside it."""
    try:
        return str(Path(path).resolve().relative_to(QUERY_DIR.parent))
    except ValueError:
        return str(path)


def first_line(exc: BaseException) -> str:
    """The first line of an error's message (DuckDB's go on with the query and a caret), or its type's name."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _line_at(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # int, double, text, bool, dimension
    default: object
    doc: str
    choices: tuple[str, ...] = ()
    range: tuple[float, float] | None = None  # `double[lo, hi]`: accepted values, both included


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    doc: str


@dataclass(frozen=True)
class Metric:
    name: str
    summary: str
    title_da: str
    title_en: str
    method: str  # how it is computed, English (the header's `method`); Danish in method_da
    unit: str  # English; machine-read too (charts.is_fraction looks for "fraction"/"0-1"); Danish in unit_da
    source: tuple[str, ...]
    params: tuple[Param, ...]
    dimensions: dict[str, str]  # whitelist: dimension name -> what it groups by (documentation; the SQL maps it)
    columns: tuple[Column, ...]
    years_sql: str | None
    sql: str = field(repr=False)
    path: Path = field(repr=False)
    # Danish texts for users (the UI and the report are Danish by default). Every metric file has them (the
    # parser requires them); the defaults only serve metadata built by hand, which then falls back to English.
    method_da: str = ""
    unit_da: str = ""
    # the name of a Python step run on the SQL result (FINISHERS), for a metric whose last step SQL cannot express
    # (an iterative model fit); None for a plain SQL metric, whose file as it is gives what run() gives
    finish: str | None = None

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    @property
    def default_by(self) -> str | None:
        return self.param("by").default if "by" in self.param_names else None

    @property
    def title(self) -> str:
        return self.title_da

    @property
    def method_en(self) -> str:
        return self.method

    @property
    def unit_en(self) -> str:
        return self.unit

    def title_for(self, lang: str) -> str:
        """The title in `lang` ('da' or 'en')."""
        return self.title_en if _lang(lang) == "en" else self.title_da

    def method_for(self, lang: str) -> str:
        """How the figure is computed, in `lang` ('da' or 'en')."""
        return self.method if _lang(lang) == "en" else (self.method_da or self.method)

    def unit_for(self, lang: str) -> str:
        """The unit as a reader sees it, in `lang` ('da' or 'en')."""
        return self.unit if _lang(lang) == "en" else (self.unit_da or self.unit)

    def to_dict(self) -> dict:
        """JSON-friendly metadata (no SQL text)."""
        return {
            "name": self.name,
            "title_da": self.title_da,
            "title_en": self.title_en,
            "method": self.method,
            "method_da": self.method_da,
            "unit": self.unit,
            "unit_da": self.unit_da,
            "source": list(self.source),
            "params": [
                {"name": p.name, "type": p.type, "default": p.default, "doc": p.doc, "choices": list(p.choices)}
                for p in self.params
            ],
            "dimensions": list(self.dimensions),
            "columns": [{"name": c.name, "type": c.type, "doc": c.doc} for c in self.columns],
            "finish": self.finish,
        }


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; valid: {', '.join(LANGS)}")
    return lang


def _parse_default(type_: str, text: str) -> object:
    text = text.strip()
    if text in ("null", ""):
        return None
    if type_ == "int":
        return int(text)
    if type_ == "double":
        return float(text)
    if type_ == "bool":
        return {"true": True, "false": False}[text]
    return text


def parse_header(text: str, name: str, path: Path | None = None) -> Metric:
    """Parse the leading `--` comment block of a metric file; MetricFileError names the file and the line."""
    path = path or QUERY_DIR / f"{name}.sql"
    where = [1]  # the header line being read, for the message
    try:
        return _parse_header(text, name, path, where)
    except MetricFileError:
        raise
    except ValueError as exc:
        raise MetricFileError(path, where[0], str(exc).removeprefix(f"{name}: ")) from None


def _parse_header(text: str, name: str, path: Path, where: list[int]) -> Metric:
    lines = text.splitlines()
    header: list[str] = []
    for line in lines:
        if not line.startswith("--"):
            break
        header.append(line.rstrip())
    if not header:
        raise ValueError(f"{name}: no header")
    first = re.match(r"^--\s(?P<name>[a-z_0-9]+):\s*(?P<summary>.+)$", header[0])
    if not first or first["name"] != name:
        raise ValueError(f"{name}: the first header line must be '-- {name}: <summary>'")
    fields: dict[str, str] = {}
    params: list[Param] = []
    dims: dict[str, str] = {}
    cols: list[Column] = []
    last: tuple[str, object] | None = None
    for where[0], line in enumerate(header[1:], start=2):
        body = line[2:]
        if not body.strip():
            continue
        if body.startswith("    ") and last is not None:  # continuation of the previous entry
            kind, ref = last
            extra = " " + body.strip()
            if kind == "field":
                fields[ref] += extra
            elif kind == "param":
                p = params[-1]
                params[-1] = Param(p.name, p.type, p.default, p.doc + extra, p.choices, p.range)
            elif kind == "column":
                c = cols[-1]
                cols[-1] = Column(c.name, c.type, c.doc + extra)
            continue
        m = _KEY_LINE.match(line)
        if not m:
            raise ValueError(f"{name}: cannot parse header line {line!r}")
        key, arg, value = m["key"], m["arg"], m["value"].strip()
        if key == "param":
            spec = _PARAM_SPEC.match(value)
            if not spec or spec["type"] not in PARAM_TYPES:
                raise ValueError(f"{name}: bad param spec {line!r}")
            choices = tuple(c.strip() for c in (spec["choices"] or "").split(",") if c.strip())
            try:
                bounds = (float(spec["lo"]), float(spec["hi"])) if spec["lo"] else None
            except ValueError:
                raise ValueError(f"param {arg}: the range [{spec['lo']}, {spec['hi']}] is not two numbers") from None
            try:
                default = _parse_default(spec["type"], spec["default"])
            except (ValueError, KeyError):
                raise ValueError(f"param {arg}: the default {spec['default']!r} is not a {spec['type']}"
                                 + (" (true or false)" if spec["type"] == "bool" else "")) from None
            params.append(Param(arg, spec["type"], default, spec["doc"] or "", choices, bounds))
            last = ("param", arg)
        elif key == "dimension":
            dims[arg] = value
            last = None
        elif key == "column":
            spec = _TYPED_DOC.match(value)
            if not spec:
                raise ValueError(f"{name}: bad column spec {line!r}")
            cols.append(Column(arg, spec["type"], spec["doc"] or ""))
            last = ("column", arg)
        else:
            fields[key] = value
            last = ("field", key)
    where[0] = 1
    missing = [k for k in REQUIRED_KEYS if not fields.get(k)]
    if missing:
        raise ValueError(f"{name}: header lacks {', '.join(missing)} (a `-- key: value` line each)")
    if dims and "by" not in [p.name for p in params]:
        raise ValueError(f"{name}: declares dimensions but no 'by' parameter")
    if fields.get("finish") is not None and fields["finish"] not in FINISHERS:
        raise ValueError(f"{name}: unknown finish step {fields['finish']!r}; valid: {', '.join(FINISHERS)}")
    return Metric(
        name=name,
        summary=first["summary"].strip(),
        title_da=fields["title_da"],
        title_en=fields["title_en"],
        method=fields["method"],
        method_da=fields["method_da"],
        unit=fields["unit"],
        unit_da=fields["unit_da"],
        source=tuple(s.strip() for s in fields["source"].split(",") if s.strip()),
        params=tuple(params),
        dimensions=dims,
        columns=tuple(cols),
        years_sql=fields.get("years"),
        sql=text,
        path=path,
        finish=fields.get("finish"),
    )


def _sql_files() -> tuple[tuple[str, int], ...]:
    """(file name, modification time) of every SQL file in queries/, sorted: one directory scan, no glob
    (load_metric calls this on every run, so that an edited SQL file is picked up)."""
    with os.scandir(QUERY_DIR) as entries:
        return tuple(sorted((e.name, e.stat().st_mtime_ns) for e in entries if e.name.endswith(".sql")))


def metric_names(files: tuple[tuple[str, int], ...] | None = None) -> list[str]:
    """Names of every metric file (files starting with '_' are shared helpers, not metrics)."""
    return [name[:-4] for name, _ in (files or _sql_files()) if not name.startswith("_")]


def sql_body(text: str) -> str:
    """The SQL after the leading `--` comment block (a metric's header)."""
    lines = text.splitlines()
    i = 0
    while i < len(lines) and (lines[i].startswith("--") or not lines[i].strip()):
        i += 1
    return "\n".join(lines[i:]).rstrip()


def _without_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def _literal(text: str) -> object:
    """A SQL literal of a parameter default: 'text', true/false, an integer or a decimal number."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if text in ("true", "false"):
        return text == "true"
    try:
        return int(text)
    except ValueError:
        return float(text)  # ValueError when it is not a literal


def check_variables(metric: Metric, sql: str) -> set[str]:
    """The variables the SQL reads; MetricFileError (file, line, reason) unless each is a declared parameter read
    with its declared default.

    A parameter whose default is null is read as `getvariable('name')`, any other as `coalesce(getvariable('name'),
    DEFAULT)`, DEFAULT the header's default as a SQL literal: so the file run as it is with no variables set gives
    the defaults the query layer sets.
    """
    body = _without_comments(sql)

    def refuse(pos: int, reason: str):
        return MetricFileError(metric.path, _line_at(body, pos), reason)

    found = list(_VARIABLE.finditer(body))
    matched = {m.start() + (len(m["coalesce"]) if m["coalesce"] else 0) for m in found}
    for m in re.finditer(r"getvariable\(", body):
        if m.start() not in matched:
            raise refuse(m.start(), "read parameters as getvariable('name') or coalesce(getvariable('name'), default)")
    plain = re.sub(r"'[^']*'", lambda q: " " * len(q.group()), body)  # string literals blanked, positions kept
    for m in re.finditer(r"\$|\{\{", plain):
        raise refuse(m.start(), "$parameters and {{...}} directives are gone; read parameters with "
                                "getvariable() and use the macros of queries/_macros.sql (docs/sql.md)")
    used = set()
    for m in found:
        name = m["name"]
        if name not in metric.param_names:
            raise refuse(m.start(), f"reads variable {name!r}, which is not a declared parameter "
                                    f"({', '.join(metric.param_names) or 'none'}): add a `-- param {name}: ...` line")
        default = metric.param(name).default
        if default is None:
            if m["coalesce"]:
                raise refuse(m.start(), f"parameter {name} defaults to null: read it as getvariable('{name}')")
        else:
            try:
                ok = m["coalesce"] is not None and _literal(m["default"]) == default
            except ValueError:
                ok = False
            if not ok:
                raise refuse(m.start(), f"read parameter {name} as coalesce(getvariable('{name}'), "
                                        f"{_sql_literal(default)}), its declared default")
        used.add(name)
    return used


def _sql_literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def called_metrics(sql: str, name: str, names: list[str]) -> list[str]:
    """The metrics whose table macro `other()` the SQL reads (a metric built on another)."""
    others = [n for n in names if n != name]
    if not others:
        return []
    # one scan for all names (a regex per name cost 30 ms of every warehouse build and connection, 34 files)
    found = set(re.findall(rf"\b({'|'.join(map(re.escape, others))})\s*\(\s*\)", _without_comments(sql)))
    return [n for n in others if n in found]


def _check_builds_on(outer: Metric, inner: Metric) -> None:
    """A metric read by another runs with the outer request's variables: its parameters and breakdowns must fit."""
    if inner.finish:
        raise ValueError(f"{outer.name}: builds on {inner.name}, whose table macro gives only its model inputs "
                         f"(its last step, {inner.finish}, is Python)")
    for p in inner.params:
        if p.name not in outer.param_names or outer.param(p.name).type != p.type:
            raise ValueError(f"{outer.name}: builds on {inner.name}, so it must declare {inner.name}'s param {p.name}: {p.type}")
        if outer.param(p.name).default != p.default:
            raise ValueError(f"{outer.name}: param {p.name} must have {inner.name}'s default {p.default!r}")
    for dim in outer.dimensions:
        if inner.dimensions and dim not in inner.dimensions:
            raise ValueError(f"{outer.name}: dimension {dim} is not one of {inner.name}'s")
    if inner.dimensions and not outer.dimensions:
        raise ValueError(f"{outer.name}: builds on {inner.name}, which has breakdowns, so it needs dimensions too")


def _read_metric(name: str, stack: tuple[str, ...] = ()) -> Metric:
    """The metric of queries/<name>.sql, checked; MetricFileError names the file, the line and the reason."""
    path = QUERY_DIR / f"{name}.sql"
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise MetricFileError(path, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    metric = parse_header(text, name, path)
    check_variables(metric, text)
    stack = (*stack, name)
    body = _without_comments(text)
    for other in called_metrics(text, name, metric_names()):
        line = _line_at(body, re.search(rf"\b{other}\s*\(\s*\)", body).start())
        if other in stack:
            raise MetricFileError(path, line, f"{name}: cycle {' -> '.join((*stack, other))}")
        inner = _read_metric(other, stack)
        try:
            _check_builds_on(metric, inner)
        except ValueError as exc:
            raise MetricFileError(path, line, str(exc).removeprefix(f"{name}: ")) from None
    return metric


@lru_cache(maxsize=None)
def _load(name: str, versions: tuple) -> Metric:
    return _read_metric(name)


def load_metric(name: str, files: tuple[tuple[str, int], ...] | None = None) -> Metric:
    """The metric called `name` with its parsed header and expanded SQL; QueryError lists the valid names. `files`:
    the listing of queries/ (_sql_files) when the caller has just taken it."""
    versions = files or _sql_files()
    names = metric_names(versions)
    if not isinstance(name, str) or name not in names:
        raise QueryError(f"unknown metric {name!r}; valid metrics: {', '.join(names)}")
    # a metric reads the macros of _macros.sql and other metrics: any SQL file's change reloads it
    return _load(name, versions)


def list_metrics() -> list[Metric]:
    """Every metric in the catalogue, sorted by name."""
    return [load_metric(n) for n in metric_names()]


# -- presentation metadata and the survey thresholds ---------------------------------------------------------------
# How people read a metric (plain-language definition, short unit, number format, value range, source document)
# lives beside it in queries/<metric>.yml; the technical method stays in the SQL header (method/method_da).

PRESENTATION_KEYS = ("definition_da", "definition_en", "unit_da", "unit_en", "format", "decimals", "range",
                     "source_da", "source_en")
PRESENTATION_OPTIONAL = ("value", "headline_da", "headline_en", "columns", "person_counts")
# points: a difference of fractions (-1 to 1) written in percentage points (x 100, no % sign)
VALUE_FORMATS = ("percent", "points", "number")
COLUMN_FORMATS = ("percent", "points", "number", "text", "label", "yesno")


@dataclass(frozen=True)
class Presentation:
    """The metric's presentation metadata from queries/<metric>.yml (see PRESENTATION_KEYS)."""
    name: str
    definition_da: str
    definition_en: str
    unit_da: str
    unit_en: str
    format: str  # percent (a fraction 0-1 shown as %) or number
    decimals: int
    range: tuple[float, float] | None  # fixed axis range, None = from the data
    source_da: str
    source_en: str
    value: str = "estimate"  # the result column holding the metric's figure
    headline_da: str = ""
    headline_en: str = ""
    columns: dict = field(default_factory=dict)  # column -> {da, en, format, decimals}
    # result columns that count persons (survey respondents): the SQL nulls 1-4 (person_count), pages write '<5';
    # every other count (municipalities, applications, cooperations, inhabitants) is an exact public record
    person_counts: tuple[str, ...] = ()

    def text(self, key: str, lang: str) -> str:
        """definition, unit, source or headline in `lang`."""
        return getattr(self, f"{key}_{_lang(lang)}")


def parse_presentation(text: str, name: str) -> Presentation:
    """Validate the YAML of queries/<name>.yml; ValueError names the file and the key."""
    import yaml

    where = f"queries/{name}.yml"
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"{where}: not valid YAML ({exc})") from None
    if not isinstance(doc, dict):
        raise ValueError(f"{where}: expected a mapping of keys")
    missing = [k for k in PRESENTATION_KEYS if k not in doc]
    unknown = [k for k in doc if k not in PRESENTATION_KEYS + PRESENTATION_OPTIONAL]
    if missing or unknown:
        raise ValueError(f"{where}: missing keys {missing}, unknown keys {unknown}")
    for k in ("definition_da", "definition_en", "unit_da", "unit_en", "source_da", "source_en"):
        if not isinstance(doc[k], str) or not doc[k].strip():
            raise ValueError(f"{where}, key {k}: must be a non-empty text (value {doc[k]!r})")
    if doc["format"] not in VALUE_FORMATS:
        raise ValueError(f"{where}, key format: must be one of {', '.join(VALUE_FORMATS)} (value {doc['format']!r})")
    if not isinstance(doc["decimals"], int) or not 0 <= doc["decimals"] <= 3:
        raise ValueError(f"{where}, key decimals: must be an integer 0-3 (value {doc['decimals']!r})")
    rng = doc["range"]
    if rng is not None and not (isinstance(rng, list) and len(rng) == 2
                                and all(isinstance(v, (int, float)) for v in rng) and rng[0] < rng[1]):
        raise ValueError(f"{where}, key range: must be null or [low, high] with low < high (value {rng!r})")
    cols = doc.get("columns") or {}
    for col, spec in cols.items():
        if not isinstance(spec, dict) or not spec.get("da") or not spec.get("en") \
                or spec.get("format", "number") not in COLUMN_FORMATS:
            raise ValueError(f"{where}, columns.{col}: needs da, en and a format among {', '.join(COLUMN_FORMATS)}"
                             f" (value {spec!r})")
    persons = doc.get("person_counts") or []
    if not isinstance(persons, list) or not all(isinstance(c, str) and c for c in persons):
        raise ValueError(f"{where}, key person_counts: must be a list of result column names (value {persons!r})")
    return Presentation(
        name=name, definition_da=doc["definition_da"].strip(), definition_en=doc["definition_en"].strip(),
        unit_da=doc["unit_da"], unit_en=doc["unit_en"], format=doc["format"], decimals=doc["decimals"],
        range=None if rng is None else (float(rng[0]), float(rng[1])), source_da=doc["source_da"],
        source_en=doc["source_en"], value=doc.get("value") or "estimate", headline_da=doc.get("headline_da") or "",
        headline_en=doc.get("headline_en") or "", columns=dict(cols), person_counts=tuple(persons))


@lru_cache(maxsize=None)
def _presentation(name: str, mtime: int) -> Presentation:
    return parse_presentation((QUERY_DIR / f"{name}.yml").read_text(encoding="utf-8"), name)


_METRIC_NAME = re.compile(r"[a-z][a-z0-9_]*")  # a metric file's name; helpers start with '_'


def presentation(name: str) -> Presentation:
    """The presentation metadata of metric `name` (queries/<name>.yml); QueryError for an unknown metric.

    Called for every cell a page formats: a name is checked against its SQL file (one stat), and only an unknown
    one lists the folder for the message."""
    if not isinstance(name, str) or not _METRIC_NAME.fullmatch(name) or not (QUERY_DIR / f"{name}.sql").is_file():
        raise QueryError(f"unknown metric {name!r}; valid metrics: {', '.join(metric_names())}")
    path = QUERY_DIR / f"{name}.yml"
    if not path.exists():
        raise ValueError(f"{path.name} is missing: every metric needs its presentation metadata beside its SQL")
    return _presentation(name, path.stat().st_mtime_ns)


_THRESHOLD_MACRO = re.compile(r"macro\s+(?P<name>min_n_shown|min_n_reliable)\(\)\s+as\s+(?P<value>\d+)\s*;")


@lru_cache(maxsize=None)
def _thresholds(mtime: int) -> dict[str, int]:
    found = {m["name"]: int(m["value"]) for m in _THRESHOLD_MACRO.finditer(MACRO_FILE.read_text(encoding="utf-8"))}
    if set(found) != {"min_n_shown", "min_n_reliable"}:
        raise ValueError(f"{MACRO_FILE.name}: cannot read the macros min_n_shown() and min_n_reliable()")
    return found


def survey_thresholds() -> dict[str, int]:
    """The survey's publication thresholds as the SQL applies them (queries/_macros.sql, their one home):
    min_n_shown (fewer respondents: suppressed) and min_n_reliable (fewer: shown, flagged uncertain)."""
    return dict(_thresholds(MACRO_FILE.stat().st_mtime_ns))


_Z_MACRO = re.compile(r"macro\s+z_95\(\)\s+as\s+(?P<value>[0-9.]+)\s*;")


@lru_cache(maxsize=None)
def _z_95(mtime: int) -> float:
    found = _Z_MACRO.search(MACRO_FILE.read_text(encoding="utf-8"))
    if not found:
        raise ValueError(f"{MACRO_FILE.name}: cannot read the macro z_95()")
    return float(found["value"])


def z_95() -> float:
    """The two-sided 95 % normal quantile as the SQL uses it (queries/_macros.sql, its one home), for the metrics
    whose interval is computed in their Python step."""
    return _z_95(MACRO_FILE.stat().st_mtime_ns)
