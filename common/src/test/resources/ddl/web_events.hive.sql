CREATE EXTERNAL TABLE `hourglass`.`events` (
  `event_id` STRING,
  `event_type` STRING,
  `event_time` TIMESTAMP COMMENT 'Event time in UTC.',
  `site_id` INT,
  `user_id` STRING,
  `session_id` STRING,
  `url` STRING,
  `url_domain` STRING COMMENT 'Lower-case host of url.',
  `url_path` STRING COMMENT 'Path of url, without query or fragment.',
  `referrer` STRING,
  `user_agent` STRING,
  `ip` STRING COMMENT 'Truncated: IPv4 to /24 (a.b.c.0), IPv6 to /48 (x:y:z::); anything else is dropped.',
  `country` STRING,
  `device` STRING,
  `email_hmac` STRING COMMENT 'Hex HMAC-SHA256 of the trimmed, lower-cased email under the dataset\'s key; null when the dataset drops email.',
  `props` MAP<STRING,STRING>,
  `extra` STRING COMMENT 'Unknown top-level fields of the raw record as one JSON object (values as JSON text).',
  `source_file` STRING COMMENT 'The raw object this row was read from.'
)
COMMENT 'Cleansed web events, partitioned by event time (dt, hour) and by the arrival hour that wrote them (ingest_hour).'
PARTITIONED BY (
  `dt` STRING COMMENT 'Partition: event date, YYYY-MM-DD (UTC).',
  `hour` INT COMMENT 'Partition: event hour, 0-23 (UTC).',
  `ingest_hour` STRING COMMENT 'Partition: arrival hour that wrote the row, YYYYMMDDHH (UTC). The run for that hour owns */ingest_hour=H/.'
)
STORED AS PARQUET
LOCATION 's3a://example-bucket/warehouse/events';
