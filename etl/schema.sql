-- Warehouse schema: the typed tables that `python -m etl build` loads from the contract files in data/raw/.
-- This file is the contract between etl/ (which writes) and queries/ (which reads). Column comments are applied
-- to the built warehouse, so `duckdb data/warehouse.duckdb "from duckdb_columns()"` documents every column.
-- Flags are integers 0/1 (not booleans) so that survey SQL can average them directly.

-- Reference: the 98 municipalities (data/reference/municipalities.csv).
create table municipalities (
    municipality_code integer primary key,
    municipality_name varchar not null,
    region_code integer not null,          -- 1081-1085
    region_name varchar not null,
    landsdel_code integer not null,        -- Statistics Denmark's landsdele 1-11
    landsdel_name varchar not null,
    east_west varchar not null             -- 'east' (landsdele 1-6) or 'west' (7-11)
);

-- Reference: Danish and English label of every code (data/reference/labels.csv).
create table labels (
    dimension varchar not null,            -- e.g. gender, age_group, region, area, form
    code varchar not null,                 -- the code as stored in the tables (region codes as text)
    label_da varchar not null,
    label_en varchar not null,
    sort_order integer not null,
    primary key (dimension, code)
);

-- Reference: figures published in the source documents (data/reference/published_figures.csv).
create table published_figures (
    figure_id varchar primary key,
    survey varchar not null,
    year integer not null,
    population varchar not null,
    breakdown varchar not null,
    category varchar not null,
    measure varchar not null,
    value double not null,
    unit varchar not null,
    comparator varchar not null,           -- '=' exact, '~' approximate, '>' lower bound or order
    source varchar not null,
    source_ref varchar not null,
    source_quote varchar not null
);

-- survey_respondents.csv: one row per respondent per survey wave.
create table survey_respondents (
    year integer not null,                 -- survey wave
    respondent_id varchar not null,        -- unique within year
    weight double not null,                -- design weight, > 0
    gender varchar not null,               -- male, female
    age integer not null,                  -- 16-110
    age_group varchar not null,            -- derived from age: 16-29, 30-39, 40-49, 50-59, 60-69, 70+
    municipality_code integer not null,
    region_code integer not null,          -- derived from municipality_code
    landsdel_code integer not null,        -- derived from municipality_code
    east_west varchar not null,            -- derived from municipality_code: east, west
    urbanisation varchar not null,         -- capital_area, city_100k, town_10k, town_1k, rural
    education varchar not null,
    employment varchar not null,
    volunteered integer not null,          -- 0/1: volunteered unpaid in the last 12 months
    hours_per_month double,                -- null when volunteered = 0
    area_culture_sport_leisure integer,    -- 0/1, null when volunteered = 0
    area_social_health integer,
    area_housing_local integer,
    area_politics_religion_interest integer,
    area_education integer,
    organisation_form varchar,             -- association, public_institution, private_company, informal
    recruited varchar,                     -- asked, own_initiative, other
    primary key (year, respondent_id)
);

-- municipal_survey.csv: one row per municipality per municipal survey wave; answers null when responded = 0.
create table municipal_survey (
    year integer not null,
    municipality_code integer not null,
    responded integer not null,            -- 0/1
    has_volunteer_policy integer,
    has_volunteer_council integer,
    has_active_citizenship_strategy integer,
    organises_volunteers integer,
    cooperation_increased integer,
    has_volunteer_centre integer,
    has_association_directory integer,
    has_volunteer_consultant integer,
    staff_fte double,                      -- full-time staff working with volunteering, >= 0
    primary key (year, municipality_code)
);

-- grants_s18.csv: one row per Serviceloven §18 grant application.
create table grants_s18 (
    application_id integer not null primary key, -- line order in the input file, from 1
    year integer not null,
    municipality_code integer not null,
    organisation varchar not null,
    target_group varchar not null,
    applied_dkk double not null,           -- >= 0
    granted_dkk double not null            -- >= 0 (larger than applied_dkk is a warning)
);

-- grant_budgets.csv: the municipality's §18 budget per year.
create table grant_budgets (
    year integer not null,
    municipality_code integer not null,
    budget_dkk double not null,            -- >= 0
    primary key (year, municipality_code)
);

-- cooperations.csv: one row per cooperation between a municipality and an organisation.
create table cooperations (
    cooperation_id varchar primary key,
    municipality_code integer not null,
    organisation varchar not null,
    sector varchar not null,               -- civil_society, private, social_economy
    form varchar not null,                 -- grant_only, oral_agreement, cooperation_agreement, partnership_agreement
    area varchar not null,                 -- culture_sport_leisure, social_health, housing_local, politics_religion_interest, education
    target_group varchar not null,
    start_year integer not null,
    end_year integer                       -- null = ongoing; >= start_year
);

-- population.csv (or a StatBank FOLK1A export): persons by municipality, gender and age group.
create table population (
    year integer not null,
    municipality_code integer not null,
    gender varchar not null,               -- male, female
    age_group varchar not null,            -- 0-15, 16-29, 30-39, 40-49, 50-59, 60-69, 70+
    persons integer not null,              -- >= 0
    primary key (year, municipality_code, gender, age_group)
);

-- Build metadata.
create table build_info (
    key varchar primary key,               -- built_at, data_kind (demo or real), raw_dir, duckdb_version ...
    value varchar not null
);

create table build_inputs (
    file varchar primary key,              -- file name in the raw folder
    sha256 varchar not null,
    bytes bigint not null,
    rows bigint not null,
    encoding varchar not null,             -- utf-8, utf-8-sig, cp1252
    delimiter varchar not null,
    decimal_comma boolean not null,
    synthetic boolean not null             -- the file declares itself synthetic demo data
);

create table build_warnings (
    file varchar not null,
    line integer,                          -- line in the input file (1 = header)
    "column" varchar,
    value varchar,
    message varchar not null
);
