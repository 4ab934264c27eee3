-- published_comparison: every published figure beside our estimate from the warehouse
-- title_da: Vores tal sammenholdt med de offentliggjorte
-- title_en: Our figures against the published ones
-- method: Each row of published_figures with our value computed the same way as the metric named in
--     column metric, in the published unit (percentages as 0-100). Survey figures carry our 95 % interval and
--     whether the published value lies inside it; municipal and register figures are compared after rounding
--     our value to the published precision (whole units; amounts of a million or more to 0.1 million, or to
--     whole millions when printed so). Orders and ranks (e.g. "40-49 year-olds the most active") are checked
--     as stated. Rows we cannot compute have our value null and a reason (reason in English, reason_da in
--     Danish). Published category names are mapped to our codes in the query's category_codes list (and via the
--     Danish labels for areas). A volunteer-survey figure is compared only with the warehouse's wave of its series
--     (survey_waves) that counts volunteering with the figure's definition; otherwise our value is null and the
--     reason says that the data cannot reproduce it (another series in that year, or another definition: e.g. SFI's
--     25 % for the last month).
-- method_da: Hver række i published_figures med vores værdi, beregnet på samme måde som den metrik, kolonnen
--     metric nævner, og i den offentliggjorte enhed (procent som 0-100). Tal fra frivilligundersøgelsen har vores
--     95 %-interval og angiver, om det offentliggjorte tal ligger inden for det; tal fra kommuneundersøgelsen og
--     registre sammenlignes, efter at vores værdi er afrundet til den offentliggjorte præcision (hele enheder; beløb
--     på en million eller mere til 0,1 million eller til hele millioner, når de er trykt sådan). Rækkefølger og
--     placeringer (fx "40-49-årige er de mest aktive") kontrolleres som angivet. Rækker, vi ikke kan beregne, har
--     vores værdi tom og en begrundelse (reason_da på dansk, reason på engelsk). Offentliggjorte kategorinavne
--     oversættes til vores koder i forespørgslens liste category_codes (og for områder via de danske betegnelser i
--     labels.csv). Et tal fra en frivilligundersøgelse sammenlignes kun med datavarehusets måling i samme
--     undersøgelse (survey_waves), der opgør frivilligt arbejde med tallets definition; ellers er vores værdi tom, og
--     begrundelsen siger, at data ikke kan genskabe det (en anden undersøgelse det år eller en anden definition: fx
--     SFI's 25 % for den seneste måned).
-- unit: as published (column unit): pct, persons, hours, municipalities, fte, dkk, rank, order
-- unit_da: som offentliggjort (kolonnen unit): pct (procent), persons (personer), hours (timer), municipalities
--     (kommuner), fte (fuldtidsstillinger), dkk (kr.), rank (placering), order (rækkefølge)
-- source: published_figures, survey_respondents, survey_waves, population, municipal_survey, municipalities, grants_s18, grant_budgets, labels
-- years: select distinct year from published_figures
-- param year: int = null; year of the published figures; null = all
-- param suppress: bool = true; no survey figure when n < 50 (false only for method checks)
-- column figure_id: text; id in published_figures
-- column survey: text; publishing survey or register
-- column year: int; year the figure refers to
-- column population: text; population as published
-- column breakdown: text; breakdown as published
-- column category: text; category as published (Danish)
-- column measure: text; published measure
-- column series: text; survey series of a volunteer-survey figure (national, cfsa); null for others
-- column definition: text; the definition of volunteering the figure uses (labels, dimension definition)
-- column unit: text; published unit (pct = percent 0-100)
-- column comparator: text; '=' exact, '~' approximate, '>' lower bound or order
-- column published_value: double; the published figure
-- column metric: text; our metric that computes it (null when none)
-- column code: text; our category code
-- column our_value: double; our figure in the published unit; null when not computable
-- column our_ci_low: double; lower 95 % bound of a survey figure
-- column our_ci_high: double; upper 95 % bound of a survey figure
-- column n: int; unweighted respondents (survey figures); null when 1-4 (small-count rule)
-- column flag: text; ok, uncertain or suppressed (survey figures)
-- column difference: double; our_value - published_value (percentage points for pct)
-- column within_interval: bool; the published value lies inside our 95 % interval (survey figures)
-- column rounded_value: double; our value rounded to the published precision
-- column agrees: bool; inside the interval (survey), equal after rounding (counts, amounts), order or rank as published
-- column reason: text; why our value is missing (English)
-- column reason_da: text; the same reason in Danish
-- column source_ref: text; the source document

with

figures as (
    select * from published_figures where getvariable('year') is null or year = getvariable('year')
),

-- published category -> our code (areas are matched through their Danish label, age groups are our codes)
category_codes(breakdown, category, code) as (
    values
        ('total', 'alle', 'all'),
        ('gender', 'mand', 'male'),
        ('gender', 'kvinde', 'female'),
        ('east_west', 'vest>øst', 'west>east'),
        ('total', 'deltagende kommuner', 'all'),
        ('total', 'medarbejderressourcer', 'all'),
        ('total', 'har frivilligstrategi', 'has_volunteer_policy'),
        ('total', 'har frivilligråd', 'has_volunteer_council'),
        ('total', 'samarbejdet er steget', 'cooperation_increased'),
        ('total', 'organiserer selv frivillige', 'organises_volunteers'),
        ('total', 'har strategi for aktivt medborgerskab', 'has_active_citizenship_strategy')
),

-- published measure -> our metric and the table whose years decide whether it can be computed
measures(measure, metric, source) as (
    values
        ('participation_rate', 'participation_rate', 'survey'),
        ('participation_rate_rank', 'participation_rate', 'survey'),
        ('participation_rate_order', 'participation_rate', 'survey'),
        ('sample_size', 'participation_rate', 'survey'),
        ('volunteers_count', 'volunteers_count', 'survey'),
        ('area_share', 'area_share', 'survey'),
        ('hours_per_month', 'hours_per_month', 'survey'),
        ('total_hours', 'total_hours_per_year', 'survey'),
        ('respondents', 'municipal_response', 'municipal'),
        ('response_rate', 'municipal_response', 'municipal'),
        ('share_municipalities', 'framework_share', 'municipal'),
        ('count_municipalities', 'framework_share', 'municipal'),
        ('staff_fte_total', 'staff_fte_total', 'municipal'),
        ('grant_budget_dkk', 'payout_ratio', 'grants'),
        ('budget_total_dkk', 'payout_ratio', 'grants'),
        ('granted_total_dkk', 'payout_ratio', 'grants'),
        ('payout_ratio', 'payout_ratio', 'grants'),
        ('share_paid_over_budget', 'payout_ratio', 'grants'),
        ('applications_count', 'application_coverage', 'grants'),
        ('applied_amount_dkk', 'application_coverage', 'grants')
),

-- published statements we cannot turn into a number
not_computable(breakdown, measure, reason, reason_da) as (
    values
        ('urbanisation', 'participation_rate_order',
            'the source does not say which places count as "større byer"; see participation_rate by urbanisation',
            'kilden siger ikke, hvilke byer der tæller som "større byer"; se participation_rate efter urbanisering'),
        ('total', 'hours_per_week',
            'the extracted slide text lost the number and unit ("over 15t/uge"); see hours_per_month',
            'den udtrukne tekst fra diasset har mistet tal og enhed ("over 15t/uge"); se hours_per_month')
),

-- the warehouse's survey waves (one series per year) with the definition their data follow
warehouse_waves as (
    select distinct r.year, r.series, w.definition
    from survey_respondents as r
    join survey_waves as w using (series, year)
),

source_years as (
    select distinct 'survey' as source, year from survey_respondents
    union all
    select distinct 'municipal', year from municipal_survey
    union all
    select distinct 'grants', year from (select year from grants_s18 union select year from grant_budgets)
),

-- survey estimates: every needed (measure, breakdown, code) as a domain of its wave's design
wave_respondents as (
    select * from survey_respondents where year in (select year from figures)
),

waves as (
    select year, count(*) as n_wave from wave_respondents group by year
),

-- the domains we estimate: participation overall and by the published breakdowns, the share of volunteers active
-- in each area, hours per month of volunteers, and hours per month of every resident (0 for non-volunteers, for
-- total hours)
survey_domains as (
    select 'participation_rate' as measure, dimension as breakdown, code
    from labels
    where dimension in ('total', 'gender', 'age_group', 'east_west', 'region') and code <> '0-15'
    union all
    select 'area_share', 'area', code from labels where dimension = 'area'
    union all
    select measure, 'total', 'all' from (values ('hours_per_month'), ('hours_per_resident')) as m(measure)
),

-- every respondent of the wave once per domain (the layout _survey_stacked_means reads)
domain_answers as (
    select
        r.year,
        d.measure,
        d.breakdown,
        d.code,
        r.weight as w,
        r.volunteered,
        case d.measure
            when 'participation_rate' then r.volunteered
            when 'area_share' then case d.code
                when 'culture_sport_leisure' then r.area_culture_sport_leisure
                when 'social_health' then r.area_social_health
                when 'housing_local' then r.area_housing_local
                when 'politics_religion_interest' then r.area_politics_religion_interest
                when 'education' then r.area_education
            end
            when 'hours_per_month' then r.hours_per_month
            when 'hours_per_resident' then case when r.volunteered = 1 then r.hours_per_month else 0 end
        end as y,
        case d.breakdown
            when 'gender' then r.gender
            when 'age_group' then r.age_group
            when 'east_west' then r.east_west
            when 'region' then cast(r.region_code as varchar)
            else d.code
        end = d.code as in_breakdown
    from wave_respondents as r
    cross join survey_domains as d
),

-- in the domain: in the category, with an answer, and a volunteer where the measure is about volunteers
observations as (
    select
        year,
        {'measure': measure, 'breakdown': breakdown, 'code': code} as category,
        w,
        y,
        y * y as y2,
        in_breakdown and y is not null
            and (volunteered = 1 or measure in ('participation_rate', 'hours_per_resident')) as in_domain
    from domain_answers
),

-- the weighted mean in each domain, null when suppressed, with its SE: (year, category, n, estimate, se)
estimates as (
    select * from survey_stacked_means(observations, coalesce(getvariable('suppress'), true))
),

survey_estimates as (
    select
        year,
        category.measure as measure,
        category.breakdown as breakdown,
        category.code as code,
        n,
        estimate as mean,
        se,
        survey_flag(n) as flag
    from estimates
),

population_16plus as (
    select year, sum(persons) as population from population where age_group <> '0-15' group by year
),

-- municipal survey
municipal_responses as (
    select year, count(*) filter (where responded = 1) as responded from municipal_survey group by year
),

-- responding municipalities, one row per element: (year, municipality_code, element, answer)
framework_answers as (
    select * from framework_answers()
),

element_counts as (
    select year, element, count(*) filter (where answer = 1) as yes_count, count(answer) as answer_count
    from framework_answers
    group by year, element
),

-- §18 grants, over the municipalities with a budget (as payout_ratio)
granted_by_municipality as (
    select year, municipality_code, count(*) as applications, sum(applied_dkk) as applied_dkk,
        sum(granted_dkk) as granted_dkk
    from grants_s18
    group by year, municipality_code
),

payouts as (
    select
        b.year,
        sum(coalesce(g.granted_dkk, 0)) as granted_dkk,
        sum(b.budget_dkk) as budget_dkk,
        avg(cast(coalesce(g.granted_dkk, 0) > b.budget_dkk as integer)) as share_over_budget
    from grant_budgets as b
    left join granted_by_municipality as g using (year, municipality_code)
    group by b.year
),

-- our figures in the published units, keyed like the published rows
ours as (
    select year, measure, breakdown, code, 100 * mean as value,
        100 * ci_low(mean, se, 0) as ci_low, 100 * ci_high(mean, se, 1) as ci_high, n, flag
    from survey_estimates
    where measure in ('participation_rate', 'area_share')
    union all
    select year, measure, breakdown, code, mean, ci_low(mean, se, 0), ci_high(mean, se, null), n, flag
    from survey_estimates
    where measure = 'hours_per_month'
    union all
    select e.year, 'volunteers_count', 'total', 'all', e.mean * p.population,
        ci_low(e.mean, e.se, 0) * p.population, ci_high(e.mean, e.se, 1) * p.population, e.n, e.flag
    from survey_estimates as e
    join population_16plus as p using (year)
    where e.measure = 'participation_rate' and e.breakdown = 'total'
    union all
    select e.year, 'total_hours', 'total', 'all', e.mean * 12 * p.population,
        ci_low(e.mean, e.se, 0) * 12 * p.population, ci_high(e.mean, e.se, null) * 12 * p.population, e.n, e.flag
    from survey_estimates as e
    join population_16plus as p using (year)
    where e.measure = 'hours_per_resident'
    union all
    select year, 'sample_size', 'total', 'all', n_wave, null, null, n_wave, null
    from waves
    union all
    select year, 'participation_rate_rank', 'age_group', code,
        rank() over (partition by year order by mean desc), null, null, n, flag
    from survey_estimates
    where measure = 'participation_rate' and breakdown = 'age_group' and mean is not null
    union all
    select year, 'participation_rate_order', 'east_west', 'west>east',
        cast(max(mean) filter (where code = 'west') > max(mean) filter (where code = 'east') as integer),
        null, null, sum(n), null
    from survey_estimates
    where measure = 'participation_rate' and breakdown = 'east_west'
    group by year
    union all
    select year, 'respondents', 'total', 'all', responded, null, null, null, null from municipal_responses
    union all
    select r.year, 'response_rate', 'total', 'all', 100 * r.responded / m.municipalities, null, null, null, null
    from municipal_responses as r
    cross join (select count(*) as municipalities from municipalities) as m
    union all
    select year, 'share_municipalities', 'total', element, 100 * yes_count / nullif(answer_count, 0),
        null, null, null, null
    from element_counts
    union all
    select year, 'count_municipalities', 'total', element, yes_count, null, null, null, null from element_counts
    union all
    select year, 'staff_fte_total', 'total', 'all', sum(staff_fte), null, null, null, null
    from municipal_survey
    where responded = 1
    group by year
    union all
    select year, 'grant_budget_dkk', 'municipality', cast(municipality_code as varchar), budget_dkk,
        null, null, null, null
    from grant_budgets
    union all
    select year, 'applications_count', 'municipality', cast(municipality_code as varchar), applications,
        null, null, null, null
    from granted_by_municipality
    union all
    select year, 'applied_amount_dkk', 'municipality', cast(municipality_code as varchar), applied_dkk,
        null, null, null, null
    from granted_by_municipality
    union all
    select year, 'granted_total_dkk', 'total', 'all', sum(granted_dkk), null, null, null, null
    from grants_s18
    group by year
    union all
    select year, 'budget_total_dkk', 'total', 'all', budget_dkk, null, null, null, null from payouts
    union all
    select year, 'payout_ratio', 'total', 'all', 100 * granted_dkk / nullif(budget_dkk, 0), null, null, null, null
    from payouts
    union all
    select year, 'share_paid_over_budget', 'total', 'all', 100 * share_over_budget, null, null, null, null
    from payouts
),

mapped as (
    select
        f.*,
        coalesce(
            cc.code,
            la.code,
            case when f.breakdown in ('age_group', 'municipality') then f.category end
        ) as code,
        ms.metric,
        ms.source as data_source,
        nc.reason as fixed_reason,
        nc.reason_da as fixed_reason_da,
        -- a survey figure of another series than the warehouse's wave that year, or of another definition
        case
            when f.series is null or ms.source is distinct from 'survey' or ww.year is null then null
            when ww.series <> f.series then 'series'
            when ww.definition <> f.definition and f.measure <> 'sample_size' then 'definition'
        end as wave_problem,
        ww.series as data_series,
        ww.definition as data_definition,
        case
            when f.value >= 1e6 and f.value % 1e6 = 0 then 1e6
            when f.value >= 1e6 then 1e5
            else 1
        end as precision
    from figures as f
    left join category_codes as cc on cc.breakdown = f.breakdown and cc.category = f.category
    left join labels as la on la.dimension = f.breakdown and la.label_da = f.category
    left join measures as ms on ms.measure = f.measure
    left join not_computable as nc on nc.breakdown = f.breakdown and nc.measure = f.measure
    left join warehouse_waves as ww on ww.year = f.year
),

-- the labels of series and definitions for the reasons
wave_labels as (
    select dimension, code, label_da, label_en from labels where dimension in ('series', 'definition')
),

compared as (
    select
        m.*,
        o.value as our_value,
        o.ci_low as our_ci_low,
        o.ci_high as our_ci_high,
        o.n,
        o.flag,
        sy.year is not null as year_available
    from mapped as m
    left join ours as o
        on o.year = m.year and o.measure = m.measure and o.breakdown = m.breakdown and o.code = m.code
        and m.fixed_reason is null and m.wave_problem is null
    left join source_years as sy on sy.source = m.data_source and sy.year = m.year
),

described as (
    select
        c.*,
        fs.label_en as series_en, fs.label_da as series_da, ds.label_en as data_series_en, ds.label_da as data_series_da,
        fd.label_en as definition_en, fd.label_da as definition_da,
        dd.label_en as data_definition_en, dd.label_da as data_definition_da
    from compared as c
    left join wave_labels as fs on fs.dimension = 'series' and fs.code = c.series
    left join wave_labels as ds on ds.dimension = 'series' and ds.code = c.data_series
    left join wave_labels as fd on fd.dimension = 'definition' and fd.code = c.definition
    left join wave_labels as dd on dd.dimension = 'definition' and dd.code = c.data_definition
),

final as (
    select
        figure_id,
        survey,
        year,
        population,
        breakdown,
        category,
        measure,
        series,
        definition,
        unit,
        comparator,
        value as published_value,
        case when fixed_reason is null then metric end as metric,
        code,
        our_value,
        our_ci_low,
        our_ci_high,
        cast(person_count(n) as integer) as n,
        flag,
        our_value - value as difference,
        case when our_ci_low is not null then value between our_ci_low and our_ci_high end as within_interval,
        round(our_value / precision) * precision as rounded_value,
        case
            when our_value is null then null
            when unit in ('rank', 'order') then our_value = value
            when comparator = '>' then our_value > value
            when our_ci_low is not null then value between our_ci_low and our_ci_high
            else round(our_value / precision) * precision = value
        end as agrees,
        case
            when fixed_reason is not null then fixed_reason
            when metric is null then 'no metric computes the measure ' || measure
            when wave_problem = 'series' then 'a figure of ' || replace(series_en, 'The ', 'the ')
                || '; the warehouse''s ' || year || ' wave is of ' || replace(data_series_en, 'The ', 'the ')
                || ': the data cannot reproduce it'
            when wave_problem = 'definition' then 'the published figure counts "' || definition_en
                || '"; the data of ' || year || ' count "' || data_definition_en || '": the data cannot reproduce it'
            when not year_available then 'no ' || case data_source
                when 'survey' then 'volunteer survey wave'
                when 'municipal' then 'municipal survey'
                else '§18 grant data'
                end || ' for ' || year || ' in the warehouse'
            when our_value is null and flag = 'suppressed' then 'fewer than 50 respondents (suppressed)'
            when our_value is null then 'no data for this category and year in the warehouse'
        end as reason,
        case
            when fixed_reason is not null then fixed_reason_da
            when metric is null then 'ingen metrik beregner målet ' || measure
            when wave_problem = 'series' then 'et tal fra ' || series_da || '; datavarehusets måling fra ' || year
                || ' er fra ' || data_series_da || ': data kan ikke genskabe det'
            when wave_problem = 'definition' then 'det offentliggjorte tal opgør "' || definition_da
                || '"; data fra ' || year || ' opgør "' || data_definition_da || '": data kan ikke genskabe det'
            when not year_available then 'ingen ' || case data_source
                when 'survey' then 'frivilligundersøgelse'
                when 'municipal' then 'kommuneundersøgelse'
                else 'data om §18-tilskud'
                end || ' for ' || year || ' i datavarehuset'
            when our_value is null and flag = 'suppressed' then 'færre end 50 svar (udeladt)'
            when our_value is null then 'ingen data for denne gruppe og dette år i datavarehuset'
        end as reason_da,
        source_ref
    from described
    order by
        case left(figure_id, 1) when 'P' then 1 when 'M' then 2 when 'G' then 3 when 'T' then 4 when 'N' then 5 else 6 end,
        figure_id
)

select * from final
