"""Samarbejde: cooperation between municipalities and civil society by formalisation form, sector, area and target
group over time, for the whole country or one municipality (?by=sector&kommune=101)."""
from views import survey

from .controls import Breakdown, Municipality
from .model import Page, Panel

COUNTS = "cooperation_counts"

PAGE = Page(
    "3_samarbejde.ipynb",
    controls=(Breakdown(COUNTS, default="form", exclude=("total",)), Municipality()),
    # the latest year's cooperations and partnership share, for the country or the chosen municipality
    headlines=Panel("headlines", survey.headline_rows, uses={"kommune": "municipality_code"}, kind="headlines",
                    takes_lang=False, args={"metrics": [COUNTS, "partnership_share"]}),
    panels=(
        Panel("cooperations", survey.counts_over_time, uses={"by": "by", "kommune": "municipality_code"},
              args={"metric": COUNTS, "value": "cooperations"}),
        Panel("partnerships", survey.share_over_time, uses={"kommune": "municipality_code"},
              args={"metric": "partnership_share", "value": "partnership_share"}),
    ),
)
