-- Issue 12: `readings` and `meter_hourly` become range-partitioned by UTC day (docs/STORE.md,
-- "Day partitions"), converted in place without losing a reading.
--
-- Partition of day D (UTC): `readings_YYYYMMDD` holds ts in [D 00:00Z, D+1 00:00Z),
-- `meter_hourly_YYYYMMDD` holds hour_start in the same range. Primary keys stay
-- (meter_id, ts) / (meter_id, hour_start): they contain the partition key, as PostgreSQL requires,
-- and meter_id, the column a future Citus distribution would use (docs/SCALING.md).
-- Names, columns and meaning of tables and views are unchanged (R-H-1, R-H-1b).

-- Creates the two partitions of one UTC day if they are missing and returns whether it created
-- any. A partition is created as a plain table and then ATTACHed: ATTACH PARTITION takes only a
-- SHARE UPDATE EXCLUSIVE lock on the parent, which neither waits for nor blocks the commits
-- (ROW EXCLUSIVE) and dashboard queries (ACCESS SHARE) running on other days, whereas
-- CREATE TABLE … PARTITION OF takes ACCESS EXCLUSIVE on the parent. ATTACH builds the parent's
-- indexes on the (empty) table. Callers serialise on an advisory lock (HotStore+Partitions.swift).
-- Identifiers come from a date, never from input (R-H-4).
CREATE FUNCTION gs_ensure_day_partition(day date) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    suffix  text := to_char(day, 'YYYYMMDD');
    lo      text := to_char(day, 'YYYY-MM-DD') || ' 00:00:00+00';
    hi      text := to_char(day + 1, 'YYYY-MM-DD') || ' 00:00:00+00';
    created boolean := false;
