-- recruitment_share_change: change in the share of volunteers by how they came to volunteer between two survey waves, with its uncertainty
-- title_da: Ændring i, hvordan de frivillige er kommet i gang
-- title_en: Change in how volunteers were recruited
-- method: For each value of recruited, the weighted share of the volunteers who answered (as recruitment_share) in
--     wave year minus the share in the earlier wave since. Waves are independent samples, each its own design, so the
--     standard error of the change is sqrt(se_year^2 + se_since^2) (survey_stacked_means and survey_change in
--     _macros.sql). 95 % interval = change +/- 1.959964 SE (not clipped); verdict 'reliable' when the interval excludes
--     0. Not shown when either wave has fewer than 50 respondents in the denominator, uncertain when either has fewer
--     than 100.
-- method_da: For hver værdi af recruited den vægtede andel af de frivillige, der har svaret (som
--     recruitment_share), i målingen year minus andelen i den tidligere måling since. Målingerne er uafhængige
--     stikprøver, hver sit eget design, så ændringens standardfejl er kvadratroden af se_year^2 + se_since^2
--     (survey_stacked_means og survey_change i _macros.sql). 95 %-interval = ændring ± 1,959964 × standardfejl;
--     ændringen er sikker, når intervallet ikke indeholder 0. Vises ikke, når en af målingerne har under 50 svar i
--     nævneren, og er usikker, når en af dem har under 100.
-- unit: difference of shares (fraction -1 to 1; x 100 = percentage points)
-- unit_da: forskel mellem andele (-1 til 1; × 100 = procentpoint)
-- source: survey_respondents, labels
-- years: select distinct year from survey_respondents
-- param year: int = null; survey wave; null = every wave that has an earlier comparable one
-- param since: int = null; an earlier wave comparable with year (same series and definition, survey_waves);
--     null = the latest such wave
-- param suppress: bool = true; null estimates, se, interval and verdict when n < 50 on either side (false only
--     for method checks)
-- column year: int; the later survey wave
-- column since: int; the earlier survey wave
-- column dimension: text; always 'recruited'
-- column category: text; the recruited code
-- column label_da: text; Danish label of the category
-- column label_en: text; English label of the category
-- column estimate: double; change in the share, share(year) - share(since) (-1 to 1); null when suppressed
-- column se: double; standard error of the change, sqrt(se_year^2 + se_since^2)
-- column ci_low: double; lower 95 % bound of the change
-- column ci_high: double; upper 95 % bound of the change
-- column estimate_year: double; the share in wave year
-- column estimate_since: double; the share in wave since
-- column n: int; unweighted respondents in the denominator in wave year
-- column n_since: int; unweighted respondents in the denominator in wave since
-- column flag: text; ok, uncertain (either n < 100) or suppressed (either n < 50)
-- column verdict: text; reliable (the 95 % interval excludes 0) or not_reliable; null when suppressed

with

-- pairs(year, since): the waves compared
pairs as (
    select * from survey_wave_pairs(getvariable('year'), getvariable('since'))
),

-- one row per respondent and answer code of the waves compared: y = 1 for the answer given, in_domain the volunteers
-- who answered
observations as (
    select *
    from volunteer_answer_observations('recruited', null)
    where year in (select year from pairs) or year in (select since from pairs)
),

-- the weighted share per (year, code) with its SE, unsuppressed (survey_change applies the flags)
estimates as (
    select year, category, n, estimate as mean, se from survey_stacked_means(observations, false)
),

-- change, SE, interval, flag, verdict per (year, since, code), labels
final as (
    select * from survey_change(estimates, pairs, 'recruited', coalesce(getvariable('suppress'), true))
)

select * from final
