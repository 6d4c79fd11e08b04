{#-
  User segment rules: the one place they are defined (used by the user_segments mart).

  Expects, on the relation being selected from, one row per user with:
    as_of                      timestamp  the evaluation instant (var segment_as_of, else the
                                          latest event time in the warehouse)
    registered_at              timestamp  registration time (null: never registered)
    last_activity_at           timestamp  latest event of any kind by the user (registration,
                                          sign-in/out, view, cart, rating)
    lifetime_revenue           numeric    dollars of all the user's sales (fct_sales)
    views_in_window            integer    item views in (as_of - segment_window_days, as_of]
    purchases_in_window        integer    checkouts that were sales, same window
    abandoned_carts_in_window  integer    carts with adds in the window, never checked out and
                                          whose last add is more than sales_cart_window_hours
                                          before as_of (they can no longer become a sale)

  Segments (flags are independent; a user can be in several):
    high_value        lifetime_revenue >= segment_high_value_min_revenue          (default 100.00 $)
    frequent_browser  views_in_window >= segment_frequent_browser_min_views       (default 20)
                      and purchases_in_window <= segment_frequent_browser_max_purchases (default 0)
    cart_abandoner    abandoned_carts_in_window >= segment_cart_abandoner_min_carts (default 2)
    inactive          no activity in the last segment_inactive_days                (default 30)
    new_user          registered in the last segment_new_user_days                 (default 7)
  The window is segment_window_days (default 30). primary_segment is the first flag that holds
  in the order high_value, cart_abandoner, frequent_browser, new_user, inactive, else 'regular'.
-#}
{% macro segment_rules() -%}
    {%- set rules = {
        'high_value':
            "lifetime_revenue >= " ~ var('segment_high_value_min_revenue'),
        'cart_abandoner':
            "abandoned_carts_in_window >= " ~ var('segment_cart_abandoner_min_carts'),
        'frequent_browser':
            "views_in_window >= " ~ var('segment_frequent_browser_min_views')
            ~ " and purchases_in_window <= " ~ var('segment_frequent_browser_max_purchases'),
        'new_user':
            "registered_at is not null and registered_at > "
            ~ dbt.dateadd('day', -1 * var('segment_new_user_days'), 'as_of'),
        'inactive':
            "last_activity_at is null or last_activity_at <= "
            ~ dbt.dateadd('day', -1 * var('segment_inactive_days'), 'as_of'),
    } -%}
    {%- set priority = ['high_value', 'cart_abandoner', 'frequent_browser', 'new_user', 'inactive'] -%}
    {%- for name in priority %}
    coalesce(({{ rules[name] }}), false) as is_{{ name }},
    {%- endfor %}
    case
        {%- for name in priority %}
        when coalesce(({{ rules[name] }}), false) then '{{ name }}'
        {%- endfor %}
        else 'regular'
    end as primary_segment
{%- endmacro %}

{#- The accepted values of primary_segment, for its test. -#}
{% macro segment_names() -%}
    {{ return(['high_value', 'cart_abandoner', 'frequent_browser', 'new_user', 'inactive', 'regular']) }}
{%- endmacro %}
