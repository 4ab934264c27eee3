"""The kinds of control a page declares. Each reads its allowed values (waves, breakdowns, municipalities,
indicators) from the warehouse and the label files when the page is built, in the page's language."""
from __future__ import annotations

from dataclasses import dataclass

from views import changes, data, municipal, survey
from views.present import pick_year
from views.labels import dimension_title, municipalities, t

from .model import Control, ControlSpec


def _year(value: str) -> int:
    return int(value)


def _kommune(value: str) -> int | None:
    return None if value == "all" else int(value)


def _text(value):
    return value


@dataclass(frozen=True)
class Year(ControlSpec):
    """The survey wave of `metric` (URL parameter year); default the latest."""
    metric: str
    name: str = "year"

    def build(self, lang: str) -> Control:
        years = sorted(data.waves(self.metric))
        default = str(years[-1]) if years else None
        return Control(self.name, t("year", lang), [(str(y), str(y)) for y in years], default, _year)


@dataclass(frozen=True)
class Breakdown(ControlSpec):
    """The breakdown (URL parameter by) from the metric's whitelist, without `exclude`."""
    metric: str
    default: str = "total"
    exclude: tuple[str, ...] = ()
    name: str = "by"

    def dimensions(self) -> list[str]:
        return [d for d in survey.dimensions(self.metric) if d not in self.exclude]

    def build(self, lang: str) -> Control:
        dims = self.dimensions()
        return Control(self.name, t("by", lang), [(dimension_title(d, lang), d) for d in dims],
                       self.default if self.default in dims else dims[0])


@dataclass(frozen=True)
class Reference(ControlSpec):
    """The contrasts' reference group (URL parameter ref): the categories of the breakdown chosen in `parent`."""
    breakdown: Breakdown
    name: str = "ref"

    def build(self, lang: str) -> Control:
        options_by = changes.reference_options(self.breakdown.metric, self.breakdown.dimensions(), lang)
        union = [o for opts in options_by.values() for o in opts]
        return Control(self.name, t("ref", lang), union, None, _text, parent=self.breakdown.name,
                       options_by=options_by)


@dataclass(frozen=True)
class Municipality(ControlSpec):
    """A municipality (URL parameter kommune = its code); with `whole_country` first the whole country ('all')."""
    whole_country: bool = True
    default: int = 101
    name: str = "kommune"

    def build(self, lang: str) -> Control:
        munis = municipalities()
        opts = [(m["name"], str(code)) for code, m in sorted(munis.items(), key=lambda kv: kv[1]["name"])]
        if self.whole_country:
            opts = [(t("whole_country", lang), "all"), *opts]
        return Control(self.name, t("kommune", lang), opts, "all" if self.whole_country else str(self.default),
                       _kommune)


@dataclass(frozen=True)
class Indicator(ControlSpec):
    """The municipal indicator on the map (URL parameter indikator)."""
    default: str = "framework_score"
    name: str = "indikator"

    def build(self, lang: str) -> Control:
        return Control(self.name, t("indicator", lang), municipal.indicator_options(lang), self.default)


@dataclass(frozen=True)
class IndicatorYear(ControlSpec):
    """The year of the indicator chosen in `parent`: exactly the years it has figures for, the latest by default.
    When the indicator changes to one without the year shown, the closest earlier year is shown (else the latest),
    so the dropdown always shows the year on the map."""
    parent: str = "indikator"
    name: str = "year"

    def build(self, lang: str) -> Control:
        indicators = [v for _, v in municipal.indicator_options(lang)]
        years_by = {i: municipal.indicator_years(i) for i in indicators}
        options_by = {i: [(str(y), str(y)) for y in years] for i, years in years_by.items()}
        default_by = {i: str(years[-1]) for i, years in years_by.items() if years}
        union = sorted({o for opts in options_by.values() for o in opts}, key=lambda o: int(o[1]))
        return Control(self.name, t("year", lang), union, None, _year, parent=self.parent, options_by=options_by,
                       default_by=default_by, fallback=_closest_year)


def _closest_year(old: str | None, offered: list[str]) -> str | None:
    years = [int(v) for v in offered]
    if not years:
        return None
    shown, _ = pick_year(years, None if old is None else int(old), "da")
    return str(shown)
