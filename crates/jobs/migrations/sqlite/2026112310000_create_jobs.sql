-- oxaps-jobs: durable job queue (transactional outbox). SQLite dialect.
-- Timestamps are i64 unix milliseconds computed by the application clock.
CREATE TABLE jobs (
    id           TEXT    NOT NULL PRIMARY KEY,
    kind         TEXT    NOT NULL,
    dedup_key    TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    instance_id  TEXT,
    resource_id  TEXT,
    status       TEXT    NOT NULL
                 CHECK (status IN ('pending', 'running', 'succeeded', 'dead')),
    priority     INTEGER NOT NULL DEFAULT 0,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
    run_after    INTEGER NOT NULL,
    locked_by    TEXT,
    locked_until INTEGER,
    lease_token  TEXT,
    last_error   TEXT,
    result       TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    CONSTRAINT jobs_dedup_key_uq UNIQUE (dedup_key)
);

-- Claim: ready pending jobs in claim order (partial, so history rows cost nothing).
CREATE INDEX jobs_pending_claim_idx ON jobs (priority DESC, run_after, id) WHERE status = 'pending';
-- Claim/reap: running jobs by lease expiry (crashed workers).
CREATE INDEX jobs_running_lease_idx ON jobs (locked_until) WHERE status = 'running';
-- Operator listing and pruning.
CREATE INDEX jobs_status_finished_idx ON jobs (status, finished_at);
CREATE INDEX jobs_instance_idx ON jobs (instance_id, created_at);
CREATE INDEX jobs_resource_idx ON jobs (resource_id, created_at);
