-- municipal_participation: model-based share who volunteered in each of the 98 municipalities (Fay-Herriot)
-- title_da: Andel der arbejder frivilligt i kommunen (modelberegnet skøn)
-- title_en: Share who volunteered in the municipality (model-based estimate)
-- method: Fay-Herriot area-level model per survey wave (Rao and Molina 2015, ch. 6), fitted over the 98
--     municipalities. Input per municipality: the direct estimate, the weighted share with volunteered = 1 among its
--     respondents as a domain of the wave's design, svyby(~volunteered, ~municipality_code, design, svymean), and a
--     smoothed sampling variance psi = p (1 - p) deff / n with p the wave's national direct estimate, deff its
--     design effect (linearisation variance over p (1 - p) / n_wave) and n the municipality's respondents; area
--     covariates from the population table (register, nearest year): shares 16-29 and 70+ of residents 16+, share
--     of women among them, log of residents 16+. The model variance is estimated by REML, the estimate is the
--     EBLUP gamma direct + (1 - gamma) synthetic with gamma = s2 / (s2 + psi), its MSE is the Prasad-Rao
--     estimator with the REML term (Datta and Lahiri 2000): g1 + g2 + 2 g3. A municipality without respondents gets
--     the synthetic estimate with MSE s2 + its regression variance. 95 % interval = estimate +/- 1.959964 rmse,
--     clipped to [0, 1]. The last step is Python (queries/small_area.py): the SQL file gives the model's inputs.
--     The direct estimate, its SE and n follow the survey rules (suppressed when n < 50).
-- method_da: Fay-Herriot-model på områdeniveau for hver måling (Rao og Molina 2015, kap. 6), tilpasset over de
--     98 kommuner. Input pr. kommune: det direkte skøn, den vægtede andel med volunteered = 1 blandt kommunens
--     respondenter som et domæne i målingens design, svyby(~volunteered, ~municipality_code, design, svymean), og en
--     udglattet stikprøvevarians psi = p (1 - p) deff / n, hvor p er målingens direkte skøn for hele landet, deff
--     dets designeffekt (linearisationsvariansen divideret med p (1 - p) / n_wave) og n kommunens antal svar;
--     kommunale forklarende variable fra befolkningstabellen population (register, nærmeste år): andelene 16-29 år og
--     70+ år af indbyggerne på 16 år og derover, andelen af kvinder blandt dem og logaritmen til antallet af indbyggere på 16 år og derover.
--     Modelvariansen skønnes med REML, skønnet er EBLUP gamma × direkte skøn + (1 - gamma) × syntetisk skøn med gamma
--     = s2 / (s2 + psi), og dets MSE er Prasad-Rao-estimatoren med REML-leddet (Datta og Lahiri 2000): g1 + g2 + 2 g3.
--     En kommune uden svar får det syntetiske skøn med MSE s2 + dets regressionsvarians. 95 %-interval = skøn ±
--     1,959964 × rmse, afgrænset til 0-1. Sidste trin er Python (queries/small_area.py): SQL-filen giver modellens
--     input. Det direkte skøn, dets standardfejl og n følger surveyreglerne (udeladt ved n < 50).
-- unit: rate (fraction 0-1 of residents 16+), model-based
-- unit_da: andel (0-1) af indbyggerne på 16 år og derover, modelberegnet
-- source: survey_respondents, population, municipalities
-- finish: fay_herriot
-- years: select distinct year from survey_respondents
-- param year: int = null; survey wave; null = every wave (the model is fitted per wave)
-- param suppress: bool = true; null the direct estimate and its SE when n < 50 (false only for method checks)
-- column year: int; survey wave
-- column municipality_code: int; kommunekode
-- column municipality_name: text; municipality name
-- column region_code: int; region 1081-1085
-- column estimate: double; model-based share who volunteered (0-1), the EBLUP; not a count of persons
-- column rmse: double; root of the estimated mean squared error of the model-based estimate
-- column ci_low: double; lower 95 % bound of the model-based estimate, clipped at 0
-- column ci_high: double; upper 95 % bound of the model-based estimate, clipped at 1
-- column gamma: double; shrinkage weight given to the direct estimate (0 for a municipality without respondents)
-- column direct_estimate: double; direct survey estimate of the share (0-1); null when suppressed (n < 50) or no
--     respondents
-- column direct_se: double; standard error of the direct estimate (linearisation, as R survey); null when suppressed
-- column direct_ci_low: double; lower 95 % bound of the direct estimate, clipped at 0
-- column direct_ci_high: double; upper 95 % bound of the direct estimate, clipped at 1
-- column n: int; unweighted respondents in the municipality; null when 1-4 (small-count rule)
-- column direct_flag: text; the direct estimate's survey flag: ok, uncertain (50 <= n < 100) or suppressed (n < 50)
-- column flag: text; model (EBLUP of direct and synthetic parts) or synthetic (no respondents: regression only)

