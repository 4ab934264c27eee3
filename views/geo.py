"""The map's geometry as the page draws it, importable without pandas or plotly (the dashboard server serves it).

The 98 boundaries of data/reference/municipalities.geojson with Bornholm moved into an inset box in the empty
Kattegat corner, every feature keyed by id = municipality code. `views.map` validates and draws them; the
dashboard server (`server.serve`) serves the same bytes at ROUTE, and tells its kernels the address in
$FRIVILLIGDATA_GEOJSON_URL. A map drawn in such a kernel names that address instead of holding the geometry:
plotly.js fetches it once per page (from the dashboard's own server, never from outside) and keeps it, so a redraw
sends the values and not 240 kB of boundaries. Anywhere else (the report, JupyterLab) the geometry stays inline.
"""
from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

GEOJSON_PATH = Path(__file__).resolve().parent.parent / "data" / "reference" / "municipalities.geojson"
BORNHOLM = 400
# Bornholm's shift into the inset (degrees lon, lat) and the inset's frame (lon, lat corners)
INSET_SHIFT = (-2.57, 2.21)
INSET_BOX = ((11.95, 57.08), (12.75, 57.62))
URL_ENV = "FRIVILLIGDATA_GEOJSON_URL"
ROUTE = "voila/frivillig/municipalities.geojson"


def inset(data: dict) -> dict:
    """The FeatureCollection the map draws: Bornholm moved into the inset, features keyed by id = municipality code."""
    dx, dy = INSET_SHIFT
    features = []
    for f in data["features"]:
        code = f["properties"]["municipality_code"]
        coords = f["geometry"]["coordinates"]
        if code == BORNHOLM:
            coords = [[[[x + dx, y + dy] for x, y in ring] for ring in poly] for poly in coords]
        features.append({"type": "Feature", "id": code, "properties": f["properties"],
                         "geometry": {"type": "MultiPolygon", "coordinates": coords}})
    return {"type": "FeatureCollection", "features": features}


@lru_cache(maxsize=2)
def _drawn(path: str, mtime_ns: int) -> tuple[bytes, str]:
    body = json.dumps(inset(json.loads(Path(path).read_text(encoding="utf-8"))), separators=(",", ":")).encode()
    return body, hashlib.sha256(body).hexdigest()[:12]


def drawn_bytes(path: Path = GEOJSON_PATH) -> tuple[bytes, str]:
    """The drawn FeatureCollection as compact JSON, and a version of it (for the address, so caches stay right)."""
    return _drawn(str(path), Path(path).stat().st_mtime_ns)


def served_url(base_url: str, path: Path = GEOJSON_PATH) -> str:
    """The address the dashboard server serves the drawn geometry at (under its base URL, with its version)."""
    return base_url.rstrip("/") + "/" + ROUTE + "?v=" + drawn_bytes(path)[1]


def trace_geojson(drawn: dict) -> dict | str:
    """What a choropleth trace gets as its geojson: the server's address when one is set (see the module
    docstring), else the geometry itself."""
    return os.environ.get(URL_ENV, "").strip() or drawn
