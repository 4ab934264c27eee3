-- organisation_form_share: share of volunteers by the form of organisation they volunteer in
-- title_da: Frivillige fordelt på organisationsform
-- title_en: Volunteers by form of organisation
-- method: Weighted share of volunteers (volunteered = 1 and organisation_form answered) with each value of
--     organisation_form: svymean(~factor(organisation_form), subset(design, volunteered == 1), na.rm = TRUE) within the wave's design.
--     The shares of a wave add up to 1. Every category of the label file is listed (0 when nobody chose it).
--     n is the number of volunteers who answered (the denominator), which decides the flag.
-- method_da: Vægtet andel af de frivillige (volunteered = 1 og organisation_form besvaret) efter
--     organisation_form, den organisationsform de arbejder frivilligt i: svymean(~factor(organisation_form),
--     subset(design, volunteered == 1), na.rm = TRUE) inden for målingens design. Andelene i en måling summerer til
--     1. Alle kategorier i labels.csv vises (0, når ingen har valgt kategorien). n er antallet af frivillige, der har
--     svaret (nævneren), og afgør, om skønnet er sikkert, usikkert eller udeladt (flag).
-- unit: share (fraction 0-1) of volunteers
-- unit_da: andel (0-1) af de frivillige
-- source: survey_respondents, labels
-- years: select distinct year from survey_respondents
-- param year: int = null; survey wave; null = every wave (the trend)
-- param suppress: bool = true; null estimate, se and interval when n < 50 (false only for method checks)
-- column year: int; survey wave
-- column dimension: text; always 'organisation_form'
-- column category: text; the organisation_form code
-- column label_da: text; Danish label
-- column label_en: text; English label
-- column estimate: double; weighted share of volunteers (0-1); null when suppressed
-- column se: double; standard error (linearisation, as R survey)
-- column ci_low: double; lower 95 % bound, clipped at 0
-- column ci_high: double; upper 95 % bound, clipped at 1
-- column n: int; unweighted volunteers who answered (the denominator); null when 1-4 (small-count rule)
-- column flag: text; ok, uncertain (50 <= n < 100) or suppressed (n < 50)
-- column deff: double; design effect (Kish's, the design as used: se^2 over the variance under simple random
--     sampling with replacement of n; as R's svymean(..., deff = "replace")); null when suppressed
-- column n_eff: double; effective sample size n / deff; null when suppressed or n is 1-4

with

-- per code of labels 'organisation_form', the weighted share of the volunteers who answered organisation_form, suppression,
-- 95 % interval clipped to [0, 1], labels, flag
final as (
    select * from volunteer_answer_shares('organisation_form', getvariable('year'), coalesce(getvariable('suppress'), true))
)

select * from final
