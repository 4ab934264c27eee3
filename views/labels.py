"""Labels of codes (data/reference/labels.csv), the UI texts in Danish and English, and number formatting."""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from queries.lazy import lazy

pd = lazy("pandas")


REPO = Path(__file__).resolve().parent.parent
LABELS_CSV = REPO / "data" / "reference" / "labels.csv"
MUNICIPALITIES_CSV = REPO / "data" / "reference" / "municipalities.csv"
LANGS = ("da", "en")

# Every text a user reads that is not a code label or a metric title: (Danish, English).
UI: dict[str, tuple[str, str]] = {
    "site": ("Frivilligdata", "Frivilligdata"),
    "site_sub": ("Frivillighed i Danmark i tal", "Volunteering in Denmark in figures"),
    "home": ("← Forside", "← Home"),
    "switch_lang": ("English", "Dansk"),
    "year": ("Bølge (år)", "Wave (year)"),
    "by": ("Opdeling", "Breakdown"),
    "ref": ("Sammenlign med", "Compare with"),
    "kommune": ("Kommune", "Municipality"),
    "indicator": ("Indikator", "Indicator"),
    "whole_country": ("Hele landet", "Whole country"),
    "definition": ("Definition", "Definition"),
    "unit": ("Enhed", "Unit"),
    "source": ("Kilde", "Source"),
    "download_csv": ("Hent tabellen som CSV", "Download the table as CSV"),
    "show_table": ("Vis tabellen bag figuren", "Show the table behind the chart"),
    "png_hint": ("Gem figuren som PNG med kamera-ikonet over figuren.",
                 "Save the chart as PNG with the camera icon above it."),
    "ours": ("Vores beregning", "Our estimate"),
    "published": ("Offentliggjort tal", "Published figure"),
    "ci": ("95 %-konfidensinterval", "95% confidence interval"),
    # the plain verdict on a change between waves or a difference between groups (the query layer's verdict column)
    "reliable_change": ("en sikker ændring", "a reliable change"),
    "not_reliable_change": ("ikke en sikker ændring", "not a reliable change"),
    "reliable_difference": ("en sikker forskel", "a reliable difference"),
    "not_reliable_difference": ("ikke en sikker forskel", "not a reliable difference"),
    "pp": ("procentpoint", "percentage points"),
    # the change and contrast panels of "Hvem er de frivillige?" (dashboards/changes.py)
    "change_title": ("Ændring siden tidligere målinger", "Change since earlier waves"),
    "contrast_title": ("Forskelle mellem grupperne", "Differences between the groups"),
    "change_since": ("siden {year}", "since {year}"),
    "against_all": ("i forhold til hele befolkningen", "compared with the whole population"),
    "against_all_volunteers": ("i forhold til alle frivillige", "compared with all volunteers"),
    "against": ("i forhold til {label}", "compared with {label}"),
    "diff_interval": ("95 %-interval {low} til {high}", "95% interval {low} to {high}"),
    "diff_uncertain": ("usikkert tal (under {min_n_reliable} svar)", "uncertain figure (under {min_n_reliable} responses)"),
    "diff_suppressed": ("ikke vist: for få svar (under {min_n_shown})",
                        "not shown: too few responses (under {min_n_shown})"),
    "hours": ("timer", "hours"),
    "axis_rate": ("Procentpoint med 95 %-interval", "Percentage points with 95% interval"),
    "axis_hours": ("Timer om måneden med 95 %-interval", "Hours per month with 95% interval"),
    "legend_reliable": ("Fyldt prik: sikker · åben: ikke sikker", "Filled dot: reliable · open: not reliable"),
    "total_note": ("Opdelingen er I alt; forskellene vises efter {dimension}.",
                   "The breakdown is Total; the differences are shown by {dimension}."),
    "verdict_reliable": ("sikker", "reliable"),
    "verdict_not_reliable": ("ikke sikker", "not reliable"),
    "suppressed_reason": ("for få svar (under {min_n_shown})", "too few responses (under {min_n_shown})"),
    "uncertain_reason": ("usikkert ({min_n_shown}-{max_n_uncertain} svar)",
                         "uncertain ({min_n_shown}-{max_n_uncertain} responses)"),
    "suppressed_note": ("Tomme felter: {cats} – {reason}.", "Gaps: {cats} – {reason}."),
    "no_data": ("Ingen data for dette valg.", "No data for this selection."),
    "load_error": ("Tallene til denne figur kunne ikke hentes ({msg}).",
                   "The figures for this chart could not be loaded ({msg})."),
    "bad_param": ("Ugyldig værdi i adressen: {name}={value!r}. Viser i stedet {default}.",
                  "Invalid value in the address: {name}={value!r}. Showing {default} instead."),
    "unknown_param": ("Ukendt parameter i adressen ignoreret: {name}.",
                      "Unknown parameter in the address ignored: {name}."),
    # serving (server.serve): the busy page and the message when a page's kernel is gone
    "busy_title": ("Der er travlt lige nu", "The dashboards are busy right now"),
    "busy_text": ("Mange bruger dashboards lige nu, så der er ikke plads til en side mere. Prøv igen om lidt.",
                  "Many people are using the dashboards right now, so there is no room for one more page. "
                  "Please try again shortly."),
    "busy_retry": ("Siden prøver igen af sig selv om {seconds} sekunder.",
                   "This page tries again by itself in {seconds} seconds."),
    "busy_now": ("Prøv igen nu", "Try again now"),
    "kernel_lost": ("Forbindelsen til beregningerne bag siden er tabt, så figurerne kan ikke længere opdateres. "
                    "Genindlæs siden for at fortsætte.",
                    "The computation behind this page has stopped, so the charts can no longer be updated. "
                    "Reload the page to continue."),
    "server_lost": ("Serveren svarer ikke. Genindlæs siden, når den er tilbage.",
                    "The server does not answer. Reload the page when it is back."),
    "new_figures": ("Der er udgivet nye tal. Genindlæs siden for at se dem.",
                    "New figures have been published. Reload the page to see them."),
    "reload": ("Genindlæs", "Reload"),
    "trend": ("Udvikling over bølgerne", "Trend over the waves"),
    "series_lines": ("Hver linje er én undersøgelse med én definition af frivilligt arbejde: {lines}. Linjerne måler "
                     "forskelligt, så tallene kan kun sammenlignes inden for en linje, ikke på tværs af linjerne.",
                     "Each line is one survey with one definition of volunteering: {lines}. The lines measure "
                     "differently, so the figures can be compared within a line only, not across lines."),
    "no_comparable_wave": ("Ingen tidligere måling i samme undersøgelse med samme definition at sammenligne {year} "
                           "med, så ingen ændring vises.",
                           "No earlier wave of the same survey with the same definition to compare {year} with, so "
                           "no change is shown."),
    "map": ("Kort over de 98 kommuner", "Map of the 98 municipalities"),
    "ranked": ("Kommunerne rangeret", "Municipalities ranked"),
    "rank": ("Placering", "Rank"),
    "value": ("Værdi", "Value"),
    "category": ("Kategori", "Category"),
    "no_value": ("ingen værdi", "no value"),
    "country": ("Hele landet", "Whole country"),
    "region": ("Region", "Region"),
    "year_label": ("År", "Year"),
    "link_here": ("Link til denne visning", "Link to this view"),
    "fte_note": ("Fuldtidsstillinger = timer i alt / {hours} timer (37 timer × 52 uger).",
                 "Full-time equivalents = total hours / {hours} hours (37 hours × 52 weeks)."),
    "less_than_5": ("<5", "<5"),
    "year_fallback": ("Ingen tal for {year}; viser {shown}.", "No figures for {year}; showing {shown}."),
    "all_years": ("Alle år", "All years"),
    "show_codes": ("Vis alle {n} koder", "Show all {n} codes"),
    "show_columns": ("Vis alle {n} kolonner", "Show all {n} columns"),
    "yes": ("ja", "yes"),
    "no": ("nej", "no"),
    "responses": ("svar", "responses"),
    "demo_short": ("syntetiske demodata", "synthetic demo data"),
    "how_computed": ("Sådan er tallet beregnet", "How the figure is computed"),
    "download_csv_exact": ("CSV med alle decimaler (til forskere)", "CSV with all decimals (for researchers)"),
    "download_xlsx": ("Hent som Excel (XLSX)", "Download as Excel (XLSX)"),
    "sheet_shown": ("Som vist", "As shown"),
    "sheet_exact": ("Alle decimaler", "All decimals"),
    "sheet_provenance": ("Herkomst", "Provenance"),
    "copy_link": ("Kopiér link", "Copy link"),
    "copied": ("Linket er kopieret", "The link is copied"),
    "copy_failed": ("Markér adressen og kopiér den", "Select the address and copy it"),
    "chart_summary": ("Figuren viser", "The chart shows"),
    "headlines": ("Hovedtal", "Key figures"),
    "not_for_breakdown": ("{title} kan ikke opdeles efter {dimension}, fordi befolkningstallene ikke har den "
                          "opdeling. Figuren viser i stedet hele landet.",
                          "{title} cannot be broken down by {dimension}, because the population figures do not "
                          "have that breakdown. The chart shows the whole country instead."),
    "png_title": ("Hent figuren som PNG", "Download the chart as PNG"),
    "controls": ("Valg", "Choices"),
    "nav": ("Dashboards", "Dashboards"),
    # headline figures of Kommunerne and Kommuneprofil (the metric's own sentence is in queries/<metric>.yml)
    "headline_municipalities": ("{value} af de {total} kommuner har et tal i {year}; de øvrige er grå på kortet",
                                "{value} of the {total} municipalities have a figure in {year}; the others are "
                                "grey on the map"),
    "headline_profile": ("{title}, {name} {year} (hele landet: {country})",
                         "{title}, {name} {year} (whole country: {country})"),
    # the map (dashboards/map.py); the credit wording is Geodatastyrelsen's attribution requirement
    "map_credit": ("Indeholder data fra Geodatastyrelsen, DAGI", "Contains data from Geodatastyrelsen, DAGI"),
    "map_not_answered": ("Ikke svaret", "Did not respond"),
    "map_no_figure": ("Ingen tal", "No figure"),
    "map_chosen": ("Valgt: {name}", "Chosen: {name}"),
    # Kommuneprofil (dashboards/municipal.py): the roles on every chart, reasons at the axis and the notes
    "role_municipality": ("Kommunen", "The municipality"),
    "role_model": ("Kommunen, modelberegnet skøn", "The municipality, model-based estimate"),
    "role_direct": ("Kommunen, direkte skøn fra undersøgelsen", "The municipality, direct survey estimate"),
    "model_estimate": ("modelberegnet skøn", "model-based estimate"),
    "synthetic_estimate": ("modelberegnet skøn uden svar fra kommunen", "model-based estimate without responses from "
                           "the municipality"),
    "direct_estimate": ("direkte skøn, {n} svar", "direct estimate, {n} responses"),
    "no_responses": ("ingen svar", "no responses"),
    # what "modelberegnet skøn" means, in one plain sentence (Kommuneprofil, Kommunerne, the report)
    "model_note": ("Modelberegnet skøn: undersøgelsen har for få svar i de fleste kommuner til et sikkert tal, så "
                   "skønnet kombinerer kommunens egne svar med det, kommunens alders- og kønssammensætning og "
                   "størrelse siger om frivillighed i hele landet – jo færre svar, jo mere bygger det på modellen. "
                   "Det er et statistisk skøn med et 95 %-interval, ikke en optælling.",
                   "Model-based estimate: the survey has too few responses in most municipalities for a reliable "
                   "figure, so the estimate combines the municipality's own responses with what its age and gender "
                   "make-up and size say about volunteering across the country – the fewer responses, the more it "
                   "rests on the model. It is a statistical estimate with a 95% interval, not a count."),
    "role_region": ("Regionen", "The region"),
    "role_country": ("Hele landet", "Whole country"),
    "role_similar": ("De 5 kommuner nærmest i indbyggertal", "The 5 municipalities closest in population"),
    "profile_no_value": ("ingen tal", "no figure"),
    "profile_not_answered": ("ikke svaret", "did not respond"),
    "profile_peers_note": ("Sammenlignet med de 5 kommuner, hvis indbyggertal i {year} ligger nærmest {name}s ({n} "
                           "indbyggere): {peers}.",
                           "Compared with the 5 municipalities whose population in {year} is closest to {name}'s "
                           "({n} inhabitants): {peers}."),
    "profile_survey_note": ("Undersøgelsen har for få svar pr. kommune: regionen og hele landet vises.",
                            "The survey has too few responses per municipality: the region and the country are "
                            "shown."),
}

