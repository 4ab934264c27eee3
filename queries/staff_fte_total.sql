-- staff_fte_total: municipal staff working with volunteering, in full-time positions, summed over municipalities
-- title_da: Kommunale medarbejderressourcer til frivillighed
-- title_en: Municipal staff for volunteering
-- method: Sum of staff_fte (full-time positions working with volunteering) over the municipalities that
--     responded and answered the question, with the number of municipalities behind the sum. No imputation for
--     non-responding municipalities.
-- method_da: Summen af staff_fte (fuldtidsstillinger, der arbejder med frivillighed) over de kommuner, der har
--     svaret på undersøgelsen og besvaret spørgsmålet, sammen med antallet af kommuner bag summen. Der imputeres ikke
--     for kommuner, der ikke har svaret.
-- unit: full-time equivalents (FTE)
-- unit_da: fuldtidsstillinger (årsværk)
-- source: municipal_survey, municipalities
-- years: select distinct year from municipal_survey
-- param year: int = null; municipal survey year; null = every year
-- param by: dimension = total; geography of the municipalities
-- dimension total: 'all'
-- dimension region: m.region_code
-- dimension landsdel: m.landsdel_code
-- dimension east_west: m.east_west
-- column year: int; municipal survey year
-- column dimension: text; the breakdown dimension (by)
-- column category: text; the category code ('all' for total)
-- column label_da: text; Danish label of the category
-- column label_en: text; English label of the category
-- column staff_fte_total: double; sum of staff_fte
-- column municipalities_reporting: int; municipalities with a staff_fte answer

with

answers as (
    select
        s.year,
        m.category as category,
        s.staff_fte
    from municipal_survey as s
    join municipalities_by(coalesce(getvariable('by'), 'total'), ['total', 'region', 'landsdel', 'east_west']) as m using (municipality_code)
    where s.responded = 1 and (getvariable('year') is null or s.year = getvariable('year'))
),

sums as (
    select
        year,
        cast(category as varchar) as category,
        sum(staff_fte) as staff_fte_total,
        cast(count(staff_fte) as integer) as municipalities_reporting
    from answers
    group by all
),

final as (
    select
        s.year,
        coalesce(getvariable('by'), 'total') as dimension,
        s.category,
        l.label_da,
        l.label_en,
        s.staff_fte_total,
        s.municipalities_reporting
    from sums as s
    left join labels as l on l.dimension = coalesce(getvariable('by'), 'total') and l.code = s.category
    order by s.year, l.sort_order, s.category
)

select * from final
