-- participation_change: change in the share who volunteered between two survey waves, with its uncertainty
-- title_da: Ændring i andelen der har arbejdet frivilligt
-- title_en: Change in the share who volunteered
-- method: Participation rate in wave year minus the rate in the earlier wave since, per category of the
--     breakdown (each rate as in participation_rate). Waves are independent samples, each its own design, so the
--     standard error of the change is sqrt(se_year^2 + se_since^2). 95 % interval = change +/- 1.959964 SE (not
--     clipped); verdict 'reliable' when the interval excludes 0. Not shown when either wave has fewer than 50
--     respondents in the category, uncertain when either has fewer than 100.
-- method_da: Andelen, der har arbejdet frivilligt, i målingen year minus andelen i den tidligere måling since,
--     for hver gruppe i opdelingen (hver andel som i participation_rate). Målingerne er uafhængige stikprøver, hver
--     sit eget design, så ændringens standardfejl er kvadratroden af se_year^2 + se_since^2. 95 %-interval = ændring ±
--     1,959964 × standardfejl; ændringen er sikker, når intervallet ikke indeholder 0. Vises ikke, når en af
--     målingerne har under 50 svar i gruppen, og er usikker, når en af dem har under 100.
-- unit: difference of rates (fraction -1 to 1; x 100 = percentage points)
-- unit_da: forskel mellem andele (-1 til 1; × 100 = procentpoint)
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
-- column estimate: double; change in the share who volunteered, rate(year) - rate(since) (-1 to 1); null when
--     suppressed
-- column se: double; standard error of the change, sqrt(se_year^2 + se_since^2)
-- column ci_low: double; lower 95 % bound of the change
-- column ci_high: double; upper 95 % bound of the change
-- column estimate_year: double; the share who volunteered in wave year
-- column estimate_since: double; the share who volunteered in wave since
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
estimates as (
    select * from survey_domain_means(respondents, true, true)
),

-- change, SE, interval, flag, verdict per (year, since, category), labels
final as (
    select * from survey_change(estimates, pairs, coalesce(getvariable('by'), 'total'), coalesce(getvariable('suppress'), true))
)

select * from final
