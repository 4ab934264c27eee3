-- area_share: share active in each area of voluntary work, among volunteers or among all residents 16+
-- title_da: Frivillige fordelt på områder
-- title_en: Volunteers by area of activity
-- method: For each of the five areas, the weighted share active in the area (area_<code> = 1). With
--     base = 'volunteers' (default) the domain is the volunteers who answered the area question, as
--     svymean(~area_<code>, subset(design, volunteered == 1)); with base = 'population' the domain is every
--     respondent and the share is of all residents 16+ (volunteered and active in the area). A volunteer can be
--     active in several areas, so the shares do not add up to 1. Domain estimation within the wave as
--     participation_rate; the interval is clipped to [0, 1].
-- method_da: For hvert af de fem områder den vægtede andel, der er aktiv inden for området (area_<kode> = 1). Med
--     base = 'volunteers' (standard) er domænet de frivillige, der har besvaret spørgsmålet om områder, som
--     svymean(~area_<kode>, subset(design, volunteered == 1)); med base = 'population' er domænet alle respondenter,
--     og andelen er af alle indbyggere på 16 år og derover (har arbejdet frivilligt og er aktiv inden for området).
--     En frivillig kan være aktiv inden for flere områder, så andelene summerer ikke til 1. Domæneestimation inden
--     for målingen som i participation_rate; intervallet er afgrænset til 0-1.
-- unit: share (fraction 0-1) of volunteers or of residents 16+, see column base
-- unit_da: andel (0-1) af de frivillige eller af indbyggerne på 16 år og derover, se kolonnen base
-- source: survey_respondents, labels
-- years: select distinct year from survey_respondents
-- param year: int = null; survey wave; null = every wave (the trend)
-- param base: text{volunteers,population} = volunteers; denominator: volunteers or all residents 16+
-- param suppress: bool = true; null estimate, se and interval when n < 50 (false only for method checks)
-- column year: int; survey wave
-- column dimension: text; always 'area'
-- column category: text; the area code
-- column label_da: text; Danish label of the area
-- column label_en: text; English label of the area
-- column base: text; volunteers or population (the denominator)
-- column estimate: double; weighted share active in the area (0-1); null when suppressed
-- column se: double; standard error (linearisation, as R survey)
-- column ci_low: double; lower 95 % bound, clipped at 0
-- column ci_high: double; upper 95 % bound, clipped at 1
-- column n: int; unweighted respondents in the denominator; null when 1-4 (small-count rule)
-- column flag: text; ok, uncertain (50 <= n < 100) or suppressed (n < 50)
-- column deff: double; design effect (Kish's, the design as used: se^2 over the variance under simple random
--     sampling with replacement of n; as R's svymean(..., deff = "replace")); null when suppressed
-- column n_eff: double; effective sample size n / deff; null when suppressed or n is 1-4

with

-- one row per respondent and area: y = 1 when active in it, in_domain the denominator (base)
observations as (
    select * from area_observations(getvariable('year'), coalesce(getvariable('base'), 'volunteers'))
),

-- the weighted share active per (year, area), null when suppressed, with its SE: (year, category, n, estimate, se)
estimates as (
    select * from survey_stacked_means(observations, coalesce(getvariable('suppress'), true))
),

final as (
    select
        e.year,
        'area' as dimension,
        e.category,
        l.label_da,
        l.label_en,
        coalesce(getvariable('base'), 'volunteers') as base,
        e.estimate,
        e.se,
        ci_low(e.estimate, e.se, 0) as ci_low,
        ci_high(e.estimate, e.se, 1) as ci_high,
        person_count(e.n) as n,
        survey_flag(e.n) as flag,
        e.deff,
        effective_n(e.n, e.deff) as n_eff
    from estimates as e
    left join labels as l on l.dimension = 'area' and l.code = e.category
    order by e.year, l.sort_order
)

select * from final
