-- granted_per_inhabitant: Serviceloven §18 grants per inhabitant, per municipality
-- title_da: §18-tilskud pr. indbygger
-- title_en: Section 18 grants per inhabitant
-- definition: Sum of granted_dkk over the municipality's §18 applications in the year divided by all its
--     inhabitants (every age, population table, same year). Municipalities with a §18 budget or at least one
--     application that year are listed (no application = 0 kr. granted).
-- definition_da: Summen af granted_dkk (bevilget beløb) over kommunens §18-ansøgninger i året divideret med alle
--     kommunens indbyggere (alle aldre, befolkningstabellen population, samme år). Kommuner med et §18-budget eller
--     mindst én ansøgning i året vises (ingen ansøgninger = 0 kr. bevilget).
-- unit: DKK per inhabitant
-- unit_da: kr. pr. indbygger
-- source: grants_s18, grant_budgets, population, municipalities
-- years: select distinct year from grants_s18 union select distinct year from grant_budgets
-- param year: int = null; grant year; null = every year
-- param municipality_code: int = null; one municipality (kommunekode); null = all
-- column year: int; grant year
-- column municipality_code: int; kommunekode
-- column municipality_name: text; municipality name
-- column region_code: int; region 1081-1085
-- column applications: int; number of applications
-- column granted_dkk: double; granted in total (DKK)
-- column inhabitants: int; inhabitants of all ages that year (null when the population table lacks the year)
-- column granted_dkk_per_inhabitant: double; granted_dkk / inhabitants
-- column small_count: bool; applications is 1-4 (shown as "<5")

with

universe as (
    select year, municipality_code from grant_budgets
    union
    select year, municipality_code from grants_s18
),

selected as (
    select year, municipality_code
    from universe
    where ($year is null or year = $year)
        and ($municipality_code is null or municipality_code = $municipality_code)
),

grants as (
    select
        year,
        municipality_code,
        cast(count(*) as integer) as applications,
        sum(granted_dkk) as granted_dkk
    from grants_s18
    group by year, municipality_code
),

inhabitants as (
    select year, municipality_code, cast(sum(persons) as bigint) as inhabitants
    from population
    group by year, municipality_code
),

final as (
    select
        s.year,
        s.municipality_code,
        m.municipality_name,
        m.region_code,
        coalesce(g.applications, 0) as applications,
        coalesce(g.granted_dkk, 0) as granted_dkk,
        i.inhabitants,
        coalesce(g.granted_dkk, 0) / nullif(i.inhabitants, 0) as granted_dkk_per_inhabitant,
        coalesce(g.applications, 0) between 1 and 4 as small_count
    from selected as s
    join municipalities as m using (municipality_code)
    left join grants as g using (year, municipality_code)
    left join inhabitants as i using (year, municipality_code)
    order by s.year, s.municipality_code
)

select * from final
