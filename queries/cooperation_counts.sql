-- cooperation_counts: active cooperations between municipalities and organisations, per year
-- title_da: Samarbejder mellem kommuner og organisationer
-- title_en: Cooperations between municipalities and organisations
-- method: Number of cooperations active in the year: started in or before the year and not ended before
--     it (start_year <= year and (end_year is null or end_year >= year)); a cooperation counts in every
--     calendar year it ran, its start and end year included. By formalisation form, sector, area or target
--     group; every category of the label file is listed (0 when none).
-- method_da: Antal samarbejder, der er i gang i året: startet i eller før året og ikke afsluttet før året
--     (start_year <= year og (end_year er tom eller end_year >= year)); et samarbejde tæller med i hvert kalenderår,
--     det har kørt, start- og slutåret medregnet. Efter formaliseringsgrad, sektor, område eller målgruppe; alle
--     kategorier i labels.csv vises (0, når der ingen er).
-- unit: cooperations
-- unit_da: samarbejder
-- source: cooperations, labels
-- years: select unnest(range(min(start_year), greatest(max(start_year), max(end_year)) + 1)) from cooperations
-- param year: int = null; calendar year; null = every year from the first start year to the last start or end year
-- param by: dimension = total; breakdown dimension
-- param municipality_code: int = null; only this municipality's cooperations (kommunekode); null = all
-- dimension total: 'all'
-- dimension form: c.form
-- dimension sector: c.sector
-- dimension area: c.area
-- dimension target_group: c.target_group
-- column year: int; calendar year
-- column dimension: text; the breakdown dimension (by)
-- column category: text; the category code ('all' for total)
-- column label_da: text; Danish label of the category
-- column label_en: text; English label of the category
-- column cooperations: int; cooperations active in the year

with

years as (
    select cast(unnest(range(min(start_year), greatest(max(start_year), max(end_year)) + 1)) as integer) as year
    from cooperations
),

selected_years as (
    select year from years where getvariable('year') is null or year = getvariable('year')
),

active as (
    select
        y.year,
        case coalesce(getvariable('by'), 'total')
            when 'total' then 'all'
            when 'form' then c.form
            when 'sector' then c.sector
            when 'area' then c.area
            when 'target_group' then c.target_group
            else error('by must be one of total, form, sector, area, target_group; got '''
                || coalesce(getvariable('by'), 'total') || '''')
        end as category
    from selected_years as y
    join cooperations as c
        on c.start_year <= y.year and (c.end_year is null or c.end_year >= y.year)
    where getvariable('municipality_code') is null or c.municipality_code = getvariable('municipality_code')
),

counts as (
    select year, category, cast(count(*) as integer) as cooperations
    from active
    group by year, category
),

grid as (
    select y.year, l.code as category, l.label_da, l.label_en, l.sort_order
    from selected_years as y
    cross join labels as l
    where l.dimension = coalesce(getvariable('by'), 'total')
),

final as (
    select
        g.year,
        coalesce(getvariable('by'), 'total') as dimension,
        g.category,
        g.label_da,
        g.label_en,
        coalesce(c.cooperations, 0) as cooperations
    from grid as g
    left join counts as c using (year, category)
    order by g.year, g.sort_order
)

select * from final
