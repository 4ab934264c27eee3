-- framework_score: how many of the seven framework elements a municipality has, per municipality, region or country
-- title_da: Kommunens rammer for frivilligheden (antal elementer)
-- title_en: Municipal framework score (number of elements)
-- method: For each municipality that responded to the municipal survey, the number of the seven structural
--     framework elements it reports having: volunteer policy, volunteer council, active-citizenship strategy,
--     organises volunteers itself, volunteer centre, directory of associations, volunteer consultant.
--     cooperation_increased is an assessment, not a framework, and is not counted. An unanswered element counts
--     as not present (elements_answered says how many were answered). Null for municipalities that did not respond.
--     For a region or the country (by = region | total): the mean score of its responding municipalities.
-- method_da: For hver kommune, der har besvaret kommuneundersøgelsen, antallet af de syv strukturelle
--     rammeelementer, som kommunen oplyser at have: frivilligpolitik, frivilligråd, strategi for aktivt
--     medborgerskab, organiserer selv frivillige, frivilligcenter, foreningsvejviser, frivilligkonsulent.
--     cooperation_increased (samarbejdet er steget) er en vurdering, ikke en ramme, og tæller ikke med. Et ubesvaret
--     element tæller som ikke til stede (elements_answered angiver, hvor mange der er besvaret). Tom for kommuner,
--     der ikke har svaret. For en region eller hele landet (by = region | total): gennemsnittet af scoren for de
--     kommuner i området, der har svaret.
-- unit: number of elements (0-7); mean number for a region or the country
-- unit_da: antal elementer (0-7); gennemsnitligt antal for en region eller hele landet
-- source: municipal_survey, municipalities, labels
-- years: select distinct year from municipal_survey
-- param year: int = null; municipal survey year; null = every year
-- param by: dimension = municipality; one row per municipality, per region, or for the whole country (total)
-- param municipality_code: int = null; one municipality (kommunekode); null = all 98
-- dimension municipality: m.municipality_code
-- dimension region: m.region_code
-- dimension total: 'all'
-- column year: int; municipal survey year
-- column dimension: text; the breakdown dimension (by)
-- column category: text; the category code (kommunekode for municipality, regionskode for region, 'all' for total)
-- column label_da: text; Danish label of the category (municipality name for by = municipality)
-- column label_en: text; English label of the category
-- column municipality_code: int; kommunekode (by = municipality; null otherwise)
-- column municipality_name: text; municipality name (by = municipality; null otherwise)
-- column region_code: int; region 1081-1085 (null for total)
-- column landsdel_code: int; landsdel 1-11 (by = municipality; null otherwise)
-- column municipalities: int; municipalities in the row that were asked
-- column responded: int; municipalities in the row that responded (1 or 0 for one municipality)
-- column framework_score: double; number of the seven elements present (the mean over the responding
--     municipalities for a region or the country); null when none responded
-- column elements_answered: int; number of the seven elements answered (by = municipality; null otherwise)
-- column max_score: int; 7

with

surveys as (
    select *
    from municipal_survey
    where (getvariable('year') is null or year = getvariable('year'))
        and (getvariable('municipality_code') is null or municipality_code = getvariable('municipality_code'))
),

scores as (
    select
        s.year,
        s.municipality_code,
        m.municipality_name,
        m.region_code,
        m.landsdel_code,
        m.category,
        s.responded,
        case when s.responded = 1 then
            coalesce(s.has_volunteer_policy, 0) + coalesce(s.has_volunteer_council, 0)
            + coalesce(s.has_active_citizenship_strategy, 0) + coalesce(s.organises_volunteers, 0)
            + coalesce(s.has_volunteer_centre, 0) + coalesce(s.has_association_directory, 0)
            + coalesce(s.has_volunteer_consultant, 0)
        end as framework_score,
        (s.has_volunteer_policy is not null)::integer + (s.has_volunteer_council is not null)::integer
            + (s.has_active_citizenship_strategy is not null)::integer + (s.organises_volunteers is not null)::integer
            + (s.has_volunteer_centre is not null)::integer + (s.has_association_directory is not null)::integer
            + (s.has_volunteer_consultant is not null)::integer as elements_answered
    from surveys as s
    join municipalities_by(coalesce(getvariable('by'), 'municipality'), ['municipality', 'region', 'total']) as m using (municipality_code)
),

-- one municipality is a group of one: its mean is its own score
grouped as (
    select
        year,
        category,
        max(municipality_code) as municipality_code,
        max(municipality_name) as municipality_name,
        max(region_code) as region_code,
        max(landsdel_code) as landsdel_code,
        count(*) as municipalities,
        count(*) filter (where responded = 1) as responded,
        avg(framework_score) as framework_score,
        max(elements_answered) as elements_answered
    from scores
    group by year, category
),

-- labels of every code, municipality names included
category_labels as (
    select * from category_labels()
),

final as (
    select
        g.year,
        coalesce(getvariable('by'), 'municipality') as dimension,
        g.category,
        l.label_da,
        l.label_en,
        case when coalesce(getvariable('by'), 'municipality') = 'municipality' then cast(g.municipality_code as integer) end as municipality_code,
        case when coalesce(getvariable('by'), 'municipality') = 'municipality' then g.municipality_name end as municipality_name,
        case when coalesce(getvariable('by'), 'municipality') in ('municipality', 'region') then cast(g.region_code as integer) end as region_code,
        case when coalesce(getvariable('by'), 'municipality') = 'municipality' then cast(g.landsdel_code as integer) end as landsdel_code,
        cast(g.municipalities as integer) as municipalities,
        cast(g.responded as integer) as responded,
        cast(g.framework_score as double) as framework_score,
        case when coalesce(getvariable('by'), 'municipality') = 'municipality' then cast(g.elements_answered as integer) end as elements_answered,
        7 as max_score
    from grouped as g
    left join category_labels as l on l.dimension = coalesce(getvariable('by'), 'municipality') and l.code = g.category
    order by g.year, l.sort_order, g.category
)

select * from final
