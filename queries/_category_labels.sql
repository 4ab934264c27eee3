-- _category_labels: the labels of every category code, municipalities included (dimension 'municipality', code
-- the kommunekode as text, the name in both languages, sorted by code), for metrics broken down by municipality.
-- Defines category_labels(dimension, code, label_da, label_en, sort_order), followed by a comma. No arguments.
category_labels as (
    select dimension, code, label_da, label_en, sort_order from labels
    union all
    select 'municipality', cast(municipality_code as varchar), municipality_name, municipality_name, municipality_code
    from municipalities
),
