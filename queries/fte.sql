-- fte: voluntary work in full-time equivalents (total hours per year / hours per full-time year)
-- title_da: Frivilligt arbejde i fuldtidsstillinger
-- title_en: Voluntary work in full-time equivalents
-- method: Total hours per year (total_hours_per_year) divided by hours_per_fte, the hours of one full-time job
--     in a year (default 1924 = 37 hours x 52 weeks). SE and interval are scaled the same way.
-- method_da: Frivillige timer om året i alt (total_hours_per_year) divideret med hours_per_fte, antallet af timer
--     i én fuldtidsstilling på et år (standard 1.924 = 37 timer × 52 uger). Standardfejl og interval skaleres på
--     samme måde.
-- unit: full-time equivalents (FTE)
-- unit_da: fuldtidsstillinger (årsværk)
-- source: survey_respondents, population, municipalities, labels
-- years: select distinct year from survey_respondents
-- param year: int = null; survey wave; null = every wave (the trend)
-- param by: dimension = total; breakdown dimension
-- param hours_per_fte: double[100, 8784] = 1924; hours of one full-time job per year (37 h x 52 weeks)
-- param suppress: bool = true; null estimate, se and interval when n < 50 (false only for method checks)
-- dimension total: 'all'
-- dimension gender: gender
-- dimension age_group: age_group
-- dimension region: region_code
-- dimension landsdel: landsdel_code
-- dimension east_west: east_west
-- column year: int; survey wave
-- column dimension: text; the breakdown dimension (by)
-- column category: text; the category code ('all' for total)
-- column label_da: text; Danish label of the category
-- column label_en: text; English label of the category
-- column hours_per_resident_month: double; weighted mean hours per month over all residents 16+ (0 for non-volunteers)
-- column population: int; residents aged 16+ in the category that year
-- column hours_per_fte: double; the divisor used
-- column estimate: double; FTE = hours_per_resident_month x 12 x population / hours_per_fte
-- column se: double; standard error, scaled like the estimate
-- column ci_low: double; lower 95 % bound, clipped at 0
-- column ci_high: double; upper 95 % bound
-- column n: int; unweighted respondents in the category; null when 1-4 (small-count rule)
-- column flag: text; ok, uncertain (50 <= n < 100) or suppressed (n < 50)
-- column deff: double; design effect of the underlying survey mean (a total scales its variance and the simple-random
--     variance alike): Kish's, as R's svymean(..., deff = "replace"); null when suppressed
-- column n_eff: double; effective sample size n / deff; null when suppressed or n is 1-4

with

-- total_hours_per_year for the same request (year, by, suppress): estimate, SE, interval, n and flag
total_hours as (
    select * from total_hours_per_year()
),

-- the hours of one full-time job in a year (parameter hours_per_fte), the divisor of every figure
divisor as (
    select cast(coalesce(getvariable('hours_per_fte'), 1924) as double) as hours_per_fte
),

final as (
    select
        t.year,
        t.dimension,
        t.category,
        t.label_da,
        t.label_en,
        t.hours_per_resident_month,
        t.population,
        d.hours_per_fte,
        t.estimate / d.hours_per_fte as estimate,
        t.se / d.hours_per_fte as se,
        t.ci_low / d.hours_per_fte as ci_low,
        t.ci_high / d.hours_per_fte as ci_high,
        t.n,
        t.flag,
        t.deff,
        t.n_eff
    from total_hours as t
    cross join divisor as d
    left join labels as l on l.dimension = t.dimension and l.code = t.category
    order by t.year, l.sort_order, t.category
)

select * from final