# Titles of the breakdown dimensions offered in the widgets.
DIMENSION_TITLES: dict[str, tuple[str, str]] = {
    "total": ("I alt", "Total"),
    "gender": ("Køn", "Gender"),
    "age_group": ("Alder", "Age group"),
    "region": ("Region", "Region"),
    "landsdel": ("Landsdel", "Province"),
    "east_west": ("Øst/vest", "East/west"),
    "urbanisation": ("Bystørrelse", "Urbanisation"),
    "education": ("Uddannelse", "Education"),
    "employment": ("Beskæftigelse", "Employment"),
    "area": ("Område", "Area"),
    "organisation_form": ("Organisationsform", "Organisation form"),
    "recruited": ("Rekruttering", "Recruitment"),
    "sector": ("Sektor", "Sector"),
    "form": ("Samarbejdsform", "Form of cooperation"),
    "target_group": ("Målgruppe", "Target group"),
    "framework_element": ("Rammeelement", "Framework element"),
    "municipality": ("Kommune", "Municipality"),
}

# Axis titles for the units in the metric headers (the text before any '(' or ';').
UNIT_TITLES: dict[str, tuple[str, str]] = {
    "hours per month per volunteer": ("Timer pr. måned pr. frivillig", "Hours per month per volunteer"),
    "full-time equivalents": ("Fuldtidsstillinger", "Full-time equivalents"),
    "hours per year": ("Timer pr. år", "Hours per year"),
    "persons": ("Personer", "Persons"),
    "DKK per inhabitant": ("Kr. pr. indbygger", "DKK per inhabitant"),
    "DKK": ("Kr.", "DKK"),
    "cooperations": ("Samarbejder", "Cooperations"),
    "municipalities": ("Kommuner", "Municipalities"),
    "number of elements": ("Antal elementer", "Number of elements"),
    "ratio": ("Forhold", "Ratio"),
}


