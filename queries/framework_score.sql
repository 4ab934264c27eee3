-- framework_score: per municipality, how many of the seven framework elements it has
-- title_da: Kommunens rammer for frivilligheden (antal elementer)
-- title_en: Municipal framework score (number of elements)
-- definition: For each municipality that responded to the municipal survey, the number of the seven structural
--     framework elements it reports having: volunteer policy, volunteer council, active-citizenship strategy,
--     organises volunteers itself, volunteer centre, directory of associations, volunteer consultant.
--     cooperation_increased is an assessment, not a framework, and is not counted. An unanswered element counts
--     as not present (elements_answered says how many were answered). Null for municipalities that did not respond.
-- definition_da: For hver kommune, der har besvaret kommuneundersøgelsen, antallet af de syv strukturelle
--     rammeelementer, som kommunen oplyser at have: frivilligpolitik, frivilligråd, strategi for aktivt
--     medborgerskab, organiserer selv frivillige, frivilligcenter, foreningsvejviser, frivilligkonsulent.
--     cooperation_increased (samarbejdet er steget) er en vurdering, ikke en ramme, og tæller ikke med. Et ubesvaret
--     element tæller som ikke til stede (elements_answered angiver, hvor mange der er besvaret). Tom for kommuner,
--     der ikke har svaret.
-- unit: number of elements (0-7)
-- unit_da: antal elementer (0-7)
-- source: municipal_survey, municipalities
-- years: select distinct year from municipal_survey
-- param year: int = null; municipal survey year; null = every year
-- param municipality_code: int = null; one municipality (kommunekode); null = all 98
-- column year: int; municipal survey year
-- column municipality_code: int; kommunekode
-- column municipality_name: text; municipality name
-- column region_code: int; region 1081-1085
-- column landsdel_code: int; landsdel 1-11
-- column responded: int; 1 when the municipality responded
-- column framework_score: int; number of the seven elements present; null when not responded
-- column elements_answered: int; number of the seven elements answered
-- column max_score: int; 7

with

surveys as (
    select *
    from municipal_survey
    where ($year is null or year = $year)
        and ($municipality_code is null or municipality_code = $municipality_code)
),

scores as (
    select
        year,
        municipality_code,
        responded,
        case when responded = 1 then
            coalesce(has_volunteer_policy, 0) + coalesce(has_volunteer_council, 0)
            + coalesce(has_active_citizenship_strategy, 0) + coalesce(organises_volunteers, 0)
            + coalesce(has_volunteer_centre, 0) + coalesce(has_association_directory, 0)
            + coalesce(has_volunteer_consultant, 0)
        end as framework_score,
        (has_volunteer_policy is not null)::integer + (has_volunteer_council is not null)::integer
            + (has_active_citizenship_strategy is not null)::integer + (organises_volunteers is not null)::integer
            + (has_volunteer_centre is not null)::integer + (has_association_directory is not null)::integer
            + (has_volunteer_consultant is not null)::integer as elements_answered
    from surveys
),

final as (
    select
        s.year,
        s.municipality_code,
        m.municipality_name,
        m.region_code,
        m.landsdel_code,
        s.responded,
        cast(s.framework_score as integer) as framework_score,
        cast(s.elements_answered as integer) as elements_answered,
        7 as max_score
    from scores as s
    join municipalities as m using (municipality_code)
    order by s.year, s.municipality_code
)

select * from final
