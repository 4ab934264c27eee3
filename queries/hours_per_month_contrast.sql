-- hours_per_month_contrast: difference in mean hours per month per volunteer between each category and a reference
-- title_da: Forskel i timer om måneden pr. frivillig
-- title_en: Difference in hours per month per volunteer
-- method: Mean hours per month among the volunteers of each category of the breakdown minus the mean of the
--     reference in the same wave: all volunteers (reference = 'all') or the volunteers of another category. The
--     domains are volunteers with an hours answer within the wave's design, as hours_per_month; the standard error
--     uses the covariance of the two means from that design, as svyby(~hours_per_month, ~by, subset(design,
--     volunteered == 1), svymean, na.rm = TRUE, covmat = TRUE) followed by svycontrast: se = sqrt(se_cat^2 +
--     se_ref^2 - 2 cov), cov 0 between two categories and, against all volunteers, n/(n-1) sum over the category's
--     volunteers of w^2 (y - mean_cat)(y - mean_all) / (W_cat W_all), n the wave's respondents. 95 % interval =
--     difference +/- 1.959964 SE (not clipped); verdict 'reliable' when the interval excludes 0. Not shown when
--     either side has fewer than 50 volunteers with an hours answer, uncertain when either has fewer than 100.
-- method_da: Gennemsnitligt antal timer om måneden (hours_per_month) blandt de frivillige i hver gruppe i
--     opdelingen minus gennemsnittet for referencen i samme måling: alle frivillige (reference = 'all') eller de
--     frivillige i en anden gruppe. Domænerne er de frivillige med timetal inden for målingens design som i
--     hours_per_month; standardfejlen bruger de to gennemsnits kovarians fra dette design som
--     svyby(~hours_per_month, ~by, subset(design, volunteered == 1), svymean, na.rm = TRUE, covmat = TRUE)
--     efterfulgt af svycontrast: se = kvadratroden af se_cat^2 + se_ref^2 - 2 cov, cov 0 mellem to grupper og mod
--     alle frivillige n/(n-1) gange summen over gruppens frivillige af w^2 (y - mean_cat)(y - mean_all) / (W_cat
--     W_all), n målingens respondenter. 95 %-interval = forskel ± 1,959964 × standardfejl; forskellen er sikker,
--     når intervallet ikke indeholder 0. Vises ikke, når en af siderne har under 50 frivillige med timetal, og er
--     usikker, når en af dem har under 100.
-- unit: difference of hours per month per volunteer
-- unit_da: forskel i timer om måneden pr. frivillig
-- source: survey_respondents, labels
-- years: select distinct year from survey_respondents
-- param year: int = null; survey wave; null = every wave
-- param by: dimension = gender; breakdown dimension (see the dimension lines)
-- param reference: text = all; 'all' (all volunteers of the wave) or a category code of the breakdown
-- param suppress: bool = true; null estimates, se, interval and verdict when n < 50 on either side (false only
--     for method checks)
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
-- column category: text; the category code
-- column reference: text; the reference: 'all' or a category code
-- column label_da: text; Danish label of the category
-- column label_en: text; English label of the category
-- column reference_label_da: text; Danish label of the reference
-- column reference_label_en: text; English label of the reference
-- column estimate: double; mean(category) - mean(reference), hours per month per volunteer; null when suppressed
-- column se: double; standard error of the difference (covariance from the wave's design)
-- column ci_low: double; lower 95 % bound of the difference
-- column ci_high: double; upper 95 % bound of the difference
-- column estimate_category: double; mean hours per month per volunteer in the category
-- column estimate_reference: double; mean hours per month per volunteer in the reference
-- column n: int; unweighted volunteers with an hours answer in the category
-- column n_reference: int; unweighted volunteers with an hours answer in the reference
-- column flag: text; ok, uncertain (either n < 100) or suppressed (either n < 50)
-- column verdict: text; reliable (the 95 % interval excludes 0) or not_reliable; null when suppressed

with

-- the domain is the volunteers with an hours answer; every respondent of the wave counts in the SE
respondents as (
    select * from hours_observations(coalesce(getvariable('by'), 'gender'), getvariable('year'))
),

-- the sums behind the mean hours per month of the category's volunteers: (year, category, n, n_wave and the weighted sums)
sums as (
    select * from survey_domain_sums(respondents, false, false)
),

-- contrast with the reference, SE (covariance from the wave's design), interval, flag, verdict per (year, category)
final as (
    select * from survey_contrast(sums, coalesce(getvariable('by'), 'gender'), coalesce(getvariable('reference'), 'all'),
        coalesce(getvariable('suppress'), true))
)

select * from final
