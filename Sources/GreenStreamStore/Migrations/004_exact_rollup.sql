-- R-H-2: exact hourly rollups. meter_hourly.kw_sum was a double precision sum kept by adding
-- deltas, so after corrections it drifted from the readings by rounding. It is now numeric:
-- the exact sum of each reading's kw::numeric (PostgreSQL 15 rounds a double to 15 significant
-- digits there; that rounded decimal is the reading's contribution, by definition). Sums of
-- numerics are exact and order-free, so the maintained sum always equals a from-scratch one.

-- The views read kw_sum, so they go and come back around the type change.
DROP VIEW grid_peak_hours;
DROP VIEW grid_hourly;

ALTER TABLE meter_hourly ALTER COLUMN kw_sum TYPE numeric USING kw_sum::numeric;

-- Existing sums have drifted: recompute every stored hour from readings, in place.
UPDATE meter_hourly m
SET kw_sum = s.kw_sum, readings = s.n
FROM (
    SELECT r.meter_id, gs_hour_start(r.ts, z.value) AS hour_start, sum(r.kw::numeric) AS kw_sum,
           count(*)::integer AS n
    FROM readings r CROSS JOIN (SELECT value FROM store_settings WHERE key = 'grid_time_zone') z
    GROUP BY 1, 2
) s
WHERE m.meter_id = s.meter_id AND m.hour_start = s.hour_start;

-- R-H-1b / R-F-3, unchanged in name, columns and meaning: grid load of every hour that has
-- readings = Σ over meters of the mean kW. The mean is numeric division of the exact sum;
-- trim_scale makes it depend on the sum's value only (a sum that once held a 7-decimal reading
-- keeps that display scale, which would otherwise change the division's precision).
CREATE VIEW grid_hourly AS
SELECT hour_start,
       count(*)::integer                                     AS meters,
       sum(trim_scale(kw_sum) / readings)::double precision  AS load_kw
FROM meter_hourly
WHERE readings > 0
GROUP BY hour_start;

-- R-F-3: as in 002.
CREATE VIEW grid_peak_hours AS
SELECT d.day, d.hour_start, d.meters, d.load_kw,
       rank() OVER (PARTITION BY d.day ORDER BY d.load_kw DESC, d.hour_start) AS peak_rank
FROM (
    SELECT (g.hour_start AT TIME ZONE s.value)::date AS day, g.hour_start, g.meters, g.load_kw
    FROM grid_hourly g
    CROSS JOIN (SELECT value FROM store_settings WHERE key = 'grid_time_zone') s
) d;
