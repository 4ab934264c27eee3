-- Warehouse schema: the typed tables that `python -m etl build` loads from the contract files in data/raw/.
-- This file is the contract between etl/ (which writes) and queries/ (which reads). Column comments are applied
-- to the built warehouse, so `duckdb data/warehouse.duckdb "from duckdb_columns()"` documents every column.
-- Flags are integers 0/1 (not booleans) so that survey SQL can average them directly.

-- Reference: the 98 municipalities (data/reference/municipalities.csv).
create table municipalities (
    municipality_code integer primary key, -- kommunekode, e.g. 101 København
    municipality_name varchar not null,    -- Statistics Denmark spelling
    region_code integer not null,          -- 1081-1085
    region_name varchar not null,          -- e.g. Region Hovedstaden
    landsdel_code integer not null,        -- Statistics Denmark's landsdele 1-11
    landsdel_name varchar not null,        -- e.g. Byen København
    east_west varchar not null             -- 'east' (landsdele 1-6) or 'west' (7-11)
);

-- Reference: Danish and English label of every code (data/reference/labels.csv).
create table labels (
    dimension varchar not null,            -- e.g. gender, age_group, region, area, form
    code varchar not null,                 -- the code as stored in the tables (region codes as text)
    label_da varchar not null,             -- Danish label
    label_en varchar not null,             -- English label
    sort_order integer not null,           -- display order within the dimension
    primary key (dimension, code)
);

-- Reference: figures published in the source documents (data/reference/published_figures.csv).
create table published_figures (
    figure_id varchar primary key,         -- e.g. P01
    survey varchar not null,               -- the survey or register the figure comes from
    year integer not null,                 -- year the figure refers to
    population varchar not null,           -- who the figure is about (e.g. Danskere 16+)
    breakdown varchar not null,            -- dimension of the breakdown (total, gender, ...)
    category varchar not null,             -- category within the breakdown
    measure varchar not null,              -- metric name (participation_rate, ...)
    value double not null,                 -- the published value, in unit
    unit varchar not null,                 -- pct, persons, dkk, ...
    comparator varchar not null,           -- '=' exact, '~' approximate, '>' lower bound or order
    source varchar not null,               -- the publishing document
    source_ref varchar not null,           -- file in the seeds folder or web address
    source_quote varchar not null,         -- the quoted text the value is taken from
    series varchar,                        -- survey series of a volunteer-survey figure (survey_waves); null for others
    definition varchar                     -- the definition the figure uses (labels, dimension definition); null for others
);