# The five dashboards: notebook file, (Danish title, English title), one-line description (da, en).
DASHBOARDS: list[tuple[str, tuple[str, str], tuple[str, str]]] = [
    ("1_frivillige.ipynb", ("Hvem er de frivillige?", "Who are the volunteers?"),
     ("Andel frivillige efter bølge og baggrund, timer og fuldtidsstillinger, områder, organisationsform og rekruttering.",
      "Share of volunteers by wave and background, hours and full-time equivalents, areas, organisation and recruitment.")),
    ("2_kommunerne.ipynb", ("Kommunerne", "The municipalities"),
     ("Kommuneundersøgelsen, rammer for frivillighed og §18-tilskud på et kort over de 98 kommuner.",
      "The municipal survey, the framework for volunteering and §18 grants on a map of the 98 municipalities.")),
    ("3_samarbejde.ipynb", ("Samarbejde", "Cooperation"),
     ("Samarbejder mellem kommuner og civilsamfund efter form, sektor, område og målgruppe over tid.",
      "Cooperation between municipalities and civil society by form, sector, area and target group over time.")),
    ("4_kommuneprofil.ipynb", ("Kommuneprofil", "Municipality profile"),
     ("Én kommune ved siden af sin region og hele landet på hver indikator.",
      "One municipality beside its region and the whole country on every indicator.")),
    ("5_om_data.ipynb", ("Om data", "About the data"),
     ("Kilder, metoder, kodebog og vores tal over for de offentliggjorte.",
      "Sources, methods, codebook and our figures against the published ones.")),
]


