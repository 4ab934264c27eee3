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
