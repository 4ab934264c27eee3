"""Kommunerne: the municipal survey (who answered, framework elements and score, staff) and Serviceloven §18 grants
per inhabitant and payout ratio, on a map of the 98 municipalities and ranked (?indikator=payout_ratio&year=2019)."""
from views import municipal, survey

from .controls import Indicator, IndicatorYear
from .model import Page, Panel

INDICATOR = {"indikator": "indicator", "year": "year"}

PAGE = Page(
    "2_kommunerne.ipynb",
    # the year dropdown lists only the years the chosen indicator has figures for
    controls=(Indicator(), IndicatorYear()),
    # the indicator's figure for the whole country and how many municipalities have one
    headlines=Panel("headlines", municipal.headlines, uses=INDICATOR, kind="headlines"),
    panels=(
        Panel("municipality_map", municipal.map_view, uses=INDICATOR),
        Panel("ranking", municipal.municipal_ranking, uses=INDICATOR),
        Panel("elements", survey.element_shares, uses=("year",)),
        Panel("response", survey.national_series, args={"metric": "municipal_response", "value": "response_rate"}),
        Panel("staff", survey.national_series, args={"metric": "staff_fte_total", "value": "staff_fte_total"}),
    ),
)
