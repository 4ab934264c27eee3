-- _survey_final: the tail of a survey metric broken down by $by: suppression, 95 % interval, labels and flag.
-- Reads estimates(year, category, n, mean, se) (see _survey_domain_means) and the parameters $by and $suppress.
-- Defines shown and final, with the survey contract columns: year, dimension, category, label_da, label_en,
-- estimate, se, ci_low, ci_high, n, flag.
-- Argument ci_max: where the interval is clipped above (1 for rates and shares, null for unbounded means).
shown as (
    select
        year,
        category,
        case when survey_shown(n, $suppress) then mean end as estimate,
        case when survey_shown(n, $suppress) then se end as se,
        n
    from estimates
),

final as (
    select
        s.year,
        $by as dimension,
        s.category,
        l.label_da,
        l.label_en,
        s.estimate,
        s.se,
        ci_low(s.estimate, s.se, 0) as ci_low,
        ci_high(s.estimate, s.se, {{ci_max}}) as ci_high,
        s.n,
        survey_flag(s.n) as flag
    from shown as s
    left join labels as l on l.dimension = $by and l.code = s.category
    order by s.year, l.sort_order, s.category
)
