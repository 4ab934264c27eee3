-- fte_change: change in voluntary work in full-time equivalents between two survey waves, with its uncertainty
-- title_da: Ændring i frivilligt arbejde i fuldtidsstillinger
-- title_en: Change in voluntary work in full-time equivalents
-- method: The change in total hours per year between the waves (total_hours_per_year_change) divided by
--     hours_per_fte, the hours of one full-time job in a year (default 1924 = 37 hours x 52 weeks). SE and interval
--     are scaled the same way; the verdict is that of the change in hours.
-- method_da: Ændringen i frivillige timer om året i alt mellem målingerne (total_hours_per_year_change) divideret
--     med hours_per_fte, antallet af timer i én fuldtidsstilling på et år (standard 1.924 = 37 timer × 52 uger).
--     Standardfejl og interval skaleres på samme måde; vurderingen er den samme som for ændringen i timer.
-- unit: full-time equivalents (FTE)
-- unit_da: fuldtidsstillinger (årsværk)
-- source: survey_respondents, population, municipalities, labels
-- years: select distinct year from survey_respondents
-- param year: int = null; survey wave; null = every wave that has an earlier comparable one
-- param since: int = null; an earlier wave comparable with year (same series and definition, survey_waves);
--     null = the latest such wave
-- param by: dimension = total; breakdown dimension (the dimensions of the population table)
-- param hours_per_fte: double[100, 8784] = 1924; hours of one full-time job per year (37 h x 52 weeks)
-- param suppress: bool = true; null estimates, se, interval and verdict when n < 50 on either side (false only
--     for method checks)
-- dimension total: 'all'
-- dimension gender: gender
-- dimension age_group: age_group
-- dimension region: region_code
-- dimension landsdel: landsdel_code
-- dimension east_west: east_west
-- column year: int; the later survey wave
-- column since: int; the earlier survey wave
-- column dimension: text; the breakdown dimension (by)
-- column category: text; the category code ('all' for total)
-- column label_da: text; Danish label of the category
-- column label_en: text; English label of the category
-- column hours_per_fte: double; the divisor used
-- column estimate: double; change in full-time equivalents, fte(year) - fte(since); null when suppressed
-- column se: double; standard error of the change
-- column ci_low: double; lower 95 % bound of the change
-- column ci_high: double; upper 95 % bound of the change
-- column estimate_year: double; full-time equivalents in wave year
-- column estimate_since: double; full-time equivalents in wave since
-- column n: int; unweighted respondents in the category in wave year
-- column n_since: int; unweighted respondents in the category in wave since
-- column flag: text; ok, uncertain (either n < 100) or suppressed (either n < 50)
-- column verdict: text; reliable (the 95 % interval excludes 0) or not_reliable; null when suppressed

with

-- total_hours_per_year_change for the same request (year, since, by, suppress)
hours_change as (
    select * from total_hours_per_year_change()
),

-- the hours of one full-time job in a year (parameter hours_per_fte), the divisor of every figure
divisor as (
    select cast(coalesce(getvariable('hours_per_fte'), 1924) as double) as hours_per_fte
),

final as (
    select
        h.year,
        h.since,
        h.dimension,
        h.category,
        h.label_da,
        h.label_en,
        d.hours_per_fte,
        h.estimate / d.hours_per_fte as estimate,
        h.se / d.hours_per_fte as se,
        h.ci_low / d.hours_per_fte as ci_low,
        h.ci_high / d.hours_per_fte as ci_high,
        h.estimate_year / d.hours_per_fte as estimate_year,
        h.estimate_since / d.hours_per_fte as estimate_since,
        h.n,
        h.n_since,
        h.flag,
        h.verdict
    from hours_change as h
    cross join divisor as d
)

select * from final
