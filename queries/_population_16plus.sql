-- _population_16plus: residents aged 16+ per (year, category) of the breakdown, from the population table (the
-- geography through municipalities), the category as text so that it joins survey estimates. Reads $year.
-- Defines population_16plus(year, category, population), followed by a comma. No arguments.
population_16plus as (
    select
        p.year,
        cast({{by}} as varchar) as category,
        cast(sum(p.persons) as bigint) as population
    from population as p
    join municipalities as m using (municipality_code)
    where p.age_group <> '0-15' and ($year is null or p.year = $year)
    group by all
),
