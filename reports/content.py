"""What the report contains: which metrics (query layer) and which charts (dashboards.charts) in which order.

Nothing here computes a statistic: numbers come from `queries.run`, charts from the dashboards' chart module,
labels and number formatting from `dashboards.labels`. This module picks parameters, words captions and lays
the results out as figures, tables and key figures.
"""
from __future__ import annotations

import dataclasses
import html
import math

import pandas as pd

import queries
from dashboards import charts, tilemap
from dashboards.labels import dimension_title, label
from reports import fmt
from reports.text import DEFINITIONS, SOURCE_NAMES, TEXT

# The breakdowns of participation shown one figure each (the dashboard's "Opdeling" choices).
BREAKDOWNS = ["gender", "age_group", "region", "landsdel", "east_west", "urbanisation", "education", "employment"]
HORIZONTAL = {"region", "landsdel", "urbanisation", "education", "employment"}
HOURS_PER_FTE = 1924.0


# ---------------------------------------------------------------------------------------------------- data


class Source:
    """The query layer on one warehouse, with results cached for the build (the warehouse is read-only)."""

    def __init__(self, db=None, lang: str = "da"):
        self.path = queries.warehouse_path(db)
        if not self.path.exists():
            raise queries.WarehouseMissing(
                f"warehouse not found: {self.path} (build it with `make warehouse`)")
        self.db = str(self.path)
        self.lang = lang
        self._cache: dict[tuple, queries.Result] = {}

    @property
    def db_label(self) -> str:
        return self.db

    def run(self, metric: str, **params) -> queries.Result:
        key = (metric, tuple(sorted(params.items())))
        if key not in self._cache:
            self._cache[key] = queries.run(metric, db=self.db, **params)
        return self._cache[key]

    def years(self, metric: str, **params) -> list[int]:
        """Years with data for a metric, from its all-years result."""
        df = self.run(metric, **params).data
        return sorted({int(y) for y in df["year"].dropna()})

    def survey_years(self) -> list[int]:
        return self.years("participation_rate")

    def has(self, metric: str) -> bool:
        return metric in queries.metric_names()

    def build_info(self) -> dict[str, str]:
        rows = queries.connect(self.db).execute("select key, value from build_info").fetchall()
        return {str(k): str(v) for k, v in rows}


# ---------------------------------------------------------------------------------------------------- layout


@dataclasses.dataclass
class Item:
    """A numbered figure or table with its caption, definition, source and n."""

    kind: str  # figure | table
    metric: str
    title: str
    definition: str
    source: str
    n: str
    note: str = ""
    fig: object = None
    json: str = ""
    table: str = ""
    long: bool = False
    label: str = ""
    anchor: str = ""


@dataclasses.dataclass
class Chapter:
    anchor: str
    title: str
    intro: list[str]
    items: list[Item]
    n_items_text: str = ""


@dataclasses.dataclass
class KeyFigure:
    key: str
    label: str
    value: str
    interval: str
    change: str
    note: str = ""
    change_note: str = ""


def _isnum(x) -> bool:
    try:
        return x is not None and not math.isnan(float(x))
    except (TypeError, ValueError):
        return False


