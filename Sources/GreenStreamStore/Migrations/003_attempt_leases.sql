-- Leases per running attempt (R-J-3, R-J-4, R-J-9).
--
-- Before: a claim set jobs.lease_expires_at once and workers kept one current (job, attempt),
-- which every claim overwrote, so a worker running several jobs kept only the last one alive.
-- Now each running attempt has its own lease row. A claim opens it, a heartbeat that names the
-- attempt extends it, and the transition that ends the attempt (success, duplicate, failure,
-- rescue) deletes it in the same transaction. Heartbeats touch only this table and workers,
-- never jobs (R-J-9). The table holds running attempts only, so it stays small.
CREATE TABLE attempt_leases (
    job_id            bigint NOT NULL,
    attempt           integer NOT NULL,
    worker_id         text NOT NULL,
    -- The attempt is lost once this passes without a heartbeat naming it.
    expires_at        timestamptz NOT NULL,
    last_heartbeat_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, attempt),
    FOREIGN KEY (job_id, attempt) REFERENCES job_attempts (job_id, attempt)
);
-- The rescuer looks for expired leases; workers list their running attempts.
CREATE INDEX attempt_leases_expiry ON attempt_leases (expires_at);
CREATE INDEX attempt_leases_worker ON attempt_leases (worker_id, job_id);

-- Running attempts of an existing store keep the liveness the old rule gave them: the later of
-- their claim-time lease and their worker's last heartbeat for them plus the default timeout.
INSERT INTO attempt_leases (job_id, attempt, worker_id, expires_at, last_heartbeat_at)
SELECT j.id, j.attempt, j.worker_id,
       greatest(coalesce(j.lease_expires_at, now()), w.last_heartbeat_at + interval '5 seconds'),
       coalesce(w.last_heartbeat_at, now())
FROM jobs j
JOIN job_attempts a ON a.job_id = j.id AND a.attempt = j.attempt
LEFT JOIN workers w ON w.id = j.worker_id AND w.current_job_id = j.id AND w.current_attempt = j.attempt
WHERE j.state = 'running';

-- The per-worker current attempt and the per-job lease are replaced by attempt_leases.
ALTER TABLE workers DROP COLUMN current_job_id, DROP COLUMN current_attempt;
DROP INDEX jobs_running_lease;
ALTER TABLE jobs DROP COLUMN lease_expires_at;
