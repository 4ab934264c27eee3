-- granted_per_inhabitant: Serviceloven §18 grants per inhabitant, per municipality, region or country
-- title_da: §18-tilskud pr. indbygger
-- title_en: Section 18 grants per inhabitant
-- method: Sum of granted_dkk over the municipality's §18 applications in the year divided by all its
--     inhabitants (every age, population table, same year). Municipalities with a §18 budget or at least one
--     application that year are listed (no application = 0 kr. granted). For a region or the country
--     (by = region | total): total granted divided by total inhabitants of those municipalities (not a mean of
--     the municipal ratios); null when one of them lacks its population that year.
-- method_da: Summen af granted_dkk (bevilget beløb) over kommunens §18-ansøgninger i året divideret med alle
--     kommunens indbyggere (alle aldre, befolkningstabellen population, samme år). Kommuner med et §18-budget eller
--     mindst én ansøgning i året vises (ingen ansøgninger = 0 kr. bevilget). For en region eller hele landet
--     (by = region | total): bevilget i alt divideret med indbyggere i alt i disse kommuner (ikke et gennemsnit af
--     kommunernes forholdstal); tom, når en af dem mangler befolkningstal for året.
-- unit: DKK per inhabitant
-- unit_da: kr. pr. indbygger
-- source: grants_s18, grant_budgets, population, municipalities, labels
-- years: select distinct year from grants_s18 union select distinct year from grant_budgets
-- param year: int = null; grant year; null = every year
-- param by: dimension = municipality; one row per municipality, per region, or for the whole country (total)
-- param municipality_code: int = null; one municipality (kommunekode); null = all
-- dimension municipality: m.municipality_code
-- dimension region: m.region_code
-- dimension total: 'all'
-- column year: int; grant year
-- column dimension: text; the breakdown dimension (by)
-- column category: text; the category code (kommunekode for municipality, regionskode for region, 'all' for total)
-- column label_da: text; Danish label of the category (municipality name for by = municipality)
-- column label_en: text; English label of the category
-- column municipality_code: int; kommunekode (by = municipality; null otherwise)
-- column municipality_name: text; municipality name (by = municipality; null otherwise)
-- column region_code: int; region 1081-1085 (null for total)
-- column municipalities: int; municipalities listed in the row
-- column applications: int; number of applications
-- column granted_dkk: double; granted in total (DKK)
-- column inhabitants: int; inhabitants of all ages that year (null when the population table lacks the year
--     for a municipality in the row)
-- column granted_dkk_per_inhabitant: double; granted_dkk / inhabitants

with

universe as (
    select year, municipality_code from grant_budgets
    union
    select year, municipality_code from grants_s18
),

selected as (
    select year, municipality_code
    from universe
    where (getvariable('year') is null or year = getvariable('year'))
        and (getvariable('municipality_code') is null or municipality_code = getvariable('municipality_code'))
),

grants as (
    select
        year,
        municipality_code,
        count(*) as applications,
        sum(granted_dkk) as granted_dkk
    from grants_s18
    group by year, municipality_code
),

inhabitants as (
    select year, municipality_code, sum(persons) as inhabitants
    from population
    group by year, municipality_code
),

per_municipality as (
    select
        s.year,
        s.municipality_code,
        m.municipality_name,
        m.region_code,
        m.category,
        coalesce(g.applications, 0) as applications,
        coalesce(g.granted_dkk, 0) as granted_dkk,
        i.inhabitants
    from selected as s
    join municipalities_by(coalesce(getvariable('by'), 'municipality'), ['municipality', 'region', 'total']) as m using (municipality_code)
    left join grants as g using (year, municipality_code)
    left join inhabitants as i using (year, municipality_code)
),

-- ratio of the sums; a group missing any municipality's population has no honest denominator
grouped as (
    select
        year,
        category,
        max(municipality_code) as municipality_code,
        max(municipality_name) as municipality_name,
        max(region_code) as region_code,
        count(*) as municipalities,
        sum(applications) as applications,
        sum(granted_dkk) as granted_dkk,
        case when count(inhabitants) = count(*) then sum(inhabitants) end as inhabitants
    from per_municipality
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
        cast(g.municipalities as integer) as municipalities,
        cast(g.applications as integer) as applications,
        cast(g.granted_dkk as double) as granted_dkk,
        cast(g.inhabitants as bigint) as inhabitants,
        g.granted_dkk / nullif(g.inhabitants, 0) as granted_dkk_per_inhabitant
    from grouped as g
    left join category_labels as l on l.dimension = coalesce(getvariable('by'), 'municipality') and l.code = g.category
    order by g.year, l.sort_order, g.category
)

select * from final
