-- _framework_answers: the municipal survey's framework questions, one row per responding municipality and element.
-- Reads municipal_survey and the framework_element codes of labels. Defines framework_answers(year,
-- municipality_code, element, answer), answer 0/1 or null when the municipality left the question unanswered,
-- followed by a comma. No arguments.
framework_answers as (
    select
        s.year,
        s.municipality_code,
        e.element,
        case e.element
            when 'has_volunteer_policy' then s.has_volunteer_policy
            when 'has_volunteer_council' then s.has_volunteer_council
            when 'has_active_citizenship_strategy' then s.has_active_citizenship_strategy
            when 'organises_volunteers' then s.organises_volunteers
            when 'cooperation_increased' then s.cooperation_increased
            when 'has_volunteer_centre' then s.has_volunteer_centre
            when 'has_association_directory' then s.has_association_directory
            when 'has_volunteer_consultant' then s.has_volunteer_consultant
        end as answer
    from municipal_survey as s
    cross join (select code as element from labels where dimension = 'framework_element') as e
    where s.responded = 1
),
