{#-
  Age in years -> a reporting band. Registration ages are 18-95 (docs/architecture.md#topics-and-schemas); anything
  outside (bad upstream data) is kept visible as 'under_18' / 'unknown' rather than dropped.
  Bands: under_18, 18-24, 25-34, 35-44, 45-54, 55-64, 65+, unknown.
-#}
{% macro age_band(age_column) -%}
    case
        when {{ age_column }} is null then 'unknown'
        when {{ age_column }} < 18 then 'under_18'
        when {{ age_column }} < 25 then '18-24'
        when {{ age_column }} < 35 then '25-34'
        when {{ age_column }} < 45 then '35-44'
        when {{ age_column }} < 55 then '45-54'
        when {{ age_column }} < 65 then '55-64'
        else '65+'
    end
{%- endmacro %}
