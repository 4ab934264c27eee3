-- _survey_domain_means: weighted domain means with their linearisation SEs, one row per (year, category).
-- Reads a CTE respondents(year, category, w, y, ...) defined before the include: one row per respondent, every
-- respondent of the wave in exactly one category. Respondents outside the estimation domain (e.g. everyone but the
-- volunteers who answered) still count in the wave's n, as in svyby(~y, ~by, subset(design, ...), svymean).
-- Defines domain_weights, domain_sums, waves and estimates(year, category as text, n, mean, se), each followed
-- by a comma.
-- Arguments (each a column of respondents, or a shortcut that lets DuckDB skip per-respondent work):
--   in_domain: the boolean column saying whether a respondent is in the estimation domain; true when everyone is
--     (no weights are then zeroed);
--   y2: the column holding y squared; y when y is 0/1, its own square (the sum of w^2 y^2 is then the sum of
--     w^2 y, computed once).

-- outside the domain a respondent weighs 0: the sums of aggregates filtered on in_domain, at half the cost
domain_weights as (
    select * replace (case when {{in_domain}} then w else 0 end as w)
    from respondents
),

domain_sums as (
    select
        year,
        category,
        count(*) as n_all,
        cast(count_if({{in_domain}}) as bigint) as n,
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
