-- fte: voluntary work in full-time equivalents (total hours per year / hours per full-time year)
-- title_da: Frivilligt arbejde i fuldtidsstillinger
-- title_en: Voluntary work in full-time equivalents
-- definition: Total hours per year (total_hours_per_year) divided by hours_per_fte, the hours of one full-time job
--     in a year (default 1924 = 37 hours x 52 weeks). SE and interval are scaled the same way.
-- definition_da: Frivillige timer om året i alt (total_hours_per_year) divideret med hours_per_fte, antallet af timer
--     i én fuldtidsstilling på et år (standard 1.924 = 37 timer × 52 uger). Standardfejl og interval skaleres på
--     samme måde.
-- unit: full-time equivalents (FTE)
-- unit_da: fuldtidsstillinger (årsværk)
-- source: survey_respondents, population, municipalities, labels
-- years: select distinct year from survey_respondents
-- param year: int = null; survey wave; null = every wave (the trend)
-- param by: dimension = total; breakdown dimension
-- param hours_per_fte: double = 1924; hours of one full-time job per year (37 h x 52 weeks)
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
-- column n: int; unweighted respondents in the category
-- column flag: text; ok, uncertain (50 <= n < 100) or suppressed (n < 50)

with

-- hours per month of every respondent: 0 for non-volunteers; a volunteer without an hours answer is left out
-- (na.rm), which is the same as svymean(~I(volunteered * hours_per_month), design, na.rm = TRUE)
respondents as (
    select
        year,
        {{by}} as category,
        weight as w,
        case when volunteered = 1 then hours_per_month else 0 end as y,
        volunteered = 0 or hours_per_month is not null as in_domain
    from survey_respondents
    where $year is null or year = $year
),

domain_sums as (
    select
        year,
        category,
        count(*) as n_all,
        count(*) filter (where in_domain) as n,
        sum(w) filter (where in_domain) as sw,
        sum(w * y) filter (where in_domain) as swy,
        sum(w * w) filter (where in_domain) as sw2,
        sum(w * w * y) filter (where in_domain) as sw2y,
        sum(w * w * y * y) filter (where in_domain) as sw2y2
    from respondents
    group by year, category
),

-- every respondent of the wave counts in the variance of a domain mean (a join: cheaper here than a window)
waves as (
    select year, sum(n_all) as n_wave
    from domain_sums
    group by year
),

means as (
    select
        year,
        category,
        n,
        swy / sw as mean,
        domain_mean_se(sw, swy, sw2, sw2y, sw2y2, w.n_wave) as se
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
        case when survey_shown(r.n, $suppress) then r.mean end as mean,
        case when survey_shown(r.n, $suppress) then r.se end as mean_se,
        p.population,
        r.n
    from means as r
    left join population_16plus as p on p.year = r.year and p.category = r.category
),

final as (
    select
        s.year,
        $by as dimension,
        s.category,
        l.label_da,
        l.label_en,
        s.mean as hours_per_resident_month,
        s.population,
        $hours_per_fte as hours_per_fte,
        s.mean * 12 * s.population / $hours_per_fte as estimate,
        s.mean_se * 12 * s.population / $hours_per_fte as se,
        ci_low(s.mean, s.mean_se, 0) * 12 * s.population / $hours_per_fte as ci_low,
        ci_high(s.mean, s.mean_se, null) * 12 * s.population / $hours_per_fte as ci_high,
        s.n,
        survey_flag(s.n) as flag
    from shown as s
    left join labels as l on l.dimension = $by and l.code = s.category
    order by s.year, l.sort_order, s.category
)

select * from final
