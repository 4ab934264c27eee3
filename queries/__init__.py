"""The query layer: one SQL file per metric, run read-only against the warehouse.

    from queries import run
    res = run("participation_rate", year=2012, by="gender")
    res.data, res.meta
"""
from .catalog import (Column, Metric, Param, Presentation, QueryError, list_metrics, load_metric, metric_names,
                      presentation, survey_thresholds)
from .engine import Result, WarehouseMissing, close_all, configure, connect, prepare, run, warehouse_path
from .metadata import build_info, build_inputs, codebook, comparable_waves, published_figures, survey_waves

__all__ = [
    "Column",
    "Metric",
    "Param",
    "Presentation",
    "QueryError",
    "Result",
    "WarehouseMissing",
    "build_info",
    "build_inputs",
    "close_all",
    "codebook",
    "comparable_waves",
    "configure",
    "connect",
    "list_metrics",
    "load_metric",
    "metric_names",
    "prepare",
    "presentation",
    "published_figures",
    "run",
    "survey_thresholds",
    "survey_waves",
    "warehouse_path",
]
