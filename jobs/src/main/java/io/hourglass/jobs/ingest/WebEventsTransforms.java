package io.hourglass.jobs.ingest;

import static io.hourglass.common.schema.RawRecords.LINE_NO;
import static io.hourglass.common.schema.RawRecords.READ_ERROR;
import static io.hourglass.common.schema.RawRecords.REC_NO;
import static io.hourglass.common.schema.RawRecords.SOURCE_FILE;
import static io.hourglass.common.schema.RawRecords.VALUE;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.map_keys;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

import io.hourglass.common.config.Hour;
import io.hourglass.common.config.PiiMode;
import io.hourglass.common.schema.TableSchema;
import io.hourglass.common.transform.Columns;
import io.hourglass.common.transform.Hmac;
import io.hourglass.common.transform.Status;
import io.hourglass.common.transform.Transform;
import java.sql.Timestamp;
import java.time.Duration;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The pure transforms of the web_events ingest, raw records in, classified rows out. Each takes its
 * parameters first and the Dataset last (through {@link Transform}), checks its input columns, and
 * uses Spark's own functions, with two UDFs that say why: the keyed hash ({@link Hmac}) and the JSON
 * parser ({@link JsonObjects}).
 *
 * <pre>
 * parse      value                    -> _fields (map of top-level JSON fields, values as JSON text),
 *                                        _parse_error, _nested (fields holding an object or array)
 * classify   _fields, read_error      -> typed columns, _status, _detail
 * cleanse    url, ip, email, _fields  -> url_domain, url_path, ip (truncated), email_hmac, props, extra,
 *                                        dt, hour, ingest_hour
 * dedup      _status, event_id        -> _status = duplicate for the 2nd+ record of an event_id
 * </pre>
 */
public final class WebEventsTransforms {
  static final String FIELDS = "_fields";
  static final String PARSE_ERROR = "_parse_error";
  static final String NESTED = "_nested";
  private static final String PARSED = "_parsed";
  private static final String DUP_ID = "_dup_event_id";
  private static final String DUP_FIRST = "_dup_first";
  private static final String PROPS_PARSED = "_props_parsed";
  private static final List<String> REQUIRED = List.of(
      WebEventColumns.EVENT_ID, WebEventColumns.EVENT_TYPE, WebEventColumns.EVENT_TIME, WebEventColumns.SITE_ID);
  /**
   * An integer event_time of at most 11 digits is taken for epoch SECONDS sent where milliseconds are
   * expected: as milliseconds it would be before 1973-03-03, which no allowed window reaches, while as
   * seconds it is any time up to the year 5138. Quarantined as bad_type saying so, rather than as a
   * misleading too_late.
   */
  static final String EPOCH_SECONDS = "^\\d{1,11}$";
  /** Made on first use: a UDF loads Spark SQL's function machinery, which the direct write never needs. */
  private static final class Udfs {
    static final UserDefinedFunction JSON_OBJECT = udf((UDF1<String, Row>) JsonObjects::parse, JsonObjects.TYPE)
        .withName("json_object");
  }

  private WebEventsTransforms() {}

  /** Every step, in order, for arrival hour {@code hour}. */
  public static Transform all(TableSchema raw, Hour hour, Duration late, Duration future, PiiMode email, Optional<byte[]> hmacKey) {
    return records(raw, hour, late, future, email, hmacKey).andThen(dedup());
  }

  /**
   * Every step that looks at one record alone (parse, classify, cleanse), then the raw text of accepted
   * records dropped (only quarantine needs it): what {@link WebEventDecoder} computes in one pass.
   * {@link #dedup} is the step across records.
   */
  public static Transform records(TableSchema raw, Hour hour, Duration late, Duration future, PiiMode email,
      Optional<byte[]> hmacKey) {
    return parse().andThen(recordsFromFields(raw, hour, late, future, email, hmacKey));
  }

  /** {@link #records} after {@link #parse()}: for a reader that gives the parsed columns itself (CSV/TSV). */
  public static Transform recordsFromFields(TableSchema raw, Hour hour, Duration late, Duration future, PiiMode email,
      Optional<byte[]> hmacKey) {
    return classify(raw, hour, late, future)
        .andThen(cleanse(raw, hour, email, hmacKey))
        .andThen(in -> in.withColumn(VALUE, when(not(col(Status.COLUMN).equalTo(Status.OK)), col(VALUE))));
  }

