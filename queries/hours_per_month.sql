-- hours_per_month: mean hours of voluntary work per month among volunteers
-- title_da: Timer om måneden pr. frivillig
-- title_en: Hours per month per volunteer
-- method: Weighted mean of hours_per_month among respondents who volunteered (volunteered = 1 and hours
--     answered). The domain is the volunteers in the category, estimated within the wave's design as
--     svyby(~hours_per_month, ~by, subset(design, volunteered == 1), svymean, na.rm = TRUE); the variance uses
--     every respondent of the wave (n - 1 denominator over the whole wave), as R does.
-- method_da: Vægtet gennemsnit af hours_per_month (timer med frivilligt arbejde om måneden) blandt de
--     respondenter, der har arbejdet frivilligt (volunteered = 1 og timetallet besvaret). Domænet er de frivillige i
--     gruppen, estimeret inden for målingens design som svyby(~hours_per_month, ~by, subset(design, volunteered ==
--     1), svymean, na.rm = TRUE); variansen bruger alle målingens respondenter (nævner n - 1 over hele målingen), som
--     R gør.
-- unit: hours per month per volunteer
-- unit_da: timer om måneden pr. frivillig
-- source: survey_respondents, labels
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
-- dimension urbanisation: urbanisation
-- dimension education: education
-- dimension employment: employment
-- column year: int; survey wave
-- column dimension: text; the breakdown dimension (by)
-- column category: text; the category code ('all' for total)
-- column label_da: text; Danish label of the category
-- column label_en: text; English label of the category
-- column estimate: double; mean hours per month among volunteers in the category; null when suppressed
-- column se: double; standard error (linearisation, as R survey)
-- column ci_low: double; lower 95 % bound, clipped at 0
-- column ci_high: double; upper 95 % bound
-- column n: int; unweighted volunteers with an hours answer in the category; null when 1-4 (small-count rule)
-- column flag: text; ok, uncertain (50 <= n < 100) or suppressed (n < 50)
-- column deff: double; design effect (Kish's, the design as used: se^2 over the variance under simple random
--     sampling with replacement of n; as R's svymean(..., deff = "replace")); null when suppressed
-- column n_eff: double; effective sample size n / deff; null when suppressed or n is 1-4

with

-- the domain is the volunteers with an hours answer; every respondent of the wave counts in the SE
respondents as (
    select * from hours_observations(coalesce(getvariable('by'), 'total'), getvariable('year'))
),

-- the mean hours per month of the category's volunteers, with its SE: (year, category, n, mean, se)
estimates as (
    select * from survey_domain_means(respondents, false, false)
),

-- suppression when n < 50, 95 % interval clipped at 0 (no upper bound), labels, flag
final as (
    select * from survey_final(estimates, coalesce(getvariable('by'), 'total'), coalesce(getvariable('suppress'), true), null)
)

select * from final
