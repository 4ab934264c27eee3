-- total_hours_per_year: hours of voluntary work per year by all residents 16+
-- title_da: Frivillige timer om året i alt
-- title_en: Total volunteer hours per year
-- method: Weighted mean hours of voluntary work per month over all residents 16+ (0 for those who did not
--     volunteer, i.e. participation rate x hours per volunteer), times 12 months, times the population 16+ of
--     the category that year. SE and the 95 % interval are those of the mean (clipped at 0), scaled.
-- method_da: Vægtet gennemsnit af timer med frivilligt arbejde om måneden over alle indbyggere på 16 år og
--     derover (0 for dem, der ikke har arbejdet frivilligt, dvs. andelen, der har arbejdet frivilligt, × timer pr.
--     frivillig) ganget med 12 måneder og med gruppens befolkning på 16 år og derover samme år. Standardfejl og
--     95 %-interval er gennemsnittets (afgrænset nedadtil ved 0), skaleret på samme måde.
-- unit: hours per year
-- unit_da: timer om året
-- source: survey_respondents, population, municipalities, labels
-- years: select distinct year from survey_respondents
-- param year: int = null; survey wave; null = every wave (the trend)
-- param by: dimension = total; breakdown dimension
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
-- column estimate: double; hours per year = hours_per_resident_month x 12 x population
-- column se: double; standard error, scaled like the estimate
-- column ci_low: double; lower 95 % bound, clipped at 0
-- column ci_high: double; upper 95 % bound
-- column n: int; unweighted respondents in the category; null when 1-4 (small-count rule)
-- column flag: text; ok, uncertain (50 <= n < 100) or suppressed (n < 50)
-- column deff: double; design effect of the underlying survey mean (a total scales its variance and the simple-random
--     variance alike): Kish's, as R's svymean(..., deff = "replace"); null when suppressed
-- column n_eff: double; effective sample size n / deff; null when suppressed or n is 1-4

with

-- hours per month of every respondent: 0 for non-volunteers; a volunteer without an hours answer is left out
-- (na.rm), which is the same as svymean(~I(volunteered * hours_per_month), design, na.rm = TRUE)
respondents as (
    select * from resident_hours_observations(coalesce(getvariable('by'), 'total'), getvariable('year'))
),

-- the mean hours per month per resident 16+ (0 for non-volunteers), with its SE and deff: (year, category, n, mean, se,
-- deff)
estimates as (
    select * from survey_domain_means(respondents, false, false)
),

-- residents aged 16+ per (year, category)
population_16plus as (
    select * from population_16plus(coalesce(getvariable('by'), 'total'), getvariable('year'))
),

shown as (
    select
        e.year,
        e.category,
        case when survey_shown(e.n, coalesce(getvariable('suppress'), true)) then e.mean end as mean,
        case when survey_shown(e.n, coalesce(getvariable('suppress'), true)) then e.se end as mean_se,
        case when survey_shown(e.n, coalesce(getvariable('suppress'), true)) then e.deff end as deff,
        p.population,
        e.n
    from estimates as e
    left join population_16plus as p on p.year = e.year and p.category = e.category
),

final as (
    select
        s.year,
        coalesce(getvariable('by'), 'total') as dimension,
        s.category,
        l.label_da,
        l.label_en,
        s.mean as hours_per_resident_month,
        s.population,
        s.mean * 12 * s.population as estimate,
        s.mean_se * 12 * s.population as se,
        ci_low(s.mean, s.mean_se, 0) * 12 * s.population as ci_low,
        ci_high(s.mean, s.mean_se, null) * 12 * s.population as ci_high,
        person_count(s.n) as n,
        survey_flag(s.n) as flag,
        s.deff,
        effective_n(s.n, s.deff) as n_eff
    from shown as s
    left join labels as l on l.dimension = coalesce(getvariable('by'), 'total') and l.code = s.category
    order by s.year, l.sort_order, s.category
)

select * from final
