-- Monthly partitions for the raw store and billing, from this month to maintenance_params.months_ahead ahead.
SELECT penguin_ensure_month_partitions('emails', CURRENT_DATE, CAST(CURRENT_DATE + (SELECT months_ahead FROM maintenance_params) * INTERVAL '1 month' AS DATE))
     + penguin_ensure_month_partitions('billing_analytics', CURRENT_DATE, CAST(CURRENT_DATE + (SELECT months_ahead FROM maintenance_params) * INTERVAL '1 month' AS DATE));