def pick(pair: tuple[str, str], lang: str) -> str:
    """The Danish or English member of a (da, en) pair."""
    return pair[1] if lang == "en" else pair[0]


def t(key: str, lang: str, **fmt) -> str:
    """A UI text in the chosen language, formatted with fmt; {min_n_shown}, {min_n_reliable} and {max_n_uncertain}
    are the survey thresholds as the query layer applies them (queries/_macros.sql, their one home)."""
    text = pick(UI[key], lang)
    if "{min_n_" in text or "{max_n_" in text:
        import queries

        th = queries.survey_thresholds()
        fmt = {"min_n_shown": th["min_n_shown"], "min_n_reliable": th["min_n_reliable"],
               "max_n_uncertain": th["min_n_reliable"] - 1, **fmt}
    return text.format(**fmt) if fmt else text


def dimension_title(dimension: str, lang: str) -> str:
    return pick(DIMENSION_TITLES.get(dimension, (dimension, dimension)), lang)


@lru_cache(maxsize=1)
def _labels() -> dict[tuple[str, str], tuple[str, str, int]]:
    with open(LABELS_CSV, encoding="utf-8", newline="") as f:
        return {(r["dimension"], r["code"]): (r["label_da"], r["label_en"], int(r["sort_order"]))
                for r in csv.DictReader(f)}


