-- _survey_shares: weighted shares of a 0/1 answer with their linearisation SEs, one row per (year, category),
-- where a category is a question or an answer rather than a group of people: every respondent of the wave
-- appears once per category, so a category's n_all is the wave's n.
-- Reads a CTE observations(year, category, w, y, in_domain) defined before the include (y 0/1, in_domain
-- boolean) and $suppress. Defines domain_sums and estimates(year, category, n, estimate, se), estimate and se
-- null when suppressed, each followed by a comma. No arguments.

-- y is 0/1, so the sums of w^2 y^2 and w^2 y coincide
domain_sums as (
    select
        year,
        category,
        count(*) as n_all,
        count(*) filter (where in_domain) as n,
        sum(w) filter (where in_domain) as sw,
        sum(w * y) filter (where in_domain) as swy,
        sum(w * w) filter (where in_domain) as sw2,
        sum(w * w * y) filter (where in_domain) as sw2y
    from observations
    group by year, category
),

estimates as (
    select
        year,
        category,
        n,
        case when survey_shown(n, $suppress) then swy / sw end as estimate,
        case when survey_shown(n, $suppress) then domain_mean_se(sw, swy, sw2, sw2y, sw2y, n_all) end as se
    from domain_sums
),
