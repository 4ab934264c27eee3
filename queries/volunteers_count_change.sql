-- volunteers_count_change: change in the number of residents 16+ who volunteered between two survey waves, with its uncertainty
-- title_da: Ændring i antallet af frivillige
-- title_en: Change in the number of volunteers
-- method: Number of volunteers in wave year minus the number in the earlier wave since, per category of the
--     breakdown, each number the participation rate times the residents aged 16+ of the category that year
--     (volunteers_count). The population is a register figure, treated as known, so each number's standard error is
--     the rate's times the population; the waves are independent samples, so the change's standard error is
--     sqrt((population_year x se_year)^2 + (population_since x se_since)^2), with se_year and se_since the rates'
--     standard errors (population_scaled and survey_change in _macros.sql). 95 % interval = change +/- 1.959964 SE
--     (not clipped); verdict 'reliable' when the interval excludes 0. Not shown when either wave has fewer than 50
--     respondents in the category (or no population figure), uncertain when either has fewer than 100.
-- method_da: Antallet af frivillige i målingen year minus antallet i den tidligere måling since, for hver gruppe i
--     opdelingen, hvert antal gruppens andel, der har arbejdet frivilligt, ganget med antallet af indbyggere på 16 år
--     og derover i gruppen samme år (volunteers_count). Befolkningstallet er et registertal og behandles som kendt, så
--     hvert antals standardfejl er andelens gange befolkningstallet; målingerne er uafhængige stikprøver, så ændringens
--     standardfejl er kvadratroden af (population_year × se_year)^2 + (population_since × se_since)^2
--     (population_scaled og survey_change i _macros.sql). 95 %-interval = ændring ± 1,959964 × standardfejl; ændringen
--     er sikker, når intervallet ikke indeholder 0. Vises ikke, når en af målingerne har under 50 svar i gruppen (eller
--     intet befolkningstal), og er usikker, når en af dem har under 100.
-- unit: persons
-- unit_da: personer
-- source: survey_respondents, population, municipalities, labels
-- years: select distinct year from survey_respondents
-- param year: int = null; survey wave; null = every wave that has an earlier comparable one
-- param since: int = null; an earlier wave comparable with year (same series and definition, survey_waves);
--     null = the latest such wave
-- param by: dimension = total; breakdown dimension (the dimensions of the population table)
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
-- column estimate: double; change in the number of volunteers, count(year) - count(since); null when suppressed
-- column se: double; standard error of the change
-- column ci_low: double; lower 95 % bound of the change
-- column ci_high: double; upper 95 % bound of the change
-- column estimate_year: double; the number of volunteers in wave year
-- column estimate_since: double; the number of volunteers in wave since
-- column n: int; unweighted respondents in the category in wave year
-- column n_since: int; unweighted respondents in the category in wave since
-- column flag: text; ok, uncertain (either n < 100) or suppressed (either n < 50)
-- column verdict: text; reliable (the 95 % interval excludes 0) or not_reliable; null when suppressed

with

-- pairs(year, since): the waves compared
pairs as (
    select * from survey_wave_pairs(getvariable('year'), getvariable('since'))
),

-- every respondent is in the domain; y is 0/1
respondents as (
    select * from participation_observations(coalesce(getvariable('by'), 'total'), null)
    where year in (select year from pairs) or year in (select since from pairs)
),

-- the weighted share who volunteered per (year, category), with its SE: (year, category, n, mean, se)
rates as (
    select * from survey_domain_means(respondents, true, true)
),

-- the number of volunteers: rate and SE times the population 16+ of the category that year
counts as (
    select * from population_scaled(rates, coalesce(getvariable('by'), 'total'), 1.0)
),

-- change, SE, interval, flag, verdict per (year, since, category), labels
final as (
    select * from survey_change(counts, pairs, coalesce(getvariable('by'), 'total'), coalesce(getvariable('suppress'), true))
)

select * from final
