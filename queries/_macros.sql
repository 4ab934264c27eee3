-- Shared by every survey metric: the query layer runs this file on each connection it opens (in the duckdb CLI:
-- `.read queries/_macros.sql`). The reporting thresholds live here and nowhere else.

-- Unweighted n below which an estimate is not shown ("for få svar"), and below which it is marked uncertain.
create or replace temp macro min_n_shown() as 50;
create or replace temp macro min_n_reliable() as 100;
-- Two-sided 95 % normal quantile, as printed in R: qnorm(0.975) = 1.959964.
create or replace temp macro z_95() as 1.959964;

create or replace temp macro survey_flag(n) as
    case when n < min_n_shown() then 'suppressed' when n < min_n_reliable() then 'uncertain' else 'ok' end;

-- Whether an estimate with unweighted n is shown; suppress = false only for method checks (the flag still says why).
create or replace temp macro survey_shown(n, suppress) as (not coalesce(suppress, true) or n >= min_n_shown());

-- Standard error of a weighted domain mean, as R survey's svyby(~y, ~domain, svydesign(ids = ~1, weights = ~w),
-- svymean): influence values z_i = w_i (y_i - ybar_d) / W_d inside the domain and 0 outside, over the n_wave
-- respondents of the wave's design, var = n_wave / (n_wave - 1) * sum z_i^2 (sum z_i = 0, so no centring term).
-- Expanded into per-domain sums so one grouped pass suffices:
--   sum w^2 (y - ybar)^2 = sw2y2 - 2 ybar sw2y + ybar^2 sw2.
-- The cancellation is mild for our variables (0/1 and hours; relative error ~ eps * (1 + ybar^2 / s^2)); the tests
-- compare against R and a two-pass computation.
create or replace temp macro domain_mean_se(sw, swy, sw2, sw2y, sw2y2, n_wave) as
    case when n_wave > 1 and sw > 0 then
        sqrt(greatest(
            n_wave::double / (n_wave - 1)
            * (sw2y2 - 2 * (swy / sw) * sw2y + (swy / sw) * (swy / sw) * sw2) / (sw * sw),
            0))
    end;

-- Lower and upper 95 % bound clipped to [lo, hi] (rates and shares: [0, 1]; counts: [0, null = unbounded]).
-- (greatest/least skip nulls in DuckDB, hence the explicit guard.)
create or replace temp macro ci_low(est, se, lo) as
    case when est is not null and se is not null then greatest(est - z_95() * se, lo) end;
create or replace temp macro ci_high(est, se, hi) as
    case when est is not null and se is not null then
        case when hi is null then est + z_95() * se else least(est + z_95() * se, hi) end
    end;

-- Differences of two survey estimates (issue 13): changes between waves and contrasts within a wave.
--
-- Covariance of two weighted domain means of one wave, as R survey's svyby(~y, ~by, design, svymean, covmat = TRUE)
-- (design svydesign(ids = ~1, weights = ~w)). With influence values z_di = w_i 1{i in d} (y_i - ybar_d) / W_d over
-- the n_wave respondents, survey's estimator is cov = n_wave / (n_wave - 1) * sum_i (z_di - zbar_d)(z_ei - zbar_e).
-- Every zbar is 0 (sum_i z_di = sum_{i in d} w_i (y_i - ybar_d) / W_d = 0 by the definition of ybar_d), so
--   cov = n_wave / (n_wave - 1) * sum_{i in d and e} w_i^2 (y_i - ybar_d)(y_i - ybar_e) / (W_d W_e)
--       = n_wave / (n_wave - 1) * (sw2y2 - (ybar_d + ybar_e) sw2y + ybar_d ybar_e sw2) / (W_d W_e),
-- where sw2y2, sw2y, sw2 are the sums of w^2 y^2, w^2 y, w^2 over the OVERLAP of the two domains. Hence:
--   d = e: the variance, domain_mean_se^2; d inside e (a category and its whole population): the overlap is d;
--   disjoint domains (two categories of one breakdown): the overlap is empty and the covariance 0.
create or replace temp macro domain_mean_cov(sw2y2, sw2y, sw2, ybar_d, ybar_e, sw_d, sw_e, n_wave) as
    case when n_wave > 1 and sw_d > 0 and sw_e > 0 then
        n_wave::double / (n_wave - 1)
        * (sw2y2 - (ybar_d + ybar_e) * sw2y + ybar_d * ybar_e * sw2) / (sw_d * sw_e)
    end;

-- Standard error of the difference a - b of two estimates with SEs se_a, se_b and covariance cov_ab:
-- sqrt(se_a^2 + se_b^2 - 2 cov_ab), as svycontrast(b, c(1, -1)). Waves are independent samples, so a change
-- between waves passes cov_ab = 0: sqrt(se_1^2 + se_2^2).
create or replace temp macro difference_se(se_a, se_b, cov_ab) as
    sqrt(greatest(se_a * se_a + se_b * se_b - 2 * cov_ab, 0));

-- A difference is as reliable as its weaker side: suppressed when either side has n < min_n_shown(), uncertain when
-- either has n < min_n_reliable(), with the thresholds of survey_flag.
create or replace temp macro difference_flag(n_a, n_b) as survey_flag(least(coalesce(n_a, 0), coalesce(n_b, 0)));

-- Verdict on a difference: 'reliable' ("sikker") when its 95 % interval excludes 0, else 'not_reliable'; null when
-- the difference is not shown.
create or replace temp macro difference_verdict(ci_lo, ci_hi) as
    case when ci_lo > 0 or ci_hi < 0 then 'reliable' when ci_lo is not null and ci_hi is not null then 'not_reliable' end;