  /**
   * The columns of a record that the counts, the dedup and the quarantine need, as
   * {@link WebEventDecoder#surveySchema()}: event_id only for accepted records, value and detail only for
   * rejected ones.
   */
  public static Transform survey() {
    return in -> {
      Columns.require(in, "survey", SOURCE_FILE, LINE_NO, REC_NO, WebEventColumns.EVENT_ID, VALUE, Status.COLUMN, Status.DETAIL,
          WebEventColumns.INGEST_HOUR);
      Column ok = col(Status.COLUMN).equalTo(Status.OK);
      return in.select(col(SOURCE_FILE), col(LINE_NO), col(REC_NO), when(ok, col(WebEventColumns.EVENT_ID)).as(WebEventColumns.EVENT_ID),
          when(not(ok), col(VALUE)).as(VALUE), col(Status.COLUMN), when(not(ok), col(Status.DETAIL)).as(Status.DETAIL),
          col(WebEventColumns.INGEST_HOUR));
    };
  }

  /** The raw fields typed as strings, in the contract's order: the ones that must not hold an object or array. */
  static List<String> stringFields(TableSchema raw) {
    return raw.fieldNames().stream().filter(f -> raw.field(f).dataType().equals(DataTypes.StringType)).toList();
  }

  /**
   * Parses each record's text as one JSON object into a map of its top-level fields (see
   * {@link JsonObjects}): strings unescaped, everything else as its exact JSON text. Text that is not
   * exactly one JSON object gives a null map and the parser's reason in {@value #PARSE_ERROR}.
   */
  public static Transform parse() {
    return in -> {
      Columns.require(in, "parse", VALUE);
      return in.withColumn(PARSED, Udfs.JSON_OBJECT.apply(col(VALUE)))
          .withColumn(FIELDS, col(PARSED).getField(JsonObjects.FIELDS))
          .withColumn(NESTED, col(PARSED).getField(JsonObjects.NESTED))
          .withColumn(PARSE_ERROR, col(PARSED).getField(JsonObjects.ERROR))
          .drop(PARSED);
    };
  }

