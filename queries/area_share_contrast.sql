-- area_share_contrast: difference in the share active in each area between each category and a reference in one wave
-- title_da: Forskel i de frivilliges fordeling på områder
-- title_en: Difference in volunteers by area of activity
-- method: For each of the five areas, the share active in it (as area_share, with the same base) of each category
--     of the breakdown minus that of the reference in the same wave: everyone in the denominator (reference = 'all') or
--     another category (e.g. women against men). Both shares come from the wave's design and the same question's
--     domain, so the standard error uses their covariance, as svyby(~y, ~by, subset(design, domain), svymean, covmat =
--     TRUE) followed by svycontrast: se = sqrt(se_cat^2 + se_ref^2 - 2 cov), where cov is 0 between two categories
--     (disjoint domains) and, against all of the denominator, domain_mean_cov over the category's part of the domain
--     (survey_domain_sums and survey_contrast in _macros.sql, each answer code contrasted on its own). 95 % interval =
--     difference +/- 1.959964 SE (not clipped); verdict 'reliable' when the interval excludes 0. Not shown when either
--     side has fewer than 50 respondents in the denominator, uncertain when either has fewer than 100.
-- method_da: For hvert af de fem områder andelen, der er aktiv inden for området (som area_share, med samme base),
--     i hver gruppe i opdelingen minus andelen for referencen i samme måling: alle i nævneren (reference = 'all') eller
--     en anden gruppe (fx kvinder mod mænd). Begge andele kommer fra målingens design og samme spørgsmåls domæne, så
--     standardfejlen bruger deres kovarians som svyby(~y, ~by, subset(design, domain), svymean, covmat = TRUE)
--     efterfulgt af svycontrast: se = kvadratroden af se_cat^2 + se_ref^2 - 2 cov, hvor cov er 0 mellem to grupper (de
--     overlapper ikke) og mod hele nævneren domain_mean_cov over gruppens del af domænet (survey_domain_sums og
--     survey_contrast i _macros.sql, hver svarkode for sig). 95 %-interval = forskel ± 1,959964 × standardfejl;
--     forskellen er sikker, når intervallet ikke indeholder 0. Vises ikke, når en af siderne har under 50 svar i
--     nævneren, og er usikker, når en af dem har under 100.
-- unit: difference of shares (fraction -1 to 1; x 100 = percentage points)
-- unit_da: forskel mellem andele (-1 til 1; × 100 = procentpoint)
-- source: survey_respondents, labels
-- years: select distinct year from survey_respondents
-- param year: int = null; survey wave; null = every wave
-- param by: dimension = gender; breakdown dimension (see the dimension lines)
-- param reference: text = all; 'all' (the whole denominator of the wave) or a category code of the breakdown
-- param base: text{volunteers,population} = volunteers; denominator: volunteers or all residents 16+
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
-- column question: text; always 'area'
-- column answer: text; the area code the share is of
-- column answer_label_da: text; Danish label of the answer
-- column answer_label_en: text; English label of the answer
-- column dimension: text; the breakdown dimension (by)
-- column category: text; the category code of the breakdown
-- column reference: text; the reference: 'all' or a category code
-- column label_da: text; Danish label of the category
-- column label_en: text; English label of the category
-- column reference_label_da: text; Danish label of the reference
-- column reference_label_en: text; English label of the reference
-- column estimate: double; share(category) - share(reference) (-1 to 1); null when suppressed
-- column se: double; standard error of the difference (covariance from the wave's design)
-- column ci_low: double; lower 95 % bound of the difference
-- column ci_high: double; upper 95 % bound of the difference
-- column estimate_category: double; the share in the category
-- column estimate_reference: double; the share in the reference
-- column n: int; unweighted respondents of the category in the denominator
-- column n_reference: int; unweighted respondents of the reference in the denominator
-- column flag: text; ok, uncertain (either n < 100) or suppressed (either n < 50)
-- column verdict: text; reliable (the 95 % interval excludes 0) or not_reliable; null when suppressed

with

-- one row per respondent and area: y = 1 when active in it, in_domain the denominator (base)
observations as (
    select * from area_observations(getvariable('year'), coalesce(getvariable('base'), 'volunteers'))
),

-- each answer code's share in each category against the reference, with its SE, interval, flag and verdict
final as (
    select * from survey_share_contrast(observations, 'area', coalesce(getvariable('by'), 'gender'),
        getvariable('year'), coalesce(getvariable('reference'), 'all'), coalesce(getvariable('suppress'), true))
)

select * from final
