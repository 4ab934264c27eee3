-- participation_rate: share of residents 16+ who volunteered unpaid in the last 12 months
-- title_da: Andel der har arbejdet frivilligt
-- title_en: Share who volunteered
-- method: Weighted share of respondents aged 16 and over who did unpaid voluntary work in the last
--     12 months (volunteered = 1). Each survey wave is its own design svydesign(ids = ~1, weights = ~weight);
--     a breakdown is domain estimation within the wave, as svyby(~volunteered, ~by, design, svymean).
--     95 % interval = estimate +/- 1.959964 SE, clipped to [0, 1].
-- method_da: Vægtet andel af respondenter på 16 år og derover, som har udført ulønnet frivilligt arbejde inden
--     for de seneste 12 måneder (volunteered = 1). Hver måling er sit eget design, svydesign(ids = ~1, weights =
--     ~weight); en opdeling er domæneestimation inden for målingen som svyby(~volunteered, ~by, design, svymean).
--     95 %-interval = skøn ± 1,959964 × standardfejl, afgrænset til 0-1.
-- unit: rate (fraction 0-1 of residents 16+)
-- unit_da: andel (0-1) af indbyggerne på 16 år og derover
-- source: survey_respondents, labels
-- years: select distinct year from survey_respondents
-- param year: int = null; survey wave; null = every wave (the trend)
-- param by: dimension = total; breakdown dimension (see the dimension lines)
-- param suppress: bool = true; null estimate, se and interval when n < 50 (false only for method checks)
-- dimension total: 'all'
-- dimension gender: gender
-- dimension age_group: age_group
-- dimension region: region_code
-- dimension landsdel: landsdel_code
-- dimension east_west: east_west
-- dimension urbanisation: urbanisation
-- dimension education: education
-- dimension employment: employment
-- column year: int; survey wave
-- column dimension: text; the breakdown dimension (by)
-- column category: text; the category code ('all' for total)
-- column label_da: text; Danish label of the category
-- column label_en: text; English label of the category
-- column estimate: double; weighted share who volunteered (0-1); null when suppressed
-- column se: double; standard error (linearisation, as R survey)
-- column ci_low: double; lower 95 % bound, clipped at 0
-- column ci_high: double; upper 95 % bound, clipped at 1
-- column n: int; unweighted respondents in the category; null when 1-4 (small-count rule)
-- column flag: text; ok, uncertain (50 <= n < 100) or suppressed (n < 50)
-- column deff: double; design effect (Kish's, the design as used: se^2 over the variance under simple random
--     sampling with replacement of n; as R's svymean(..., deff = "replace")); null when suppressed
-- column n_eff: double; effective sample size n / deff; null when suppressed or n is 1-4

with

-- every respondent is in the domain; y is 0/1
respondents as (
    select * from participation_observations(coalesce(getvariable('by'), 'total'), getvariable('year'))
),

-- the weighted share who volunteered per (year, category), with its SE: (year, category, n, mean, se)
estimates as (
    select * from survey_domain_means(respondents, true, true)
),

-- suppression when n < 50, 95 % interval clipped to [0, 1], labels, flag
final as (
    select * from survey_final(estimates, coalesce(getvariable('by'), 'total'), coalesce(getvariable('suppress'), true), 1)
)

select * from final
