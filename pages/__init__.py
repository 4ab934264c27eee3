"""Each dashboard page declared as data: its controls and allowed values, its headline figures and its panels, each
panel naming the view it shows and the controls it uses. The dashboards render these; the prebuild walks them."""
from __future__ import annotations

from . import frivillige, kommuneprofil, kommunerne, om_data, samarbejde
from .model import Page

PAGES: dict[str, Page] = {p.notebook: p for p in (frivillige.PAGE, kommunerne.PAGE, samarbejde.PAGE,
                                                   kommuneprofil.PAGE, om_data.PAGE)}
