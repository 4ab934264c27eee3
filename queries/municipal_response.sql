-- municipal_response: how many of the 98 municipalities answered the municipal survey
-- title_da: Kommuner der har svaret
-- title_en: Municipalities that responded
-- method: Number of municipalities with responded = 1 in the municipal survey of the year, and that
--     number as a share of all 98 municipalities (the municipalities reference table).
-- method_da: Antal kommuner med responded = 1 i årets kommuneundersøgelse og dette antal som andel af alle 98
--     kommuner (referencetabellen municipalities).
-- unit: municipalities; response_rate as a fraction 0-1
-- unit_da: kommuner; response_rate som andel (0-1)
-- source: municipal_survey, municipalities
-- years: select distinct year from municipal_survey
-- param year: int = null; municipal survey year; null = every year
-- column year: int; municipal survey year
-- column responded: int; municipalities that responded
-- column municipalities: int; all municipalities (98)
-- column response_rate: double; responded / municipalities (0-1)

with

universe as (
    select count(*) as municipalities from municipalities
),

responses as (
    select
        year,
        cast(count(*) filter (where responded = 1) as integer) as responded
    from municipal_survey
    where getvariable('year') is null or year = getvariable('year')
    group by year
),

final as (
    select
        r.year,
        r.responded,
        cast(u.municipalities as integer) as municipalities,
        r.responded / u.municipalities as response_rate
    from responses as r
    cross join universe as u
    order by r.year
)

select * from final
