"""Om data: sources, methods, the codebook (labels and warehouse column comments) and our figures against the
published ones."""
from views import survey

from .model import Page, Panel

PAGE = Page(
    "5_om_data.ipynb",
    panels=(
        Panel("sources", survey.about_sources, kind="text"),
        Panel("methods", survey.about_methods, kind="text"),
        Panel("codebook", survey.about_codebook, kind="text"),
        Panel("comparison", survey.published_vs_computed),
    ),
)
