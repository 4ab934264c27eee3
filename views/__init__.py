"""Presentation shared by the dashboards and the report: texts, numbers, charts, the map, data access, the view cache and
the view builders. No widgets and no Voilà here (tests/test_architecture.py keeps it so)."""
