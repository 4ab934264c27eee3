-- _survey_contrast: the tail of a contrast metric broken down by $by: per wave and category, the category's estimate
-- minus the reference's estimate in the same wave, with SE, 95 % interval, flag and verdict (see _survey_difference).
-- The reference ($reference) is 'all' (the whole population of the wave, or of the estimation domain: all
-- volunteers for hours) or another category of the breakdown. Both sides come from the same design, so the SE uses
-- their covariance (domain_mean_cov in _macros.sql), as svyby(~y, ~by, design, svymean, covmat = TRUE) followed by
-- svycontrast:
--   a category against the whole population: the category lies inside it, the overlap of the domains is the
--   category (its sums of w^2, w^2 y, w^2 y^2), and se^2 = se_cat^2 + se_all^2 - 2 cov;
--   two categories: disjoint domains, empty overlap, covariance 0, and se^2 = se_cat^2 + se_ref^2.
-- Reads domain_sums, waves and estimates (see _survey_domain_means; every respondent of the wave in exactly one
-- category), $by, $reference and $suppress. Defines population_sums, population_estimates, category_sums, compared,
-- the CTEs of _survey_difference and final with the contrast contract columns: year, dimension, category,
-- reference, label_da, label_en, reference_label_da, reference_label_en, estimate, se, ci_low, ci_high,
-- estimate_category, estimate_reference, n, n_reference, flag, verdict. The reference itself is not a row.
-- No arguments.

-- the whole population (of the estimation domain) of each wave: the categories partition the wave, so its sums are
-- the sums over the categories (outside the estimation domain the weights are 0)
population_sums as (
    select
        year,
        cast(sum(n) as bigint) as n,
        sum(sw) as sw,
        sum(swy) as swy,
        sum(sw2) as sw2,
        sum(sw2y) as sw2y,
        sum(sw2y2) as sw2y2
    from domain_sums
    group by year
),

population_estimates as (
    select
        p.year,
        p.n,
        p.sw,
        p.swy / nullif(p.sw, 0) as mean,
        domain_mean_se(p.sw, p.swy, p.sw2, p.sw2y, p.sw2y2, w.n_wave) as se
    from population_sums as p
    join waves as w using (year)
),

category_sums as (
    select
        s.year,
        e.category,
        s.sw,
        s.sw2,
        s.sw2y,
        s.sw2y2,
        e.n,
        e.mean,
        e.se,
        w.n_wave
    from domain_sums as s
    join estimates as e on e.year = s.year and e.category = cast(s.category as varchar)
    join waves as w on w.year = s.year
),

-- side a: the category; side b: the reference of the same wave
compared as (
    -- the whole population: the overlap of the two domains is the category
    select
        c.year,
        'all' as other,
        c.category,
        c.mean as mean_a,
        c.se as se_a,
        c.n as n_a,
        p.mean as mean_b,
        p.se as se_b,
        p.n as n_b,
        domain_mean_cov(c.sw2y2, c.sw2y, c.sw2, c.mean, p.mean, c.sw, p.sw, c.n_wave) as cov_ab
    from category_sums as c
    join population_estimates as p on p.year = c.year
    where $reference = 'all'

    union all

    -- another category of the breakdown: disjoint domains, the overlap is empty
    select
        c.year,
        r.category as other,
        c.category,
        c.mean as mean_a,
        c.se as se_a,
        c.n as n_a,
        r.mean as mean_b,
        r.se as se_b,
        r.n as n_b,
        domain_mean_cov(0, 0, 0, c.mean, r.mean, c.sw, r.sw, c.n_wave) as cov_ab
    from category_sums as c
    join category_sums as r on r.year = c.year and r.category = $reference
    where $reference <> 'all' and c.category <> $reference
),

-- differences -> difference_verdicts: contrast, SE, interval, flag (suppression on either side), verdict
{{include _survey_difference}}

final as (
    select
        d.year,
        $by as dimension,
        d.category,
        d.other as reference,
        l.label_da,
        l.label_en,
        r.label_da as reference_label_da,
        r.label_en as reference_label_en,
        d.estimate,
        d.se,
        d.ci_low,
        d.ci_high,
        d.estimate_a as estimate_category,
        d.estimate_b as estimate_reference,
        d.n_a as n,
        d.n_b as n_reference,
        d.flag,
        d.verdict
    from difference_verdicts as d
    left join labels as l on l.dimension = $by and l.code = d.category
    left join labels as r
        on r.dimension = case when d.other = 'all' then 'total' else $by end and r.code = d.other
    order by d.year, l.sort_order, d.category
)
