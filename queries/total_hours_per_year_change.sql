-- total_hours_per_year_change: change in the total volunteer hours per year between two survey waves, with its uncertainty
-- title_da: Ændring i frivillige timer om året i alt
-- title_en: Change in total volunteer hours per year
-- method: Total hours per year in wave year minus the total in the earlier wave since, per category of the
--     breakdown, each total the weighted mean hours per month over all residents 16+ (0 for those who did not
--     volunteer) times 12 months times the residents aged 16+ of the category that year (total_hours_per_year). The
--     population is a register figure, treated as known, so each total's standard error is the mean's times 12 x
--     population; the waves are independent samples, so the change's standard error is
--     sqrt((12 population_year se_year)^2 + (12 population_since se_since)^2), with se_year and se_since the means'
--     standard errors (population_scaled and survey_change in _macros.sql). 95 % interval = change +/- 1.959964 SE
--     (not clipped); verdict 'reliable' when the interval excludes 0. Not shown when either wave has fewer than 50
--     respondents in the category (or no population figure), uncertain when either has fewer than 100.
-- method_da: Frivillige timer om året i alt i målingen year minus timerne i den tidligere måling since, for hver
--     gruppe i opdelingen, hver total det vægtede gennemsnit af timer om måneden over alle indbyggere på 16 år og
--     derover (0 for dem, der ikke har arbejdet frivilligt) gange 12 måneder gange antallet af indbyggere på 16 år og
--     derover i gruppen samme år (total_hours_per_year). Befolkningstallet er et registertal og behandles som kendt, så
--     hver totals standardfejl er gennemsnittets gange 12 × befolkningstallet; målingerne er uafhængige stikprøver, så
--     ændringens standardfejl er kvadratroden af (12 × population_year × se_year)^2 + (12 × population_since ×
--     se_since)^2 (population_scaled og survey_change i _macros.sql). 95 %-interval = ændring ± 1,959964 ×
--     standardfejl; ændringen er sikker, når intervallet ikke indeholder 0. Vises ikke, når en af målingerne har under
--     50 svar i gruppen (eller intet befolkningstal), og er usikker, når en af dem har under 100.
-- unit: hours per year
-- unit_da: timer om året
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
-- column estimate: double; change in the hours per year, total(year) - total(since); null when suppressed
-- column se: double; standard error of the change
-- column ci_low: double; lower 95 % bound of the change
-- column ci_high: double; upper 95 % bound of the change
-- column estimate_year: double; the total hours per year in wave year
-- column estimate_since: double; the total hours per year in wave since
-- column n: int; unweighted respondents in the category in wave year
-- column n_since: int; unweighted respondents in the category in wave since
-- column flag: text; ok, uncertain (either n < 100) or suppressed (either n < 50)
-- column verdict: text; reliable (the 95 % interval excludes 0) or not_reliable; null when suppressed

with

-- pairs(year, since): the waves compared
pairs as (
    select * from survey_wave_pairs(getvariable('year'), getvariable('since'))
),

-- hours per month of every respondent, 0 for non-volunteers; a volunteer without an hours answer is left out, as in
-- total_hours_per_year
respondents as (
    select * from resident_hours_observations(coalesce(getvariable('by'), 'total'), null)
    where year in (select year from pairs) or year in (select since from pairs)
),

-- the mean hours per month per resident 16+ per (year, category), with its SE: (year, category, n, mean, se)
means as (
    select * from survey_domain_means(respondents, false, false)
),

-- the hours per year: mean and SE times 12 months times the population 16+ of the category that year
totals as (
    select * from population_scaled(means, coalesce(getvariable('by'), 'total'), 12.0)
),

-- change, SE, interval, flag, verdict per (year, since, category), labels
final as (
    select * from survey_change(totals, pairs, coalesce(getvariable('by'), 'total'), coalesce(getvariable('suppress'), true))
)

select * from final
