-- The dashboard's "readings per second over the last minutes" (issue 11) sums stored_rows of the
-- jobs that succeeded in a recent window. Without an index that is a scan of every job ever run;
-- this partial index holds succeeded jobs by finish time (a job's finished_at is written once, by
-- the transition that ends it), so the window is a short range scan. Numbered 007: 006 is the
-- hot store's partitioning (issue 12).
CREATE INDEX jobs_succeeded_finished ON jobs (finished_at) WHERE state = 'succeeded';
