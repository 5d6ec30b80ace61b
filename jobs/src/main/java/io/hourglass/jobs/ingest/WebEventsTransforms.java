package io.hourglass.jobs.ingest;

import static io.hourglass.common.schema.RawRecords.LINE_NO;
import static io.hourglass.common.schema.RawRecords.READ_ERROR;
import static io.hourglass.common.schema.RawRecords.REC_NO;
import static io.hourglass.common.schema.RawRecords.SOURCE_FILE;
import static io.hourglass.common.schema.RawRecords.VALUE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import io.hourglass.common.config.Hour;
import io.hourglass.common.config.PiiMode;
import io.hourglass.common.schema.TableSchema;
import io.hourglass.common.transform.Columns;
import io.hourglass.common.transform.Hmac;
import io.hourglass.common.transform.Status;
import io.hourglass.common.transform.Transform;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;

/**
 * The pure transforms of the web_events ingest, raw records in, classified rows out. Each takes its
 * parameters first and the Dataset last (through {@link Transform}), checks its input columns, and
 * uses Spark's own functions (the one UDF is the keyed hash, see {@link Hmac}).
 *
 * <pre>
 * parse      value                    -> _fields (map of top-level JSON fields, values as JSON text)
 * classify   _fields                  -> typed columns, _status, _detail
 * cleanse    url, ip, email, _fields  -> url_domain, url_path, ip (truncated), email_hmac, props, extra,
 *                                        dt, hour, ingest_hour
 * dedup      _status, event_id        -> _status = duplicate for the 2nd+ record of an event_id
 * </pre>
 */