  /**
   * Gives every record a {@link Status} and typed columns. Checks run in order: damaged file, bytes
   * not UTF-8, oversized record, malformed CSV (found by the CSV reader), blank line, malformed JSON,
   * missing required fields, wrong types, then the allowed event-time window {@code [hour - late, hour + 1h + future)}.
   *
   * <p>Field names are case-sensitive: {@code Event_ID} is not {@code event_id}. A record whose required
   * field is there only in another case is missing_field, and the detail names the variant; a variant
   * of an optional field is an unknown field, kept in {@code extra}.
   */
  public static Transform classify(TableSchema raw, Hour hour, Duration late, Duration future) {
    Instant windowStart = hour.start().minus(late);
    Instant windowEnd = hour.end().plus(future);
    List<String> stringFields = stringFields(raw);
    return in -> {
      Columns.require(in, "classify", VALUE, READ_ERROR, FIELDS, NESTED, PARSE_ERROR);
      Column siteRaw = field(WebEventColumns.SITE_ID);
      // coalesce: digits that the cast still cannot read (a trailing U+2028, which '$' allows) are not an int either
      Column siteOk = coalesce(siteRaw.rlike("^-?\\d{1,10}$")
          .and(siteRaw.cast("long").between(Integer.MIN_VALUE, Integer.MAX_VALUE)), lit(false));
      Column timeRaw = field(WebEventColumns.EVENT_TIME);
      Column epochSeconds = timeRaw.rlike(EPOCH_SECONDS);
      Column time = when(timeRaw.rlike("^-?\\d{1,15}$"), when(not(epochSeconds), timestamp_millis(timeRaw.cast("long"))))
          .otherwise(timeRaw.cast("timestamp"));
      Column propsRaw = field(WebEventColumns.PROPS);
      Column propsParsed = Udfs.JSON_OBJECT.apply(propsRaw);

      Column missingList = concat_ws(", ", REQUIRED.stream()
          .map(f -> when(field(f).isNull().or(field(f).rlike("^\\s*$")), lit(f))).toArray(Column[]::new));
      Object[] required = REQUIRED.toArray();
      Column caseVariants = filter(map_keys(col(FIELDS)), k -> lower(k).isin(required).and(not(k.isin(required))));
      Column missingDetail = concat(lit("missing required field(s): "), missingList,
          when(size(caseVariants).gt(0),
              concat(lit(" (field names are case-sensitive; found "), array_join(caseVariants, ", "), lit(")")))
              .otherwise(lit("")));

      Column siteBad = siteRaw.isNotNull().and(not(siteOk));
      Column timeBad = timeRaw.isNotNull().and(not(epochSeconds)).and(time.isNull());
      Column propsBad = propsRaw.isNotNull().and(col(PROPS_PARSED).getField(JsonObjects.FIELDS).isNull());
      List<Column> bad = new ArrayList<>();
      for (String f : stringFields) {
        bad.add(when(array_contains(col(NESTED), f), lit(f + ": a JSON object or array where a string is expected")));
      }
      bad.add(when(siteBad, concat(lit("site_id: '"), siteRaw, lit("' is not an int"))));
      bad.add(when(epochSeconds, concat(lit("event_time: '"), timeRaw, lit("' looks like epoch seconds; epoch milliseconds expected"))));
      bad.add(when(timeBad, concat(lit("event_time: '"), timeRaw, lit("' is not ISO-8601 or epoch millis"))));
      bad.add(when(propsBad, concat(lit("props: not a JSON object: "), col(PROPS_PARSED).getField(JsonObjects.ERROR))));
      Column badList = concat_ws("; ", bad.toArray(Column[]::new));
      Column timeText = date_format(col(WebEventColumns.EVENT_TIME), "yyyy-MM-dd'T'HH:mm:ss'Z'");

      Column readError = col(READ_ERROR);
      Column status = when(readError.isNotNull().and(col(VALUE).isNull()), lit(Status.CORRUPT_FILE))
          .when(readError.startsWith(Status.INVALID_UTF8 + ": "), lit(Status.INVALID_UTF8))
          .when(readError.startsWith(Status.OVERSIZED + ": "), lit(Status.OVERSIZED))
          .when(readError.startsWith(Status.MALFORMED_CSV + ": "), lit(Status.MALFORMED_CSV))
          .when(readError.isNotNull(), lit(Status.CORRUPT_FILE))
          .when(col(VALUE).rlike("^\\s*$"), lit(Status.BLANK))
          .when(col(FIELDS).isNull(), lit(Status.MALFORMED_JSON))
          .when(missingList.notEqual(""), lit(Status.MISSING_FIELD))
          .when(badList.notEqual(""), lit(Status.BAD_TYPE))
          .when(col(WebEventColumns.EVENT_TIME).lt(lit(Timestamp.from(windowStart))), lit(Status.TOO_LATE))
          .when(col(WebEventColumns.EVENT_TIME).geq(lit(Timestamp.from(windowEnd))), lit(Status.FUTURE))
          .otherwise(lit(Status.OK));
      Column detail = when(col(Status.COLUMN).equalTo(Status.CORRUPT_FILE), readError)
          .when(col(Status.COLUMN).isin(Status.INVALID_UTF8, Status.OVERSIZED, Status.MALFORMED_CSV),
              regexp_replace(readError, "^[a-z0-9_]+: ", ""))
          .when(col(Status.COLUMN).equalTo(Status.MALFORMED_JSON), concat(lit("not a single JSON object: "), col(PARSE_ERROR)))
          .when(col(Status.COLUMN).equalTo(Status.MISSING_FIELD), missingDetail)
          .when(col(Status.COLUMN).equalTo(Status.BAD_TYPE), badList)
          .when(col(Status.COLUMN).equalTo(Status.TOO_LATE),
              concat(lit("event_time "), timeText, lit(" is before the window start " + windowStart)))
          .when(col(Status.COLUMN).equalTo(Status.FUTURE),
              concat(lit("event_time "), timeText, lit(" is at or after the window end " + windowEnd)));

      // The props object is parsed once into a column of its own, then read twice (value and error).
      Dataset<Row> typed = in.withColumn(PROPS_PARSED, propsParsed);
      for (String f : raw.fieldNames()) {
        if (!f.equals(WebEventColumns.SITE_ID) && !f.equals(WebEventColumns.EVENT_TIME) && !f.equals(WebEventColumns.PROPS)) {
          typed = typed.withColumn(f, field(f));
        }
      }
      return typed
          .withColumn(WebEventColumns.SITE_ID, when(siteOk, siteRaw.cast("int")))
          .withColumn(WebEventColumns.EVENT_TIME, time)
          .withColumn(Status.COLUMN, status)
          .withColumn(Status.DETAIL, detail)
          .withColumn(WebEventColumns.PROPS, col(PROPS_PARSED).getField(JsonObjects.FIELDS))
          .drop(PROPS_PARSED);
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
          .drop(WebEventColumns.EMAIL, FIELDS, NESTED, PARSE_ERROR);
    };
  }

