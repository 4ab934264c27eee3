-- _macros: the shared pieces of the metrics, as DuckDB macros. `python -m etl build` stores them in the warehouse
-- (queries/macros.py, together with one table macro per metric file), so a metric file runs as it is in the duckdb
-- CLI or Python; the query layer re-creates them as temporary macros from this file on each connection, so it
-- always runs the files as they are on disk. Macros read no variables: a metric passes its parameters in.
-- Every statement is `create or replace macro NAME(...) as ...` (the installer adds `temp` for the query layer).
-- The reporting thresholds and the disclosure rule live here and nowhere else.

-- === survey statistics =============================================================================================

-- Unweighted n below which an estimate is not shown ("for få svar"), and below which it is marked uncertain.
create or replace macro min_n_shown() as 50;
create or replace macro min_n_reliable() as 100;
-- Two-sided 95 % normal quantile, as printed in R: qnorm(0.975) = 1.959964.
create or replace macro z_95() as 1.959964;

create or replace macro survey_flag(n) as
    case when n < min_n_shown() then 'suppressed' when n < min_n_reliable() then 'uncertain' else 'ok' end;

-- Whether an estimate with unweighted n is shown; suppress = false only for method checks (the flag still says why).
create or replace macro survey_shown(n, suppress) as (not coalesce(suppress, true) or n >= min_n_shown());

-- Standard error of a weighted domain mean, as R survey's svyby(~y, ~domain, svydesign(ids = ~1, weights = ~w),
-- svymean): influence values z_i = w_i (y_i - ybar_d) / W_d inside the domain and 0 outside, over the n_wave
-- respondents of the wave's design, var = n_wave / (n_wave - 1) * sum z_i^2 (sum z_i = 0, so no centring term).
-- Expanded into per-domain sums so one grouped pass suffices:
--   sum w^2 (y - ybar)^2 = sw2y2 - 2 ybar sw2y + ybar^2 sw2.
-- The cancellation is mild for our variables (0/1 and hours; relative error ~ eps * (1 + ybar^2 / s^2)); the tests
-- compare against R and a two-pass computation.
create or replace macro domain_mean_se(sw, swy, sw2, sw2y, sw2y2, n_wave) as
    case when n_wave > 1 and sw > 0 then
        sqrt(greatest(
            n_wave::double / (n_wave - 1)
            * (sw2y2 - 2 * (swy / sw) * sw2y + (swy / sw) * (swy / sw) * sw2) / (sw * sw),
            0))
    end;

