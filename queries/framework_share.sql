-- framework_share: share of responding municipalities that have each framework element
-- title_da: Kommunernes rammer for frivilligheden
-- title_en: Municipal frameworks for volunteering
-- method: For each element of the municipal survey (policy, council, active-citizenship strategy, organising
--     volunteers, increased cooperation, volunteer centre, directory of associations, volunteer consultant): the
--     number of responding municipalities answering yes, the number that answered the question (non-null), and
--     yes / answered. Municipalities are a census, not a sample: no standard errors.
-- method_da: For hvert element i kommuneundersøgelsen (frivilligpolitik, frivilligråd, strategi for aktivt
--     medborgerskab, organiserer selv frivillige, samarbejdet er steget, frivilligcenter, foreningsvejviser,
--     frivilligkonsulent): antallet af svarende kommuner, der har svaret ja, antallet, der har besvaret spørgsmålet
--     (ikke tomt), og ja / besvaret. Kommunerne er en totaltælling, ikke en stikprøve: ingen standardfejl.
-- unit: share (fraction 0-1) of responding municipalities that answered; counts of municipalities
-- unit_da: andel (0-1) af de svarende kommuner, der har besvaret spørgsmålet; antal kommuner
-- source: municipal_survey, municipalities, labels
-- years: select distinct year from municipal_survey
-- param year: int = null; municipal survey year; null = every year
-- param by: dimension = total; geography of the municipalities
-- dimension total: 'all'
-- dimension region: m.region_code
-- dimension landsdel: m.landsdel_code
-- dimension east_west: m.east_west
-- column year: int; municipal survey year
-- column dimension: text; the breakdown dimension (by)
-- column category: text; the category code ('all' for total)
-- column label_da: text; Danish label of the category
-- column label_en: text; English label of the category
-- column element: text; framework element code (labels dimension framework_element)
-- column element_label_da: text; Danish label of the element
-- column element_label_en: text; English label of the element
-- column yes_count: int; responding municipalities with the element
-- column answer_count: int; responding municipalities that answered the question
-- column share: double; yes_count / answer_count (0-1)

with

elements as (
    select code as element, sort_order from labels where dimension = 'framework_element'
),

-- responding municipalities, one row per element: (year, municipality_code, element, answer)
framework_answers as (
    select * from framework_answers()
),

answers as (
    select
        a.year,
        m.category as category,
        a.element,
        a.answer
    from framework_answers as a
    join municipalities_by(coalesce(getvariable('by'), 'total'), ['total', 'region', 'landsdel', 'east_west']) as m using (municipality_code)
    where getvariable('year') is null or a.year = getvariable('year')
),

counts as (
    select
        year,
        cast(category as varchar) as category,
        element,
        cast(count(*) filter (where answer = 1) as integer) as yes_count,
        cast(count(answer) as integer) as answer_count
    from answers
    group by all
),

final as (
    select
        c.year,
        coalesce(getvariable('by'), 'total') as dimension,
        c.category,
        l.label_da,
        l.label_en,
        c.element,
        le.label_da as element_label_da,
        le.label_en as element_label_en,
        c.yes_count,
        c.answer_count,
        c.yes_count / nullif(c.answer_count, 0) as share
    from counts as c
    left join labels as l on l.dimension = coalesce(getvariable('by'), 'total') and l.code = c.category
    left join labels as le on le.dimension = 'framework_element' and le.code = c.element
    order by c.year, l.sort_order, c.category, le.sort_order
)

select * from final
