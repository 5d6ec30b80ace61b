CREATE EXTERNAL TABLE "spectrum"."events" (
  "event_id" VARCHAR(65535),
  "event_type" VARCHAR(65535),
  "event_time" TIMESTAMP,
  "site_id" INTEGER,
  "user_id" VARCHAR(65535),
  "session_id" VARCHAR(65535),
  "url" VARCHAR(65535),
  "url_domain" VARCHAR(65535),
  "url_path" VARCHAR(65535),
  "referrer" VARCHAR(65535),
  "user_agent" VARCHAR(65535),
  "ip" VARCHAR(65535),
  "country" VARCHAR(65535),
  "device" VARCHAR(65535),
  "email_hmac" VARCHAR(65535),
  "props" MAP<VARCHAR(65535),VARCHAR(65535)>,
  "extra" VARCHAR(65535),
  "source_file" VARCHAR(65535)
)
PARTITIONED BY (
  "dt" VARCHAR(65535),
  "hour" INTEGER,
  "ingest_hour" VARCHAR(65535)
)
STORED AS PARQUET
LOCATION 's3://example-bucket/warehouse/events/';
