"""The annual Frivilligrapport: `python -m reports build --year 2012 [--lang en]` (see reports/build.py)."""
