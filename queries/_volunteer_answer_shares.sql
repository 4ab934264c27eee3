-- _volunteer_answer_shares: the whole query of a "share of volunteers by answer" metric for the survey question
-- in column `column` of survey_respondents, whose answers are the codes of labels dimension `column`: for every
-- code the weighted share of the volunteers who answered, as svymean(~factor(column), subset(design,
-- volunteered == 1), na.rm = TRUE), suppression, 95 % interval clipped to [0, 1], labels and flag.
-- Reads $year and $suppress. Defines categories, observations, domain_sums, estimates and final.
-- Argument column: the survey column (organisation_form, recruited).
categories as (
    select code as category from labels where dimension = '{{column}}'
),

observations as (
    select
        r.year,
        c.category,
        r.weight as w,
        cast(coalesce(r.{{column}} = c.category, false) as integer) as y,
        r.volunteered = 1 and r.{{column}} is not null as in_domain
    from survey_respondents as r
    cross join categories as c
    where $year is null or r.year = $year
),

-- domain_sums -> estimates: the weighted share per (year, category), null when suppressed, with its SE
{{include _survey_stacked_means y2=y}}

final as (
    select
        e.year,
        '{{column}}' as dimension,
        e.category,
        l.label_da,
        l.label_en,
        e.estimate,
        e.se,
        ci_low(e.estimate, e.se, 0) as ci_low,
        ci_high(e.estimate, e.se, 1) as ci_high,
        e.n,
        survey_flag(e.n) as flag
    from estimates as e
    left join labels as l on l.dimension = '{{column}}' and l.code = e.category
    order by e.year, l.sort_order
)
