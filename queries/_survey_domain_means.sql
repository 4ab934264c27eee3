-- _survey_domain_means: weighted domain means with their linearisation SEs, one row per (year, category).
-- Reads a CTE respondents(year, category, w, y, in_domain, ...) defined before the include: one row per respondent,
-- every respondent of the wave in exactly one category; in_domain (boolean) says whether the respondent is in the
-- estimation domain (everyone, or e.g. the volunteers who answered); respondents outside it still count in the
-- wave's n, as in svyby(~y, ~by, subset(design, ...), svymean).
-- Defines domain_weights, domain_sums, waves and estimates(year, category as text, n, mean, se), each followed
-- by a comma.
-- Argument y2: the respondents column holding y squared. A 0/1 y is its own square: pass y2=y, and the sum of
-- w^2 y^2 is the sum of w^2 y, computed once (one aggregate fewer per row). Otherwise define a column y2 = y * y
-- in respondents and pass y2=y2.

-- outside the domain a respondent weighs 0: the sums of aggregates filtered on in_domain, at half the cost
domain_weights as (
    select * replace (case when in_domain then w else 0 end as w)
    from respondents
),

domain_sums as (
    select
        year,
        category,
        count(*) as n_all,
        cast(count_if(in_domain) as bigint) as n,
        sum(w) as sw,
        sum(w * y) as swy,
        sum(w * w) as sw2,
        sum(w * w * y) as sw2y,
        sum(w * w * {{y2}}) as sw2y2
    from domain_weights
    group by year, category
),

-- every respondent of the wave counts in the variance of a domain mean (a join: cheaper here than a window)
waves as (
    select year, sum(n_all) as n_wave
    from domain_sums
    group by year
),

estimates as (
    select
        year,
        cast(category as varchar) as category,
        n,
        swy / nullif(sw, 0) as mean,
        domain_mean_se(sw, swy, sw2, sw2y, sw2y2, w.n_wave) as se
    from domain_sums
    join waves as w using (year)
),