with

-- every respondent of the wave, in the domain of their municipality; y is 0/1
respondents as (
    select
        year,
        municipality_code as category,
        weight as w,
        volunteered as y,
        volunteered as y2,
        true as in_domain
    from survey_respondents
    where getvariable('year') is null or year = getvariable('year')
),

-- the domain estimator the product uses: (year, category, n, mean, se) per municipality with respondents
direct as (
    select * from survey_domain_means(respondents, true, true)
),

-- the same respondents in one domain, the whole country
national_respondents as (
    select year, 'all' as category, w, y, y2, in_domain from respondents
),

-- the wave's national direct estimate and its design effect against simple random sampling of n_wave
national as (
    select
        year,
        n as n_wave,
        mean as p_national,
        se * se / (mean * (1 - mean) / n) as deff_national
    from survey_domain_means(national_respondents, true, true)
),

-- the population year nearest to each wave (the earlier one on a tie)
population_years as (
    select
        n.year,
        arg_min(p.year, abs(p.year - n.year) * 2 + (p.year > n.year)::int) as population_year
    from national as n
    cross join (select distinct year from population) as p
    group by n.year
),

-- register covariates per municipality: age and gender structure of the residents 16+
covariates as (
    select
        y.year,
        p.municipality_code,
        sum(p.persons) filter (where p.age_group = '16-29') / sum(p.persons) as share_16_29,
        sum(p.persons) filter (where p.age_group = '70+') / sum(p.persons) as share_70_plus,
        sum(p.persons) filter (where p.gender = 'female') / sum(p.persons) as share_women,
        ln(sum(p.persons)) as log_population_16plus
    from population_years as y
    join population as p on p.year = y.population_year
    where p.age_group <> '0-15'
    group by y.year, p.municipality_code
),

-- every municipality in every wave, with its direct estimate (n = 0 when it has no respondents)
areas as (
    select
        w.year,
        m.municipality_code,
        m.municipality_name,
        m.region_code,
        coalesce(d.n, 0) as n_raw,
        d.mean as y_direct,
        d.se as se_direct,
        -- smoothed sampling variance: national p (1 - p) times the design effect over the municipality's n
        w.p_national * (1 - w.p_national) * w.deff_national / d.n as psi,
        c.share_16_29,
        c.share_70_plus,
        c.share_women,
        c.log_population_16plus
    from national as w
    cross join municipalities as m
    left join direct as d on d.year = w.year and d.category = cast(m.municipality_code as varchar)
    left join covariates as c on c.year = w.year and c.municipality_code = m.municipality_code
),

-- the direct estimate as the survey rules show it
shown as (
    select
        *,
        case when survey_shown(n_raw, coalesce(getvariable('suppress'), true)) then y_direct end as direct_estimate,
        case when survey_shown(n_raw, coalesce(getvariable('suppress'), true)) then se_direct end as direct_se
    from areas
),

-- the model's inputs (y_direct, psi, covariates) and the direct estimate with its interval, n and flag
final as (
    select
        year,
        municipality_code,
        municipality_name,
        region_code,
        y_direct,
        psi,
        share_16_29,
        share_70_plus,
        share_women,
        log_population_16plus,
        direct_estimate,
        direct_se,
        ci_low(direct_estimate, direct_se, 0) as direct_ci_low,
        ci_high(direct_estimate, direct_se, 1) as direct_ci_high,
        person_count(n_raw) as n,
        survey_flag(n_raw) as direct_flag
    from shown
    order by year, municipality_code
)

select * from final
