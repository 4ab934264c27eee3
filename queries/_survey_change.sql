-- _survey_change: the tail of a change metric broken down by $by: per (year, since) pair and category, the estimate
-- in wave year minus the estimate in wave since, with SE, 95 % interval, flag and verdict (see _survey_difference).
-- Reads estimates(year, category, n, mean, se) (see _survey_domain_means, over the waves of pairs), pairs(year, since)
-- (see _survey_wave_pairs), $by and $suppress. Defines categories, compared, the CTEs of _survey_difference and
-- final with the change contract columns: year, since, dimension, category, label_da, label_en, estimate, se,
-- ci_low, ci_high, estimate_year, estimate_since, n, n_since, flag, verdict.
-- A category missing from one wave has n 0 there, hence is suppressed.
-- No arguments.
categories as (
    select distinct category from estimates
),

-- side a: the category in wave year; side b: the same category in wave since. Waves are independent samples, each
-- its own design: covariance 0, so se = sqrt(se_year^2 + se_since^2)
compared as (
    select
        p.year,
        p.since as other,
        c.category,
        a.mean as mean_a,
        a.se as se_a,
        coalesce(a.n, 0) as n_a,
        b.mean as mean_b,
        b.se as se_b,
        coalesce(b.n, 0) as n_b,
        0.0 as cov_ab
    from pairs as p
    cross join categories as c
    left join estimates as a on a.year = p.year and a.category = c.category
    left join estimates as b on b.year = p.since and b.category = c.category
),

-- differences -> difference_verdicts: change, SE, interval, flag (suppression on either side), verdict
{{include _survey_difference}}

final as (
    select
        d.year,
        d.other as since,
        $by as dimension,
        d.category,
        l.label_da,
        l.label_en,
        d.estimate,
        d.se,
        d.ci_low,
        d.ci_high,
        d.estimate_a as estimate_year,
        d.estimate_b as estimate_since,
        d.n_a as n,
        d.n_b as n_since,
        d.flag,
        d.verdict
    from difference_verdicts as d
    left join labels as l on l.dimension = $by and l.code = d.category
    order by d.year, d.other, l.sort_order, d.category
)
