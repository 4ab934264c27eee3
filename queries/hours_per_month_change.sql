-- hours_per_month_change: change in the mean hours per month per volunteer between two survey waves, with its uncertainty
-- title_da: Ændring i timer om måneden pr. frivillig
-- title_en: Change in hours per month per volunteer
-- method: Mean hours per month among the volunteers of the category in wave year minus the mean in the earlier
--     wave since (each mean as in hours_per_month: the domain is the volunteers with an hours answer, the variance
--     uses every respondent of the wave). Waves are independent samples, each its own design, so the standard error
--     of the change is sqrt(se_year^2 + se_since^2). 95 % interval = change +/- 1.959964 SE (not clipped); verdict
--     'reliable' when the interval excludes 0. Not shown when either wave has fewer than 50 volunteers with an
--     hours answer in the category, uncertain when either has fewer than 100.
-- method_da: Gennemsnitligt antal timer om måneden blandt de frivillige i gruppen i målingen year minus
--     gennemsnittet i den tidligere måling since (hvert gennemsnit som i hours_per_month: domænet er de frivillige,
--     der har oplyst timetallet; variansen bruger alle målingens respondenter). Målingerne er uafhængige stikprøver,
--     hver sit eget design, så ændringens standardfejl er kvadratroden af se_year^2 + se_since^2. 95 %-interval =
--     ændring ± 1,959964 × standardfejl; ændringen er sikker, når intervallet ikke indeholder 0. Vises ikke, når en
--     af målingerne har under 50 frivillige med timetal i gruppen, og er usikker, når en af dem har under 100.
-- unit: difference of hours per month per volunteer
-- unit_da: forskel i timer om måneden pr. frivillig
-- source: survey_respondents, labels
-- years: select distinct year from survey_respondents
-- param year: int = null; survey wave; null = every wave that has an earlier comparable one
-- param since: int = null; an earlier wave comparable with year (same series and definition, survey_waves);
--     null = the latest such wave
-- param by: dimension = total; breakdown dimension (see the dimension lines)
-- param suppress: bool = true; null estimates, se, interval and verdict when n < 50 on either side (false only
--     for method checks)
-- dimension total: 'all'
-- dimension gender: gender
-- dimension age_group: age_group
-- dimension region: region_code
-- dimension landsdel: landsdel_code
-- dimension east_west: east_west
-- dimension urbanisation: urbanisation
-- dimension education: education
-- dimension employment: employment
-- column year: int; the later survey wave
-- column since: int; the earlier survey wave
-- column dimension: text; the breakdown dimension (by)
-- column category: text; the category code ('all' for total)
-- column label_da: text; Danish label of the category
-- column label_en: text; English label of the category
-- column estimate: double; change in mean hours per month per volunteer, mean(year) - mean(since); null when
--     suppressed
-- column se: double; standard error of the change, sqrt(se_year^2 + se_since^2)
-- column ci_low: double; lower 95 % bound of the change
-- column ci_high: double; upper 95 % bound of the change
-- column estimate_year: double; mean hours per month per volunteer in wave year
-- column estimate_since: double; mean hours per month per volunteer in wave since
-- column n: int; unweighted volunteers with an hours answer in the category in wave year
-- column n_since: int; unweighted volunteers with an hours answer in the category in wave since
-- column flag: text; ok, uncertain (either n < 100) or suppressed (either n < 50)
-- column verdict: text; reliable (the 95 % interval excludes 0) or not_reliable; null when suppressed

with

-- pairs(year, since): the waves compared
pairs as (
    select * from survey_wave_pairs(getvariable('year'), getvariable('since'))
),

-- the domain is the volunteers with an hours answer; every respondent of the wave counts in the SE
respondents as (
    select * from hours_observations(coalesce(getvariable('by'), 'total'), null)
    where year in (select year from pairs) or year in (select since from pairs)
),

-- the mean hours per month of the category's volunteers, with its SE: (year, category, n, mean, se)
estimates as (
    select * from survey_domain_means(respondents, false, false)
),

-- change, SE, interval, flag, verdict per (year, since, category), labels
final as (
    select * from survey_change(estimates, pairs, coalesce(getvariable('by'), 'total'), coalesce(getvariable('suppress'), true))
)

select * from final
