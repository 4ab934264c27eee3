-- _survey_difference: a difference a - b of two survey estimates with its SE, 95 % interval, flag and verdict, for
-- the change and contrast metrics. Reads a CTE compared(year, other, category, mean_a, se_a, n_a, mean_b, se_b, n_b,
-- cov_ab) defined before the include (side a is the category in the wave `year`; side b is the wave `other`
-- (a change) or the reference `other` of the same wave (a contrast); cov_ab their covariance, 0 between waves) and
-- $suppress. Defines differences, differences_shown and difference_verdicts(year, other, category, estimate_a,
-- estimate_b, estimate, se, ci_low, ci_high, n_a, n_b, flag, verdict), each followed by a comma:
--   estimate = mean_a - mean_b; se = difference_se(se_a, se_b, cov_ab); interval estimate +/- 1.959964 se, not
--   clipped; flag = difference_flag(n_a, n_b): suppressed (estimates, se, interval and verdict null) when either
--   side has n < 50, uncertain when either has n < 100; verdict 'reliable' when the interval excludes 0.
-- No arguments.
differences as (
    select
        year,
        other,
        category,
        n_a,
        n_b,
        difference_flag(n_a, n_b) as flag,
        survey_shown(least(coalesce(n_a, 0), coalesce(n_b, 0)), $suppress) as shown,
        mean_a,
        mean_b,
        mean_a - mean_b as diff,
        difference_se(se_a, se_b, cov_ab) as diff_se
    from compared
),

differences_shown as (
    select
        year,
        other,
        category,
        case when shown then mean_a end as estimate_a,
        case when shown then mean_b end as estimate_b,
        case when shown then diff end as estimate,
        case when shown then diff_se end as se,
        ci_low(case when shown then diff end, diff_se, null) as ci_low,
        ci_high(case when shown then diff end, diff_se, null) as ci_high,
        n_a,
        n_b,
        flag
    from differences
),

difference_verdicts as (
    select *, difference_verdict(ci_low, ci_high) as verdict
    from differences_shown
),
