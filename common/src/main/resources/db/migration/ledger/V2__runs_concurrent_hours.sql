-- How many hours the run's SparkSession ran at once: 1 for an ingest (and a backfill at --parallelism 1), the
-- backfill's parallelism otherwise. The sizer learns only from runs that had the session's cores to themselves;
-- NULL (a run recorded before this column) is read as 0, unknown, and taken as a run of its own.
-- This file is filtered by Maven resources: do not use dollar-brace or at-sign placeholders in it.

ALTER TABLE runs ADD COLUMN concurrent_hours INT;
