-- application_coverage: share of the amount applied for under §18 that was granted
-- title_da: Dækning af §18-ansøgninger
-- title_en: Section 18 application coverage
-- method: Sum of granted_dkk divided by sum of applied_dkk over the year's §18 applications, nationally,
--     by geography, by municipality or by target group. Above 1 when more was granted than applied for.
-- method_da: Summen af granted_dkk (bevilget) divideret med summen af applied_dkk (ansøgt) over årets
--     §18-ansøgninger, for hele landet, efter geografi, kommune eller målgruppe. Over 1, når der er bevilget mere,
--     end der er søgt om.
-- unit: ratio (granted / applied)
-- unit_da: forholdstal (bevilget / ansøgt)
-- source: grants_s18, municipalities, labels
-- years: select distinct year from grants_s18
-- param year: int = null; grant year; null = every year
-- param by: dimension = total; total, a geography, municipality or target_group
-- param municipality_code: int = null; only this municipality (kommunekode); null = all
-- dimension total: 'all'
-- dimension region: m.region_code
-- dimension landsdel: m.landsdel_code
-- dimension east_west: m.east_west
-- dimension municipality: m.municipality_code
-- dimension target_group: g.target_group
-- column year: int; grant year
-- column dimension: text; the breakdown dimension (by)
-- column category: text; the category code ('all' for total, the kommunekode for municipality)
-- column label_da: text; Danish label of the category
-- column label_en: text; English label of the category
-- column applications: int; number of applications
-- column applied_dkk: double; applied for in total (DKK)
-- column granted_dkk: double; granted in total (DKK)
-- column coverage: double; granted_dkk / applied_dkk

with

applications as (
    select
        g.year,
        case when coalesce(getvariable('by'), 'total') = 'target_group' then g.target_group else m.category end as category,
        g.applied_dkk,
        g.granted_dkk
    from grants_s18 as g
    join municipalities_by(coalesce(getvariable('by'), 'total'), ['total', 'region', 'landsdel', 'east_west', 'municipality', 'target_group']) as m using (municipality_code)
    where (getvariable('year') is null or g.year = getvariable('year'))
        and (getvariable('municipality_code') is null or g.municipality_code = getvariable('municipality_code'))
),

sums as (
    select
        year,
        cast(category as varchar) as category,
        cast(count(*) as integer) as applications,
        sum(applied_dkk) as applied_dkk,
        sum(granted_dkk) as granted_dkk
    from applications
    group by all
),

-- labels of every code, municipality names included
category_labels as (
    select * from category_labels()
),

final as (
    select
        s.year,
        coalesce(getvariable('by'), 'total') as dimension,
        s.category,
        l.label_da,
        l.label_en,
        s.applications,
        s.applied_dkk,
        s.granted_dkk,
        s.granted_dkk / nullif(s.applied_dkk, 0) as coverage
    from sums as s
    left join category_labels as l on l.dimension = coalesce(getvariable('by'), 'total') and l.code = s.category
    order by s.year, l.sort_order, s.category
)

select * from final
