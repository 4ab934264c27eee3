-- volunteers_count: number of residents 16+ who volunteered (participation rate x population 16+)
-- title_da: Antal frivillige
-- title_en: Number of volunteers
-- method: The participation rate of the category (see participation_rate) times the number of residents
--     aged 16+ in the category in the same year (population table). The standard error and the 95 % interval
--     are the rate's, scaled by the population (which is treated as known). Breakdowns are limited to the
--     dimensions the population table carries.
-- method_da: Gruppens andel, der har arbejdet frivilligt (se participation_rate), ganget med antallet af
--     indbyggere på 16 år og derover i gruppen samme år (befolkningstabellen population). Standardfejlen og
--     95 %-intervallet er andelens, skaleret med befolkningstallet (der behandles som kendt). Der kan kun opdeles
--     efter de dimensioner, som befolkningstabellen har.
-- unit: persons
-- unit_da: personer
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
-- column rate: double; participation rate of the category (0-1); null when suppressed
-- column population: int; residents aged 16+ in the category that year (null when the year has no population)
-- column estimate: double; volunteers = rate x population
-- column se: double; standard error = rate SE x population
-- column ci_low: double; lower 95 % bound = clipped rate bound x population
-- column ci_high: double; upper 95 % bound = clipped rate bound x population
-- column n: int; unweighted respondents in the category; null when 1-4 (small-count rule)
-- column flag: text; ok, uncertain (50 <= n < 100) or suppressed (n < 50)
-- column deff: double; design effect of the underlying survey mean (a total scales its variance and the simple-random
--     variance alike): Kish's, as R's svymean(..., deff = "replace"); null when suppressed
-- column n_eff: double; effective sample size n / deff; null when suppressed or n is 1-4

with

-- participation_rate for the same request (year, by, suppress): the rate, its SE, interval, n and flag
rates as (
    select * from participation_rate()
),

-- residents aged 16+ per (year, category)
population_16plus as (
    select * from population_16plus(coalesce(getvariable('by'), 'total'), getvariable('year'))
),

final as (
    select
        r.year,
        r.dimension,
        r.category,
        r.label_da,
        r.label_en,
        r.estimate as rate,
        p.population,
        r.estimate * p.population as estimate,
        r.se * p.population as se,
        r.ci_low * p.population as ci_low,
        r.ci_high * p.population as ci_high,
        r.n,
        r.flag,
        r.deff,
        r.n_eff
    from rates as r
    left join population_16plus as p on p.year = r.year and p.category = r.category
    left join labels as l on l.dimension = r.dimension and l.code = r.category
    order by r.year, l.sort_order, r.category
)

select * from final
