CREATE EXTERNAL TABLE `hourglass`.`events`
LOCATION 's3://example-bucket/warehouse/events/'
TBLPROPERTIES ('table_type'='DELTA');
