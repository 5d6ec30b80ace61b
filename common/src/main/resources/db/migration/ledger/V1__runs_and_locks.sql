-- The run ledger: one row per run attempt, and one lock row per job/dataset/hour being run.
-- Portable SQL (H2 2.x and PostgreSQL 12+). Every instant is stored as epoch milliseconds (UTC) in a
-- BIGINT: no time zone of the JVM, the session or the server can shift it, and both databases agree.
-- This file is filtered by Maven resources: do not use dollar-brace or at-sign placeholders in it.

CREATE TABLE runs (
  run_id              VARCHAR(128)  NOT NULL,
  job                 VARCHAR(128)  NOT NULL,
  dataset             VARCHAR(128)  NOT NULL,
  hour_start          BIGINT        NOT NULL,  -- epoch millis, on the hour
  attempt             INT           NOT NULL,
  status              VARCHAR(16)   NOT NULL,
  started_at          BIGINT        NOT NULL,  -- epoch millis
  ended_at            BIGINT,                  -- epoch millis; NULL while running
  input_files         BIGINT,
  input_bytes         BIGINT,
  largest_file_bytes  BIGINT,
  records_read        BIGINT,
  records_written     BIGINT,
  records_quarantined BIGINT,
  duplicates          BIGINT,
  blank_lines         BIGINT,
  executors           INT,
  cores               INT,
  spark_master        VARCHAR(512),
  code_version        VARCHAR(128),
  schema_version      INT,
  wall_ms             BIGINT,
  startup_ms          BIGINT,
  error               VARCHAR(4000),
  CONSTRAINT runs_pk PRIMARY KEY (run_id),
  CONSTRAINT runs_status_ck CHECK (status IN ('running', 'succeeded', 'failed', 'empty')),
  CONSTRAINT runs_attempt_ck CHECK (attempt >= 1)
);

-- latest / history / attempt numbering look a key up by hour.
CREATE INDEX runs_key_ix ON runs (job, dataset, hour_start);
-- recentSucceeded (the sizer) reads the newest runs of a job and dataset.
CREATE INDEX runs_recent_ix ON runs (job, dataset, started_at);

-- The double-fire guard: at most one row per job/dataset/hour; the primary key makes taking it atomic.
-- A row whose lease_until has passed belongs to a driver presumed dead and may be taken over.
CREATE TABLE run_locks (
  job         VARCHAR(128) NOT NULL,
  dataset     VARCHAR(128) NOT NULL,
  hour_start  BIGINT       NOT NULL,  -- epoch millis
  run_id      VARCHAR(128) NOT NULL,
  lease_until BIGINT       NOT NULL,  -- epoch millis
  CONSTRAINT run_locks_pk PRIMARY KEY (job, dataset, hour_start)
);
