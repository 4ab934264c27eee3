"""What the report contains: which metrics (query layer) and which charts (views.charts) in which order.

Nothing here computes a statistic: numbers come from `queries.run`, charts from the dashboards' chart module,
labels and number formatting from `views.labels`. This module picks parameters, words captions and lays
the results out as figures, tables and key figures.
"""
from __future__ import annotations

import copy
import dataclasses
import html
import math

import pandas as pd

import queries
from views import charts, municipal, survey
from views import labels
from views.labels import dimension_title, label
from reports import captions, fmt
from reports.text import SOURCE_NAMES, TEXT

# The metric that gives a survey figure's change between waves with its interval and verdict (Report._survey_change);
# a figure without one shows the plain difference and is listed as such in the summary's notes.
CHANGE_METRICS = {"participation_rate": "participation_change", "hours_per_month": "hours_per_month_change",
                  "volunteers_count": "volunteers_count_change", "total_hours_per_year": "total_hours_per_year_change",
                  "fte": "fte_change"}

# The breakdowns of participation shown one figure each (the dashboard's "Opdeling" choices).
BREAKDOWNS = ["gender", "age_group", "region", "landsdel", "east_west", "urbanisation", "education", "employment"]
HORIZONTAL = {"region", "landsdel", "urbanisation", "education", "employment"}


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

    def in_language(self, lang: str) -> "Source":
        """The same warehouse in another language, sharing the cached results (a query's numbers have no language)."""
        other = copy.copy(self)
        other.lang = lang
        return other

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

    def comparable_earlier(self, year: int) -> list[int]:
        """The earlier waves a change to `year` may compare with: same survey series and definition."""
        if not hasattr(self, "_comparable"):
            self._comparable = queries.comparable_waves(self.db)
        return sorted(o for o in self._comparable.get(int(year), []) if o < int(year))

    def has(self, metric: str) -> bool:
        return metric in queries.metric_names()

    def build_info(self) -> dict[str, str]:
        return queries.build_info(self.db)


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
    svg: str = ""   # the chart as a data: URI of its SVG (build.py draws it)
    alt: str = ""   # the chart's text summary: alternative text in the HTML and the PDF
    table: str = ""
    long: bool = False
    label: str = ""
    anchor: str = ""
    box: str = ""   # a short method box under the figure (plain text): how a model-based figure is made


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
        # the report's "since the last wave" compares within the survey series (and definition) of the year
        earlier = source.comparable_earlier(year)
        self.previous_year = earlier[-1] if earlier else None
        self.hours_per_fte = float(queries.load_metric("fte").param("hours_per_fte").default)
        self._figures = 0
        self._tables = 0
        self.summary_notes: list[str] = []

    # ----- helpers

    def _title(self, meta) -> str:
        return charts.title(meta, self.lang)

    def _definition(self, metric: str) -> str:
        """The metric's definition in plain words (reports.captions: the one place the report reads captions)."""
        return captions.definition(metric, self.lang)

    def _source(self, metric: str, years: str) -> str:
        """The metric's source tables in words, with the year(s) shown (the methods chapter says how it is computed)."""
        names = SOURCE_NAMES[self.lang]
        tables = [names[s] for s in queries.load_metric(metric).source if s in names]
        how = "Beregning: Frivilligdata" if self.lang == "da" else "Computed by Frivilligdata"
        return "; ".join(dict.fromkeys(tables)) + f" ({years}). {how}."

    def _latest(self, metric: str, **params) -> int | None:
        """The report year if the metric has it, else the latest earlier year (municipal survey, grants)."""
        years = [y for y in self.src.years(metric, **params) if y <= self.year]
        return years[-1] if years else None

    def _previous(self, metric: str, year: int | None, **params) -> int | None:
        if year is None:
            return None
        years = [y for y in self.src.years(metric, **params) if y < year]
        return years[-1] if years else None

    def _add(self, items: list[Item], item: Item) -> None:
        """Number the item (figures and tables separately) and append it.

        A definition already printed under an earlier item of the same chapter is referred to, not repeated.
        """
        if item.kind == "figure":
            self._figures += 1
            item.label = f"{self.t['figure']} {self._figures}"
            item.anchor = f"fig-{self._figures}"
        else:
            self._tables += 1
            item.label = f"{self.t['table']} {self._tables}"
            item.anchor = f"tab-{self._tables}"
        first = next((i for i in items if i.definition == item.definition), None)
        if first is not None:
            item.definition = self.t["same_definition"].format(label=first.label)
        items.append(item)

    def _text(self, da: str, en: str) -> str:
        return en if self.lang == "en" else da

    def _n_respondents(self, n) -> str:
        return self.t["n_respondents"].format(n=fmt.number(n, self.lang, 0))

    def _n_volunteers(self, n) -> str:
        n = fmt.number(n, self.lang, 0)
        return self._text(f"{n} frivillige, der har svaret (uvægtet)", f"{n} volunteers who answered (unweighted)")

    def _survey_rows(self, df: pd.DataFrame) -> list[list]:
        """Rows group | estimate | interval | n | reliability for a survey share."""
        lang = self.lang
        rows = []
        for lab, r in zip(charts.category_labels(df, lang), df.itertuples()):
            flag = str(r.flag)
            if flag == "suppressed" or not _isnum(r.estimate):
                rows.append([lab, self.t["suppressed"], fmt.MISSING, fmt.number(r.n, lang, 0), _flag_text(flag, lang)])
                continue
            mark = " *" if flag == "uncertain" else ""
            rows.append([lab, fmt.pct(r.estimate, lang, 1) + mark, fmt.pct_interval(r.ci_low, r.ci_high, lang, 1),
                         fmt.number(r.n, lang, 0), _flag_text(flag, lang)])
        return rows

    def _flag_note(self, df: pd.DataFrame) -> str:
        flags = set(df["flag"].astype(str)) if "flag" in df.columns else set()
        notes = []
        if "uncertain" in flags:
            notes.append(self.t["uncertain_note"])
        if "suppressed" in flags:
            notes.append(self._text("Grupper med under 50 svar vises ikke.",
                                    "Groups with fewer than 50 responses are not shown."))
        return " ".join(notes)

    # ----- chapters

    def chapters(self) -> list[Chapter]:
        chapters = [self._people(), self._municipalities(), self._cooperation()]
        for ch in chapters:
            if not ch.items:
                ch.intro.append(self._text(f"Der er ingen data for {self.year} eller før.",
                                           f"There are no data for {self.year} or earlier."))
            nf = sum(i.kind == "figure" for i in ch.items)
            nt = len(ch.items) - nf
            ch.n_items_text = self._text(f"{nf} figurer, {nt} tabeller", f"{nf} figures, {nt} tables")
        return chapters

    def _people(self) -> Chapter:
        t, lang, y = self.t, self.lang, self.year
        items: list[Item] = []
        trend = survey.survey_trend("participation_rate", "total", lang, until_year=y)
        waves = [int(v) for v in trend.table["year"]]
        changes = self._changes_note([("participation_rate", "")], waves, since_first=True)
        self._add(items, Item(
            "figure", "participation_rate", f"{self._title(trend.meta)}, {t['trend']} ({waves[0]}-{waves[-1]})",
            self._definition("participation_rate"),
            self._source("participation_rate", ", ".join(map(str, waves))),
            "; ".join(f"{v}: {fmt.number(n, lang, 0)}" for v, n in zip(trend.table["year"], trend.table["n"])),
            note=" ".join(x for x in (trend.note, changes) if x), fig=trend.fig))
        table_rows: list[list] = []
        table_cls: list[str] = []
        for dim in BREAKDOWNS:
            view = survey.survey_bars("participation_rate", y, dim, lang, horizontal=dim in HORIZONTAL)
            df = view.table
            dim_title = dimension_title(dim, lang).lower()
            self._add(items, Item(
                "figure", "participation_rate",
                f"{self._title(view.meta)} {t['by'].format(dimension=dim_title)}, {y}",
                self._definition("participation_rate"), self._source("participation_rate", str(y)),
                self._n_respondents(df["n"].sum()), note=self._flag_note(df), fig=view.fig))
            rows = self._survey_rows(self.src.run("participation_rate", year=y, by=dim).data)
            table_rows += [[dimension_title(dim, lang), "", "", "", ""]] + rows
            table_cls += ["group"] + [""] * len(rows)
        total = self.src.run("participation_rate", year=y, by="total").data.iloc[0]
        self._add(items, Item(
            "table", "participation_rate",
            self._text(f"Andel der har arbejdet frivilligt efter baggrund, {y}: skøn, 95\u00a0%-interval og antal svar",
                       f"Share who volunteered by background, {y}: estimate, 95% interval and responses"),
            self._definition("participation_rate"), self._source("participation_rate", str(y)),
            self._n_respondents(total.n), note=t["uncertain_note"], long=True,
            table=html_table([t["category"], t["estimate"], t["ci"], "n", t["flag"]], table_rows, {1, 2, 3},
                             row_classes=table_cls)))
        self._hours(items)
        for metric, horizontal in (("area_share", True), ("organisation_form_share", True),
                                   ("recruitment_share", False)):
            view = survey.survey_bars(metric, y, None, lang, horizontal=horizontal)
            self._add(items, Item(
                "figure", metric, f"{self._title(view.meta)}, {y}", self._definition(metric),
                self._source(metric, str(y)), self._n_volunteers(view.table["n"].max()),
                note=self._flag_note(view.table), fig=view.fig))
        return Chapter("people", t["chapter_people"], [t["chapter_people_intro"]], items)

    def _hours(self, items: list[Item]) -> None:
        """Hours per volunteer and full-time equivalents: figures for the year and one table over the waves."""
        t, lang, y = self.t, self.lang, self.year
        view = survey.survey_bars("hours_per_month", y, "age_group", lang)
        self._add(items, Item(
            "figure", "hours_per_month",
            f"{self._title(view.meta)} {t['by'].format(dimension=dimension_title('age_group', lang).lower())}, {y}",
            self._definition("hours_per_month"), self._source("hours_per_month", str(y)),
            self._n_volunteers(view.table["n"].sum()), note=self._flag_note(view.table), fig=view.fig))
        view = survey.fte_view(y, "region", lang)
        self._add(items, Item(
            "figure", "fte",
            f"{self._title(view.meta)} {t['by'].format(dimension=dimension_title('region', lang).lower())}, {y}",
            self._definition("fte"), self._source("fte", str(y)), self._n_respondents(view.table["n"].sum()),
            note=view.note, fig=view.fig))
        hours = self.src.run("hours_per_month", by="total").data.set_index("year").loc[lambda d: d.index <= y]
        total = self.src.run("total_hours_per_year", by="total").data.set_index("year")
        fte = self.src.run("fte", by="total").data.set_index("year")
        rows = []
        steps = set()
        for wave in hours.index:
            h, th, f = hours.loc[wave], total.loc[wave], fte.loc[wave]
            # Totals are rounded to what their standard error supports (fmt.step_for), stated in the note.
            th_dec = fmt.millions_decimals(fmt.step_for(th.se))
            f_step = fmt.step_for(f.se)
            steps.add(f_step)
            rows.append([str(wave), fmt.number(h.estimate, lang, 1), fmt.interval(h.ci_low, h.ci_high, lang, 1),
                         fmt.millions(th.estimate, lang, th_dec),
                         fmt.interval(th.ci_low / 1e6, th.ci_high / 1e6, lang, th_dec),
                         fmt.rounded(f.estimate, f_step, lang), fmt.rounded_interval(f.ci_low, f.ci_high, f_step, lang),
                         fmt.number(th.n, lang, 0)])
        head = self._text(
            ["År", "Timer/md. pr. frivillig", "95\u00a0%-interval", "Timer om året i alt", "95\u00a0%-interval (mio.)",
             "Fuldtidsstillinger", "95\u00a0%-interval", "n"],
            ["Year", "Hours/month per volunteer", "95% interval", "Total hours per year", "95% interval (million)",
             "Full-time equivalents", "95% interval", "n"])
        self._add(items, Item(
            "table", "fte",
            self._text("Timer pr. frivillig, timer i alt og fuldtidsstillinger over tid",
                       "Hours per volunteer, total hours and full-time equivalents over time"),
            " ".join(self._definition(m) for m in ("hours_per_month", "total_hours_per_year", "fte")),
            self._source("total_hours_per_year", ", ".join(map(str, hours.index))),
            self._text("svar pr. bølge, se kolonnen n (timer pr. frivillig bygger på de frivillige)",
                       "responses per wave, see column n (hours per volunteer are based on the volunteers)"),
            note=self._text("Timer i alt og fuldtidsstillinger er afrundet efter deres standardfejl",
                            "Total hours and full-time equivalents are rounded to their standard error")
            + f" ({self._text('fuldtidsstillinger', 'full-time equivalents')} "
            + ", ".join(fmt.rounding_note(st, lang) for st in sorted(steps)) + ")."
            + self._changes_note([("hours_per_month", self._text("timer pr. frivillig", "hours per volunteer")),
                                  ("total_hours_per_year", self._text("timer i alt", "total hours")),
                                  ("fte", self._text("fuldtidsstillinger", "full-time equivalents"))],
                                 [int(w) for w in hours.index], lead=" "),
            table=html_table(head, rows, set(range(1, 8)))))

    def _changes_note(self, measures: list[tuple[str, str]], waves: list[int], since_first: bool = False,
                      lead: str = "") -> str:
        """The changes a figure or table over the waves shows, each with its 95 % interval and verdict: "Ændring
        2017-2021: timer pr. frivillig +0,3 timer siden 2017 (95 %-interval ...) · ikke en sikker ændring; ..."."""
        if len(waves) < 2:
            return ""
        last = waves[-1]
        earlier = [w for w in self.src.comparable_earlier(last) if w in waves]  # within the survey series
        if not earlier:
            return ""
        previous, first = earlier[-1], earlier[0]
        parts = []
        for metric, name in measures:
            sentences = [self.change_sentence(metric, previous, last)]
            if since_first and first != previous:
                sentences.append(self.change_sentence(metric, first, last))
            parts.append((f"{name} " if name else "") + "; ".join(sentences))
        head = self._text(f"Ændring til {last}", f"Change to {last}")
        return f"{lead}{head}: " + "; ".join(parts) + "."

    def _municipalities(self) -> Chapter:
        t, lang = self.t, self.lang
        items: list[Item] = []
        resp = self.src.run("municipal_response").data.loc[lambda d: d["year"] <= self.year]
        rows = [[str(r.year), fmt.count(r.responded, lang), fmt.number(r.municipalities, lang, 0),
                 fmt.pct(r.response_rate, lang, 0)] for r in resp.itertuples()]
        self._add(items, Item(
            "table", "municipal_response", self._title(queries.load_metric("municipal_response")),
            self._definition("municipal_response"),
            self._source("municipal_response", ", ".join(str(v) for v in resp["year"])),
            t["n_municipalities"].format(n=98),
            table=html_table([t["year"], self._text("Har svaret", "Responded"),
                              self._text("Kommuner i alt", "All municipalities"),
                              self._text("Svarprocent", "Response rate")], rows, {1, 2, 3})))
        my = self._latest("municipal_response")
        if my is not None:
            n_resp = fmt.number(resp.loc[resp["year"] == my, "responded"].iloc[0], lang, 0)
            view = survey.element_shares(my, lang)
            self._add(items, Item(
                "figure", "framework_share", f"{self._title(view.meta)}, {my}", self._definition("framework_share"),
                self._source("framework_share", str(my)), t["n_municipalities"].format(n=n_resp), fig=view.fig))
            shares = self.src.run("framework_share", year=my, by="total").data
            prev = self._previous("framework_share", my)
            before = (self.src.run("framework_share", year=prev, by="total").data.set_index("element")
                      if prev else None)
            rows = []
            for r in shares.itertuples():
                b = before.loc[r.element] if before is not None and r.element in before.index else None
                rows.append([label("framework_element", r.element, lang), fmt.count(r.yes_count, lang),
                             fmt.number(r.answer_count, lang, 0), fmt.pct(r.share, lang, 0),
                             fmt.pct(b.share, lang, 0) if b is not None else fmt.MISSING])
            self._add(items, Item(
                "table", "framework_share", f"{self._title(view.meta)}, {my}" + (f" {self._text('og', 'and')} {prev}"
                                                                                 if prev else ""),
                self._definition("framework_share"), self._source("framework_share", f"{prev}, {my}" if prev else str(my)),
                t["n_municipalities"].format(n=n_resp),
                table=html_table([dimension_title("framework_element", lang), self._text("Ja", "Yes"),
                                  self._text("Har svaret", "Answered"), f"{self._text('Andel', 'Share')} {my}",
                                  f"{self._text('Andel', 'Share')} {prev or ''}".strip()], rows, {1, 2, 3, 4})))
            view = municipal.map_view("framework_score", my, lang)
            self._add(items, Item(
                "figure", "framework_score", f"{self._title(view.meta)}, {my}", self._definition("framework_score"),
                self._source("framework_score", str(my)), t["n_municipalities"].format(n=n_resp),
                note=self._text("Grå: kommunen har ikke svaret.", "Grey: the municipality did not respond."),
                fig=view.fig))
        view = survey.national_series("staff_fte_total", lang, value="staff_fte_total", until_year=self.year)
        if len(view.table):
            self._add(items, Item(
                "figure", "staff_fte_total", self._title(view.meta), self._definition("staff_fte_total"),
                self._source("staff_fte_total", ", ".join(str(v) for v in view.table["year"])),
                "; ".join(f"{r.year}: {t['n_municipalities'].format(n=fmt.count(r.municipalities_reporting, lang))}"
                          for r in view.table.itertuples()),
                fig=view.fig))
        self._model_map(items)
        self._grants(items)
        return Chapter("municipalities", t["chapter_municipalities"], [t["chapter_municipalities_intro"]], items)

    def _model_map(self, items: list[Item]) -> None:
        """The model-based share who volunteered in each municipality (the latest wave up to the report year) on
        the map, with the interval in the note and a method box saying what "modelberegnet skøn" means."""
        metric = "municipal_participation"
        wave = self._latest(metric) if self.src.has(metric) else None
        if wave is None:
            return
        lang = self.lang
        view = municipal.map_view(metric, wave, lang)
        df = view.table
        with_n = df["n"].fillna(1)  # a null n is 1-4 respondents (small-count rule)
        low, high = df.loc[df["estimate"].idxmin()], df.loc[df["estimate"].idxmax()]
        span = self._text(
            f"Lavest {low.municipality_name} {fmt.pct(low.estimate, lang, 0)} "
            f"({fmt.pct_interval(low.ci_low, low.ci_high, lang, 0)}), højest {high.municipality_name} "
            f"{fmt.pct(high.estimate, lang, 0)} ({fmt.pct_interval(high.ci_low, high.ci_high, lang, 0)}).",
            f"Lowest {low.municipality_name} {fmt.pct(low.estimate, lang, 0)} "
            f"({fmt.pct_interval(low.ci_low, low.ci_high, lang, 0)}), highest {high.municipality_name} "
            f"{fmt.pct(high.estimate, lang, 0)} ({fmt.pct_interval(high.ci_low, high.ci_high, lang, 0)}).")
        shown = int((with_n >= queries.survey_thresholds()["min_n_shown"]).sum())
        n_wave = self.src.run("participation_rate", year=wave, by="total").data["n"].iloc[0]
        n_text = self._text(
            f"{fmt.number(n_wave, lang, 0)} svar i alt; {shown} af {len(df)} kommuner har "
            f"{queries.survey_thresholds()['min_n_shown']} svar eller flere",
            f"{fmt.number(n_wave, lang, 0)} responses in all; {shown} of {len(df)} municipalities have "
            f"{queries.survey_thresholds()['min_n_shown']} responses or more")
        self._add(items, Item(
            "figure", metric, f"{self._title(view.meta)}, {wave}", self._definition(metric),
            self._source(metric, str(wave)), n_text, note=span, fig=view.fig,
            box=labels.t("model_note", lang) + " " + self._text(
                "Metode: Fay-Herriot-modellen (områdeniveau): kommunens direkte skøn og dets udglattede "
                "stikprøvevarians, alders- og kønssammensætning og indbyggertal fra befolkningsregistret, "
                "modelvarians ved REML, skøn (EBLUP) og usikkerhed (MSE efter Prasad-Rao og Datta-Lahiri).",
                "Method: the Fay-Herriot area-level model: the municipality's direct estimate and its smoothed "
                "sampling variance, age and gender make-up and population from the population register, model "
                "variance by REML, estimate (EBLUP) and uncertainty (MSE after Prasad-Rao and Datta-Lahiri).")))

    def _grants(self, items: list[Item]) -> None:
        t, lang = self.t, self.lang
        gy = self._latest("granted_per_inhabitant")
        if gy is None:
            return
        view = municipal.map_view("granted_per_inhabitant", gy, lang)
        df = view.table
        self._add(items, Item(
            "figure", "granted_per_inhabitant", f"{self._title(view.meta)}, {gy}",
            self._definition("granted_per_inhabitant"), self._source("granted_per_inhabitant", str(gy)),
            self._text(f"{fmt.number(df['applications'].sum(), lang, 0)} ansøgninger i {len(df)} kommuner",
                       f"{fmt.number(df['applications'].sum(), lang, 0)} applications in {len(df)} municipalities"),
            fig=view.fig))
        view = survey.national_series("payout_ratio", lang, value="payout_ratio", until_year=self.year)
        pay = view.table
        if not len(pay):
            return
        span = f"{pay['year'].min()}-{pay['year'].max()}"
        self._add(items, Item(
            "figure", "payout_ratio", f"{self._title(view.meta)}, {span}", self._definition("payout_ratio"),
            self._source("payout_ratio", span),
            t["n_municipalities"].format(n=fmt.number(pay["municipalities"].max(), lang, 0)), fig=view.fig))
        cov = self.src.run("application_coverage", by="total").data.set_index("year")
        rows = []
        for r in self.src.run("payout_ratio", by="total").data.loc[lambda d: d["year"] <= self.year].itertuples():
            c = cov.loc[r.year] if r.year in cov.index else None
            rows.append([str(r.year), fmt.dkk_millions(r.budget_dkk, lang, 1), fmt.dkk_millions(r.granted_dkk, lang, 1),
                         fmt.pct(r.payout_ratio, lang, 0), fmt.count(r.municipalities_over_budget, lang),
                         fmt.number(c.applications, lang, 0) if c is not None else fmt.MISSING,
                         fmt.pct(c.coverage, lang, 0) if c is not None else fmt.MISSING])
        head = self._text(
            ["År", "Budget", "Bevilget", "Udbetalingsgrad", "Kommuner over budget", "Ansøgninger",
             "Bevilget af ansøgt"],
            ["Year", "Budget", "Granted", "Payout ratio", "Municipalities over budget", "Applications",
             "Granted of applied"])
        self._add(items, Item(
            "table", "payout_ratio", self._text(f"§18-tilskud: budget, bevillinger og dækning, {span}",
                                                f"Section 18 grants: budget, grants and coverage, {span}"),
            self._definition("payout_ratio") + " " + self._definition("application_coverage"),
            self._source("application_coverage", span),
            t["n_municipalities"].format(n=fmt.number(pay["municipalities"].max(), lang, 0)),
            table=html_table(head, rows, set(range(1, 7)))))
        res = self.src.run("grants_by_target_group", year=gy)
        rows = [[label("target_group", r.target_group, lang), fmt.count(r.applications, lang),
                 fmt.dkk_millions(r.applied_dkk, lang, 1), fmt.dkk_millions(r.granted_dkk, lang, 1),
                 fmt.pct(r.share_of_granted, lang, 1)] for r in res.data.itertuples()]
        head = self._text(["Målgruppe", "Ansøgninger", "Ansøgt", "Bevilget", "Andel af bevilget"],
                          ["Target group", "Applications", "Applied for", "Granted", "Share of granted"])
        self._add(items, Item(
            "table", "grants_by_target_group", f"{self._title(res.meta)}, {gy}",
            self._definition("grants_by_target_group"), self._source("grants_by_target_group", str(gy)),
            self._text(f"{fmt.number(res.data['applications'].sum(), lang, 0)} ansøgninger",
                       f"{fmt.number(res.data['applications'].sum(), lang, 0)} applications"),
            table=html_table(head, rows, {1, 2, 3, 4})))

    def _cooperation(self) -> Chapter:
        t, lang = self.t, self.lang
        items: list[Item] = []
        cy = self._latest("cooperation_counts")
        for by in ("form", "sector", "area", "target_group"):
            view = survey.counts_over_time("cooperation_counts", by, lang, value="cooperations",
                                           until_year=self.year)
            df = view.table
            if not len(df):
                continue
            span = f"{df['year'].min()}-{df['year'].max()}"
            at = cy if cy is not None else int(df["year"].max())  # before the first cooperation: the latest year
            in_year = int(df.loc[df["year"] == at, "cooperations"].sum())
            self._add(items, Item(
                "figure", "cooperation_counts",
                f"{self._title(view.meta)} {t['by'].format(dimension=dimension_title(by, lang).lower())}, {span}",
                self._definition("cooperation_counts"), self._source("cooperation_counts", span),
                self._text(f"{fmt.number(in_year, lang, 0)} igangværende samarbejder i {at}",
                           f"{fmt.number(in_year, lang, 0)} active cooperations in {at}"),
                fig=view.fig))
        if cy is not None:
            res = self.src.run("cooperation_counts", year=cy, by="form")
            tot = int(res.data["cooperations"].sum())
            rows = [[label("form", r.category, lang), fmt.count(r.cooperations, lang),
                     fmt.pct(r.cooperations / tot, lang, 1) if tot else fmt.MISSING] for r in res.data.itertuples()]
            self._add(items, Item(
                "table", "cooperation_counts",
                self._text(f"Samarbejder efter formaliseringsgrad, {cy}", f"Cooperations by formalisation, {cy}"),
                self._definition("cooperation_counts"), self._source("cooperation_counts", str(cy)),
                self._text(f"{fmt.number(tot, lang, 0)} samarbejder", f"{fmt.number(tot, lang, 0)} cooperations"),
                table=html_table([dimension_title("form", lang), self._text("Samarbejder", "Cooperations"),
                                  self._text("Andel", "Share")], rows, {1, 2})))
        view = survey.share_over_time("partnership_share", lang, value="partnership_share",
                                       until_year=self.year)
        df = view.table
        if not len(df):
            return Chapter("cooperation", t["chapter_cooperation"], [t["chapter_cooperation_intro"]], items)
        span = f"{df['year'].min()}-{df['year'].max()}"
        self._add(items, Item(
            "figure", "partnership_share", f"{self._title(view.meta)}, {span}", self._definition("partnership_share"),
            self._source("partnership_share", span),
            self._text(f"{fmt.number(df['cooperations'].max(), lang, 0)} samarbejder i {df['year'].max()}",
                       f"{fmt.number(df['cooperations'].max(), lang, 0)} cooperations in {df['year'].max()}"),
            fig=view.fig))
        return Chapter("cooperation", t["chapter_cooperation"], [t["chapter_cooperation_intro"]], items)

    # ----- summary

    def key_figures(self) -> list[KeyFigure]:
        """The summary page: each figure for the report year, its interval and the change since the previous wave.

        The interval column holds 95 % intervals only; counts behind a figure go in its note. Census and register
        figures have no sampling interval (an en dash, explained in summary_notes).
        """
        lang, y, prev = self.lang, self.year, self.previous_year
        out: list[KeyFigure] = []
        self.summary_notes = [self._text(
            "Et skøn fra frivilligundersøgelsen har et 95\u00a0%-interval; tal fra kommuneundersøgelsen, §18-tilskud og "
            "samarbejder er totaltællinger uden stikprøveusikkerhed (–).",
            "A survey estimate has a 95% interval; figures from the municipal survey, section 18 grants and "
            "cooperations are censuses without sampling error (–).")]
        uncertain_changes = []

        def survey(key, metric, label_text, value, interval, change, note="", **params):
            now = self.src.run(metric, year=y, by="total", **params).data.iloc[0]
            before = self.src.run(metric, year=prev, by="total", **params).data.iloc[0] if prev else None
            n_note = self._n_volunteers(now.n) if metric == "hours_per_month" else self._n_respondents(now.n)
            if before is None:
                change_text, change_note = self.t["no_comparable"], ""
            else:
                change_text, change_note = self._survey_change(metric, change, now, before)
                if metric not in CHANGE_METRICS or not self.src.has(CHANGE_METRICS[metric]):
                    uncertain_changes.append(label_text)
                change_note = f"{prev}: {value(before)}" + (f" · {change_note}" if change_note else "")
            out.append(KeyFigure(key, label_text, value(now), interval(now), change_text,
                                 note=n_note + (f" · {note(now)}" if note else ""), change_note=change_note))

        hours_unit = self._text("\u00a0timer", "\u00a0hours")
        mio = self._text("\u00a0mio.", "\u00a0million")
        change = self._change_formats()
        survey("participation_rate", "participation_rate", self._text("Andel der har arbejdet frivilligt",
                                                                       "Share who volunteered"),
               lambda r: fmt.pct(r.estimate, lang, 1), lambda r: fmt.pct_interval(r.ci_low, r.ci_high, lang, 1),
               change["participation_rate"])

        def in_millions(r, unit=""):
            d = fmt.millions_decimals(fmt.step_for(r.se))
            return fmt.millions(r.estimate, lang, d) + unit

        def millions_interval(r):
            d = fmt.millions_decimals(fmt.step_for(r.se))
            return fmt.interval(r.ci_low / 1e6, r.ci_high / 1e6, lang, d) + mio

        survey("volunteers_count", "volunteers_count", self._text("Antal frivillige (16+)", "Number of volunteers (16+)"),
               in_millions, millions_interval, change["volunteers_count"])
        survey("hours_per_month", "hours_per_month", self._text("Timer om måneden pr. frivillig",
                                                                 "Hours per month per volunteer"),
               lambda r: fmt.number(r.estimate, lang, 1) + hours_unit,
               lambda r: fmt.interval(r.ci_low, r.ci_high, lang, 1) + hours_unit, change["hours_per_month"])
        survey("total_hours_per_year", "total_hours_per_year", self._text("Frivillige timer om året i alt",
                                                                           "Total volunteer hours per year"),
               lambda r: in_millions(r, hours_unit), millions_interval, change["total_hours_per_year"])
        survey("fte", "fte", self._text("Fuldtidsstillinger", "Full-time equivalents"),
               lambda r: fmt.rounded(r.estimate, fmt.step_for(r.se), lang),
               lambda r: fmt.rounded_interval(r.ci_low, r.ci_high, fmt.step_for(r.se), lang), change["fte"],
               note=lambda r: fmt.rounding_note(fmt.step_for(r.se), lang) + ", "
               + self._text(f"{fmt.number(self.hours_per_fte, lang, 0)} timer pr. stilling",
                            f"{fmt.number(self.hours_per_fte, lang, 0)} hours per FTE"))
        if uncertain_changes:
            self.summary_notes.append(self._text(
                "Ændringen er forskellen mellem de to målingers skøn; dens 95\u00a0%-interval er endnu ikke beregnet.",
                "The change is the difference between the two waves' estimates; its 95% interval is not computed yet."))

        my = self._latest("municipal_response")
        municipal = self._text("Kommuneundersøgelsen", "Municipal survey")
        if my is not None:
            mprev = self._previous("municipal_response", my)
            resp = self.src.run("municipal_response").data.set_index("year")
            r = resp.loc[my]
            out.append(KeyFigure(
                "municipal_response", self._text(f"Kommuner der har svaret ({my})", f"Municipalities responding ({my})"),
                fmt.count(r.responded, lang), fmt.MISSING,
                fmt.signed(r.responded - resp.loc[mprev].responded, lang, 0) if mprev else self.t["no_previous"],
                note=self._text(f"af {fmt.number(r.municipalities, lang, 0)} kommuner ({fmt.pct(r.response_rate, lang, 0)})",
                                f"of {fmt.number(r.municipalities, lang, 0)} municipalities "
                                f"({fmt.pct(r.response_rate, lang, 0)})")
                + f" · {municipal}",
                change_note=f"{mprev}: {fmt.count(resp.loc[mprev].responded, lang)}" if mprev else ""))
            shares = self.src.run("framework_share", year=my, by="total").data.set_index("element")
            before = (self.src.run("framework_share", year=mprev, by="total").data.set_index("element")
                      if mprev else None)
            for element in ("has_volunteer_policy", "has_volunteer_council", "organises_volunteers"):
                s = shares.loc[element]
                b = before.loc[element] if before is not None and element in before.index else None
                element_label = label("framework_element", element, lang)
                out.append(KeyFigure(
                    f"framework_share:{element}",
                    self._text(f"Andel af kommunerne: {element_label.lower()} ({my})",
                               f"Share of municipalities: {element_label.lower()} ({my})"),
                    fmt.pct(s.share, lang, 0), fmt.MISSING,
                    fmt.pp(s.share - b.share, lang, 0) if b is not None else self.t["no_previous"],
                    note=self._text(f"{fmt.count(s.yes_count, lang)} af {fmt.number(s.answer_count, lang, 0)} kommuner, der har svaret",
                                    f"{fmt.count(s.yes_count, lang)} of {fmt.number(s.answer_count, lang, 0)} responding "
                                    "municipalities")
                    + f" · {municipal}",
                    change_note=f"{mprev}: {fmt.pct(b.share, lang, 0)}" if b is not None else ""))
            staff = self.src.run("staff_fte_total", by="total").data.set_index("year")
            s = staff.loc[my]
            out.append(KeyFigure(
                "staff_fte_total", self._text(f"Kommunale fuldtidsstillinger til frivillighed ({my})",
                                              f"Municipal full-time staff for volunteering ({my})"),
                fmt.number(s.staff_fte_total, lang, 0), fmt.MISSING,
                fmt.signed(s.staff_fte_total - staff.loc[mprev].staff_fte_total, lang, 0) if mprev in staff.index
                else self.t["no_previous"],
                note=self._text(f"opgivet af {fmt.count(s.municipalities_reporting, lang)} kommuner",
                                f"reported by {fmt.count(s.municipalities_reporting, lang)} municipalities")
                + f" · {municipal}",
                change_note=(f"{mprev}: {fmt.number(staff.loc[mprev].staff_fte_total, lang, 0)}"
                             if mprev in staff.index else "")))

        gy = self._latest("payout_ratio")
        s18 = self._text("Serviceloven §18", "Social Services Act, section 18")
        if gy is not None:
            pay = self.src.run("payout_ratio", by="total").data.set_index("year")
            p = pay.loc[gy]
            gprev = gy - 1 if gy - 1 in pay.index else None
            out.append(KeyFigure(
                "granted_dkk", self._text(f"§18-tilskud bevilget i alt ({gy})", f"Section 18 grants in total ({gy})"),
                fmt.dkk_millions(p.granted_dkk, lang, 1), fmt.MISSING,
                (fmt.signed((p.granted_dkk - pay.loc[gprev].granted_dkk) / 1e6, lang, 1)
                 + self._text("\u00a0mio.\u00a0kr.", "\u00a0million")) if gprev else self.t["no_previous"],
                note=self._text(f"budget {fmt.dkk_millions(p.budget_dkk, lang, 1)}",
                                f"budget {fmt.dkk_millions(p.budget_dkk, lang, 1)}") + f" · {s18}",
                change_note=f"{gprev}: {fmt.dkk_millions(pay.loc[gprev].granted_dkk, lang, 1)}" if gprev else ""))
            out.append(KeyFigure(
                "payout_ratio", self._text(f"§18-udbetaling i forhold til budget ({gy})",
                                           f"Section 18 payout relative to budget ({gy})"),
                fmt.pct(p.payout_ratio, lang, 0), fmt.MISSING,
                fmt.pp(p.payout_ratio - pay.loc[gprev].payout_ratio, lang, 0) if gprev else self.t["no_previous"],
                note=self._text(f"{fmt.count(p.municipalities_over_budget, lang)} kommuner over budget",
                                f"{fmt.count(p.municipalities_over_budget, lang)} municipalities over budget")
                + f" · {s18}",
                change_note=f"{gprev}: {fmt.pct(pay.loc[gprev].payout_ratio, lang, 0)}" if gprev else ""))

        cy = self._latest("partnership_share")
        if cy is not None:
            ps = self.src.run("partnership_share", by="total").data.set_index("year")
            c = ps.loc[cy]
            cprev = self.previous_year if self.previous_year in ps.index else (cy - 1 if cy - 1 in ps.index else None)
            out.append(KeyFigure(
                "partnership_share", self._text(f"Samarbejder, der er partnerskabsaftaler ({cy})",
                                                f"Cooperations that are partnership agreements ({cy})"),
                fmt.pct(c.partnership_share, lang, 1), fmt.MISSING,
                fmt.pp(c.partnership_share - ps.loc[cprev].partnership_share, lang, 1) if cprev
                else self.t["no_previous"],
                note=self._text(f"{fmt.count(c.partnerships, lang)} af {fmt.number(c.cooperations, lang, 0)} samarbejder",
                                f"{fmt.count(c.partnerships, lang)} of {fmt.number(c.cooperations, lang, 0)} cooperations")
                + " · " + self._text("Kommunernes samarbejder", "Municipal cooperations"),
                change_note=f"{cprev}: {fmt.pct(ps.loc[cprev].partnership_share, lang, 1)}" if cprev else ""))
        return out

    def _change_formats(self) -> dict:
        """How each survey figure's change is written, change(a, b) -> text of a - b with sign and unit (the summary
        and the chapters' change sentences print the same)."""
        lang = self.lang
        hours_unit = self._text("\u00a0timer", "\u00a0hours")
        mio = self._text("\u00a0mio.", "\u00a0million")
        return {
            "participation_rate": lambda a, b: fmt.pp(a - b, lang, 1),
            # whole thousands: a change of tens of thousands reads wrongly as "+0,09 mio." (interval "0,00 mio.")
            "volunteers_count": lambda a, b: fmt.signed(round((a - b) / 1000) * 1000, lang, 0),
            "hours_per_month": lambda a, b: fmt.signed(a - b, lang, 1) + hours_unit,
            "total_hours_per_year": lambda a, b: fmt.signed((a - b) / 1e6, lang, 0) + mio,
            "fte": lambda a, b: fmt.signed(round((a - b) / 1000) * 1000, lang, 0),
        }

    def change_sentence(self, metric: str, since: int, year: int | None = None) -> str:
        """A survey figure's change in words, as the dashboards write it: "+1,0 procentpoint siden 2017
        (95 %-interval -1,0 procentpoint til +3,0 procentpoint) · ikke en sikker ændring"; suppressed: "siden 2017:
        for få svar"."""
        text, interval, remarks = self._change_parts(metric, self._change_formats()[metric], since=since, year=year)
        since_text = self._text(f"siden {since}", f"since {since}")
        if interval is None:
            return f"{since_text}: {remarks[0]}"
        return f"{text} {since_text} ({interval})" + "".join(f" · {r}" for r in remarks)

    def _change_parts(self, metric: str, change, *, since: int | None = None,
                      year: int | None = None) -> tuple[str, str | None, list[str]]:
        """(change, its 95 % interval, [verdict, 'uncertain' remark]) from the figure's change metric; interval None
        when the change is not shown (the remark says why)."""
        row = self.src.run(CHANGE_METRICS[metric], year=year or self.year, since=since or self.previous_year,
                           by="total").data.iloc[0]
        if str(row.flag) == "suppressed" or not _isnum(row.estimate):
            return fmt.MISSING, None, [self.t["suppressed"]]
        interval = (self._text("95\u00a0%-interval", "95% interval") + f" {change(row.ci_low, 0.0)} "
                    f"{self._text('til', 'to')} {change(row.ci_high, 0.0)}")
        remarks = []
        if isinstance(row.verdict, str):  # 'reliable' / 'not_reliable' in the dashboards' words
            remarks.append(labels.t(f"{row.verdict}_change", self.lang))
        if str(row.flag) == "uncertain":
            remarks.append(labels.t("uncertain_reason", self.lang))
        return change(row.estimate, 0.0), interval, remarks

    def _survey_change(self, metric: str, change, now, before) -> tuple[str, str]:
        """The change since the previous wave: (text, note).

        With a change metric (CHANGE_METRICS) its estimate, 95 % interval and verdict are shown; otherwise the text
        is the difference of the two estimates and the summary says that its interval is not computed; no interval
        is made up here.
        """
        name = CHANGE_METRICS.get(metric)
        if name is None or not self.src.has(name):
            return change(now.estimate, before.estimate), ""
        text, interval, remarks = self._change_parts(metric, change)
        return text, " · ".join(([interval] if interval else []) + remarks)

    # ----- appendix and sources

    def appendix(self) -> list[Item]:
        """Our figures beside the published ones, described in words (metric title and group, not code names).

        Published figures we cannot compute are listed by number under the table, without the internal reasons
        the query gives researchers.
        """
        lang = self.lang
        res = self.src.run("published_comparison")
        df = res.data.loc[lambda d: d["year"] <= self.year]
        rows, classes, not_computed = [], [], []
        for r in df.itertuples():
            if not _isnum(r.our_value):
                not_computed.append(r.figure_id)
                continue
            ours = _published_unit(r.our_value, r.unit, lang)
            ci = (_published_unit(r.our_ci_low, r.unit, lang) + "–" + _published_unit(r.our_ci_high, r.unit, lang)
                  if _isnum(r.our_ci_low) and _isnum(r.our_ci_high) else "")
            verdict = "" if pd.isna(r.agrees) else self._text("ja", "yes") if bool(r.agrees) else self._text("nej", "no")
            rows.append([r.figure_id, str(r.year), self._published_what(r),
                         f"{r.comparator} {_published_unit(r.published_value, r.unit, lang)}".strip(),
                         ours, ci, verdict])
            classes.append("this-year" if int(r.year) == self.year else "")
        self._published_ids = set(df["figure_id"])
        n = self._text(f"{len(df)} offentliggjorte tal; skraveret: {self.year}",
                       f"{len(df)} published figures; shaded: {self.year}")
        note = ""
        if not_computed:
            note = self._text(
                f"Kan ikke beregnes af data og er udeladt (kildens tal er ikke entydigt): {', '.join(not_computed)}.",
                f"Cannot be computed from the data and left out (the source's figure is ambiguous): "
                f"{', '.join(not_computed)}.")
        item = Item(
            "table", "published_comparison", self._title(res.meta), self._definition("published_comparison"),
            self._text("Se kildelisten.", "See the list of sources."), n, note=note, long=True,
            table=html_table(["ID", self.t["year"], self._text("Tal", "Figure"),
                              self._text("Offentliggjort", "Published"), self._text("Vores tal", "Ours"),
                              self.t["ci"], self._text("Stemmer", "Agrees")], rows, {3, 4, 5},
                             cls="data comparison", row_classes=classes))
        self._add([], item)
        return [item]

    def _published_what(self, r) -> str:
        """A published figure in words: the title of the metric we compare it with and the group, in the language."""
        title = self._title(queries.load_metric(r.metric)) if isinstance(r.metric, str) and self.src.has(r.metric) \
            else str(r.population)
        code = r.code if isinstance(r.code, str) else ""
        if r.breakdown == "total" or code in ("", "all"):
            category = str(r.category) if isinstance(r.category, str) else ""
            if category and category not in ("alle", "all"):
                return f"{title}: {category}"  # the published wording of the element (municipal survey)
            if title.lower().endswith(("i alt", "total")):
                return title
            group = self._text("i alt", "total")
        else:
            group = " > ".join(label(r.breakdown, part, self.lang) for part in code.split(">"))
            if r.breakdown == "age_group" and "år" not in group and self.lang == "da":
                group += " år"
        return f"{title}, {group}"

    def data_sources(self) -> list[str]:
        return [SOURCE_NAMES[self.lang][k] for k in ("survey_respondents", "municipal_survey", "grants_s18",
                                                      "grant_budgets", "cooperations", "population")]

    def published_sources(self) -> list[str]:
        """Every document a published figure is quoted from (the warehouse's published_figures table)."""
        rows = queries.published_figures(self.src.db).to_dict("records")
        seen: dict[str, list[str]] = {}
        shown = getattr(self, "_published_ids", None)
        for r in rows:
            if shown is not None and r["figure_id"] not in shown:
                continue
            key = f"{r['source']} [{r['source_ref']}]"
            seen.setdefault(key, []).append(r["figure_id"])
        return [f"{key}: {', '.join(ids)}" for key, ids in seen.items()]


def _published_unit(v, unit: str, lang: str) -> str:
    """A value in a published unit: pct as '40,0 %', large counts and amounts in full with thousands points."""
    if not _isnum(v):
        return fmt.MISSING
    if unit == "pct":
        return fmt.number(v, lang, 1) + (" %" if lang == "da" else "%")
    if unit in ("rank", "order", "municipalities", "applications", "respondents"):
        return fmt.number(v, lang, 0)
    if abs(float(v)) >= 1e6:  # persons, hours, kroner: millions keep the table within the page
        return fmt.millions(v, lang, 2)
    return fmt.number(v, lang, 0 if abs(float(v)) >= 100 else 1)


def _flag_text(flag: str, lang: str) -> str:
    return label("flag", flag, lang)
