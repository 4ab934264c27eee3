"""Make data/reference/municipalities.geojson, the compact map of the 98 municipalities, from DAGI's boundaries.

    python data/reference/simplify_boundaries.py [SOURCE] [--out PATH] [--tolerance-m 120]

SOURCE defaults to ../shared/reference/municipalities_dagi2014.geojson (DAGI, Geodatastyrelsen & Danske Kommuner,
2014, 1:500,000; 311 polygons, 41,000 points). The output has one MultiPolygon feature per municipality with
properties `municipality_code` (int) and `name` (from municipalities.csv), coordinates rounded to 4 decimals.

The simplification keeps shared borders shared: every ring is cut into arcs at the points where the set of
polygons along the boundary changes (where three municipalities meet, where a land border reaches the coast), and
each arc is simplified once by Douglas-Peucker, so two neighbours get exactly the same simplified border (no gaps,
no slivers). An arc always keeps its farthest point, so no ring collapses. Islands smaller than --min-island-km2
are dropped, except a municipality's largest polygon. Christiansø (code 0411) is not a municipality and is left
out. The rings keep the source's orientation (exterior clockwise, as d3-geo and plotly expect).

Pure Python, standard library only: a rebuild needs nothing beyond the repository.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_SOURCE = REPO.parent / "shared" / "reference" / "municipalities_dagi2014.geojson"
DEFAULT_OUT = HERE / "municipalities.geojson"
MUNICIPALITIES_CSV = HERE / "municipalities.csv"
NOT_A_MUNICIPALITY = {411}  # Christiansø: administered by the state, in no municipality
DECIMALS = 4  # about 11 m north-south, 6 m east-west: far below the 1:500,000 source's accuracy
# metres per degree at Danish latitudes (56° N): a local equirectangular plane for distances and areas
M_PER_DEG_LAT = 111_320.0
M_PER_DEG_LON = M_PER_DEG_LAT * math.cos(math.radians(56.0))

Point = tuple[float, float]


def _xy(p: Point) -> tuple[float, float]:
    return p[0] * M_PER_DEG_LON, p[1] * M_PER_DEG_LAT


def _segment_distance(p: Point, a: Point, b: Point) -> float:
    """Distance in metres from p to the segment a-b."""
    (px, py), (ax, ay), (bx, by) = _xy(p), _xy(a), _xy(b)
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    if length2 == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    """The open polyline simplified with both ends fixed; the farthest interior point is always kept."""
    if len(points) <= 2:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    first = True
    stack = [(0, len(points) - 1)]
    while stack:
        i, j = stack.pop()
        if j - i < 2:
            continue
        far, dist = i + 1, -1.0
        for k in range(i + 1, j):
            d = _segment_distance(points[k], points[i], points[j])
            if d > dist:
                far, dist = k, d
        if dist > tolerance or first:
            first = False
            keep[far] = True
            stack += [(i, far), (far, j)]
    return [p for p, k in zip(points, keep) if k]


def ring_area_m2(ring: list[Point]) -> float:
    """Unsigned area of a closed ring in square metres (local plane)."""
    xy = [_xy(p) for p in ring]
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(xy, xy[1:]))) / 2


def read_source(path: Path) -> dict[int, list[list[list[Point]]]]:
    """code -> polygons (each a list of rings: exterior first, then holes), closing point kept, z dropped."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out: dict[int, list] = {}
    for i, feature in enumerate(data["features"]):
        props = feature.get("properties") or {}
        try:
            code = int(props["KOMKODE"])
        except (KeyError, TypeError, ValueError):
            sys.exit(f"error: {path}: feature {i}: property KOMKODE missing or not a number: {props!r}")
        geom = feature["geometry"]
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        for poly in polys:
            rings = []
            for ring in poly:
                pts = [(float(p[0]), float(p[1])) for p in ring]
                if pts[0] != pts[-1]:
                    pts.append(pts[0])
                rings.append(pts)
            out.setdefault(code, []).append(rings)
    return out


