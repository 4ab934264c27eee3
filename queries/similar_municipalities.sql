-- similar_municipalities: the municipalities closest to each municipality in number of inhabitants
-- title_da: Kommuner nærmest i indbyggertal
-- title_en: Municipalities closest in population
-- method: For each municipality, the `neighbours` other municipalities whose number of inhabitants (every age,
--     population table) in the year is closest to its own, ranked by the absolute difference (ties: the smaller
--     kommunekode first). Rank 0 is the municipality itself. Kommuneprofil compares a municipality with these.
-- method_da: For hver kommune de `neighbours` andre kommuner, hvis indbyggertal (alle aldre, befolkningstabellen
--     population) i året ligger nærmest kommunens eget, ordnet efter den absolutte forskel (ved lighed den laveste
--     kommunekode først). Rang 0 er kommunen selv. Kommuneprofilen sammenligner en kommune med disse.
-- unit: persons (inhabitants of all ages)
-- unit_da: personer (indbyggere i alle aldre)
-- source: population, municipalities
-- years: select distinct year from population
-- param year: int = null; population year; null = the latest year in the population table
-- param municipality_code: int = null; one municipality (kommunekode); null = every municipality
-- param neighbours: int = 5; how many similar municipalities per municipality (1-97)
-- column year: int; population year
-- column municipality_code: int; the municipality compared
-- column municipality_name: text; its name
-- column rank: int; 0 for the municipality itself, 1 for the closest in population, 2 for the next, ...
-- column similar_code: int; kommunekode of the similar municipality (the municipality itself for rank 0)
-- column similar_name: text; its name
-- column inhabitants: int; inhabitants of the similar municipality in the year
-- column difference: int; its inhabitants minus those of the municipality compared

with

inhabitants as (
    select
        p.municipality_code,
        m.municipality_name,
        p.year,
        cast(sum(p.persons) as bigint) as inhabitants
    from population as p
    join municipalities as m using (municipality_code)
    where p.year = coalesce(getvariable('year'), (select max(year) from population))
    group by all
),

-- every ordered pair of municipalities, itself included (difference 0, ranked first)
pairs as (
    select
        a.year,
        a.municipality_code,
        a.municipality_name,
        b.municipality_code as similar_code,
        b.municipality_name as similar_name,
        b.inhabitants,
        b.inhabitants - a.inhabitants as difference,
        row_number() over (
            partition by a.municipality_code
            order by (a.municipality_code <> b.municipality_code), abs(b.inhabitants - a.inhabitants),
                b.municipality_code
        ) - 1 as rank
    from inhabitants as a
    join inhabitants as b on a.year = b.year
    where getvariable('municipality_code') is null or a.municipality_code = getvariable('municipality_code')
),

final as (
    select
        cast(year as integer) as year,
        cast(municipality_code as integer) as municipality_code,
        municipality_name,
        cast(rank as integer) as rank,
        cast(similar_code as integer) as similar_code,
        similar_name,
        cast(inhabitants as bigint) as inhabitants,
        cast(difference as bigint) as difference
    from pairs
    where rank <= greatest(1, least(coalesce(getvariable('neighbours'), 5), 97))
    order by municipality_code, rank
)

select * from final
