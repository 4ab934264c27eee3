-- participation_contrast: difference in the share who volunteered between each category and a reference in one wave
-- title_da: Forskel i andelen der har arbejdet frivilligt
-- title_en: Difference in the share who volunteered
-- method: Participation rate (share with volunteered = 1) of each category of the breakdown minus the rate of
--     the reference in the same wave: the whole population (reference = 'all') or another category (e.g. women against men). Both rates come
--     from the wave's design, so the standard error uses their covariance, as svyby(~volunteered, ~by, design,
--     svymean, covmat = TRUE) followed by svycontrast: se = sqrt(se_cat^2 + se_ref^2 - 2 cov), where cov is 0
--     between two categories (disjoint domains) and, against the whole population, n/(n-1) sum over the category of
--     w^2 (y - rate_cat)(y - rate_all) / (W_cat W_all). 95 % interval = difference +/- 1.959964 SE (not clipped);
--     verdict 'reliable' when the interval excludes 0. Not shown when either side has fewer than 50 respondents,
--     uncertain when either has fewer than 100.
-- method_da: Andelen, der har arbejdet frivilligt (volunteered = 1), i hver gruppe i opdelingen minus andelen
--     for referencen i samme måling: hele befolkningen (reference = 'all') eller en anden gruppe (fx kvinder mod
--     mænd). Begge andele kommer fra målingens design, så standardfejlen bruger deres kovarians som
--     svyby(~volunteered, ~by, design, svymean, covmat = TRUE) efterfulgt af svycontrast: se = kvadratroden af
--     se_cat^2 + se_ref^2 - 2 cov, hvor cov er 0 mellem to grupper (de overlapper ikke) og mod hele befolkningen
--     n/(n-1) gange summen over gruppens svar af w^2 (y - rate_cat)(y - rate_all) / (W_cat W_all). 95 %-interval =
--     forskel ± 1,959964 × standardfejl; forskellen er sikker, når intervallet ikke indeholder 0. Vises ikke, når
--     en af siderne har under 50 svar, og er usikker, når en af dem har under 100.
-- unit: difference of rates (fraction -1 to 1; x 100 = percentage points)
-- unit_da: forskel mellem andele (-1 til 1; × 100 = procentpoint)
-- source: survey_respondents, labels
-- years: select distinct year from survey_respondents
-- param year: int = null; survey wave; null = every wave
-- param by: dimension = gender; breakdown dimension (see the dimension lines)
-- param reference: text = all; 'all' (the whole population of the wave) or a category code of the breakdown
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
-- column estimate: double; rate(category) - rate(reference) (-1 to 1); null when suppressed
-- column se: double; standard error of the difference (covariance from the wave's design)
-- column ci_low: double; lower 95 % bound of the difference
-- column ci_high: double; upper 95 % bound of the difference
-- column estimate_category: double; the share who volunteered in the category
-- column estimate_reference: double; the share who volunteered in the reference
-- column n: int; unweighted respondents in the category
-- column n_reference: int; unweighted respondents in the reference
-- column flag: text; ok, uncertain (either n < 100) or suppressed (either n < 50)
-- column verdict: text; reliable (the 95 % interval excludes 0) or not_reliable; null when suppressed

with

-- every respondent is in the domain; y is 0/1
respondents as (
    select * from participation_observations(coalesce(getvariable('by'), 'gender'), getvariable('year'))
),

-- the sums behind the weighted share who volunteered per (year, category): (year, category, n, n_wave and the weighted sums)
sums as (
    select * from survey_domain_sums(respondents, true, true)
),

-- contrast with the reference, SE (covariance from the wave's design), interval, flag, verdict per (year, category)
final as (
    select * from survey_contrast(sums, coalesce(getvariable('by'), 'gender'), coalesce(getvariable('reference'), 'all'),
        coalesce(getvariable('suppress'), true))
)

select * from final