def simplify(polygons: dict[int, list], tolerance_m: float, min_island_m2: float) -> dict[int, list]:
    """Topology-preserving simplification (see the module docstring)."""
    # every ring, with an id, and which rings use each undirected edge
    rings: list[list[Point]] = []
    where: list[tuple[int, int, int]] = []  # ring id -> (code, polygon index, ring index)
    for code, polys in polygons.items():
        for pi, poly in enumerate(polys):
            for ri, ring in enumerate(poly):
                where.append((code, pi, ri))
                rings.append(ring)
    edge_rings: dict[frozenset, set[int]] = {}
    for rid, ring in enumerate(rings):
        for a, b in zip(ring, ring[1:]):
            edge_rings.setdefault(frozenset((a, b)), set()).add(rid)

    def sharers(a: Point, b: Point) -> frozenset:
        return frozenset(edge_rings[frozenset((a, b))])

    simplified_arcs: dict[tuple[Point, ...], list[Point]] = {}

    def simplify_arc(arc: list[Point]) -> list[Point]:
        key, rev = tuple(arc), tuple(reversed(arc))
        canonical = min(key, rev)
        if canonical not in simplified_arcs:
            pts = list(canonical)
            if pts[0] == pts[-1]:  # a closed arc (an island): split at the point farthest from its start
                far = max(range(1, len(pts) - 1), key=lambda k: _segment_distance(pts[k], pts[0], pts[0]))
                pts = douglas_peucker(pts[:far + 1], tolerance_m)[:-1] + douglas_peucker(pts[far:], tolerance_m)
            else:
                pts = douglas_peucker(pts, tolerance_m)
            simplified_arcs[canonical] = pts
        out = simplified_arcs[canonical]
        return list(out) if key == canonical else list(reversed(out))

    new_rings: list[list[Point]] = []
    for ring in rings:
        body = ring[:-1]
        n = len(body)
        # a node is a vertex where the polygons along the boundary change (incoming vs outgoing edge)
        nodes = [k for k in range(n) if sharers(body[k - 1], body[k]) != sharers(body[k], body[(k + 1) % n])]
        if not nodes:  # start where a neighbour sharing the whole ring (an enclave's hole) starts too
            start = body.index(min(body))
            body = body[start:] + body[:start]
            new_rings.append(simplify_arc(body + body[:1]))
            continue
        out: list[Point] = []
        for a, b in zip(nodes, nodes[1:] + [nodes[0] + n]):
            arc = [body[k % n] for k in range(a, b + 1)]
            piece = simplify_arc(arc)
            out += piece if not out else piece[1:]
        new_rings.append(out)

    result: dict[int, list] = {}
    for (code, pi, ri), ring in zip(where, new_rings):
        ring = [(round(x, DECIMALS), round(y, DECIMALS)) for x, y in ring]
        ring = [p for k, p in enumerate(ring) if k == 0 or p != ring[k - 1]]  # rounding may repeat a point
        polys = result.setdefault(code, {})
        polys.setdefault(pi, []).append(ring)
    for code, polys in result.items():
        kept = [rings_ for _, rings_ in sorted(polys.items()) if len(rings_[0]) >= 4]
        largest = max(kept, key=lambda rs: ring_area_m2(rs[0]))
        result[code] = [rs for rs in kept if rs is largest or ring_area_m2(rs[0]) >= min_island_m2]
    return result


def names() -> dict[int, str]:
    with open(MUNICIPALITIES_CSV, encoding="utf-8", newline="") as f:
        return {int(r["kommunekode"]): r["kommune"] for r in csv.DictReader(f)}


def feature_collection(polygons: dict[int, list]) -> dict:
    known = names()
    missing = sorted(set(known) - set(polygons))
    unknown = sorted(set(polygons) - set(known))
    if missing or unknown:
        sys.exit(f"error: boundaries do not match {MUNICIPALITIES_CSV}: missing {missing}, unknown {unknown}")
    features = [{
        "type": "Feature",
        "properties": {"municipality_code": code, "name": known[code]},
        "geometry": {"type": "MultiPolygon",
                     "coordinates": [[[list(p) for p in ring] for ring in poly] for poly in polygons[code]]},
    } for code in sorted(polygons)]
    return {
        "type": "FeatureCollection",
        "source": "Indeholder data fra Geodatastyrelsen, DAGI (kommunegrænser 2014-02-13, 1:500.000), forenklet "
                  "med data/reference/simplify_boundaries.py",
        "features": features,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--tolerance-m", type=float, default=120.0, help="Douglas-Peucker tolerance in metres")
    ap.add_argument("--min-island-km2", type=float, default=0.5, help="drop islands smaller than this")
    args = ap.parse_args(argv)
    if not args.source.exists():
        print(f"error: {args.source} not found", file=sys.stderr)
        return 2
    polygons = {c: p for c, p in read_source(args.source).items() if c not in NOT_A_MUNICIPALITY}
    before = sum(len(r) for ps in polygons.values() for poly in ps for r in poly)
    simple = simplify(polygons, args.tolerance_m, args.min_island_km2 * 1e6)
    after = sum(len(r) for ps in simple.values() for poly in ps for r in poly)
    text = json.dumps(feature_collection(simple), ensure_ascii=False, separators=(",", ":"))
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"{args.out}: {len(simple)} municipalities, {sum(len(p) for p in simple.values())} polygons, "
          f"{before} -> {after} points, {len(text) / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
