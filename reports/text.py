"""The report's fixed text in Danish and English (headings, captions, methods). Numbers are filled in by build.py.

Metric definitions are not here: a figure's caption is its metric's plain definition (queries/<metric>.yml, read
through reports.captions.definition).
"""
from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "da": {
        "title": "Frivilligrapport {year}",
        "subtitle": "Frivilligt arbejde i Danmark: befolkningen, kommunerne og samarbejdet",
        "publisher": "Frivilligdata",
        "built": "Dannet {built} fra datavarehuset (bygget {warehouse_built}).",
        "contents": "Indhold",
        "summary": "Sammenfatning",
        "summary_intro": "De vigtigste tal for {year}. Ændringen er regnet i forhold til forrige måling: "
        "frivilligundersøgelsen {previous}, kommuneundersøgelsen, §18-tilskuddene og samarbejderne året før, "
        "der er data for (året står under ændringen).",
        "summary_intro_first": "De vigtigste tal for {year}. Der er ingen tidligere frivilligundersøgelse at "
        "sammenligne med; for de øvrige kilder står det forrige år under ændringen.",
        "key": "Nøgletal",
        "value": "{year}",
        "change": "Ændring siden forrige måling",
        "no_previous": "ingen tidligere måling",
        "no_comparable": "ingen tidligere måling i samme undersøgelse med samme definition",
        "interval": "95\u00a0%-interval",
        "figure": "Figur",
        "table": "Tabel",
        "definition": "Definition",
        "source": "Kilde",
        "n": "n",
        "unit": "Enhed",
        "n_respondents": "{n} svar (uvægtet)",
        "n_municipalities": "{n} kommuner",
        "n_rows": "{n} rækker",
        "uncertain_note": "* usikkert skøn (50-99 svar).",
        "suppressed": "for få svar",
        "category": "Gruppe",
        "estimate": "Skøn",
        "se": "Standardfejl",
        "ci": "95\u00a0%-interval",
        "flag": "Sikkerhed",
        "year": "År",
        "toc_figures": "figurer",
        "toc_pages": "Sidetallene er sidetallene i pdf-udgaven.",
        "note": "Note",
        "same_definition": "Som under {label}.",
        "methods": "Metode",
        "appendix": "Bilag: vores tal sammenlignet med de offentliggjorte",
        "appendix_intro": (
            "Tabellen stiller de tal, der er offentliggjort i kildedokumenterne, op mod de tal, som denne rapport "
            "beregner for samme år og gruppe. Med demodata er forskellene kun et tjek af kalibreringen."
        ),
        "sources": "Kilder",
        "sources_data": "Data i datavarehuset",
        "sources_published": "Offentliggjorte tal (data/reference/published_figures.csv)",
        "banner": "Demodata: syntetiske svar, ikke den rigtige undersøgelse. Tallene viser, hvordan rapporten "
        "ser ud; de må ikke citeres som fakta om frivilligt arbejde i Danmark.",
        "no_wave": "Der er ingen frivilligundersøgelse for {year} i datavarehuset {db}. Mulige år: {years}.",
        "chapter_people": "Hvem er de frivillige?",
        "chapter_people_intro": (
            "Andelen af befolkningen på 16 år og derover, der har arbejdet frivilligt og ulønnet inden for "
            "de seneste 12 måneder, fordelt på baggrund, tid brugt, områder, organisationsform og rekruttering."
        ),
        "chapter_municipalities": "Kommunerne",
        "chapter_municipalities_intro": (
            "Kommunernes rammer for det frivillige arbejde (kommuneundersøgelsen) og tilskud efter "
            "Servicelovens §18."
        ),
        "chapter_cooperation": "Samarbejde",
        "chapter_cooperation_intro": (
            "Kommunernes samarbejder med foreninger, private og socialøkonomiske virksomheder, fordelt på "
            "formaliseringsgrad (tilskud, mundtlig aftale, samarbejdsaftale, partnerskabsaftale), sektor, "
            "område og målgruppe."
        ),
        "by": "efter {dimension}",
        "trend": "over tid",
    },
    "en": {
        "title": "Volunteering Report {year}",
        "subtitle": "Volunteering in Denmark: the population, the municipalities and their cooperation",
        "publisher": "Frivilligdata",
        "built": "Generated {built} from the warehouse (built {warehouse_built}).",
        "contents": "Contents",
        "summary": "Summary",
        "summary_intro": "The key figures for {year}. Changes are against the previous measurement: the volunteer "
        "survey of {previous}, and for the municipal survey, section 18 grants and cooperations the previous year "
        "with data (shown under the change).",
        "summary_intro_first": "The key figures for {year}. There is no earlier volunteer survey to compare with; "
        "for the other sources the previous year is shown under the change.",
        "key": "Key figure",
        "value": "{year}",
        "change": "Change since the previous measurement",
        "no_previous": "no earlier wave",
        "no_comparable": "no earlier wave of the same survey with the same definition",
        "interval": "95% interval",
        "figure": "Figure",
        "table": "Table",
        "definition": "Definition",
        "source": "Source",
        "n": "n",
        "unit": "Unit",
        "n_respondents": "{n} responses (unweighted)",
        "n_municipalities": "{n} municipalities",
        "n_rows": "{n} rows",
        "uncertain_note": "* uncertain estimate (50-99 responses).",
        "suppressed": "too few responses",
        "category": "Group",
        "estimate": "Estimate",
        "se": "Standard error",
        "ci": "95% interval",
        "flag": "Reliability",
        "year": "Year",
        "toc_figures": "figures",
        "toc_pages": "Page numbers refer to the PDF edition.",
        "note": "Note",
        "same_definition": "As for {label}.",
        "methods": "Methods",
        "appendix": "Appendix: our figures compared with the published ones",
        "appendix_intro": (
            "The table sets the figures published in the source documents beside the figures this report "
            "computes for the same year and group. With demo data the differences only check the calibration."
        ),
        "sources": "Sources",
        "sources_data": "Data in the warehouse",
        "sources_published": "Published figures (data/reference/published_figures.csv)",
        "banner": "Demo data: synthetic responses, not the real survey. The figures show what the report looks "
        "like; do not quote them as facts about volunteering in Denmark.",
        "no_wave": "There is no volunteer survey wave for {year} in the warehouse {db}. Available years: {years}.",
        "chapter_people": "Who are the volunteers?",
        "chapter_people_intro": (
            "The share of residents aged 16 and over who volunteered unpaid in the last 12 months, by background, "
            "time spent, areas, organisation form and recruitment."
        ),
        "chapter_municipalities": "The municipalities",
        "chapter_municipalities_intro": (
            "The municipalities' framework for volunteering (the municipal survey) and grants under section 18 "
            "of the Social Services Act."
        ),
        "chapter_cooperation": "Cooperation",
        "chapter_cooperation_intro": (
            "The municipalities' cooperations with associations, private companies and social economy enterprises, "
            "by degree of formalisation (grant, oral agreement, cooperation agreement, partnership agreement), "
            "sector, area and target group."
        ),
        "by": "by {dimension}",
        "trend": "over time",
    },
}