  /**
   * Keeps the first record of each event_id (by file, line, position) and marks the others
   * {@link Status#DUPLICATE}; only accepted records compete. {@link #duplicateFirsts} then
   * {@link #markDuplicates}, on the same input: cache the input first, it is read twice.
   */
  public static Transform dedup() {
    return in -> markDuplicates(duplicateFirsts(in)).apply(in);
  }

  /**
   * The event_ids accepted more than once, each with the position of its first record
   * ({@value #DUP_ID}, {@value #DUP_FIRST}): {@link #duplicateIds}, then {@link #firstPositions}.
   */
  public static Dataset<Row> duplicateFirsts(Dataset<Row> in) {
    return firstPositions(in, duplicateIds(in));
  }

  /**
   * The event_ids accepted more than once ({@value #DUP_ID}). Only the keys are shuffled, never the rows,
   * and counting is a hash aggregation (a minimum of a position struct would make Spark sort every key).
   */
  public static Dataset<Row> duplicateIds(Dataset<Row> in) {
    Columns.require(in, "duplicateIds", Status.COLUMN, WebEventColumns.EVENT_ID);
    return in.where(col(Status.COLUMN).equalTo(Status.OK))
        .groupBy(col(WebEventColumns.EVENT_ID).as(DUP_ID))
        .agg(count(lit(1)).as("_n"))
        .where(col("_n").gt(1))
        .select(col(DUP_ID));
  }

  /** The position of the first accepted record ({@value #DUP_FIRST}) of each event_id in {@code ids}. */
  public static Dataset<Row> firstPositions(Dataset<Row> in, Dataset<Row> ids) {
    Columns.require(in, "firstPositions", Status.COLUMN, WebEventColumns.EVENT_ID, SOURCE_FILE, LINE_NO, REC_NO);
    return in.where(col(Status.COLUMN).equalTo(Status.OK))
        .join(ids, col(WebEventColumns.EVENT_ID).equalTo(ids.col(DUP_ID)))
        .groupBy(col(DUP_ID))
        .agg(min(position()).as(DUP_FIRST));
  }

  /** Marks accepted records of an event_id in {@code firsts} that are not at its first position as duplicates. */
  public static Transform markDuplicates(Dataset<Row> firsts) {
    return in -> {
      Columns.require(in, "markDuplicates", Status.COLUMN, WebEventColumns.EVENT_ID, SOURCE_FILE, LINE_NO, REC_NO);
      Column ok = col(Status.COLUMN).equalTo(Status.OK);
      Dataset<Row> joined = in.join(firsts, in.col(WebEventColumns.EVENT_ID).equalTo(firsts.col(DUP_ID)).and(ok), "left");
      return joined
          .withColumn(Status.COLUMN, when(ok.and(col(DUP_FIRST).isNotNull()).and(not(position().equalTo(col(DUP_FIRST)))),
              lit(Status.DUPLICATE)).otherwise(col(Status.COLUMN)))
          .drop(DUP_ID, DUP_FIRST);
    };
  }

