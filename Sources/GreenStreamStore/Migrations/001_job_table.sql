-- The durable job table (SPEC §7): jobs, their attempt history, workers, per-state counts.
-- Objects are unqualified: they land in the connection's search_path schema, so tests can
-- give each case its own schema.

-- R-J-2. pending -> running -> succeeded | quarantined, with retrying between failed attempts;
-- duplicate for a file whose SHA-256 matches an already succeeded job.
CREATE TYPE job_state AS ENUM ('pending', 'running', 'retrying', 'succeeded', 'quarantined', 'duplicate');

CREATE TABLE jobs (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- state sits near the top for operators reading `SELECT *`.
    state             job_state NOT NULL DEFAULT 'pending',
    file_name         text NOT NULL CHECK (file_name <> ''),
    sha256            bytea NOT NULL CHECK (octet_length(sha256) = 32),
    size_bytes        bigint NOT NULL CHECK (size_bytes >= 0),
    -- The current attempt, 1-based; 0 until the job is first claimed. Fencing key (R-J-4).
    attempt           integer NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    -- 1 + retries (R-J-3); a job is quarantined once `attempt` reaches it.
    max_attempts      integer NOT NULL DEFAULT 4 CHECK (max_attempts >= 1),
    worker_id         text,
    -- Deadline of the current lease; liveness after that comes from workers.last_heartbeat_at,
    -- so heartbeats never rewrite this row (R-J-9).
    lease_expires_at  timestamptz,
    next_attempt_at   timestamptz NOT NULL DEFAULT now(),
    last_error        text,
    duplicate_of      bigint REFERENCES jobs (id),
    -- Per-reason reject counts (R-J-5), e.g. {"invalid_unit": 3}.
    reject_counts     jsonb NOT NULL DEFAULT '{}'::jsonb,
    stored_rows       bigint,
    interpolated_rows bigint,
    rejected_rows     bigint,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    finished_at       timestamptz,
    CONSTRAINT jobs_finished_iff_terminal
        CHECK ((state IN ('succeeded', 'quarantined', 'duplicate')) = (finished_at IS NOT NULL)),
    CONSTRAINT jobs_running_has_worker CHECK (state <> 'running' OR worker_id IS NOT NULL),
    CONSTRAINT jobs_duplicate_names_original CHECK ((state = 'duplicate') = (duplicate_of IS NOT NULL)),
    CONSTRAINT jobs_attempts_within_budget CHECK (attempt <= max_attempts)
);

-- A landed file is identified by (name, content): creating it again returns the same job.
CREATE UNIQUE INDEX jobs_file_identity ON jobs (file_name, sha256);
-- At most one succeeded job per content (R-J-2); later ones become duplicates.
CREATE UNIQUE INDEX jobs_one_success_per_sha256 ON jobs (sha256) WHERE state = 'succeeded';
-- `gsctl jobs list --state S` pages by (state, id) without touching other states (R-J-9).
CREATE INDEX jobs_state_id ON jobs (state, id);
-- The claim query: runnable jobs in due order.
CREATE INDEX jobs_runnable ON jobs (next_attempt_at, id) WHERE state IN ('pending', 'retrying');
-- The rescuer: running jobs by lease deadline.
CREATE INDEX jobs_running_lease ON jobs (lease_expires_at) WHERE state = 'running';

-- R-J-8: one row per attempt.
CREATE TABLE job_attempts (
    job_id     bigint NOT NULL REFERENCES jobs (id),
    attempt    integer NOT NULL CHECK (attempt >= 1),
    worker_id  text NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    ended_at   timestamptz,
    outcome    text CHECK (outcome IN ('succeeded', 'duplicate', 'failed', 'permanent_failure')),
    error      text,
    PRIMARY KEY (job_id, attempt),
    CONSTRAINT job_attempts_outcome_iff_ended CHECK ((outcome IS NULL) = (ended_at IS NULL))
);

-- Worker liveness lives here, not on jobs (R-J-9).
CREATE TABLE workers (
    id                text PRIMARY KEY,
    first_seen_at     timestamptz NOT NULL DEFAULT now(),
    last_heartbeat_at timestamptz NOT NULL DEFAULT now(),
    current_job_id    bigint,
    current_attempt   integer
);

-- R-J-9: per-state counts without scanning jobs. Statement triggers append signed deltas
-- (insert-only, so concurrent transactions never contend on a shared counter row);
-- JobStore folds them together now and then.
CREATE TABLE job_state_count_deltas (
    state job_state NOT NULL,
    delta bigint NOT NULL
);

CREATE FUNCTION gs_job_counts_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO job_state_count_deltas (state, delta)
    SELECT state, count(*) FROM gs_new_rows GROUP BY state;
    RETURN NULL;
END $$;

CREATE FUNCTION gs_job_counts_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO job_state_count_deltas (state, delta)
    SELECT state, sum(d) FROM (
        SELECT state, 1 AS d FROM gs_new_rows
        UNION ALL
        SELECT state, -1 AS d FROM gs_old_rows
    ) changes
    GROUP BY state HAVING sum(d) <> 0;
    RETURN NULL;
END $$;

CREATE FUNCTION gs_job_counts_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO job_state_count_deltas (state, delta)
    SELECT state, -count(*) FROM gs_old_rows GROUP BY state;
    RETURN NULL;
END $$;

CREATE TRIGGER jobs_count_insert AFTER INSERT ON jobs
    REFERENCING NEW TABLE AS gs_new_rows FOR EACH STATEMENT EXECUTE FUNCTION gs_job_counts_after_insert();
CREATE TRIGGER jobs_count_update AFTER UPDATE ON jobs
    REFERENCING OLD TABLE AS gs_old_rows NEW TABLE AS gs_new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION gs_job_counts_after_update();
CREATE TRIGGER jobs_count_delete AFTER DELETE ON jobs
    REFERENCING OLD TABLE AS gs_old_rows FOR EACH STATEMENT EXECUTE FUNCTION gs_job_counts_after_delete();
