"""Hvem er de frivillige? Participation in unpaid voluntary work by survey wave and background, hours, full-time
equivalents, areas, organisation form and recruitment (?year=2012&by=gender&ref=female&lang=en)."""
from views import changes, survey

from .controls import Breakdown, Reference, Year
from .model import Page, Panel

RATE = "participation_rate"
BY = Breakdown(RATE)

PAGE = Page(
    "1_frivillige.ipynb",
    controls=(Year(RATE), BY, Reference(BY)),
    # the wave's national figures: share who volunteered, hours per volunteer, full-time equivalents
    headlines=Panel("headlines", survey.headline_rows, uses=("year",), kind="headlines", takes_lang=False,
                    args={"metrics": [RATE, "hours_per_month", "fte"]}),
    panels=(
        # share who volunteered in the chosen wave by the chosen breakdown, the published figure beside ours
        Panel("participation", survey.survey_bars, uses=("year", "by"), args={"metric": RATE}),
        Panel("trend", survey.survey_trend, uses=("by",), args={"metric": RATE}),
        # change since the previous and the first wave per category, with its 95 % interval and verdict
        Panel("change", changes.change_view, uses=("year", "by"), args={"metric": RATE}),
        # each category against the whole population and against the chosen reference group
        Panel("contrast", changes.contrast_view, uses={"year": "year", "by": "by", "ref": "reference"},
              args={"metric": RATE}),
        Panel("hours", survey.survey_bars, uses=("year", "by"), args={"metric": "hours_per_month"}),
        Panel("fte", survey.fte_view, uses=("year", "by")),
        Panel("areas", survey.survey_bars, uses=("year",),
              args={"metric": "area_share", "by": None, "horizontal": True}),
        Panel("organisation", survey.survey_bars, uses=("year",),
              args={"metric": "organisation_form_share", "by": None, "horizontal": True}),
        Panel("recruitment", survey.survey_bars, uses=("year",),
              args={"metric": "recruitment_share", "by": None, "horizontal": True}),
    ),
)