public final class WebEventsTransforms {
  static final String FIELDS = "_fields";
  private static final MapType STRING_MAP = DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType);
  private static final List<String> REQUIRED = List.of(
      WebEventColumns.EVENT_ID, WebEventColumns.EVENT_TYPE, WebEventColumns.EVENT_TIME, WebEventColumns.SITE_ID);

  private WebEventsTransforms() {}

  /** Every step, in order, for arrival hour {@code hour}. */
  public static Transform all(TableSchema raw, Hour hour, Duration late, Duration future, PiiMode email, Optional<byte[]> hmacKey) {
    return parse()
        .andThen(classify(raw, hour, late, future))
        .andThen(cleanse(raw, hour, email, hmacKey))
        .andThen(dedup());
  }

  /**
   * Parses each record's text as a JSON object into a map of its top-level fields. Values keep their
   * JSON text (nested objects stay JSON), so unknown fields can be carried on losslessly. Text that is
   * not exactly one JSON object gives a null map.
   */
  public static Transform parse() {
    return in -> {
      Columns.require(in, "parse", VALUE);
      Column object = col(VALUE).rlike("^\\s*\\{.*\\}\\s*$");
      return in.withColumn(FIELDS, when(object, from_json(col(VALUE), STRING_MAP, Map.of("mode", "PERMISSIVE"))));
    };
  }

  /**
   * Gives every record a {@link Status} and typed columns. Checks run in order: damaged file, blank
   * line, malformed JSON, missing required fields, wrong types, then the allowed event-time window
   * {@code [hour - late, hour + 1h + future)}.
   */
  public static Transform classify(TableSchema raw, Hour hour, Duration late, Duration future) {
    Instant windowStart = hour.start().minus(late);
    Instant windowEnd = hour.end().plus(future);
    return in -> {
      Columns.require(in, "classify", VALUE, READ_ERROR, FIELDS);
      Column siteRaw = field(WebEventColumns.SITE_ID);
      Column siteOk = siteRaw.rlike("^-?\\d{1,10}$")
          .and(siteRaw.cast("long").between(Integer.MIN_VALUE, Integer.MAX_VALUE));
      Column timeRaw = field(WebEventColumns.EVENT_TIME);
      Column time = when(timeRaw.rlike("^-?\\d{1,15}$"), timestamp_millis(timeRaw.cast("long")))
          .otherwise(timeRaw.cast("timestamp"));
      Column propsRaw = field(WebEventColumns.PROPS);
      Column props = from_json(propsRaw, STRING_MAP);

      Column missingList = concat_ws(", ", REQUIRED.stream()
          .map(f -> when(field(f).isNull().or(field(f).equalTo("")), lit(f))).toArray(Column[]::new));
      Column siteBad = siteRaw.isNotNull().and(not(siteOk));
      Column timeBad = timeRaw.isNotNull().and(time.isNull());
      Column propsBad = propsRaw.isNotNull().and(props.isNull());
      Column badList = concat_ws("; ",
          when(siteBad, concat(lit("site_id: '"), siteRaw, lit("' is not an int"))),
          when(timeBad, concat(lit("event_time: '"), timeRaw, lit("' is not ISO-8601 or epoch millis"))),
          when(propsBad, lit("props: not a JSON object")));
      Column timeText = date_format(col(WebEventColumns.EVENT_TIME), "yyyy-MM-dd'T'HH:mm:ss'Z'");

      Column status = when(col(READ_ERROR).isNotNull(), lit(Status.CORRUPT_FILE))
          .when(col(VALUE).rlike("^\\s*$"), lit(Status.BLANK))
          .when(col(FIELDS).isNull(), lit(Status.MALFORMED_JSON))
          .when(missingList.notEqual(""), lit(Status.MISSING_FIELD))
          .when(badList.notEqual(""), lit(Status.BAD_TYPE))
          .when(col(WebEventColumns.EVENT_TIME).lt(lit(Timestamp.from(windowStart))), lit(Status.TOO_LATE))
          .when(col(WebEventColumns.EVENT_TIME).geq(lit(Timestamp.from(windowEnd))), lit(Status.FUTURE))
          .otherwise(lit(Status.OK));
      Column detail = when(col(Status.COLUMN).equalTo(Status.CORRUPT_FILE), col(READ_ERROR))
          .when(col(Status.COLUMN).equalTo(Status.MALFORMED_JSON), lit("not a single JSON object"))
          .when(col(Status.COLUMN).equalTo(Status.MISSING_FIELD), concat(lit("missing required field(s): "), missingList))
          .when(col(Status.COLUMN).equalTo(Status.BAD_TYPE), badList)
          .when(col(Status.COLUMN).equalTo(Status.TOO_LATE),
              concat(lit("event_time "), timeText, lit(" is before the window start " + windowStart)))
          .when(col(Status.COLUMN).equalTo(Status.FUTURE),
              concat(lit("event_time "), timeText, lit(" is at or after the window end " + windowEnd)));

      Dataset<Row> typed = in;
      for (String f : raw.fieldNames()) {
        if (!f.equals(WebEventColumns.SITE_ID) && !f.equals(WebEventColumns.EVENT_TIME) && !f.equals(WebEventColumns.PROPS)) {
          typed = typed.withColumn(f, field(f));
        }
      }
      return typed
          .withColumn(WebEventColumns.SITE_ID, when(siteOk, siteRaw.cast("int")))
          .withColumn(WebEventColumns.EVENT_TIME, time)
          .withColumn(WebEventColumns.PROPS, props)
          .withColumn(Status.COLUMN, status)
          .withColumn(Status.DETAIL, detail);
    };
  }

  /**
   * Derives the table's columns: URL parts, truncated IP, keyed hash of email (or none when the
   * dataset drops it), unknown fields as one JSON object in {@code extra}, and the partition columns
   * from EVENT time plus the arrival hour.
   */
  public static Transform cleanse(TableSchema raw, Hour hour, PiiMode email, Optional<byte[]> hmacKey) {
    if (email == PiiMode.HASH && hmacKey.isEmpty()) {
      throw new IllegalArgumentException("email = hash needs an HMAC key");
    }
    Object[] known = raw.fieldNames().toArray();
    return in -> {
      Columns.require(in, "cleanse", FIELDS, WebEventColumns.URL, WebEventColumns.IP, WebEventColumns.EMAIL,
          WebEventColumns.EVENT_TIME, Status.COLUMN);
      Column unknown = map_filter(col(FIELDS), (k, v) -> not(k.isin(known)));
      Column emailHash = email == PiiMode.HASH
          ? Hmac.sha256Hex(col(WebEventColumns.EMAIL), hmacKey.get())
          : lit(null).cast("string");
      return in
          .withColumn(WebEventColumns.URL_DOMAIN, Columns.urlDomain(col(WebEventColumns.URL)))
          .withColumn(WebEventColumns.URL_PATH, Columns.urlPath(col(WebEventColumns.URL)))
          .withColumn(WebEventColumns.IP, Columns.truncateIp(col(WebEventColumns.IP)))
          .withColumn(WebEventColumns.EMAIL_HMAC, emailHash)
          .withColumn(WebEventColumns.EXTRA, when(size(unknown).gt(0), to_json(unknown)))
          .withColumn(WebEventColumns.DT, date_format(col(WebEventColumns.EVENT_TIME), "yyyy-MM-dd"))
          .withColumn(WebEventColumns.HOUR, hour(col(WebEventColumns.EVENT_TIME)))
          .withColumn(WebEventColumns.INGEST_HOUR, lit(hour.id()))
          .drop(WebEventColumns.EMAIL, FIELDS);
    };
  }

  /**
   * Keeps the first record of each event_id (by file, line, position) and marks the others
   * {@link Status#DUPLICATE}. Only accepted records compete; the raw text of accepted records is
   * dropped first, since only quarantine needs it, to keep the shuffle small.
   */
  public static Transform dedup() {
    return in -> {
      Columns.require(in, "dedup", Status.COLUMN, WebEventColumns.EVENT_ID, SOURCE_FILE, LINE_NO, REC_NO, VALUE);
      Column ok = col(Status.COLUMN).equalTo(Status.OK);
      Column rank = row_number().over(Window.partitionBy(when(ok, col(WebEventColumns.EVENT_ID)))
          .orderBy(col(SOURCE_FILE), col(LINE_NO), col(REC_NO)));
      return in
          .withColumn(VALUE, when(not(ok), col(VALUE)))
          .withColumn(Status.COLUMN, when(ok.and(rank.gt(1)), lit(Status.DUPLICATE)).otherwise(col(Status.COLUMN)));
    };
  }

  /** The accepted rows in the table's column order and types. */
  public static Dataset<Row> tableRows(Dataset<Row> classified, TableSchema table) {
    Columns.require(classified, "tableRows", Status.COLUMN);
    Column[] cols = java.util.Arrays.stream(table.sparkSchema().fields())
        .map(f -> f.dataType() instanceof org.apache.spark.sql.types.AtomicType
            ? col(f.name()).cast(f.dataType()).as(f.name())
            : col(f.name()))
        .toArray(Column[]::new);
    return classified.where(col(Status.COLUMN).equalTo(Status.OK)).select(cols);
  }

  private static Column field(String name) {
    return col(FIELDS).getItem(name);
  }
}