@lru_cache(maxsize=1)
def municipalities() -> dict[int, dict[str, str]]:
    """The 98 municipalities from the reference file: code -> name, region code and region name."""
    with open(MUNICIPALITIES_CSV, encoding="utf-8", newline="") as f:
        return {int(r["kommunekode"]): {"name": r["kommune"], "region_code": r["regionskode"],
                                        "region": r["region"]} for r in csv.DictReader(f)}


# Headings of the result columns in the tables shown under charts (the CSV download keeps the column names).
COLUMN_TITLES: dict[str, tuple[str, str]] = {
    "year": ("År", "Year"),
    "estimate": ("Estimat", "Estimate"),
    "se": ("Standardfejl", "Standard error"),
    "ci_low": ("95 %-interval, nedre", "95% interval, lower"),
    "ci_high": ("95 %-interval, øvre", "95% interval, upper"),
    "n": ("Antal svar (n)", "Responses (n)"),
    "flag": ("Bemærkning", "Note"),
    "deff": ("Designeffekt (deff)", "Design effect (deff)"),
    "n_eff": ("Effektivt antal svar (n / deff)", "Effective n (n / deff)"),
    "municipality_code": ("Kommunekode", "Municipality code"),
    "file": ("Fil", "File"),
    "rows": ("Rækker", "Rows"),
    "encoding": ("Tegnsæt", "Encoding"),
    "delimiter": ("Skilletegn", "Delimiter"),
    "synthetic": ("Syntetisk", "Synthetic"),
    "table": ("Tabel", "Table"),
    "column": ("Kolonne", "Column"),
    "type": ("Type", "Type"),
    "comment": ("Beskrivelse", "Description"),
    "sha256": ("Kontrolsum (SHA-256)", "Checksum (SHA-256)"),
    "dimension": ("Opdeling", "Dimension"),
    "code": ("Kode", "Code"),
    "label_da": ("Dansk betegnelse", "Danish label"),
    "label_en": ("Engelsk betegnelse", "English label"),
    "sort_order": ("Rækkefølge", "Order"),
    "category": ("Kategori", "Category"),
    "municipality_name": ("Kommune", "Municipality"),
    "region_code": ("Regionskode", "Region code"),
    "landsdel_code": ("Landsdelskode", "Province code"),
    "start_year": ("Startår", "Start year"),
    "end_year": ("Slutår", "End year"),
    "published": ("Offentliggjort tal", "Published figure"),
    # the tables of the change and contrast panels (dashboards/changes.py)
    "group": ("Gruppe", "Group"),
    "compared_with": ("Sammenlignet med", "Compared with"),
    "n_since": ("Antal svar (n), tidligere måling", "Responses (n), earlier wave"),
    "n_reference": ("Antal svar (n), sammenligning", "Responses (n), comparison"),
    "verdict": ("Vurdering", "Verdict"),
    "sentence": ("I ord", "In words"),
}


def column_title(column: str, lang: str = "da") -> str:
    """Heading of a result column for people; unknown columns keep their name."""
    hit = COLUMN_TITLES.get(column)
    return column if hit is None else hit[1 if lang == "en" else 0]


def label(dimension: str, code, lang: str = "da") -> str:
    """The label of a code; municipality codes get their name; an unknown code is shown as itself."""
    code = "" if code is None else str(code)
    if dimension in ("municipality", "municipality_code", "kommune"):
        try:
            return municipalities()[int(code)]["name"]
        except (KeyError, ValueError):
            return code
    hit = _labels().get((dimension, code))
    if hit is None:
        return code
    return hit[1] if lang == "en" else hit[0]


def sort_key(dimension: str, code) -> tuple:
    """Sort position of a code in its dimension (label file order; unknown codes last, by code)."""
    hit = _labels().get((dimension, "" if code is None else str(code)))
    return (0, hit[2], "") if hit else (1, 0, str(code))


def codes(dimension: str) -> list[str]:
    """The codes of a dimension in label-file order."""
    found = [(v[2], c) for (d, c), v in _labels().items() if d == dimension]
    return [c for _, c in sorted(found)]
