-- R-J-2: an identical file landed again after its job ended is a new landing: it gets a new job,
-- created as `duplicate` when a succeeded job has its SHA-256 (an operator re-uploading a file
-- sees `duplicate`, not the old job). (file_name, sha256) is therefore unique only among jobs that
-- have not ended. JobStore.jobCreate still returns the latest job of a pair unless the caller
-- says the landing is a new one, so a restart's rescan finds the job of a file it has not moved yet.
DROP INDEX jobs_file_identity;
CREATE UNIQUE INDEX jobs_open_file_identity ON jobs (file_name, sha256) WHERE finished_at IS NULL;
CREATE INDEX jobs_file_identity ON jobs (file_name, sha256, id);
