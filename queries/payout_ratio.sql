-- payout_ratio: §18 grants paid out relative to the §18 budget, per municipality and nationally
-- title_da: §18-udbetaling i forhold til budget
-- title_en: Section 18 payout relative to budget
-- method: Granted (sum of granted_dkk of the year's applications) divided by the §18 budget (budget_dkk),
--     over the municipalities with a budget that year; for a group of municipalities the sums are divided
--     (sum granted / sum budget). Also the number and share of those municipalities whose grants exceeded
--     their budget.
-- method_da: Bevilget beløb (summen af granted_dkk for årets ansøgninger) divideret med §18-budgettet
--     (budget_dkk) for de kommuner, der har et budget det år; for en gruppe af kommuner divideres summerne (bevilget
--     i alt / budget i alt). Desuden antallet og andelen af disse kommuner, hvis bevillinger oversteg budgettet.
-- unit: ratio (1 = paid out the whole budget); share_over_budget as a fraction 0-1
-- unit_da: forholdstal (1 = hele budgettet udbetalt); share_over_budget som andel (0-1)
-- source: grants_s18, grant_budgets, municipalities, labels
-- years: select distinct year from grant_budgets
-- param year: int = null; grant year; null = every year
-- param by: dimension = total; total (national), a geography, or municipality
-- param municipality_code: int = null; only this municipality (kommunekode); null = all
-- dimension total: 'all'
-- dimension region: m.region_code
-- dimension landsdel: m.landsdel_code
-- dimension east_west: m.east_west
-- dimension municipality: m.municipality_code
-- column year: int; grant year
-- column dimension: text; the breakdown dimension (by)
-- column category: text; the category code ('all' for total, the kommunekode for municipality)
-- column label_da: text; Danish label of the category (municipality name for by = municipality)
-- column label_en: text; English label of the category
-- column granted_dkk: double; granted in total (DKK)
-- column budget_dkk: double; §18 budget in total (DKK)
-- column payout_ratio: double; granted_dkk / budget_dkk
-- column municipalities: int; municipalities with a budget
-- column municipalities_over_budget: int; municipalities whose grants exceeded their budget
-- column share_over_budget: double; municipalities_over_budget / municipalities (0-1)

with

granted as (
    select year, municipality_code, sum(granted_dkk) as granted_dkk
    from grants_s18
    group by year, municipality_code
),

per_municipality as (
    select
        b.year,
        m.category as category,
        coalesce(g.granted_dkk, 0) as granted_dkk,
        b.budget_dkk
    from grant_budgets as b
    join municipalities_by(coalesce(getvariable('by'), 'total'), ['total', 'region', 'landsdel', 'east_west', 'municipality']) as m using (municipality_code)
    left join granted as g using (year, municipality_code)
    where (getvariable('year') is null or b.year = getvariable('year'))
        and (getvariable('municipality_code') is null or b.municipality_code = getvariable('municipality_code'))
),

sums as (
    select
        year,
        cast(category as varchar) as category,
        sum(granted_dkk) as granted_dkk,
        sum(budget_dkk) as budget_dkk,
        cast(count(*) as integer) as municipalities,
        cast(count(*) filter (where granted_dkk > budget_dkk) as integer) as municipalities_over_budget
    from per_municipality
    group by all
),

-- labels of every code, municipality names included
category_labels as (
    select * from category_labels()
),

final as (
    select
        s.year,
        coalesce(getvariable('by'), 'total') as dimension,
        s.category,
        l.label_da,
        l.label_en,
        s.granted_dkk,
        s.budget_dkk,
        s.granted_dkk / nullif(s.budget_dkk, 0) as payout_ratio,
        s.municipalities,
        s.municipalities_over_budget,
        s.municipalities_over_budget / s.municipalities as share_over_budget
    from sums as s
    left join category_labels as l on l.dimension = coalesce(getvariable('by'), 'total') and l.code = s.category
    order by s.year, l.sort_order, s.category
)

select * from final
