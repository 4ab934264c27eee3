-- grants_by_target_group: §18 applications and grants by target group
-- title_da: §18-tilskud fordelt på målgrupper
-- title_en: Section 18 grants by target group
-- method: Number of §18 applications, amount applied for and granted per target group in the year, and each
--     target group's share of the total granted. Every target group of the label file is listed (0 when none).
-- method_da: Antal §18-ansøgninger, ansøgt og bevilget beløb pr. målgruppe i året og hver målgruppes andel af det
--     samlede bevilgede beløb. Alle målgrupper i labels.csv vises (0, når der ingen er).
-- unit: DKK; share_of_granted as a fraction 0-1
-- unit_da: kr.; share_of_granted som andel (0-1)
-- source: grants_s18, labels
-- years: select distinct year from grants_s18
-- param year: int = null; grant year; null = every year
-- param municipality_code: int = null; only this municipality (kommunekode); null = all
-- column year: int; grant year
-- column target_group: text; target group code
-- column label_da: text; Danish label of the target group
-- column label_en: text; English label of the target group
-- column applications: int; number of applications
-- column applied_dkk: double; applied for (DKK)
-- column granted_dkk: double; granted (DKK)
-- column share_of_granted: double; granted_dkk / all granted that year (0-1)

with

applications as (
    select year, target_group, applied_dkk, granted_dkk
    from grants_s18
    where (getvariable('year') is null or year = getvariable('year'))
        and (getvariable('municipality_code') is null or municipality_code = getvariable('municipality_code'))
),

grid as (
    select y.year, l.code as target_group, l.label_da, l.label_en, l.sort_order
    from (select distinct year from applications) as y
    cross join labels as l
    where l.dimension = 'target_group'
),

sums as (
    select
        year,
        target_group,
        cast(count(*) as integer) as applications,
        sum(applied_dkk) as applied_dkk,
        sum(granted_dkk) as granted_dkk
    from applications
    group by year, target_group
),

final as (
    select
        g.year,
        g.target_group,
        g.label_da,
        g.label_en,
        coalesce(s.applications, 0) as applications,
        coalesce(s.applied_dkk, 0) as applied_dkk,
        coalesce(s.granted_dkk, 0) as granted_dkk,
        coalesce(s.granted_dkk, 0) / nullif(sum(s.granted_dkk) over (partition by g.year), 0) as share_of_granted
    from grid as g
    left join sums as s using (year, target_group)
    order by g.year, g.sort_order
)

select * from final