-- Design effect of a weighted domain mean (Kish's deff for the design as used): the estimate's variance under the
-- design (se^2) over its variance under simple random sampling with replacement of the domain's n respondents,
-- s^2 / n with s^2 = n / (n - 1) * sum w (y - ybar)^2 / sum w over the domain; so
--   deff = se^2 * sw * (n - 1) / (swy2 - swy^2 / sw),   swy2 = sum w y^2.
-- Equal to R survey's svymean(~y, design, deff = "replace") and svyby(..., svymean, deff = "replace") (tests/r). R's
-- default deff = TRUE uses the without-replacement variance with sum(weights) as the population size: our weights
-- sum to n in each wave (mean 1, docs/codebook.md), which makes that figure meaningless. Effective sample size:
-- n_eff = n / deff, the number of simple-random respondents that would give the same SE. Null when n < 2 or y does
-- not vary in the domain.
create or replace macro design_effect(se, n, sw, swy, swy2) as
    case when n > 1 and sw > 0 and swy2 - swy * swy / sw > 0 then se * se * sw * (n - 1) / (swy2 - swy * swy / sw) end;

-- Lower and upper 95 % bound clipped to [lo, hi] (rates and shares: [0, 1]; counts: [0, null = unbounded]).
-- (greatest/least skip nulls in DuckDB, hence the explicit guard.)
create or replace macro ci_low(est, se, lo) as
    case when est is not null and se is not null then greatest(est - z_95() * se, lo) end;
create or replace macro ci_high(est, se, hi) as
    case when est is not null and se is not null then
        case when hi is null then est + z_95() * se else least(est + z_95() * se, hi) end
    end;

-- === small counts of persons =======================================================================================

-- Disclosure rule for counts of persons (survey respondents, n): a count of 1-4 is not shown (null; the UI shows
-- '<5'); 0 and 5 or more are shown. Counts of public administrative records (municipalities, §18 applications,
-- cooperations) and register totals (population) are exact and do not pass through here. Apply it last: flags and
-- estimates are computed from the true count.
create or replace macro min_persons_shown() as 5;
create or replace macro person_count(n) as case when n > 0 and n < min_persons_shown() then null else n end;

-- The effective sample size n / deff of an estimate on n persons, null where the small-count rule hides n (1-4).
create or replace macro effective_n(n, deff) as case when person_count(n) is not null then n / deff end;

-- === breakdowns: a whitelisted dimension name -> the column it groups by ===========================================

-- The survey breakdowns: what `by` may name for a survey metric (each metric's header offers some of them).
create or replace macro survey_breakdowns() as
    ['total', 'gender', 'age_group', 'region', 'landsdel', 'east_west', 'urbanisation', 'education', 'employment'];

-- The respondents of a survey wave (every wave when wave is null) with their group under breakdown by_name: total
-- ('all'), gender, age_group, region (region_code), landsdel (landsdel_code), east_west, urbanisation, education,
-- employment. The inner select names one column after each breakdown, and COLUMNS picks the one called by_name while
-- DuckDB binds the query, so category keeps its column's type (a region is grouped as a number, 3-5 times faster
-- than as text) and the query holds that one column, not a case over all of them. Any other name stops the query
-- with an error listing these. Returns (year, respondent_id, weight, volunteered, hours_per_month, category): the key
-- and the survey variables the metrics estimate, not every column (binding 30 columns through each macro doubled
-- the time DuckDB spent planning).
create or replace macro survey_respondents_by(by_name, wave) as table
    select
        year,
        respondent_id,
        weight,
        volunteered,
        hours_per_month,
        columns(lambda c: c = case when list_contains(survey_breakdowns(), by_name) then by_name else 'total' end)
            as category
    from (
        select
            year,
            respondent_id,
            weight,
            volunteered,
            hours_per_month,
            'all' as total,
            gender,
            age_group,
            region_code as region,
            landsdel_code as landsdel,
            east_west,
            urbanisation,
            education,
            employment
        from survey_respondents
    )
    where (wave is null or year = wave)
        and (list_contains(survey_breakdowns(), by_name)
            or error('by must be one of ' || array_to_string(survey_breakdowns(), ', ') || '; got '
                || coalesce('''' || by_name || '''', 'null')));

-- Volunteering as a survey variable, one row per respondent of the wave (every wave when wave is null) under
-- breakdown by_name: y = volunteered (0/1, so y2 = y) and everyone in the domain. The one definition that
-- participation_rate, its change and contrast and volunteers_count_change read (survey_domain_means /
-- survey_domain_sums with all_in_domain := true, y_binary := true).
create or replace macro participation_observations(by_name, wave) as table
    select
        year,
        category,
        weight as w,
        volunteered as y,
        volunteered as y2,
        true as in_domain
    from survey_respondents_by(by_name, wave);

-- Hours per month per resident 16+ as a survey variable, one row per respondent: y = hours per month, 0 for
-- non-volunteers; a volunteer without an hours answer is out of the domain (na.rm), as
-- svymean(~I(volunteered * hours_per_month), design, na.rm = TRUE). Read by total_hours_per_year and its change.
create or replace macro resident_hours_observations(by_name, wave) as table
    select
        year,
        category,
        weight as w,
        case when volunteered = 1 then hours_per_month else 0 end as y,
        case when volunteered = 1 then hours_per_month * hours_per_month else 0 end as y2,
        volunteered = 0 or hours_per_month is not null as in_domain
    from survey_respondents_by(by_name, wave);

-- Hours per month as a survey variable, one row per respondent of the wave (every wave when wave is null) under
-- breakdown by_name: the estimation domain is the volunteers with an hours answer (in_domain), y their hours per
-- month and y2 its square; everyone else still counts in the wave's n. The one definition that hours_per_month and
-- its change and contrast metrics read (survey_domain_means / survey_domain_sums with all_in_domain := false).
create or replace macro hours_observations(by_name, wave) as table
    select
        year,
        category,
        weight as w,
        hours_per_month as y,
        hours_per_month * hours_per_month as y2,
        volunteered = 1 and hours_per_month is not null as in_domain
    from survey_respondents_by(by_name, wave);

-- The municipalities with category = the code of their group under breakdown by_name: total ('all'), region
-- (region_code), landsdel (landsdel_code), east_west, municipality (municipality_code). allowed is the metric's
-- whitelist: a name outside it stops the query; an allowed name that is not a geography (e.g. target_group) gives
-- category null, for the metric to fill from its own columns.
create or replace macro municipalities_by(by_name, allowed) as table
    select
        *,
        case
            when not coalesce(list_contains(allowed, by_name), false) then
                error('by must be one of ' || array_to_string(allowed, ', ') || '; got '
                    || coalesce('''' || by_name || '''', 'null'))
            when by_name = 'total' then 'all'
            when by_name = 'region' then cast(region_code as varchar)
            when by_name = 'landsdel' then cast(landsdel_code as varchar)
            when by_name = 'east_west' then east_west
            when by_name = 'municipality' then cast(municipality_code as varchar)
        end as category
    from municipalities;

-- Residents aged 16+ per (year, category) of a survey breakdown (the geographies through municipalities), the
-- category as text so that it joins survey estimates: total, gender, age_group, region, landsdel, east_west.
create or replace macro population_16plus(by_name, wave) as table
    select
        p.year,
        case by_name
            when 'total' then 'all'
            when 'gender' then p.gender
            when 'age_group' then p.age_group
            when 'region' then cast(m.region_code as varchar)
            when 'landsdel' then cast(m.landsdel_code as varchar)
            when 'east_west' then m.east_west
            else error('the population has no breakdown by ' || coalesce('''' || by_name || '''', 'null')
                || '; it has total, gender, age_group, region, landsdel, east_west')
        end as category,
        cast(sum(p.persons) as bigint) as population
    from population as p
    join municipalities as m using (municipality_code)
    where p.age_group <> '0-15' and (wave is null or p.year = wave)
    group by all;

-- === survey estimation =============================================================================================

-- The sums behind weighted domain means, one row per (year, category), from a relation
-- respondents(year, category, w, y, y2, in_domain) (survey_respondents_by gives the categories, of any type):
-- one row per respondent, every respondent of the wave in exactly one category; y2 is y squared; in_domain says
-- whether the respondent is in the estimation domain. Respondents outside it (e.g. everyone but the volunteers who
-- answered) still count in the wave's n, as in svyby(~y, ~by, subset(design, ...), svymean). Two shortcuts let
-- DuckDB skip per-respondent work: all_in_domain := true when every respondent is in the domain (in_domain is then not
-- read), y_binary := true when y is 0/1 (the sum of w^2 y^2 is then the sum of w^2 y, computed once; y2 not read).
-- Returns (year, category as text, n, n_wave, sw, swy, swy2, sw2, sw2y, sw2y2): n the respondents in the domain and
-- the category, n_wave the respondents of the wave, and the sums of w, w y, w y^2, w^2, w^2 y, w^2 y^2 over the domain in the
-- category (survey_domain_means turns them into means and SEs, survey_contrast into differences).
create or replace macro survey_domain_sums(respondents, all_in_domain, y_binary) as table
    with
    -- outside the domain a respondent weighs 0: the sums of aggregates filtered on in_domain, at half the cost
    domain_weights as (
        select
            year,
            category,
            in_domain,
            case when all_in_domain or in_domain then w else 0 end as w,
            y,
            y2
        from query_table(respondents)
    ),
    domain_sums as (
        select
            year,
            category,
            count(*) as n_all,
            -- the shortcuts are constants: DuckDB folds these cases and computes equal aggregates once
            case when all_in_domain then count(*) else cast(count_if(in_domain) as bigint) end as n,
            sum(w) as sw,
            sum(w * y) as swy,
            case when y_binary then sum(w * y) else sum(w * y2) end as swy2,
            sum(w * w) as sw2,
            sum(w * w * y) as sw2y,
            case when y_binary then sum(w * w * y) else sum(w * w * y2) end as sw2y2
        from domain_weights
        group by year, category
    ),
    -- every respondent of the wave counts in the variance of a domain mean: joined back from the few category rows
    -- (a window here is rewritten by DuckDB into a second pass over the respondents)
    waves as (
        select year, sum(n_all) as n_wave
        from domain_sums
        group by year
    )
    select
        s.year,
        cast(s.category as varchar) as category,
        s.n,
        w.n_wave,
        s.sw,
        s.swy,
        s.swy2,
        s.sw2,
        s.sw2y,
        s.sw2y2
    from domain_sums as s
    join waves as w on w.year = s.year;

-- Weighted domain means with their linearisation SEs, one row per (year, category), from the same relation
-- respondents and shortcuts as survey_domain_sums. Returns (year, category as text, n, mean, se, deff).
create or replace macro survey_domain_means(respondents, all_in_domain, y_binary) as table
    select
        year,
        category,
        n,
        swy / nullif(sw, 0) as mean,
        domain_mean_se(sw, swy, sw2, sw2y, sw2y2, n_wave) as se,
        design_effect(domain_mean_se(sw, swy, sw2, sw2y, sw2y2, n_wave), n, sw, swy, swy2) as deff
    from survey_domain_sums(respondents, all_in_domain, y_binary);

-- The same where the wave is stacked once per category: every respondent of the wave appears once in every
-- category, and the category's domain is the rows with in_domain true (a question or an answer, as in area_share,
-- or any domain of published_comparison), so a category's row count is the wave's n, as svyby wants for the
-- variance. Reads observations(year, category, w, y, y2, in_domain); returns (year, category, n, estimate, se, deff),
-- estimate, se and deff null when not shown (survey_shown).
create or replace macro survey_stacked_means(observations, suppress) as table
    with domain_sums as (
        select
            year,
            category,
            count(*) as n_all,
            count(*) filter (where in_domain) as n,
            sum(w) filter (where in_domain) as sw,
            sum(w * y) filter (where in_domain) as swy,
            sum(w * y2) filter (where in_domain) as swy2,
            sum(w * w) filter (where in_domain) as sw2,
            sum(w * w * y) filter (where in_domain) as sw2y,
            sum(w * w * y2) filter (where in_domain) as sw2y2
        from query_table(observations)
        group by year, category
    )
    select
        year,
        category,
        n,
        case when survey_shown(n, suppress) then swy / sw end as estimate,
        case when survey_shown(n, suppress) then domain_mean_se(sw, swy, sw2, sw2y, sw2y2, n_all) end as se,
        case when survey_shown(n, suppress) then
            design_effect(domain_mean_se(sw, swy, sw2, sw2y, sw2y2, n_all), n, sw, swy, swy2)
        end as deff
    from domain_sums;

-- The tail of a survey metric broken down by by_name: suppression, 95 % interval clipped to [0, ci_max] (ci_max
-- null: unbounded above), labels and flag, from estimates(year, category, n, mean, se, deff). Returns the survey
-- contract columns year, dimension, category, label_da, label_en, estimate, se, ci_low, ci_high, n, flag, deff, n_eff.
create or replace macro survey_final(estimates, by_name, suppress, ci_max) as table
    with shown as (
        select
            year,
            category,
            case when survey_shown(n, suppress) then mean end as estimate,
            case when survey_shown(n, suppress) then se end as se,
            case when survey_shown(n, suppress) then deff end as deff,
            n
        from query_table(estimates)
    )
    select
        s.year,
        by_name as dimension,
        s.category,
        l.label_da,
        l.label_en,
        s.estimate,
        s.se,
        ci_low(s.estimate, s.se, 0) as ci_low,
        ci_high(s.estimate, s.se, ci_max) as ci_high,
        person_count(s.n) as n,
        survey_flag(s.n) as flag,
        s.deff,
        effective_n(s.n, s.deff) as n_eff
    from shown as s
    left join labels as l on l.dimension = by_name and l.code = s.category
    order by s.year, l.sort_order, s.category;

-- The area question as stacked survey observations, one row per respondent of the wave (every wave when wave is null)
-- and area (labels 'area'): category the area code, y = 1 when active in it. With base 'volunteers' the domain is
-- the volunteers who answered the area question; with 'population' every respondent (a non-volunteer counts as not
-- active), so the share is of all residents 16+. y is 0/1, so y2 = y. With respondent_id, for a breakdown by the
-- respondents' groups. Read by area_share, area_share_change and area_share_contrast.
create or replace macro area_observations(wave, base) as table
    with respondents as (
        select
            r.year,
            r.respondent_id,
            a.code as area,
            r.weight as w,
            r.volunteered,
            case a.code
                when 'culture_sport_leisure' then r.area_culture_sport_leisure
                when 'social_health' then r.area_social_health
                when 'housing_local' then r.area_housing_local
                when 'politics_religion_interest' then r.area_politics_religion_interest
                when 'education' then r.area_education
            end as active
        from survey_respondents as r
        cross join (select code from labels where dimension = 'area') as a
        where wave is null or r.year = wave
    )
    select
        year,
        respondent_id,
        area as category,
        w,
        case when base = 'volunteers' then active else volunteered * coalesce(active, 0) end as y,
        case when base = 'volunteers' then active else volunteered * coalesce(active, 0) end as y2,
        case
            when base = 'volunteers' then volunteered = 1 and active is not null
            else volunteered = 0 or active is not null
        end as in_domain
    from respondents;

-- The answers to a volunteer question whose answers are the codes of labels dimension question (organisation_form,
-- recruited) as stacked survey observations, one row per respondent of the wave (every wave when wave is null) and
-- code: y = 1 when the answer is the code; the domain is the volunteers who answered; with respondent_id, for a
-- breakdown by the respondents' groups. Read by volunteer_answer_shares and the *_share_change and *_share_contrast
-- metrics.
create or replace macro volunteer_answer_observations(question, wave) as table
    with answers as (
        select
            year,
            respondent_id,
            weight,
            volunteered,
            case question
                when 'organisation_form' then organisation_form
                when 'recruited' then recruited
                else error('volunteer_answer_observations: no survey question '
                    || coalesce('''' || question || '''', 'null'))
            end as answer
        from survey_respondents
        where wave is null or year = wave
    )
    select
        r.year,
        r.respondent_id,
        c.code as category,
        r.weight as w,
        cast(coalesce(r.answer = c.code, false) as integer) as y,
        cast(coalesce(r.answer = c.code, false) as integer) as y2,
        r.volunteered = 1 and r.answer is not null as in_domain
    from answers as r
    cross join (select code from labels where dimension = question) as c;

-- The whole "share of volunteers by answer" for a survey question whose answers are the codes of labels dimension
-- question (organisation_form, recruited): for every code the weighted share of the volunteers who answered, as
-- svymean(~factor(question), subset(design, volunteered == 1), na.rm = TRUE), suppression, 95 % interval clipped to
-- [0, 1], labels, flag, design effect and effective n.
create or replace macro volunteer_answer_shares(question, wave, suppress) as table
    with
    observations as (
        select * from volunteer_answer_observations(question, wave)
    ),
    estimates as (
        select * from survey_stacked_means(observations, suppress)
    )
    select
        e.year,
        question as dimension,
        e.category,
        l.label_da,
        l.label_en,
        e.estimate,
        e.se,
        ci_low(e.estimate, e.se, 0) as ci_low,
        ci_high(e.estimate, e.se, 1) as ci_high,
        person_count(e.n) as n,
        survey_flag(e.n) as flag,
        e.deff,
        effective_n(e.n, e.deff) as n_eff
    from estimates as e
    left join labels as l on l.dimension = question and l.code = e.category
    order by e.year, l.sort_order;

-- === municipal and register tables =================================================================================

-- The labels of every category code, municipalities included (dimension 'municipality', code the kommunekode as
-- text, the name in both languages, sorted by code), for metrics broken down by municipality.
create or replace macro category_labels() as table
    select dimension, code, label_da, label_en, sort_order from labels
    union all
    select 'municipality', cast(municipality_code as varchar), municipality_name, municipality_name, municipality_code
    from municipalities;

-- The municipal survey's framework questions, one row per responding municipality and element: (year,
-- municipality_code, element, answer), answer 0/1 or null when the municipality left the question unanswered.
create or replace macro framework_answers() as table
    select
        s.year,
        s.municipality_code,
        e.element,
        case e.element
            when 'has_volunteer_policy' then s.has_volunteer_policy
            when 'has_volunteer_council' then s.has_volunteer_council
            when 'has_active_citizenship_strategy' then s.has_active_citizenship_strategy
            when 'organises_volunteers' then s.organises_volunteers
            when 'cooperation_increased' then s.cooperation_increased
            when 'has_volunteer_centre' then s.has_volunteer_centre
            when 'has_association_directory' then s.has_association_directory
            when 'has_volunteer_consultant' then s.has_volunteer_consultant
        end as answer
    from municipal_survey as s
    cross join (select code as element from labels where dimension = 'framework_element') as e
    where s.responded = 1;

-- === differences: changes between waves and contrasts within a wave ==============================================

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
create or replace macro domain_mean_cov(sw2y2, sw2y, sw2, ybar_d, ybar_e, sw_d, sw_e, n_wave) as
    case when n_wave > 1 and sw_d > 0 and sw_e > 0 then
        n_wave::double / (n_wave - 1)
        * (sw2y2 - (ybar_d + ybar_e) * sw2y + ybar_d * ybar_e * sw2) / (sw_d * sw_e)
    end;

-- Standard error of the difference a - b of two estimates with SEs se_a, se_b and covariance cov_ab:
-- sqrt(se_a^2 + se_b^2 - 2 cov_ab), as svycontrast(b, c(1, -1)). Waves are independent samples, so a change
-- between waves passes cov_ab = 0: sqrt(se_1^2 + se_2^2).
create or replace macro difference_se(se_a, se_b, cov_ab) as
    sqrt(greatest(se_a * se_a + se_b * se_b - 2 * cov_ab, 0));

-- A difference is as reliable as its weaker side: suppressed when either side has n < min_n_shown(), uncertain when
-- either has n < min_n_reliable(), with the thresholds of survey_flag.
create or replace macro difference_flag(n_a, n_b) as survey_flag(least(coalesce(n_a, 0), coalesce(n_b, 0)));

-- Verdict on a difference: 'reliable' ("sikker") when its 95 % interval excludes 0, else 'not_reliable'; null when
-- the difference is not shown.
create or replace macro difference_verdict(ci_lo, ci_hi) as
    case when ci_lo > 0 or ci_hi < 0 then 'reliable' when ci_lo is not null and ci_hi is not null then 'not_reliable' end;

-- The pairs of survey waves a change compares, (year, since): for every wave year (later_wave, or every wave when
-- null) the earlier wave since (earlier_wave, or the latest earlier wave comparable with year when null); only pairs
-- with since < year of two waves in the warehouse that survey_wave_comparable declares comparable (same series, same
-- method: data/reference/survey_waves.csv), so no change is ever computed across a series break. The query
-- layer refuses a since that is not comparable with year before it gets here (queries/changes.py).
create or replace macro survey_wave_pairs(later_wave, earlier_wave) as table
    with
    present_waves as (
        select distinct series, year from survey_respondents
    ),
    -- (year, other): two waves in the warehouse that the wave table declares comparable (same series and definition)
    comparable_waves as (
        select c.year, c.other
        from survey_wave_comparable as c
        join present_waves as a on a.series = c.series and a.year = c.year
        join present_waves as b on b.series = c.series and b.year = c.other
    ),
    wave_pairs as (
        select
            y.year,
            coalesce(earlier_wave,
                     (select max(c.other) from comparable_waves as c where c.year = y.year and c.other < y.year))
                as since
        from (select distinct year from present_waves) as y
        where later_wave is null or y.year = later_wave
    )
    select p.year, p.since
    from wave_pairs as p
    where p.since < p.year and exists (select 1 from comparable_waves as c where c.year = p.year and c.other = p.since);

-- A difference a - b of two survey estimates with its SE, 95 % interval, flag and verdict, from a relation
-- compared(year, other, category, mean_a, se_a, n_a, mean_b, se_b, n_b, cov_ab): side a is the category in the wave
-- `year`; side b is the wave `other` (a change) or the reference `other` of the same wave (a contrast); cov_ab their
-- covariance, 0 between waves.
--   estimate = mean_a - mean_b; se = difference_se(se_a, se_b, cov_ab); interval estimate +/- 1.959964 se, not
--   clipped; flag = difference_flag(n_a, n_b): suppressed (estimates, se, interval and verdict null, when suppress)
--   when either side has n < 50, uncertain when either has n < 100; verdict 'reliable' when the interval excludes 0.
-- Returns (year, other, category, estimate_a, estimate_b, estimate, se, ci_low, ci_high, n_a, n_b, flag, verdict).
create or replace macro survey_difference(compared, suppress) as table
    with
    differences as (
        select
            year,
            other,
            category,
            n_a,
            n_b,
            difference_flag(n_a, n_b) as flag,
            survey_shown(least(coalesce(n_a, 0), coalesce(n_b, 0)), suppress) as shown,
            mean_a,
            mean_b,
            mean_a - mean_b as diff,
            difference_se(se_a, se_b, cov_ab) as diff_se
        from query_table(compared)
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
    )
    select *, difference_verdict(ci_low, ci_high) as verdict
    from differences_shown;

-- The tail of a change metric broken down by by_name: per (year, since) pair of wave_pairs (survey_wave_pairs) and
-- category, the estimate in wave year minus the estimate in wave since (survey_difference), from
-- estimates(year, category, n, mean, se) (survey_domain_means over the waves of the pairs). Waves are independent
-- samples, each its own design: covariance 0, so se = sqrt(se_year^2 + se_since^2). A category missing from one wave
-- has n 0 there, hence is suppressed. Returns the change contract columns: year, since, dimension, category,
-- label_da, label_en, estimate, se, ci_low, ci_high, estimate_year, estimate_since, n, n_since, flag, verdict.
create or replace macro survey_change(estimates, wave_pairs, by_name, suppress) as table
    with
    category_estimates as (
        select * from query_table(estimates)
    ),
    categories as (
        select distinct category from category_estimates
    ),
    -- side a: the category in wave year; side b: the same category in wave since
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
        from query_table(wave_pairs) as p
        cross join categories as c
        left join category_estimates as a on a.year = p.year and a.category = c.category
        left join category_estimates as b on b.year = p.since and b.category = c.category
    ),
    difference_verdicts as (
        select * from survey_difference(compared, suppress)
    )
    select
        d.year,
        d.other as since,
        by_name as dimension,
        d.category,
        l.label_da,
        l.label_en,
        d.estimate,
        d.se,
        d.ci_low,
        d.ci_high,
        d.estimate_a as estimate_year,
        d.estimate_b as estimate_since,
        person_count(d.n_a) as n,
        person_count(d.n_b) as n_since,
        d.flag,
        d.verdict
    from difference_verdicts as d
    left join labels as l on l.dimension = by_name and l.code = d.category
    order by d.year, d.other, l.sort_order, d.category;

-- Survey means turned into totals over the population 16+ (a register figure, treated as fixed, not estimated):
-- from estimates(year, category, n, mean, se) (survey_domain_means), mean and se times population x factor, where
-- population is that wave's residents 16+ in the category (population_16plus) and factor a constant (1 for a count
-- of volunteers from a rate; 12 for hours per year from hours per month; 12 / hours_per_fte for full-time
-- equivalents). A fixed factor scales the SE: se(P f m) = P f se(m). Fed to survey_change, a change of such a total
-- between waves is P_year f m_year - P_since f m_since with
--   se = sqrt((P_year f se_year)^2 + (P_since f se_since)^2)
-- (independent waves; the populations of the two years differ, so this is not P f times the SE of the change of
-- m). A wave without a population figure gives mean and se null (the change is then not shown). Returns (year,
-- category, n, mean, se).
create or replace macro population_scaled(estimates, by_name, factor) as table
    select
        e.year,
        e.category,
        e.n,
        e.mean * p.population * factor as mean,
        e.se * p.population * factor as se
    from query_table(estimates) as e
    left join population_16plus(by_name, null) as p on p.year = e.year and p.category = e.category;

-- The tail of a contrast metric broken down by by_name: per wave and category, the category's estimate minus the
-- reference's estimate in the same wave (survey_difference), from sums(year, category, n, n_wave, sw, swy, sw2, sw2y,
-- sw2y2) (survey_domain_sums; every respondent of the wave in exactly one category). The reference is 'all' (the
-- whole population of the wave, or of the estimation domain: all volunteers for hours) or another category of the
-- breakdown. Both sides come from the same design, so the SE uses their covariance (domain_mean_cov), as
-- svyby(~y, ~by, design, svymean, covmat = TRUE) followed by svycontrast:
--   a category against the whole population: the category lies inside it, the overlap of the domains is the
--   category (its sums of w^2, w^2 y, w^2 y^2), and se^2 = se_cat^2 + se_all^2 - 2 cov;
--   two categories: disjoint domains, empty overlap, covariance 0, and se^2 = se_cat^2 + se_ref^2.
-- The wave key year may be any comparable value that names one design: the share contrasts pass {year, code}, so each
-- answer code of a stacked question is contrasted on its own over the wave's respondents (survey_domain_sums counts
-- n_wave per key, which for stacked observations is the wave's n).
-- Returns the contrast contract columns: year, dimension, category, reference, label_da, label_en,
-- reference_label_da, reference_label_en, estimate, se, ci_low, ci_high, estimate_category, estimate_reference, n,
-- n_reference, flag, verdict. The reference itself is not a row. by_name 'total' is an error.
create or replace macro survey_contrast(sums, by_name, reference_code, suppress) as table
    with
    -- the categories with their means and SEs (as survey_domain_means)
    category_sums as (
        select
            year,
            category,
            n,
            n_wave,
            sw,
            swy,
            sw2,
            sw2y,
            sw2y2,
            swy / nullif(sw, 0) as mean,
            domain_mean_se(sw, swy, sw2, sw2y, sw2y2, n_wave) as se
        from query_table(sums)
        -- a contrast needs a breakdown: total has the one category 'all'
        where case when by_name = 'total' then error('by must be one of the breakdowns gender, age_group, region, '
            || 'landsdel, east_west, urbanisation, education, employment (a contrast needs one); got ''total''')
            else true end
    ),
    -- the whole population (of the estimation domain) of each wave: the categories partition the wave, so its sums
    -- are the sums over the categories (outside the estimation domain the weights are 0)
    population_sums as (
        select
            year,
            cast(sum(n) as bigint) as n,
            max(n_wave) as n_wave,
            sum(sw) as sw,
            sum(swy) as swy,
            sum(sw2) as sw2,
            sum(sw2y) as sw2y,
            sum(sw2y2) as sw2y2
        from category_sums
        group by year
    ),
    population_estimates as (
        select
            year,
            n,
            sw,
            swy / nullif(sw, 0) as mean,
            domain_mean_se(sw, swy, sw2, sw2y, sw2y2, n_wave) as se
        from population_sums
    ),
    -- side a: the category; side b: the reference of the same wave
    compared as (
        -- the whole population: the overlap of the two domains is the category
        select
            c.year,
            'all' as other,
            c.category,
            c.mean as mean_a,
            c.se as se_a,
            c.n as n_a,
            p.mean as mean_b,
            p.se as se_b,
            p.n as n_b,
            domain_mean_cov(c.sw2y2, c.sw2y, c.sw2, c.mean, p.mean, c.sw, p.sw, c.n_wave) as cov_ab
        from category_sums as c
        join population_estimates as p on p.year = c.year
        where reference_code = 'all'

        union all

        -- another category of the breakdown: disjoint domains, the overlap is empty
        select
            c.year,
            r.category as other,
            c.category,
            c.mean as mean_a,
            c.se as se_a,
            c.n as n_a,
            r.mean as mean_b,
            r.se as se_b,
            r.n as n_b,
            domain_mean_cov(0, 0, 0, c.mean, r.mean, c.sw, r.sw, c.n_wave) as cov_ab
        from category_sums as c
        join category_sums as r on r.year = c.year and r.category = reference_code
        where reference_code <> 'all' and c.category <> reference_code
    ),
    difference_verdicts as (
        select * from survey_difference(compared, suppress)
    )
    select
        d.year,
        by_name as dimension,
        d.category,
        d.other as reference,
        l.label_da,
        l.label_en,
        r.label_da as reference_label_da,
        r.label_en as reference_label_en,
        d.estimate,
        d.se,
        d.ci_low,
        d.ci_high,
        d.estimate_a as estimate_category,
        d.estimate_b as estimate_reference,
        person_count(d.n_a) as n,
        person_count(d.n_b) as n_reference,
        d.flag,
        d.verdict
    from difference_verdicts as d
    left join labels as l on l.dimension = by_name and l.code = d.category
    left join labels as r
        on r.dimension = case when d.other = 'all' then 'total' else by_name end and r.code = d.other
    order by d.year, l.sort_order, d.category;

-- The contrasts of the shares of a question's answers (area, organisation form, recruitment) between each category
-- of breakdown by_name and a reference (reference_code 'all' or a category) in a wave (every wave when null), from
-- observations(year, respondent_id, category = the answer code, w, y, y2, in_domain) stacked once per answer code
-- (area_observations, volunteer_answer_observations): each answer code is contrasted on its own, with the wave and
-- the code as survey_contrast's key ({year, code}: each code is a question of its own over the wave's n). Returns
-- year, question, answer, answer_label_da, answer_label_en and survey_contrast's columns, ordered as the labels.
create or replace macro survey_share_contrast(observations, question, by_name, wave, reference_code, suppress) as table
    with
    -- per answer code and category of the breakdown: the answers with the respondent's category
    respondents as (
        select
            {'year': o.year, 'code': o.category} as year,
            r.category,
            o.w,
            o.y,
            o.y2,
            o.in_domain
        from query_table(observations) as o
        join survey_respondents_by(by_name, wave) as r
            on r.year = o.year and r.respondent_id = o.respondent_id
    ),
    -- (wave and code, category, n, n_wave and the weighted sums); y is 0/1
    sums as (
        select * from survey_domain_sums(respondents, false, true)
    ),
    -- contrast with the reference, SE (covariance from the wave's design), interval, flag, verdict per wave, code
    -- and category
    contrasts as (
        select * from survey_contrast(sums, by_name, reference_code, suppress)
    )
    select
        c.year.year as year,
        cast(question as varchar) as question,
        c.year.code as answer,
        a.label_da as answer_label_da,
        a.label_en as answer_label_en,
        c.* exclude (year)
    from contrasts as c
    left join labels as a on a.dimension = question and a.code = c.year.code
    left join labels as g on g.dimension = c.dimension and g.code = c.category
    order by c.year.year, a.sort_order, c.year.code, g.sort_order, c.category;
