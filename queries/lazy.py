"""Modules imported when first used.

A dashboard page drawn from the shared cache (views.cache) needs neither pandas, numpy nor DuckDB, yet
importing them at the top of every module cost each page's kernel about 0.4 s of CPU and 60 MB (issue 11). A module
that needs one of them only to compute holds `pd = lazy("pandas")` instead of `import pandas as pd`: the name stands
for the module and imports it the first time an attribute is read. The real module enters sys.modules only then, so
libraries that ask whether pandas is loaded (plotly's JSON encoder does) are not misled.
"""
from __future__ import annotations

import importlib
from types import ModuleType


class LazyModule:
    """Stands for the module `name` until an attribute is read, then forwards every read to it."""

    def __init__(self, name: str):
        self.__dict__["_lazy_name"] = name
        self.__dict__["_lazy_module"] = None

    def _load(self) -> ModuleType:
        module = self.__dict__["_lazy_module"]
        if module is None:
            module = self.__dict__["_lazy_module"] = importlib.import_module(self.__dict__["_lazy_name"])
        return module

    def __getattr__(self, attr: str):
        return getattr(self._load(), attr)

    def __setattr__(self, attr: str, value) -> None:  # monkeypatching in tests reaches the real module
        setattr(self._load(), attr, value)

    def __repr__(self) -> str:
        loaded = "loaded" if self.__dict__["_lazy_module"] is not None else "not yet imported"
        return f"<lazy module {self.__dict__['_lazy_name']!r} ({loaded})>"


def lazy(name: str) -> LazyModule:
    return LazyModule(name)