  private static Column position() {
    return struct(col(SOURCE_FILE), col(LINE_NO), col(REC_NO));
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

  /**
   * Parses a JSON object into its top-level fields, exactly. A UDF, because Spark's {@code from_json}
   * to a map of strings changes data silently: it re-prints numbers through a double ({@code 1e999}
   * becomes {@code "Infinity"}, {@code 0.12345678901234567891} loses digits, {@code 12.50} becomes
   * {@code 12.5}), keeps only the last of duplicate keys, and takes {@code NaN} and single quotes.
   * Here a string value is its unescaped text, any other value its JSON text exactly as sent (numbers,
   * nested objects and arrays byte for byte), and the JSON must be strict: duplicate keys (at any depth),
   * {@code NaN}, single quotes, unescaped control characters or nesting deeper than {@link #MAX_DEPTH}
   * make the text not an object, with the reason.
   */
  static final class JsonObjects {
    static final String FIELDS = "fields";
    static final String NESTED = "nested";
    static final String ERROR = "error";
    /** Deepest nesting parsed (Jackson's own default, which Spark's parser also stops at): bounds the work per record. */
    static final int MAX_DEPTH = 1000;
    static final StructType TYPE = new StructType()
        .add(FIELDS, DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, true), true)
        .add(NESTED, DataTypes.createArrayType(DataTypes.StringType, false), true)
        .add(ERROR, DataTypes.StringType, true);
    private static final int MAX_ERROR_CHARS = 300;
    // Strings and numbers are bounded by the reader's record limit, not by Jackson's own (20M chars, 1000 digits):
    // number text is only copied, never converted, so a long one costs nothing.
    private static final JsonFactory FACTORY = JsonFactory.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(MAX_DEPTH)
            .maxNumberLength(Integer.MAX_VALUE)
            .maxStringLength(Integer.MAX_VALUE)
            .build())
        .build();

    private JsonObjects() {}

    /** A row of {@link #TYPE}: the fields and the names holding an object or array, or the error; null for null. */
    static Row parse(String text) {
      Parsed p = parseObject(text);
      return p == null ? null : RowFactory.create(p.fields(), p.nested(), p.error());
    }

    /**
     * What {@link #parse} gives, as plain Java: the top-level fields in their order, the names holding an
     * object or array, or (fields null) the reason the text is not exactly one JSON object.
     */
    record Parsed(Map<String, String> fields, List<String> nested, String error) {}

    static Parsed parseObject(String text) {
      if (text == null) {
        return null;
      }
      try (JsonParser p = FACTORY.createParser(text)) {
        JsonToken first = p.nextToken();
        if (first != JsonToken.START_OBJECT) {
          return failure(first == null ? "no JSON value" : "found " + describe(first) + " instead");
        }
        Map<String, String> fields = new LinkedHashMap<>(32); // an event has about 15 fields: no rehashing
        List<String> nested = new ArrayList<>(0);
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
          String name = p.currentName();
          JsonToken v = p.nextToken();
          String value;
          if (v == JsonToken.VALUE_NULL) {
            value = null;
          } else if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
            int from = (int) p.currentTokenLocation().getCharOffset();
            p.skipChildren();
            value = text.substring(from, (int) p.currentLocation().getCharOffset());
            nested.add(name);
          } else {
            value = p.getText(); // a string unescaped; a number, true or false exactly as written
          }
          fields.put(name, value);
        }
        for (int i = (int) p.currentLocation().getCharOffset(); i < text.length(); i++) {
          char c = text.charAt(i);
          if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
            return failure("text after the object at column " + (i + 1));
          }
        }
        return new Parsed(fields, nested, null);
      } catch (StreamConstraintsException e) {
        return failure(e.getOriginalMessage().contains("nesting depth")
            ? "nested deeper than " + MAX_DEPTH + " levels" : clean(e.getOriginalMessage()));
      } catch (JsonProcessingException e) {
        long column = e.getLocation() == null ? -1 : e.getLocation().getCharOffset() + 1;
        return failure(clean(e.getOriginalMessage()) + (column > 0 ? " at column " + column : ""));
      } catch (IOException e) {
        return failure(clean(String.valueOf(e.getMessage()))); // a String source does no I/O; kept for the compiler
      }
    }

    private static Parsed failure(String error) {
      return new Parsed(null, null, error);
    }

    private static String describe(JsonToken t) {
      return switch (t) {
        case START_ARRAY -> "an array";
        case VALUE_STRING -> "a string";
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
        case VALUE_TRUE, VALUE_FALSE -> "a boolean";
        case VALUE_NULL -> "null";
        default -> String.valueOf(t);
      };
    }

    /** Jackson's message on one short line, without the location it appends (given as a column instead). */
    private static String clean(String message) {
      String m = message.replaceAll("\\s+", " ").replaceAll(" ?\\(start marker at \\[Source.*$", "").trim();
      return m.length() <= MAX_ERROR_CHARS ? m : m.substring(0, MAX_ERROR_CHARS) + "...";
    }
  }
}