-- Reference: the survey waves, one row per (series, year) (data/reference/survey_waves.csv, or the raw folder's own
-- survey_waves.csv when a data owner declares waves there). A change is computed only between comparable waves.
create table survey_waves (
    series varchar not null,               -- survey series: national (SFI/VIVE), cfsa (CFSA's Frivilligrapport)
    year integer not null,                 -- survey wave
    fieldwork varchar not null,            -- when the answers were collected, as the source says
    population varchar not null,           -- who was asked (e.g. Danskere 16+)
    sample_size integer,                   -- respondents as published; null when the sources at hand do not say
    definition varchar not null,           -- the definition of volunteering the wave's data follow (labels, dimension definition)
    definition_da varchar not null,        -- the question's definition of volunteering, Danish
    definition_en varchar not null,        -- the question's definition of volunteering, English
    source varchar not null,               -- the publishing document
    source_ref varchar not null,           -- file in the seeds folder or web address
    primary key (series, year)
);

-- Reference: which waves can be compared (both directions listed), from survey_waves.csv's comparable_with.
create table survey_wave_comparable (
    series varchar not null,               -- survey series of both waves
    year integer not null,                 -- one wave
    other integer not null,                -- a wave of the same series with the same definition
    primary key (series, year, other)
);

-- survey_respondents.csv: one row per respondent per survey wave.
create table survey_respondents (
    year integer not null,                 -- survey wave
    respondent_id varchar not null,        -- unique within year
    weight double not null,                -- design weight, > 0; in the demo data scaled to sum to the wave's n (mean 1)
    gender varchar not null,               -- male, female
    age integer not null,                  -- 16-110
    age_group varchar not null,            -- derived from age: 16-29, 30-39, 40-49, 50-59, 60-69, 70+
    municipality_code integer not null,    -- one of the 98 (municipalities)
    region_code integer not null,          -- derived from municipality_code
    landsdel_code integer not null,        -- derived from municipality_code
    east_west varchar not null,            -- derived from municipality_code: east, west
    urbanisation varchar not null,         -- capital_area, city_100k, town_10k, town_1k, rural
    education varchar not null,            -- basic, upper_secondary, vocational, short_tertiary, medium_tertiary, long_tertiary, unknown
    employment varchar not null,           -- employed, unemployed, student, retired, other
    volunteered integer not null,          -- 0/1: volunteered unpaid in the last 12 months
    hours_per_month double,                -- null when volunteered = 0
    area_culture_sport_leisure integer,    -- 0/1, null when volunteered = 0
    area_social_health integer,            -- 0/1, null when volunteered = 0
    area_housing_local integer,            -- 0/1, null when volunteered = 0
    area_politics_religion_interest integer, -- 0/1, null when volunteered = 0
    area_education integer,                -- 0/1, null when volunteered = 0
    organisation_form varchar,             -- association, public_institution, private_company, informal
    recruited varchar,                     -- asked, own_initiative, other
    series varchar not null                -- survey series of the wave (survey_waves): national, cfsa
    -- (year, respondent_id) is unique: the ETL checks it; no primary key index, which would make loading
    -- 10 million respondents several times slower and use far more memory.
);

-- municipal_survey.csv: one row per municipality per municipal survey wave; answers null when responded = 0.
create table municipal_survey (
    year integer not null,                 -- municipal survey wave
    municipality_code integer not null,    -- one of the 98; every wave lists all 98
    responded integer not null,            -- 0/1
    has_volunteer_policy integer,          -- 0/1: has a volunteer policy or strategy; null = not answered
    has_volunteer_council integer,         -- 0/1: has a volunteer council; null = not answered
    has_active_citizenship_strategy integer, -- 0/1: has an active citizenship strategy; null = not answered
    organises_volunteers integer,          -- 0/1: organises volunteers itself; null = not answered
    cooperation_increased integer,         -- 0/1: cooperation with volunteers has increased; null = not answered
    has_volunteer_centre integer,          -- 0/1: has a volunteer centre; null = not answered
    has_association_directory integer,     -- 0/1: has a directory of associations; null = not answered
    has_volunteer_consultant integer,      -- 0/1: has a municipal volunteer consultant; null = not answered
    staff_fte double,                      -- full-time staff working with volunteering, >= 0
    primary key (year, municipality_code)
);

-- grants_s18.csv: one row per Serviceloven §18 grant application.
create table grants_s18 (
    application_id integer not null primary key, -- line order in the input file, from 1
    year integer not null,                 -- year of the application
    municipality_code integer not null,    -- the granting municipality
    organisation varchar not null,         -- applicant organisation
    target_group varchar not null,         -- elderly, children_youth, families, disability, mental_health, addiction, homeless, refugees_immigrants, other
    applied_dkk double not null,           -- >= 0
    granted_dkk double not null            -- >= 0 (larger than applied_dkk is a warning)
);

-- grant_budgets.csv: the municipality's §18 budget per year.
create table grant_budgets (
    year integer not null,                 -- budget year
    municipality_code integer not null,    -- one of the 98
    budget_dkk double not null,            -- >= 0
    primary key (year, municipality_code)
);

-- cooperations.csv: one row per cooperation between a municipality and an organisation.
create table cooperations (
    cooperation_id varchar primary key,    -- identifier from the input file
    municipality_code integer not null,    -- one of the 98
    organisation varchar not null,         -- the partner organisation
    sector varchar not null,               -- civil_society, private, social_economy
    form varchar not null,                 -- grant_only, oral_agreement, cooperation_agreement, partnership_agreement
    area varchar not null,                 -- culture_sport_leisure, social_health, housing_local, politics_religion_interest, education
    target_group varchar not null,         -- codes as in grants_s18.target_group
    start_year integer not null,           -- first year of the cooperation
    end_year integer                       -- null = ongoing; >= start_year
);

-- population.csv (or a StatBank FOLK1A export): persons by municipality, gender and age group.
create table population (
    year integer not null,                 -- population on 1 January (StatBank: first quarter of the year)
    municipality_code integer not null,    -- one of the 98
    gender varchar not null,               -- male, female
    age_group varchar not null,            -- 0-15, 16-29, 30-39, 40-49, 50-59, 60-69, 70+
    persons integer not null,              -- >= 0
    primary key (year, municipality_code, gender, age_group)
);

-- Build metadata: key/value facts about the build.
create table build_info (
    key varchar primary key,               -- built_at, data_kind (demo or real), raw_dir, duckdb_version,
                                           -- frivilligdata_version, git_commit (empty outside a checkout),
                                           -- macros (queries/macros.py fingerprint of the stored macros) ...
    value varchar not null                 -- the value as text
);

-- Build metadata: one row per input file read.
create table build_inputs (
    file varchar primary key,              -- file name in the raw folder
    sha256 varchar not null,               -- SHA-256 of the file's bytes
    bytes bigint not null,                 -- file size
    rows bigint not null,                  -- data rows (header and comment lines not counted)
    encoding varchar not null,             -- utf-8, utf-8-sig, cp1252
    delimiter varchar not null,            -- , or ;
    decimal_comma boolean not null,        -- numbers are written with decimal comma (2,5)
    synthetic boolean not null             -- the file declares itself synthetic demo data
);

-- Build metadata: warnings (suspicious but accepted input), one row per affected row.
create table build_warnings (
    file varchar not null,                 -- file name in the raw folder
    line integer,                          -- line in the input file (1 = header)
    "column" varchar,                      -- column concerned
    value varchar,                         -- the value as written in the file
    message varchar not null               -- what is suspicious
);
