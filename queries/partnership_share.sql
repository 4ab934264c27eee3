-- partnership_share: share of active cooperations that are formal partnership agreements
-- title_da: Andel partnerskabsaftaler blandt samarbejder
-- title_en: Share of cooperations that are partnership agreements
-- method: Among the cooperations active in the year (as in cooperation_counts), the number with
--     form = 'partnership_agreement' divided by all active cooperations, nationally, by geography or per
--     municipality.
-- method_da: Blandt de samarbejder, der er i gang i året (som i cooperation_counts), antallet med form =
--     'partnership_agreement' (partnerskabsaftale) divideret med alle igangværende samarbejder, for hele landet,
--     efter geografi eller pr. kommune.
-- unit: share (fraction 0-1) of active cooperations
-- unit_da: andel (0-1) af de igangværende samarbejder
-- source: cooperations, municipalities, labels
-- years: select unnest(range(min(start_year), greatest(max(start_year), max(end_year)) + 1)) from cooperations
-- param year: int = null; calendar year; null = every year
-- param by: dimension = total; total, a geography or municipality
-- param municipality_code: int = null; only this municipality (kommunekode); null = all
-- dimension total: 'all'
-- dimension region: m.region_code
-- dimension landsdel: m.landsdel_code
-- dimension east_west: m.east_west
-- dimension municipality: m.municipality_code
-- column year: int; calendar year
-- column dimension: text; the breakdown dimension (by)
-- column category: text; the category code ('all' for total, the kommunekode for municipality)
-- column label_da: text; Danish label of the category
-- column label_en: text; English label of the category
-- column cooperations: int; active cooperations
-- column partnerships: int; active partnership agreements
-- column partnership_share: double; partnerships / cooperations (0-1)

with

years as (
    select cast(unnest(range(min(start_year), greatest(max(start_year), max(end_year)) + 1)) as integer) as year
    from cooperations
),

active as (
    select
        y.year,
        m.category as category,
        c.form
    from years as y
    join cooperations as c
        on c.start_year <= y.year and (c.end_year is null or c.end_year >= y.year)
    join municipalities_by(coalesce(getvariable('by'), 'total'), ['total', 'region', 'landsdel', 'east_west', 'municipality']) as m on m.municipality_code = c.municipality_code
    where (getvariable('year') is null or y.year = getvariable('year'))
        and (getvariable('municipality_code') is null or c.municipality_code = getvariable('municipality_code'))
),

counts as (
    select
        year,
        cast(category as varchar) as category,
        cast(count(*) as integer) as cooperations,
        cast(count(*) filter (where form = 'partnership_agreement') as integer) as partnerships
    from active
    group by all
),

-- labels of every code, municipality names included
category_labels as (
    select * from category_labels()
),

final as (
    select
        c.year,
        coalesce(getvariable('by'), 'total') as dimension,
        c.category,
        l.label_da,
        l.label_en,
        c.cooperations,
        c.partnerships,
        c.partnerships / c.cooperations as partnership_share
    from counts as c
    left join category_labels as l on l.dimension = coalesce(getvariable('by'), 'total') and l.code = c.category
    order by c.year, l.sort_order, c.category
)

select * from final
