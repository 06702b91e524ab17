-- The hot store (SPEC §6): readings, the per-meter hourly rollup and the grid views.

-- Store-wide settings fixed at first start. grid_time_zone aligns rollup hours (R-F-3); it can
-- change only while readings is empty, since existing rollup rows would be misaligned.
CREATE TABLE store_settings (
    key   text PRIMARY KEY,
    value text NOT NULL
);
INSERT INTO store_settings (key, value) VALUES ('grid_time_zone', 'UTC');

-- R-H-1: one row per (meter_id, ts); the highest job_id wins.
CREATE TABLE readings (
    meter_id       bigint NOT NULL,
    ts             timestamptz NOT NULL,
    kw             double precision NOT NULL,
    quality        text NOT NULL CHECK (quality IN ('measured', 'interpolated')),
    hour_of_day    smallint NOT NULL CHECK (hour_of_day BETWEEN 0 AND 23),
    is_peak_window boolean NOT NULL,
    job_id         bigint NOT NULL,
    PRIMARY KEY (meter_id, ts)
);

-- Start of the grid-zone clock hour holding ts, as an instant. Subtracting the offset into the
-- local hour (rather than truncating local time and converting back) keeps the two repeated
-- hours of a DST fall-back apart and works for :30 and :45 zones.
CREATE FUNCTION gs_hour_start(ts timestamptz, zone text) RETURNS timestamptz
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN ts - ((ts AT TIME ZONE zone) - date_trunc('hour', ts AT TIME ZONE zone));

-- Unix microseconds (the model's unit) of an instant; exact, since extract() returns numeric.
CREATE FUNCTION gs_to_unix_micros(ts timestamptz) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (extract(epoch FROM ts) * 1000000)::bigint;

-- Sum and count of each meter's readings per grid hour, maintained by HotStore in the same
-- transaction as readings (R-H-2, R-H-3). The plain mean is kw_sum / readings.
CREATE TABLE meter_hourly (
    meter_id   bigint NOT NULL,
    hour_start timestamptz NOT NULL,
    kw_sum     double precision NOT NULL,
    -- >= 0, not > 0: an upsert that only corrects values proposes a 0 count, and CHECK runs
    -- on the proposed row before ON CONFLICT merges it into the existing one.
    readings   integer NOT NULL CHECK (readings >= 0),
    PRIMARY KEY (meter_id, hour_start)
) WITH (fillfactor = 70);  -- room for HOT updates: corrections and boundary hours rewrite rows in place
CREATE INDEX meter_hourly_hour ON meter_hourly (hour_start);

-- R-H-1b / R-F-3: grid load of every hour that has readings = Σ over meters of the mean kW.
CREATE VIEW grid_hourly AS
SELECT hour_start,
       count(*)::integer                          AS meters,
       sum(kw_sum / readings)::double precision   AS load_kw
FROM meter_hourly
WHERE readings > 0
GROUP BY hour_start;

-- R-F-3: hours of each grid-zone day ranked by load (1 = the peak hour).
CREATE VIEW grid_peak_hours AS
SELECT d.day, d.hour_start, d.meters, d.load_kw,
       rank() OVER (PARTITION BY d.day ORDER BY d.load_kw DESC, d.hour_start) AS peak_rank
FROM (
    SELECT (g.hour_start AT TIME ZONE s.value)::date AS day, g.hour_start, g.meters, g.load_kw
    FROM grid_hourly g
    CROSS JOIN (SELECT value FROM store_settings WHERE key = 'grid_time_zone') s
) d;