# Methods chapter: (heading, paragraphs). {placeholders} are filled from the build (hours per FTE, n, waves).
METHODS: dict[str, list[tuple[str, list[str] | None]]] = {
    "da": [
        ("Beregninger", None),  # the presentation layer's methods text (views.present.methods_items)
        ("Demodata", [
            "Datavarehuset indeholder demodata: syntetiske svar, dannet af et program med fast startværdi og "
            "kalibreret, så hver målings offentliggjorte tal genskabes inden for stikprøveusikkerheden. De er ikke "
            "den rigtige undersøgelse. Lægges de rigtige filer i det dokumenterede format i data/raw/, dannes "
            "rapporten af dem uden ændringer i koden.",
        ]),
        ("Samme tal som i dashboards", [
            "Hvert tal og hver figur i rapporten kommer fra de samme SQL-forespørgsler (queries/) og de samme "
            "figurfunktioner som dashboards. Rapporten er dannet med <code>make report YEAR={year}</code>.",
        ]),
    ],
    "en": [
        ("How the figures are computed", None),  # the presentation layer's methods text (views.present.methods_items)
        ("Demo data", [
            "The warehouse holds demo data: synthetic responses generated by a program with a fixed seed, "
            "calibrated so that each wave's published figures are reproduced within sampling error. They are not the "
            "real survey. Real files in the documented format dropped into data/raw/ replace them without code "
            "changes.",
        ]),
        ("The same figures as the dashboards", [
            "Every number and chart in this report comes from the same SQL queries (queries/) and the same chart "
            "functions as the dashboards. The report was generated with <code>make report YEAR={year} LANG=en</code>.",
        ]),
    ],
}

# Warehouse tables as sources a reader recognises.
SOURCE_NAMES: dict[str, dict[str, str]] = {
    "da": {
        "survey_respondents": "Frivilligundersøgelsen (CFSA), befolkningsundersøgelse blandt danskere 16+",
        "municipal_survey": "Kommuneundersøgelsen (CFSA), spørgeskema til de 98 kommuner",
        "grants_s18": "Kommunernes §18-ansøgninger og -bevillinger (Serviceloven §18)",
        "grant_budgets": "Kommunernes §18-budgetter",
        "cooperations": "Kommunernes samarbejder med foreninger og virksomheder",
        "population": "Befolkningen (Danmarks Statistik, FOLK1A)",
        "published_figures": "Offentliggjorte tal (data/reference/published_figures.csv)",
    },
    "en": {
        "survey_respondents": "Volunteer survey (Frivilligundersøgelsen, CFSA), population survey of Danes 16+",
        "municipal_survey": "Municipal survey (Kommuneundersøgelsen, CFSA), questionnaire to the 98 municipalities",
        "grants_s18": "Municipal section 18 applications and grants (Social Services Act, section 18)",
        "grant_budgets": "Municipal section 18 budgets",
        "cooperations": "Municipal cooperations with associations and companies",
        "population": "Population (Statistics Denmark, FOLK1A)",
        "published_figures": "Published figures (data/reference/published_figures.csv)",
    },
}
