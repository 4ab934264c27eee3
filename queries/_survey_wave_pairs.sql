-- _survey_wave_pairs: the pairs of survey waves a change metric compares. Reads $year and $since (both may be null)
-- and survey_respondents. Defines survey_waves, wave_pairs and pairs(year, since), each followed by a comma: for every
-- wave year ($year, or every wave when null) the earlier wave since ($since, or the wave before year when null);
-- pairs keeps those with since < year (the first wave has no wave before it).
-- No arguments.
survey_waves as (
    select distinct year from survey_respondents
),

wave_pairs as (
    select
        y.year,
        coalesce($since, (select max(p.year) from survey_waves as p where p.year < y.year)) as since
    from survey_waves as y
    where $year is null or y.year = $year
),

pairs as (
    select year, since from wave_pairs where since < year
),