BEGIN
    IF to_regclass(quote_ident('readings_' || suffix)) IS NULL THEN
        EXECUTE format('CREATE TABLE %I (LIKE readings INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
                       'readings_' || suffix);
        EXECUTE format('ALTER TABLE readings ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                       'readings_' || suffix, lo, hi);
        created := true;
    END IF;
    IF to_regclass(quote_ident('meter_hourly_' || suffix)) IS NULL THEN
        -- fillfactor 70 as before: corrections and boundary hours rewrite rollup rows in place.
        EXECUTE format('CREATE TABLE %I (LIKE meter_hourly INCLUDING DEFAULTS INCLUDING CONSTRAINTS) '
                       'WITH (fillfactor = 70)', 'meter_hourly_' || suffix);
        EXECUTE format('ALTER TABLE meter_hourly ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                       'meter_hourly_' || suffix, lo, hi);
        created := true;
    END IF;
    RETURN created;
END $$;

-- The UTC day (YYYY-MM-DD) a day partition of readings or meter_hourly covers, from its name;
-- NULL for any other relation.
CREATE FUNCTION gs_partition_day(relname name) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN relname ~ '^(readings|meter_hourly)_[0-9]{8}$'
                THEN to_date(right(relname, 8), 'YYYYMMDD') END;

-- Retention: drops the partitions of readings and meter_hourly of every day before `first_kept`
-- and returns those days. The caller holds ACCESS EXCLUSIVE on both parents (DROP of a partition
-- needs it anyway; taking it first, readings then meter_hourly as commits do, avoids deadlocks),
-- so the two tables lose the same days in one transaction and rollups keep matching readings
-- (R-H-2). In a grid zone whose hours do not start on the UTC hour (+05:30, +05:45, …) the
-- grid hour that straddles UTC midnight loses its rollup row with the old day, so the readings
-- of that hour after midnight go too: the store keeps whole grid hours from the edge on. Whole
-- partitions otherwise: never row by row.
CREATE FUNCTION gs_drop_day_partitions_before(first_kept date) RETURNS SETOF date LANGUAGE plpgsql AS $$
DECLARE
    edge timestamptz := first_kept::timestamp AT TIME ZONE 'UTC';
    zone text := (SELECT value FROM store_settings WHERE key = 'grid_time_zone');
    part record;
    last_day date;
BEGIN
    -- Only when a grid hour straddles the edge (it is not an hour start in the grid zone).
    IF gs_hour_start(edge, zone) < edge THEN
        DELETE FROM readings r USING meter_hourly m
        WHERE m.hour_start = gs_hour_start(edge, zone)
          AND r.meter_id = m.meter_id AND r.ts >= edge AND r.ts < m.hour_start + interval '1 hour';
    END IF;
    FOR part IN
        SELECT c.relname, gs_partition_day(c.relname) AS day
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent IN ('readings'::regclass, 'meter_hourly'::regclass)
          AND gs_partition_day(c.relname) < first_kept
        ORDER BY 2, 1
    LOOP
        EXECUTE format('DROP TABLE %I', part.relname);
        IF last_day IS DISTINCT FROM part.day THEN
            last_day := part.day;
            RETURN NEXT part.day;
        END IF;
    END LOOP;
END $$;

-- The views read the tables by identity: they go, and come back on the new tables.
DROP VIEW grid_peak_hours;
DROP VIEW grid_hourly;

ALTER TABLE readings RENAME TO readings_005;
ALTER TABLE readings_005 RENAME CONSTRAINT readings_pkey TO readings_005_pkey;
ALTER TABLE meter_hourly RENAME TO meter_hourly_005;
ALTER TABLE meter_hourly_005 RENAME CONSTRAINT meter_hourly_pkey TO meter_hourly_005_pkey;
-- meter_hourly_hour (hour_start) goes with the old table and does not come back: the day
-- partitions are the time index now (a day's grid_hourly reads its partition), and on a partition
-- just filled and not yet analyzed the planner took it for the commit's per-meter range DELETE,
-- scanning the whole hour range once per meter (10–19 s instead of ~0.1 s for 1 000 meters in
-- bench-hotstore). Rollup rows are found by their primary key only.

-- R-H-1, as in 002.
CREATE TABLE readings (
    meter_id       bigint NOT NULL,
    ts             timestamptz NOT NULL,
    kw             double precision NOT NULL,
    quality        text NOT NULL CHECK (quality IN ('measured', 'interpolated')),
    hour_of_day    smallint NOT NULL CHECK (hour_of_day BETWEEN 0 AND 23),
    is_peak_window boolean NOT NULL,
    job_id         bigint NOT NULL
) PARTITION BY RANGE (ts);

-- R-H-2, as in 004 (numeric exact sums).
CREATE TABLE meter_hourly (
    meter_id   bigint NOT NULL,
    hour_start timestamptz NOT NULL,
    kw_sum     numeric NOT NULL,
    readings   integer NOT NULL CHECK (readings >= 0)
) PARTITION BY RANGE (hour_start);

-- One partition per UTC day that holds data, created before the keys exist so the rows are
-- routed by a single pass over each old table and every index is then built by one sort.
SELECT gs_ensure_day_partition(d)
FROM (
    SELECT DISTINCT (ts AT TIME ZONE 'UTC')::date AS d FROM readings_005
    UNION
    SELECT DISTINCT (hour_start AT TIME ZONE 'UTC')::date FROM meter_hourly_005
) days
ORDER BY d;

INSERT INTO readings (meter_id, ts, kw, quality, hour_of_day, is_peak_window, job_id)
SELECT meter_id, ts, kw, quality, hour_of_day, is_peak_window, job_id FROM readings_005
ORDER BY meter_id, ts;
INSERT INTO meter_hourly (meter_id, hour_start, kw_sum, readings)
SELECT meter_id, hour_start, kw_sum, readings FROM meter_hourly_005
ORDER BY meter_id, hour_start;

ALTER TABLE readings ADD PRIMARY KEY (meter_id, ts);
ALTER TABLE meter_hourly ADD PRIMARY KEY (meter_id, hour_start);

-- Not a reading lost: the counts must match before the old tables go.
DO $$
BEGIN
    IF (SELECT count(*) FROM readings) <> (SELECT count(*) FROM readings_005)
       OR (SELECT count(*) FROM meter_hourly) <> (SELECT count(*) FROM meter_hourly_005) THEN
        RAISE EXCEPTION '006_day_partitions: row counts differ after the copy';
    END IF;
END $$;

DROP TABLE readings_005;
DROP TABLE meter_hourly_005;

-- R-H-1b / R-F-3, exactly as in 004. A query bounded on hour_start reads only the partitions of
-- those days (the bound passes through GROUP BY hour_start).
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
