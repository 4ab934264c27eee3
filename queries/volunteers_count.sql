-- volunteers_count: number of residents 16+ who volunteered (participation rate x population 16+)
-- title_da: Antal frivillige
-- title_en: Number of volunteers
-- definition: The participation rate of the category (see participation_rate) times the number of residents
--     aged 16+ in the category in the same year (population table). The standard error and the 95 % interval
--     are the rate's, scaled by the population (which is treated as known). Breakdowns are limited to the
--     dimensions the population table carries.
-- definition_da: Gruppens andel, der har arbejdet frivilligt (se participation_rate), ganget med antallet af
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
-- column n: int; unweighted respondents in the category
-- column flag: text; ok, uncertain (50 <= n < 100) or suppressed (n < 50)

with

respondents as (
    select
        year,
        {{by}} as category,
        weight as w,
        volunteered as y
    from survey_respondents
    where $year is null or year = $year
),

domain_sums as (
    select
        year,
        category,
        count(*) as n,
        sum(w) as sw,
        sum(w * y) as swy,
        sum(w * w) as sw2,
        sum(w * w * y) as sw2y
    from respondents
    group by year, category
),

-- every respondent of the wave counts in the variance of a domain mean (a join: cheaper here than a window)
waves as (
    select year, sum(n) as n_wave
    from domain_sums
    group by year
),

rates as (
    select
        year,
        category,
        n,
        swy / sw as rate,
        domain_mean_se(sw, swy, sw2, sw2y, sw2y, w.n_wave) as se
    from domain_sums
    join waves as w using (year)
),

population_16plus as (
    select
        p.year,
        {{by}} as category,
        cast(sum(p.persons) as bigint) as population
    from population as p
    join municipalities as m using (municipality_code)
    where p.age_group <> '0-15' and ($year is null or p.year = $year)
    group by all
),

shown as (
    select
        r.year,
        cast(r.category as varchar) as category,
        case when survey_shown(r.n, $suppress) then r.rate end as rate,
        case when survey_shown(r.n, $suppress) then r.se end as rate_se,
        p.population,
        r.n
    from rates as r
    left join population_16plus as p on p.year = r.year and p.category = r.category
),

final as (
    select
        s.year,
        $by as dimension,
        s.category,
        l.label_da,
        l.label_en,
        s.rate,
        s.population,
        s.rate * s.population as estimate,
        s.rate_se * s.population as se,
        ci_low(s.rate, s.rate_se, 0) * s.population as ci_low,
        ci_high(s.rate, s.rate_se, 1) * s.population as ci_high,
        s.n,
        survey_flag(s.n) as flag
    from shown as s
    left join labels as l on l.dimension = $by and l.code = s.category
    order by s.year, l.sort_order, s.category
)

select * from final
