-- _survey_stacked_means: weighted domain means with their linearisation SEs, one row per (year, category), where
-- the wave is stacked once per category: every respondent of the wave appears once in every category, and the
-- category's domain is the respondents with in_domain true (a question or an answer, as in area_share, or any
-- domain of published_comparison). A category's n_all is therefore the wave's n, as svyby wants for the variance.
-- Reads a CTE observations(year, category, w, y, in_domain, ...) defined before the include (in_domain boolean)
-- and $suppress. Defines domain_sums and estimates(year, category, n, estimate, se), estimate and se null when
-- suppressed, each followed by a comma.
-- Argument y2: the observations column holding y squared; y when y is 0/1, its own square (the sum of w^2 y^2 is
-- then the sum of w^2 y, computed once).

domain_sums as (
    select
        year,
        category,
        count(*) as n_all,
        count(*) filter (where in_domain) as n,
        sum(w) filter (where in_domain) as sw,
        sum(w * y) filter (where in_domain) as swy,
        sum(w * w) filter (where in_domain) as sw2,
        sum(w * w * y) filter (where in_domain) as sw2y,
        sum(w * w * {{y2}}) filter (where in_domain) as sw2y2
    from observations
    group by year, category
),

estimates as (
    select
        year,
        category,
        n,
        case when survey_shown(n, $suppress) then swy / sw end as estimate,
        case when survey_shown(n, $suppress) then domain_mean_se(sw, swy, sw2, sw2y, sw2y2, n_all) end as se
    from domain_sums
),
