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
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.avro.AvroSerDe'
WITH SERDEPROPERTIES ('avro.schema.literal'='{"type":"record","name":"WebEvent","namespace":"io.hourglass.web_events","doc":"Cleansed web events, partitioned by event time (dt, hour) and by the arrival hour that wrote them (ingest_hour).","fields":[{"name":"event_id","type":"string"},{"name":"event_type","type":"string"},{"name":"event_time","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"Event time in UTC."},{"name":"site_id","type":"int"},{"name":"user_id","type":["null","string"],"default":null},{"name":"session_id","type":["null","string"],"default":null},{"name":"url","type":["null","string"],"default":null},{"name":"url_domain","type":["null","string"],"doc":"Lower-case host of url.","default":null},{"name":"url_path","type":["null","string"],"doc":"Path of url, without query or fragment.","default":null},{"name":"referrer","type":["null","string"],"default":null},{"name":"user_agent","type":["null","string"],"default":null},{"name":"ip","type":["null","string"],"doc":"Truncated: IPv4 to /24 (a.b.c.0), IPv6 to /48 (x:y:z::); anything else is dropped.","default":null},{"name":"country","type":["null","string"],"default":null},{"name":"device","type":["null","string"],"default":null},{"name":"email_hmac","type":["null","string"],"doc":"Hex HMAC-SHA256 of the trimmed, lower-cased email under the dataset\'s key; null when the dataset drops email.","default":null},{"name":"props","type":["null",{"type":"map","values":["null","string"]}],"default":null},{"name":"extra","type":["null","string"],"doc":"Unknown top-level fields of the raw record as one JSON object (values as JSON text).","default":null},{"name":"source_file","type":"string","doc":"The raw object this row was read from."}],"version":1}')
STORED AS AVRO
LOCATION 's3://example-bucket/warehouse/events/';
