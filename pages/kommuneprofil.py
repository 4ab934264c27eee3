"""Kommuneprofil: one municipality beside its region, the whole country and the five municipalities closest to it in
population, on fixed axes with one colour per role (?kommune=147); the share who volunteered as a model-based
estimate beside the survey's direct estimate."""
from views import municipal

from .controls import Municipality
from .model import Page, Panel

KOMMUNE = {"kommune": "kommune"}


def _comparison(name: str, indicator: str, **args) -> Panel:
    """The indicator beside the region, the country and the five municipalities closest in population."""
    return Panel(name, municipal.comparison, uses=KOMMUNE, args={"indicator": indicator, **args})


PAGE = Page(
    "4_kommuneprofil.ipynb",
    controls=(Municipality(whole_country=False),),
    # model-based share who volunteered, framework score, §18 grants per inhabitant, partnership share
    headlines=Panel("headlines", municipal.profile_headlines, uses=KOMMUNE, kind="headlines"),
    panels=(
        _comparison("framework", "framework_score", explain=True),
        _comparison("grants", "granted_per_inhabitant"),
        _comparison("payout", "payout_ratio"),
        _comparison("coverage", "application_coverage"),
        _comparison("partnerships", "partnership_share"),
        # the model-based share with its interval, the direct survey estimate and n beside it
        Panel("participation", municipal.participation_comparison, uses=KOMMUNE),
        Panel("hours", municipal.survey_comparison, uses=KOMMUNE, args={"metric": "hours_per_month"}),
        # where the municipality lies, on the map of its framework score
        Panel("placement", municipal.map_view, uses={"kommune": "highlight"},
              args={"indicator": "framework_score", "year": None}),
    ),
)