def html_table(header: list[str], rows: list[list], right: set[int] = frozenset(), *, cls: str = "data",
               row_classes: list[str] | None = None) -> str:
    """A plain HTML table; cells are escaped; columns in `right` are right-aligned (numbers)."""
    out = [f'<table class="{cls}"><thead><tr>']
    out += [f'<th{" class=r" if i in right else ""}>{html.escape(str(h))}</th>' for i, h in enumerate(header)]
    out.append("</tr></thead><tbody>")
    for r, row in enumerate(rows):
        rc = (row_classes or [""] * len(rows))[r]
        out.append(f'<tr{f" class={rc}" if rc else ""}>')
        for i, cell in enumerate(row):
            out.append(f'<td{" class=r" if i in right else ""}>{html.escape(str(cell))}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


# ---------------------------------------------------------------------------------------------------- report


class Report:
    """The content of one year's report in one language."""

    def __init__(self, source: Source, year: int):
        self.src = source
        self.lang = source.lang
        self.t = TEXT[self.lang]
        self.year = year
        waves = source.survey_years()
        earlier = [y for y in waves if y < year]
        self.previous_year = earlier[-1] if earlier else None
        self.hours_per_fte = HOURS_PER_FTE
        self._figures = 0
        self._tables = 0

    # ----- helpers

    def _title(self, meta) -> str:
        return meta.title_en if self.lang == "en" else meta.title_da

    def _definition(self, metric: str) -> str:
        if self.lang == "da" and metric in DEFINITIONS["da"]:
            return DEFINITIONS["da"][metric]
        if self.lang == "en" and metric in DEFINITIONS["en"]:
            return DEFINITIONS["en"][metric]
        return queries.load_metric(metric).definition

    def _source(self, metric: str, years: str) -> str:
        """The metric's source tables in words, with the year(s) shown."""
        names = SOURCE_NAMES[self.lang]
        tables = [names[s] for s in queries.load_metric(metric).source if s in names]
        return "; ".join(dict.fromkeys(tables)) + f" ({years}). " + (
            "Beregning: Frivilligdata, queries/" if self.lang == "da" else "Computed by Frivilligdata, queries/"
        ) + f"{metric}.sql."

    def _latest(self, metric: str, **params) -> int | None:
        """The report year if the metric has it, else the latest earlier year (municipal survey, grants)."""
        years = [y for y in self.src.years(metric, **params) if y <= self.year]
        return years[-1] if years else None

    def _number(self, item: Item) -> Item:
        if item.kind == "figure":
            self._figures += 1
            item.label = f"{self.t['figure']} {self._figures}"
            item.anchor = f"fig-{self._figures}"
        else:
            self._tables += 1
            item.label = f"{self.t['table']} {self._tables}"
            item.anchor = f"tab-{self._tables}"
        return item

    def _n_respondents(self, n) -> str:
        return self.t["n_respondents"].format(n=fmt.number(n, 0, self.lang))

    def _survey_rows(self, df: pd.DataFrame) -> list[list]:
        """Rows group | estimate | interval | n | reliability for a survey share."""
        lang = self.lang
        rows = []
        for lab, r in zip(charts.category_labels(df, lang), df.itertuples()):
            flag = str(r.flag)
            mark = " *" if flag == "uncertain" else ""
            if flag == "suppressed" or not _isnum(r.estimate):
                rows.append([lab, self.t["suppressed"], fmt.MISSING, fmt.number(r.n, 0, lang), self.t["suppressed"]])
                continue
            ci = fmt.pct_interval(r.ci_low, r.ci_high, 1, lang)
            rows.append([lab, fmt.pct(r.estimate, 1, lang) + mark, ci, fmt.number(r.n, 0, lang), _flag_text(flag, lang)])
        return rows

    # ----- chapters

    def chapters(self) -> list[Chapter]:
        chapters = [self._people(), self._municipalities(), self._cooperation()]
        for ch in chapters:
            nf = sum(i.kind == "figure" for i in ch.items)
            nt = len(ch.items) - nf
            if self.lang == "da":
                ch.n_items_text = f"{nf} figurer, {nt} tabeller"
            else:
                ch.n_items_text = f"{nf} figures, {nt} tables"
        return chapters

    def _people(self) -> Chapter:
        t, lang, y = self.t, self.lang, self.year
        items: list[Item] = []
        # Trend first: the headline over the waves.
        res = self.src.run("participation_rate", by="total")
        items.append(self._number(Item(
            "figure", "participation_rate", f"{self._title(res.meta)}, {t['trend']} "
            f"({res.data['year'].min()}-{res.data['year'].max()})",
            self._definition("participation_rate"),
            self._source("participation_rate", ", ".join(str(v) for v in res.data["year"])),
            "; ".join(f"{v}: {fmt.number(n, 0, lang)}" for v, n in zip(res.data["year"], res.data["n"])),
            fig=charts.trend_lines(res.data, res.meta, lang))))
        table_rows: list[list] = []
        table_cls: list[str] = []
        for dim in BREAKDOWNS:
            res = self.src.run("participation_rate", year=y, by=dim)
            df = res.data
            items.append(self._number(Item(
                "figure", "participation_rate",
                f"{self._title(res.meta)} {t['by'].format(dimension=dimension_title(dim, lang).lower())}, {y}",
                self._definition("participation_rate"), self._source("participation_rate", str(y)),
                self._n_respondents(df["n"].sum()), note=self._flag_note(df),
                fig=charts.estimate_bars(df, res.meta, lang, horizontal=dim in HORIZONTAL))))
            table_rows.append([dimension_title(dim, lang), "", "", "", ""])
            table_cls.append("group")
            rows = self._survey_rows(df)
            table_rows += rows
            table_cls += [""] * len(rows)
        items.append(self._number(Item(
            "table", "participation_rate",
            (f"Andel frivillige efter baggrund, {y}: skøn, 95 %-interval og antal svar" if lang == "da"
             else f"Share who volunteered by background, {y}: estimate, 95% interval and responses"),
            self._definition("participation_rate"), self._source("participation_rate", str(y)),
            self._n_respondents(self.src.run("participation_rate", year=y, by="total").data["n"].iloc[0]),
            note=t["uncertain_note"], long=True,
            table=html_table([t["category"], t["estimate"], t["ci"], "n", t["flag"]], table_rows, {1, 2, 3},
                             row_classes=table_cls))))
        items += self._hours()
        for metric, horizontal in (("area_share", True), ("organisation_form_share", True),
                                   ("recruitment_share", False)):
            res = self.src.run(metric, year=y)
            df = res.data
            items.append(self._number(Item(
                "figure", metric, f"{self._title(res.meta)}, {y}", self._definition(metric),
                self._source(metric, str(y)),
                (f"{fmt.number(df['n'].max(), 0, lang)} frivillige, der har svaret (uvægtet)" if lang == "da"
                 else f"{fmt.number(df['n'].max(), 0, lang)} volunteers who answered (unweighted)"),
                note=self._flag_note(df),
                fig=charts.estimate_bars(df, res.meta, lang, horizontal=horizontal))))
        return Chapter("people", t["chapter_people"], [t["chapter_people_intro"]], items)

    def _hours(self) -> list[Item]:
        """Hours per volunteer, total hours and FTE: a figure by age and one table over the waves."""
        t, lang, y = self.t, self.lang, self.year
        items = []
        res = self.src.run("hours_per_month", year=y, by="age_group")
        items.append(self._number(Item(
            "figure", "hours_per_month",
            f"{self._title(res.meta)} {t['by'].format(dimension=dimension_title('age_group', lang).lower())}, {y}",
            self._definition("hours_per_month"), self._source("hours_per_month", str(y)),
            (f"{fmt.number(res.data['n'].sum(), 0, lang)} frivillige (uvægtet)" if lang == "da"
             else f"{fmt.number(res.data['n'].sum(), 0, lang)} volunteers (unweighted)"),
            note=self._flag_note(res.data),
            fig=charts.estimate_bars(res.data, res.meta, lang))))
        hours = self.src.run("hours_per_month", by="total").data.set_index("year")
        total = self.src.run("total_hours_per_year", by="total").data.set_index("year")
        fte = self.src.run("fte", by="total").data.set_index("year")
        rows = []
        for wave in hours.index:
            h, th, f = hours.loc[wave], total.loc[wave], fte.loc[wave]
            rows.append([str(wave),
                         fmt.number(h.estimate, 1, lang), fmt.interval(h.ci_low, h.ci_high, 1, lang),
                         fmt.millions(th.estimate, 1, lang), fmt.number(f.estimate, 0, lang),
                         fmt.interval(f.ci_low, f.ci_high, 0, lang), fmt.number(th.n, 0, lang)])
        head = (["År", "Timer/md. pr. frivillig", "95 %-interval", "Timer om året i alt", "Fuldtidsstillinger",
                 "95 %-interval", "n"] if lang == "da" else
                ["Year", "Hours/month per volunteer", "95% interval", "Total hours per year",
                 "Full-time equivalents", "95% interval", "n"])
        items.append(self._number(Item(
            "table", "fte",
            ("Timer, timer i alt og fuldtidsstillinger over tid" if lang == "da"
             else "Hours, total hours and full-time equivalents over time"),
            self._definition("hours_per_month") + " " + self._definition("total_hours_per_year") + " "
            + self._definition("fte").format(hours=fmt.number(self.hours_per_fte, 0, lang)),
            self._source("total_hours_per_year", ", ".join(map(str, hours.index))),
            (f"svar pr. bølge, se kolonnen n" if lang == "da" else "responses per wave, see column n"),
            table=html_table(head, rows, {1, 2, 3, 4, 5, 6}))))
        return items

    def _municipalities(self) -> Chapter:
        t, lang = self.t, self.lang
        items: list[Item] = []
        my = self._latest("municipal_response")
        resp = self.src.run("municipal_response").data
        rows = [[str(r.year), fmt.count(r.responded, lang), fmt.number(r.municipalities, 0, lang),
                 fmt.pct(r.response_rate, 0, lang)] for r in resp.itertuples()]
        items.append(self._number(Item(
            "table", "municipal_response", self._title(queries.load_metric("municipal_response")),
            self._definition("municipal_response"),
            self._source("municipal_response", ", ".join(str(v) for v in resp["year"])),
            t["n_municipalities"].format(n=98),
            table=html_table([t["year"], "Svar" if lang == "da" else "Responded",
                              "Kommuner" if lang == "da" else "Municipalities",
                              "Svarprocent" if lang == "da" else "Response rate"], rows, {1, 2, 3}))))
        if my is not None:
            res = self.src.run("framework_share", year=my, by="total")
            df = res.data
            n_resp = int(resp.loc[resp["year"] == my, "responded"].iloc[0])
            bars = df.rename(columns={"share": "estimate"})  # the chart's value column
            bars = bars.assign(dimension="framework_element", category=bars["element"])[
                ["year", "dimension", "category", "estimate"]]
            items.append(self._number(Item(
                "figure", "framework_share", f"{self._title(res.meta)}, {my}", self._definition("framework_share"),
                self._source("framework_share", str(my)), t["n_municipalities"].format(n=n_resp),
                fig=charts.estimate_bars(bars, res.meta, lang, horizontal=True))))
            rows = [[label("framework_element", r.element, lang), fmt.count(r.yes_count, lang),
                     fmt.number(r.answer_count, 0, lang), fmt.pct(r.share, 0, lang)] for r in df.itertuples()]
            items.append(self._number(Item(
                "table", "framework_share", f"{self._title(res.meta)}, {my}", self._definition("framework_share"),
                self._source("framework_share", str(my)), t["n_municipalities"].format(n=n_resp),
                table=html_table([dimension_title("framework_element", lang), "Ja" if lang == "da" else "Yes",
                                  "Har svaret" if lang == "da" else "Answered",
                                  "Andel" if lang == "da" else "Share"], rows, {1, 2, 3}))))
            res = self.src.run("framework_score", year=my)
            items.append(self._number(Item(
                "figure", "framework_score", f"{self._title(res.meta)}, {my}", self._definition("framework_score"),
                self._source("framework_score", str(my)), t["n_municipalities"].format(n=n_resp),
                note=("Grå: kommunen har ikke svaret." if lang == "da" else "Grey: the municipality did not respond."),
                fig=tilemap.municipality_map(res.data, res.meta, lang, value="framework_score"))))
        staff = self.src.run("staff_fte_total", by="total")
        items.append(self._number(Item(
            "figure", "staff_fte_total", self._title(staff.meta), self._definition("staff_fte_total"),
            self._source("staff_fte_total", ", ".join(str(v) for v in staff.data["year"])),
            "; ".join(f"{r.year}: {t['n_municipalities'].format(n=fmt.count(r.municipalities_reporting, lang))}"
                      for r in staff.data.itertuples()),
            fig=charts.grouped_bars(staff.data, staff.meta, lang, x="year", color=None, y="staff_fte_total"))))
        items += self._grants()
        return Chapter("municipalities", t["chapter_municipalities"], [t["chapter_municipalities_intro"]], items)

    def _grants(self) -> list[Item]:
        t, lang = self.t, self.lang
        items: list[Item] = []
        gy = self._latest("granted_per_inhabitant")
        if gy is None:
            return items
        res = self.src.run("granted_per_inhabitant", year=gy)
        df = res.data
        items.append(self._number(Item(
            "figure", "granted_per_inhabitant", f"{self._title(res.meta)}, {gy}",
            self._definition("granted_per_inhabitant"), self._source("granted_per_inhabitant", str(gy)),
            (f"{fmt.number(df['applications'].sum(), 0, lang)} ansøgninger i {len(df)} kommuner" if lang == "da"
             else f"{fmt.number(df['applications'].sum(), 0, lang)} applications in {len(df)} municipalities"),
            fig=tilemap.municipality_map(df, res.meta, lang, value="granted_dkk_per_inhabitant"))))
        pay = self.src.run("payout_ratio", by="total")
        items.append(self._number(Item(
            "figure", "payout_ratio", f"{self._title(pay.meta)}, {pay.data['year'].min()}-{pay.data['year'].max()}",
            self._definition("payout_ratio"),
            self._source("payout_ratio", f"{pay.data['year'].min()}-{pay.data['year'].max()}"),
            t["n_municipalities"].format(n=fmt.number(pay.data["municipalities"].max(), 0, lang)),
            fig=charts.grouped_bars(pay.data, pay.meta, lang, x="year", color=None, y="payout_ratio"))))
        rows = []
        cov = self.src.run("application_coverage", by="total").data.set_index("year")
        for r in pay.data.itertuples():
            c = cov.loc[r.year] if r.year in cov.index else None
            rows.append([str(r.year), fmt.dkk_millions(r.budget_dkk, 1, lang), fmt.dkk_millions(r.granted_dkk, 1, lang),
                         fmt.pct(r.payout_ratio, 0, lang), fmt.count(r.municipalities_over_budget, lang),
                         fmt.number(c.applications, 0, lang) if c is not None else fmt.MISSING,
                         fmt.pct(c.coverage, 0, lang) if c is not None else fmt.MISSING])
        head = (["År", "Budget", "Bevilget", "Udbetalingsgrad", "Kommuner over budget", "Ansøgninger",
                 "Dækning af ansøgt beløb"] if lang == "da" else
                ["Year", "Budget", "Granted", "Payout ratio", "Municipalities over budget", "Applications",
                 "Share of amount applied for granted"])
        items.append(self._number(Item(
            "table", "payout_ratio", ("§18-tilskud: budget, bevillinger og dækning" if lang == "da"
                                      else "Section 18 grants: budget, grants and coverage"),
            self._definition("payout_ratio") + " " + self._definition("application_coverage"),
            self._source("application_coverage", f"{pay.data['year'].min()}-{pay.data['year'].max()}"),
            t["n_municipalities"].format(n=fmt.number(pay.data["municipalities"].max(), 0, lang)),
            table=html_table(head, rows, {1, 2, 3, 4, 5, 6}))))
        res = self.src.run("grants_by_target_group", year=gy)
        rows = [[label("target_group", r.target_group, lang), fmt.count(r.applications, lang),
                 fmt.dkk_millions(r.applied_dkk, 1, lang), fmt.dkk_millions(r.granted_dkk, 1, lang),
                 fmt.pct(r.share_of_granted, 1, lang)] for r in res.data.itertuples()]
        head = (["Målgruppe", "Ansøgninger", "Ansøgt", "Bevilget", "Andel af bevilget"] if lang == "da" else
                ["Target group", "Applications", "Applied for", "Granted", "Share of granted"])
        items.append(self._number(Item(
            "table", "grants_by_target_group", f"{self._title(res.meta)}, {gy}",
            self._definition("grants_by_target_group"), self._source("grants_by_target_group", str(gy)),
            (f"{fmt.number(res.data['applications'].sum(), 0, lang)} ansøgninger" if lang == "da"
             else f"{fmt.number(res.data['applications'].sum(), 0, lang)} applications"),
            table=html_table(head, rows, {1, 2, 3, 4}))))
        return items

    def _cooperation(self) -> Chapter:
        t = self.t
        items: list[Item] = []
        return Chapter("cooperation", t["chapter_cooperation"], [t["chapter_cooperation_intro"]], items)

    # ----- summary, appendix, sources

    def key_figures(self) -> list[KeyFigure]:
        return []

    def appendix(self) -> list[Item]:
        return []

    def data_sources(self) -> list[str]:
        return [SOURCE_NAMES[self.lang][k] for k in ("survey_respondents", "municipal_survey", "grants_s18",
                                                      "grant_budgets", "cooperations", "population")]

    def published_sources(self) -> list[str]:
        return []

    def _flag_note(self, df: pd.DataFrame) -> str:
        flags = set(df.get("flag", pd.Series(dtype=str)).astype(str))
        notes = []
        if "uncertain" in flags:
            notes.append(self.t["uncertain_note"])
        if "suppressed" in flags:
            notes.append(("Grupper med under 50 svar vises ikke." if self.lang == "da"
                          else "Groups with fewer than 50 responses are not shown."))
        return " ".join(notes)


def _flag_text(flag: str, lang: str) -> str:
    return label("flag", flag, lang)
