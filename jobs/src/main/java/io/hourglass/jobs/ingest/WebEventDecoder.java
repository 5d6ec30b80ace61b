package io.hourglass.jobs.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.hourglass.common.config.Hour;
import io.hourglass.common.config.PiiMode;
import io.hourglass.common.io.RecordDecoder;
import io.hourglass.common.schema.RawRecords;
import io.hourglass.common.schema.TableSchema;
import io.hourglass.common.transform.Columns;
import io.hourglass.common.transform.Hmac;
import io.hourglass.common.transform.Status;
import io.hourglass.jobs.ingest.WebEventsTransforms.JsonObjects;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayBasedMapData;
import org.apache.spark.sql.catalyst.util.DateTimeUtils;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.catalyst.util.TimestampFormatter;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The fast path of the web_events ingest: one raw record to one classified, cleansed row, in plain Java,
 * for {@link io.hourglass.common.io.RecordSource}. It computes exactly what
 * {@code parse -> classify -> cleanse} of {@link WebEventsTransforms} compute (the reference, and the
 * path {@code input.parser = spark} runs), using the same primitives Spark's expressions use (the same
 * regular expressions and {@code find()} semantics, {@link UTF8String}'s trim, case and number parsing,
 * {@link DateTimeUtils#stringToTimestamp}, Spark's {@link TimestampFormatter}, {@link URI} as
 * {@code parse_url} does, Jackson as {@code to_json} does). {@code FastPathDifferentialTest} holds the
 * two paths to the same table and quarantine rows on the whole bad-input corpus and a generated hour.
 *
 * <p>Why a second implementation: per record, the DataFrame path converts a parsed map into Spark's
 * internal form and back through some thirty expressions (each map lookup a linear scan) and carries the
 * whole row through a shuffle; this does one parse and one pass per record, which is most of the
 * difference in the ingest benchmark.
 *
 * <p>The usual hour is read once, as {@link Output#STAGE} rows (the table's columns of accepted records)
 * with counts and rejected records kept on the side. An hour that needs more reads twice: a small
 * {@link Output#SURVEY} row per record (status, where it came from, and for a rejected record its detail
 * and raw text), cached, gives the counts, the duplicates and the quarantine; then the {@link Output#TABLE}
 * rows of accepted records, with their positions for the dedup, stream into the table write. Parsing twice
 * costs less than caching the wide rows: Spark's columnar cache of every column costs more than the parse.
 */
public final class WebEventDecoder implements RecordDecoder {
  private static final long serialVersionUID = 1L;

  /** Which rows and columns a decoder gives. */
  public enum Output {
    /**
     * A row for every record: source_file, line_no, rec_no, event_id (accepted records only), value and
     * _detail (rejected records only), _status, ingest_hour.
     */
    SURVEY,
    /** Rows for accepted records only: the table's columns, then line_no, rec_no and _status (always ok). */
    TABLE,
    /**
     * Rows for accepted records only, the table's columns and nothing else, so that they go to the writer
     * without another projection; the records are counted and the rejected ones kept in a
     * {@link SideSurvey} ({@link #withSideSurvey}, required): the single-pass ingest.
     */
    STAGE
  }

  private static final List<String> REQUIRED = List.of(
      WebEventColumns.EVENT_ID, WebEventColumns.EVENT_TYPE, WebEventColumns.EVENT_TIME, WebEventColumns.SITE_ID);
  private static final Set<String> REQUIRED_SET = Set.copyOf(REQUIRED);
  private static final Pattern BLANK = Pattern.compile("^\\s*$");
  private static final Pattern SITE = Pattern.compile("^-?\\d{1,10}$");
  private static final Pattern MILLIS = Pattern.compile("^-?\\d{1,15}$");
  private static final Pattern EPOCH_SECONDS = Pattern.compile(WebEventsTransforms.EPOCH_SECONDS);
  private static final Pattern REASON_PREFIX = Pattern.compile("^[a-z0-9_]+: ");
  private static final Pattern IPV4 = Pattern.compile(Columns.IPV4);
  private static final Pattern IPV4_TO_24 = Pattern.compile("^(\\d{1,3}\\.\\d{1,3}\\.\\d{1,3})\\.\\d{1,3}$");
  private static final Pattern IPV6_FULL = Pattern.compile(Columns.IPV6_FULL);
  private static final Pattern IPV6_COMPRESSED = Pattern.compile(Columns.IPV6_COMPRESSED);
  private static final Pattern LEADING_ZEROS = Pattern.compile("^0+(?=.)");
  private static final JsonFactory JSON = new JsonFactory();
  private static final UTF8String OK = UTF8String.fromString(Status.OK);
  private static final long MICROS_PER_DAY = 86_400_000_000L;
  private static final long MICROS_PER_HOUR = 3_600_000_000L;
  /**
   * Accepted event_ids a task keeps to drop later copies on the spot ({@link RecentIds}): up to twice this many in
   * two generations, about 7 MB (ids of up to 24 bytes; the bytes grow with longer ones). A Firehose
   * producer's retry sends a record again seconds later, into the same object or the next.
   */
  private static final int RECENT_IDS = 65_536;
  /** Entries the per-task HMAC cache holds before it starts over: about 2 MB. */
  private static final int MAX_CACHED_HMACS = 8192;

  private final Output output;
  /** For {@link Output#STAGE}: where counts and rejected records go. */
  private SideSurvey side;
  /** Repeated event_ids whose later copies are duplicates (see {@link #withRepeats}); null for none. */
  private RepeatedIds repeats;
  private final StructType schema;
  private final List<String> stringFieldsInOrder;
  private final UTF8String ingestHour;
  private final String ingestHourText;
  private final long windowStartMicros;
  private final long windowEndMicros;
  private final String windowStartText;
  private final String windowEndText;
  private final Hmac hmac;
  /** The raw contract's field names, each with the slot its value is scanned into. */
  private final FlatJson.Names names;
  private final int[] requiredSlots;
  /** The slots of the string fields, in the contract's order (for the nested-value check). */
  private final int[] stringSlots;
  /** String fields copied to the table as they are (all but ip and email, which are cleansed): slots, and where. */
  private final int[] copiedSlots;
  private final int[] copiedAt;
  private final int sEventId;
  private final int sSite;
  private final int sTime;
  private final int sProps;
  private final int sUrl;
  private final int sIp;
  private final int sEmail;
  // Output column positions; -1 where the output has no such column.
  private final int iSource;
  private final int iLine;
  private final int iRec;
  private final int iIngestHour;
  private final int iStatus;
  private final int iValue;
  private final int iDetail;
  private final int iEventId;
  private final int iSite;
  private final int iTime;
  private final int iProps;
  private final int iDomain;
  private final int iPath;
  private final int iIp;
  private final int iHmac;
  private final int iExtra;
  private final int iDt;
  private final int iHour;
  private transient TimestampFormatter isoSeconds;
  /** The detail of the record just classified (null for ok and blank). */
  private transient String lastDetail;
  /** The object of the record last decoded. */
  private transient String currentObject;
  /** With a side survey: the ids this task accepted last, whose later copies it drops on the spot. */
  private transient RecentIds recent;
  private transient TimestampFormatter day;
  private transient long dayNumber;
  private transient UTF8String dayText;
  /** The source file of the records being decoded, as the row holds it: one conversion per object, not per row. */
  private transient String sourceFile;
  private transient UTF8String sourceFileUtf8;
  /** Email HMACs computed in this task: an hour repeats each user's address many times. Bounded, see {@link #hmacOf}. */
  private transient HmacCache hmacs;
  /** The fields of the record being decoded, and of its props (all names unknown in advance, kept in order). */
  private transient FlatJson.Fields fields;
  private transient FlatJson.Fields props;

  /**
   * @param raw the raw record contract (which fields are known, which are strings)
   * @param table the table contract (the columns of the rows, in order)
   * @param hmacKey the key email is hashed with; empty when the dataset drops email
   */
  public WebEventDecoder(Output output, TableSchema raw, TableSchema table, Hour hour, Duration late, Duration future,
      PiiMode email, Optional<byte[]> hmacKey) {
    this.output = output;
    if (email == PiiMode.HASH && hmacKey.isEmpty()) {
      throw new IllegalArgumentException("email = hash needs an HMAC key");
    }
    this.hmac = email == PiiMode.HASH ? Hmac.withKey(hmacKey.get()) : null;
    this.stringFieldsInOrder = WebEventsTransforms.stringFields(raw);
    this.ingestHour = UTF8String.fromString(hour.id());
    this.ingestHourText = hour.id();
    Instant start = hour.start().minus(late);
    Instant end = hour.end().plus(future);
    this.windowStartMicros = DateTimeUtils.instantToMicros(start);
    this.windowEndMicros = DateTimeUtils.instantToMicros(end);
    this.windowStartText = start.toString();
    this.windowEndText = end.toString();

    this.schema = switch (output) {
      case SURVEY -> surveySchema();
      case TABLE -> tableSchema(table);
      case STAGE -> stageSchema(table);
    };
    this.names = new FlatJson.Names(raw.fieldNames());
    for (String f : raw.fieldNames()) {
      if (!REQUIRED_SET.contains(f) && REQUIRED_SET.contains(lower(f))) {
        // The "found Event_ID" hint looks only at names outside the contract.
        throw new IllegalArgumentException("the raw contract's field '" + f + "' differs from a required field only in case");
      }
    }
    this.requiredSlots = REQUIRED.stream().mapToInt(this::slot).toArray();
    this.stringSlots = stringFieldsInOrder.stream().mapToInt(this::slot).toArray();
    String[] copied = stringFieldsInOrder.stream()
        .filter(f -> !f.equals(WebEventColumns.IP) && !f.equals(WebEventColumns.EMAIL)).toArray(String[]::new);
    this.copiedSlots = java.util.Arrays.stream(copied).mapToInt(this::slot).toArray();
    this.copiedAt = java.util.Arrays.stream(copied).mapToInt(this::at).toArray();
    this.sEventId = slot(WebEventColumns.EVENT_ID);
    this.sSite = slot(WebEventColumns.SITE_ID);
    this.sTime = slot(WebEventColumns.EVENT_TIME);
    this.sProps = slot(WebEventColumns.PROPS);
    this.sUrl = slot(WebEventColumns.URL);
    this.sIp = slot(WebEventColumns.IP);
    this.sEmail = slot(WebEventColumns.EMAIL);
    this.iSource = at(RawRecords.SOURCE_FILE);
    this.iLine = at(RawRecords.LINE_NO);
    this.iRec = at(RawRecords.REC_NO);
    this.iIngestHour = at(WebEventColumns.INGEST_HOUR);
    this.iStatus = at(Status.COLUMN);
    this.iValue = at(RawRecords.VALUE);
    this.iDetail = at(Status.DETAIL);
    this.iEventId = at(WebEventColumns.EVENT_ID);
    this.iSite = at(WebEventColumns.SITE_ID);
    this.iTime = at(WebEventColumns.EVENT_TIME);
    this.iProps = at(WebEventColumns.PROPS);
    this.iDomain = at(WebEventColumns.URL_DOMAIN);
    this.iPath = at(WebEventColumns.URL_PATH);
    this.iIp = at(WebEventColumns.IP);
    this.iHmac = at(WebEventColumns.EMAIL_HMAC);
    this.iExtra = at(WebEventColumns.EXTRA);
    this.iDt = at(WebEventColumns.DT);
    this.iHour = at(WebEventColumns.HOUR);
  }

  /**
   * This decoder, for {@link Output#STAGE}, also counting every record and keeping rejected ones in
   * {@code side}: the single-pass ingest's table read, which then needs no survey pass.
   */
  public WebEventDecoder withSideSurvey(SideSurvey side) {
    if (output != Output.STAGE) {
      throw new IllegalStateException("a side survey goes with the STAGE output, cannot be: " + output);
    }
    this.side = side;
    return this;
  }

  /**
   * This decoder, dropping the later copies of {@code repeats} as duplicates (for the second single pass of an
   * hour whose first one found event_ids repeated).
   */
  WebEventDecoder withRepeats(RepeatedIds repeats) {
    if (output != Output.STAGE) {
      throw new IllegalStateException("repeats are dropped from the STAGE output, cannot be: " + output);
    }
    this.repeats = repeats;
    return this;
  }

  @Override
  public void endOfObject() {
    if (currentObject != null) {
      objectDone();
    }
  }

  /**
   * Hands over what was gathered about {@link #currentObject}. Called when the records of another object start, as
   * well as from {@link #endOfObject}: Spark closes a scan's readers only when the task ends, and a task of a coalesced
   * scan reads several objects.
   */
  private void objectDone() {
    if (side != null) {
      side.endOfObject(currentObject);
    }
    if (repeats != null) {
      repeats.handOver();
    }
    currentObject = null;
  }

  /** The slot of a raw field the decoder reads, which the raw contract must have. */
  private int slot(String field) {
    int slot = names.slot(field);
    if (slot < 0) {
      throw new IllegalArgumentException("the raw contract has no field '" + field + "', which the web_events decoder reads; it has "
          + names);
    }
    return slot;
  }

  /** The position of {@code column} in this decoder's rows, or -1. */
  private int at(String column) {
    return java.util.Arrays.asList(schema.fieldNames()).indexOf(column);
  }

  /** The columns of {@link Output#SURVEY} rows. */
  public static StructType surveySchema() {
    return new StructType()
        .add(RawRecords.SOURCE_FILE, DataTypes.StringType, false)
        .add(RawRecords.LINE_NO, DataTypes.LongType, false)
        .add(RawRecords.REC_NO, DataTypes.IntegerType, false)
        .add(WebEventColumns.EVENT_ID, DataTypes.StringType, true)
        .add(RawRecords.VALUE, DataTypes.StringType, true)
        .add(Status.COLUMN, DataTypes.StringType, false)
        .add(Status.DETAIL, DataTypes.StringType, true)
        .add(WebEventColumns.INGEST_HOUR, DataTypes.StringType, false);
  }

  /** The table's columns, each nullable (the decoder leaves a missing optional field null). */
  private static StructType stageSchema(TableSchema table) {
    StructType s = new StructType();
    for (StructField f : table.sparkSchema().fields()) {
      s = s.add(f.name(), f.dataType(), true);
    }
    return s;
  }

  private static StructType tableSchema(TableSchema table) {
    return stageSchema(table)
        .add(RawRecords.LINE_NO, DataTypes.LongType, false)
        .add(RawRecords.REC_NO, DataTypes.IntegerType, false)
        .add(Status.COLUMN, DataTypes.StringType, false);
  }

  @Override
  public StructType schema() {
    return schema;
  }

  /** The record's row; null for a record the output leaves out (a rejected one, but for {@link Output#SURVEY}). */
  @Override
  public InternalRow decode(String sourceFile, long lineNo, int recNo, String value, String readError) {
    lastDetail = null;
    Object[] row = new Object[schema.fields().length];
    String status = classify(row, value, readError);
    boolean ok = status.equals(Status.OK);
    if (sourceFile != currentObject && currentObject != null && !sourceFile.equals(currentObject)) {
      objectDone();
    }
    currentObject = sourceFile;
    // The accepted record's event_id is in its row as UTF-8 already: hashed and compared from there.
    UTF8String id = ok ? (UTF8String) row[iEventId] : null;
    long idHash = ok && (side != null || repeats != null) ? SideSurvey.hash64(id) : 0;
    if (ok && side != null && recentIds().laterCopy(sourceFileUtf8(sourceFile), id, idHash)
        || ok && repeats != null && repeats.laterCopy(sourceFile, id, idHash)) {
      status = Status.DUPLICATE;
      ok = false;
    }
    if (side != null) {
      side.record(status, sourceFile, lineNo, recNo, ok ? null : value, lastDetail, ingestHourText);
      if (ok) {
        side.accepted(idHash);
      }
    }
    if (output != Output.SURVEY && !ok) {
      return null;
    }
    row[iSource] = sourceFileUtf8(sourceFile);
    row[iIngestHour] = ingestHour;
    if (output != Output.STAGE) {
      row[iLine] = lineNo;
      row[iRec] = recNo;
      row[iStatus] = ok ? OK : UTF8String.fromString(status);
    }
    if (!ok) {
      row[iValue] = UTF8String.fromString(value);
    }
    return new GenericInternalRow(row);
  }

  /** Fills the typed columns of an accepted record and returns its status; the detail of any other. */
  private String classify(Object[] row, String value, String readError) {
    if (readError != null) {
      String status;
      String detail;
      if (value == null) {
        status = Status.CORRUPT_FILE;
        detail = readError;
      } else if (readError.startsWith(Status.INVALID_UTF8 + ": ") || readError.startsWith(Status.OVERSIZED + ": ")) {
        status = readError.startsWith(Status.INVALID_UTF8 + ": ") ? Status.INVALID_UTF8 : Status.OVERSIZED;
        detail = REASON_PREFIX.matcher(readError).replaceAll("");
      } else {
        status = Status.CORRUPT_FILE;
        detail = readError;
      }
      return detail(row, status, detail);
    }
    if (isBlank(value)) {
      return Status.BLANK;
    }
    if (fields == null) {
      fields = new FlatJson.Fields(names);
      props = new FlatJson.Fields(FlatJson.Names.NONE);
    }
    FlatJson.Fields fields = this.fields;
    if (!FlatJson.scan(value, fields)) {
      JsonObjects.Parsed parsed = JsonObjects.parseObject(value);
      if (parsed.fields() == null) {
        return detail(row, Status.MALFORMED_JSON, "not a single JSON object: " + parsed.error());
      }
      fields.fill(parsed);
    }

    List<String> missing = new ArrayList<>(0);
    for (int r = 0; r < requiredSlots.length; r++) {
      if (isBlank(fields, requiredSlots[r])) {
        missing.add(REQUIRED.get(r));
      }
    }
    if (!missing.isEmpty()) {
      StringBuilder d = new StringBuilder("missing required field(s): ").append(String.join(", ", missing));
      List<String> variants = new ArrayList<>(0);
      for (int k = 0; k < fields.others(); k++) { // a name of the contract is never a variant (checked when built)
        String name = fields.otherName(k);
        if (!REQUIRED_SET.contains(name) && REQUIRED_SET.contains(lower(name))) {
          variants.add(name);
        }
      }
      if (!variants.isEmpty()) {
        d.append(" (field names are case-sensitive; found ").append(String.join(", ", variants)).append(')');
      }
      return detail(row, Status.MISSING_FIELD, d.toString());
    }

    List<String> bad = new ArrayList<>(0);
    for (int k = 0; k < stringSlots.length; k++) { // usually only props is nested, rightly
      if (fields.nested(stringSlots[k])) {
        bad.add(stringFieldsInOrder.get(k) + ": a JSON object or array where a string is expected");
      }
    }
    String siteRaw = fields.get(sSite);
    Integer site = siteId(siteRaw);
    if (siteRaw != null && site == null) {
      bad.add("site_id: '" + siteRaw + "' is not an int");
    }
    String timeRaw = fields.get(sTime);
    boolean epochSeconds = timeRaw != null && isEpochSeconds(timeRaw);
    Long time = epochSeconds ? null : eventTime(timeRaw);
    if (epochSeconds) {
      bad.add("event_time: '" + timeRaw + "' looks like epoch seconds; epoch milliseconds expected");
    }
    if (timeRaw != null && !epochSeconds && time == null) {
      bad.add("event_time: '" + timeRaw + "' is not ISO-8601 or epoch millis");
    }
    String propsRaw = fields.get(sProps);
    if (propsRaw != null && !FlatJson.scan(propsRaw, props)) {
      JsonObjects.Parsed parsed = JsonObjects.parseObject(propsRaw);
      if (parsed.fields() == null) {
        bad.add("props: not a JSON object: " + parsed.error());
      } else {
        props.fill(parsed);
      }
    }
    if (!bad.isEmpty()) {
      return detail(row, Status.BAD_TYPE, String.join("; ", bad));
    }
    if (time < windowStartMicros) {
      return detail(row, Status.TOO_LATE, "event_time " + isoSeconds().format(time) + " is before the window start " + windowStartText);
    }
    if (time >= windowEndMicros) {
      return detail(row, Status.FUTURE, "event_time " + isoSeconds().format(time) + " is at or after the window end " + windowEndText);
    }

    if (output == Output.SURVEY) {
      row[iEventId] = fields.utf8(sEventId);
      return Status.OK;
    }
    for (int i = 0; i < copiedSlots.length; i++) {
      row[copiedAt[i]] = fields.utf8(copiedSlots[i]);
    }
    row[iSite] = site;
    row[iTime] = time;
    row[iProps] = propsRaw == null ? null : map(props);
    String url = fields.get(sUrl);
    UrlParts parts = urlParts(url);
    set(row, iDomain, parts.domain());
    set(row, iPath, parts.path());
    set(row, iIp, truncateIp(fields.get(sIp)));
    row[iHmac] = hmacOf(fields.get(sEmail));
    set(row, iExtra, extra(fields));
    row[iDt] = dt(time);
    row[iHour] = (int) (Math.floorMod(time, MICROS_PER_DAY) / MICROS_PER_HOUR); // hour(event_time) in UTC, as Spark's getHours
    return Status.OK;
  }

  private RecentIds recentIds() {
    if (recent == null) {
      recent = new RecentIds(RECENT_IDS);
    }
    return recent;
  }

  private UTF8String sourceFileUtf8(String file) {
    if (file != sourceFile && !file.equals(sourceFile)) { // the reader passes one String per object
      sourceFile = file;
      sourceFileUtf8 = UTF8String.fromString(file);
    }
    return sourceFileUtf8;
  }

  /** The email's HMAC as the row holds it, from this task's cache when the address came before. */
  private UTF8String hmacOf(String email) {
    if (hmac == null || email == null) {
      return null;
    }
    if (hmacs == null) {
      hmacs = new HmacCache(MAX_CACHED_HMACS);
    }
    return hmacs.get(email, hmac);
  }

  /**
   * Email to HMAC, open addressing over the addresses' hashes kept in an array of their own, so that a lookup
   * reads one int before it touches a key (a HashMap's chains of nodes cost a cache miss each; measured, the
   * lookup was a sixth of the decoder's time). It starts over when half full rather than evicting one by one:
   * an hour's addresses are mostly few and often repeated.
   */
  static final class HmacCache {
    private final int[] hashes;
    private final String[] keys;
    private final UTF8String[] values;
    private final int limit;
    private int size;

    HmacCache(int limit) {
      int capacity = Integer.highestOneBit(Math.max(2, limit) - 1) << 2; // a power of two, at least twice the limit
      this.hashes = new int[capacity];
      this.keys = new String[capacity];
      this.values = new UTF8String[capacity];
      this.limit = limit;
    }

    UTF8String get(String email, Hmac hmac) {
      int hash = email.hashCode();
      int mask = keys.length - 1;
      int at = (hash ^ (hash >>> 16)) & mask;
      while (keys[at] != null) {
        if (hashes[at] == hash && keys[at].equals(email)) {
          return values[at];
        }
        at = (at + 1) & mask;
      }
      UTF8String value = UTF8String.fromString(hmac.ofValue(email));
      if (size >= limit) {
        java.util.Arrays.fill(keys, null);
        java.util.Arrays.fill(values, null);
        size = 0;
        at = (hash ^ (hash >>> 16)) & mask;
      }
      hashes[at] = hash;
      keys[at] = email;
      values[at] = value;
      size++;
      return value;
    }

    int size() {
      return size;
    }
  }

  private String detail(Object[] row, String status, String detail) {
    if (output == Output.SURVEY) {
      row[iDetail] = UTF8String.fromString(detail);
    }
    lastDetail = detail;
    return status;
  }

  private static void set(Object[] row, int column, String value) {
    row[column] = value == null ? null : UTF8String.fromString(value);
  }

  /**
   * {@code rlike '^\s*$'}. Only text that starts with whitespace or a line terminator can match (Java's
   * {@code $} also matches before a final U+0085, U+2028 or U+2029), so most values skip the regex.
   */
  private static boolean isBlank(String s) {
    return s.isEmpty() || canBeBlank(s.charAt(0)) && BLANK.matcher(s).find();
  }

  /** {@link #isBlank} for a known field's value, without making a String of it unless it starts blank; true for null. */
  private static boolean isBlank(FlatJson.Fields fields, int slot) {
    int length = fields.length(slot);
    return length <= 0 || canBeBlank(fields.first(slot)) && BLANK.matcher(fields.get(slot)).find();
  }

  private static boolean canBeBlank(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r') || c == '\u0085' || c == '\u2028' || c == '\u2029';
  }

  /** site_id as the DataFrame path types it: 1-10 digits that Spark's cast to long reads, within int. */
  static Integer siteId(String raw) {
    if (raw == null) {
      return null;
    }
    int digits = asciiDigits(raw);
    if (digits > 0 && digits <= 9) {
      return Integer.parseInt(raw); // what the regex and the cast give for up to 9 plain digits
    }
    if (digits == 0 || digits > 10 || !SITE.matcher(raw).find()) {
      return null;
    }
    UTF8String.LongWrapper n = new UTF8String.LongWrapper();
    if (!UTF8String.fromString(raw).toLong(n) || n.value < Integer.MIN_VALUE || n.value > Integer.MAX_VALUE) {
      return null;
    }
    return (int) n.value;
  }

  /** {@code rlike EPOCH_SECONDS}: plain digits are answered by their count, anything else by the regex. */
  static boolean isEpochSeconds(String raw) {
    int digits = asciiDigits(raw);
    return digits >= 0 ? digits > 0 && digits <= 11 : EPOCH_SECONDS.matcher(raw).find();
  }

  /**
   * What an anchored {@code ^-?\d{1,n}$} (Java's {@code \d}: ASCII digits) can make of {@code s}: its length
   * when it is nothing but ASCII digits (the regex matches exactly when that is at most n); 0 when no such
   * regex can match it (empty, or a character that is none of a digit, a leading '-', a final line terminator,
   * before which Java's {@code $} also matches); -1 when only the regex can tell.
   */
  private static int asciiDigits(String s) {
    int n = s.length();
    if (n == 0) {
      return 0;
    }
    char last = s.charAt(n - 1);
    if (s.charAt(0) == '-' || last == '\n' || last == '\r' || last == '\u0085' || last == '\u2028' || last == '\u2029') {
      return -1;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return 0;
      }
    }
    return n;
  }

  /** Microseconds, from epoch milliseconds (up to 15 digits, not epoch seconds) or Spark's cast to timestamp. */
  static Long eventTime(String raw) {
    if (raw == null) {
      return null;
    }
    Long iso = isoUtc(raw);
    if (iso != null) {
      return iso;
    }
    int digits = asciiDigits(raw);
    if (digits > 0 && digits <= 15) {
      return Long.parseLong(raw) * 1000L; // what the regex and the cast give for up to 15 plain digits; no overflow
    }
    UTF8String text = UTF8String.fromString(raw);
    if (digits < 0 && MILLIS.matcher(raw).find()) { // a sign or a final line terminator: the regex decides
      UTF8String.LongWrapper n = new UTF8String.LongWrapper();
      return text.toLong(n) ? Math.multiplyExact(n.value, 1000L) : null;
    }
    scala.Option<Object> micros = DateTimeUtils.stringToTimestamp(text, ZoneOffset.UTC);
    return micros.isDefined() ? (Long) micros.get() : null;
  }

  /**
   * The common cases {@code yyyy-MM-ddTHH:mm:ss[.f{1,6}]} then {@code Z} or an offset {@code +hh:mm} /
   * {@code -hh:mm} (hours up to 17), read directly: exactly what Spark's cast gives for them (an instant at
   * microsecond precision), without the regular expressions Spark runs per value to look up the zone.
   * Anything else, including invalid dates and the offsets Spark's zone lookup may reject, is null here
   * and left to Spark's cast.
   */
  static Long isoUtc(String s) {
    int n = s.length();
    int end; // where the zone starts
    long offsetSeconds;
    if (n > 0 && s.charAt(n - 1) == 'Z') {
      end = n - 1;
      offsetSeconds = 0;
    } else if (n >= 6 && (s.charAt(n - 6) == '+' || s.charAt(n - 6) == '-') && s.charAt(n - 3) == ':') {
      int hh = digits(s, n - 5, n - 3);
      int mm = digits(s, n - 2, n);
      if (hh < 0 || mm < 0 || hh > 17 || mm > 59) {
        return null;
      }
      end = n - 6;
      offsetSeconds = (s.charAt(n - 6) == '-' ? -1 : 1) * (hh * 3600L + mm * 60L);
    } else {
      return null;
    }
    if (end < 19 || end > 26 || end == 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
        || s.charAt(13) != ':' || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    int micros = 0;
    if (end > 19) {
      int fraction = s.charAt(19) == '.' ? digits(s, 20, end) : -1;
      if (fraction < 0) {
        return null;
      }
      micros = fraction;
      for (int i = end - 20; i < 6; i++) {
        micros *= 10;
      }
    }
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 59) {
      return null;
    }
    try {
      long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
      long localSeconds = ((epochDay * 24 + hour) * 60 + minute) * 60 + second;
      return (localSeconds - offsetSeconds) * 1_000_000L + micros;
    } catch (java.time.DateTimeException e) {
      return null;
    }
  }

  /** The non-negative number written in ASCII digits at [from, to), or -1. */
  private static int digits(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** url_domain (lower case) and url_path of a url; both null when it is not a URI. */
  record UrlParts(String domain, String path) {
    static final UrlParts NONE = new UrlParts(null, null);
  }

  /** {@link #urlPartsByUri}, through {@link #simpleUrlParts} when the url is a plain one. */
  static UrlParts urlParts(String url) {
    UrlParts simple = simpleUrlParts(url);
    return simple != null ? simple : urlPartsByUri(url);
  }

  /** What Spark's {@code parse_url} gives: the host and raw path of a {@link URI}, nulls when the text is not one. */
  static UrlParts urlPartsByUri(String url) {
    if (url == null) {
      return UrlParts.NONE;
    }
    try {
      URI uri = new URI(url);
      return new UrlParts(uri.getHost() == null ? null : lower(uri.getHost()), uri.getRawPath());
    } catch (URISyntaxException e) {
      return UrlParts.NONE;
    }
  }

  /**
   * {@link #urlPartsByUri} for the usual url, without {@link URI}'s full parse: {@code scheme://host/path}
   * then an optional query and fragment, where the host is a plain DNS name (letter-digit-hyphen labels,
   * the last starting with a letter, no port or user) and every other character is one {@link URI} takes
   * as it is (no {@code %}, no non-ASCII). Null for anything else, which then takes the full parse.
   */
  static UrlParts simpleUrlParts(String url) {
    if (url == null || url.isEmpty() || !isAsciiLetter(url.charAt(0))) {
      return null;
    }
    int n = url.length();
    int i = 1;
    while (i < n && (isAsciiAlnum(url.charAt(i)) || url.charAt(i) == '+' || url.charAt(i) == '.' || url.charAt(i) == '-')) {
      i++;
    }
    if (!url.startsWith("://", i)) {
      return null;
    }
    int hostStart = i + 3;
    int lastLabel = hostStart;
    int at = hostStart;
    while (true) { // one label, then a dot or the end of the host
      int label = at;
      while (at < n && (isAsciiAlnum(url.charAt(at)) || url.charAt(at) == '-')) {
        at++;
      }
      if (at == label || url.charAt(label) == '-' || url.charAt(at - 1) == '-') {
        return null;
      }
      lastLabel = label;
      if (at < n && url.charAt(at) == '.') {
        at++;
        continue;
      }
      break;
    }
    if (!isAsciiLetter(url.charAt(lastLabel)) || at == n || url.charAt(at) != '/') {
      return null; // an empty path, a port, a user or an odd host: the full parse decides
    }
    int pathStart = at;
    while (at < n && isPathChar(url.charAt(at))) {
      at++;
    }
    int pathEnd = at;
    boolean fragment = false;
    for (; at < n; at++) {
      char c = url.charAt(at);
      if (c == '#' && !fragment) {
        fragment = true;
      } else if (!(isPathChar(c) || c == '?')) {
        return null;
      }
    }
    if (pathEnd < n && url.charAt(pathEnd) != '?' && url.charAt(pathEnd) != '#') {
      return null;
    }
    return new UrlParts(url.substring(hostStart, pathStart).toLowerCase(java.util.Locale.ROOT), url.substring(pathStart, pathEnd));
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isAsciiAlnum(char c) {
    return isAsciiLetter(c) || (c >= '0' && c <= '9');
  }

  /** Characters a URI path holds as they are: unreserved, sub-delimiters, ':', '@' and '/'. */
  private static boolean isPathChar(char c) {
    return isAsciiAlnum(c) || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0;
  }

  /** {@link Columns#truncateIp}, value by value. */
  static String truncateIp(String ip) {
    if (ip == null) {
      return null;
    }
    String quad = dottedQuadTo24(ip);
    if (quad != null) {
      return quad;
    }
    String v6 = plainIpv6To48(ip);
    if (v6 != null) {
      return v6;
    }
    String s = UTF8String.fromString(ip).trim().toLowerCase().toString();
    Matcher v4 = IPV4.matcher(s);
    if (v4.find()) {
      boolean inRange = true;
      for (int i = 1; i <= 4; i++) {
        inRange &= Integer.parseInt(v4.group(i)) <= 255;
      }
      if (inRange) {
        return IPV4_TO_24.matcher(s).replaceAll("$1.0");
      }
    }
    boolean compressed = s.contains("::");
    List<String> head = groups(compressed ? s.substring(0, s.indexOf("::")) : s);
    List<String> tail = groups(compressed ? s.substring(s.lastIndexOf("::") + 2) : "");
    boolean v6ok = IPV6_FULL.matcher(s).find()
        || (IPV6_COMPRESSED.matcher(s).find() && head.size() + tail.size() <= 7);
    if (!v6ok) {
      return null;
    }
    List<String> all = new ArrayList<>(head);
    if (compressed) {
      for (int i = 0; i < Math.max(0, 8 - head.size() - tail.size()); i++) {
        all.add("0");
      }
      all.addAll(tail);
    }
    List<String> first3 = new ArrayList<>(3);
    for (String g : all.subList(0, Math.min(3, all.size()))) {
      first3.add(LEADING_ZEROS.matcher(g).replaceAll(""));
    }
    return String.join(":", first3) + "::";
  }

  /**
   * The common case of {@link #truncateIp} without regular expressions: a plain {@code a.b.c.d} (1-3 ASCII
   * digits each, none above 255, nothing around it) gives {@code a.b.c.0}, digits as written, as the regex
   * path does; anything else is null here and goes the regex path.
   */
  private static String dottedQuadTo24(String s) {
    int n = s.length();
    if (n < 7 || n > 15) {
      return null;
    }
    int dots = 0;
    int digitsInGroup = 0;
    int value = 0;
    int lastDot = -1;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        if (++digitsInGroup > 3) {
          return null;
        }
        value = value * 10 + (c - '0');
      } else if (c == '.' && digitsInGroup > 0 && value <= 255 && dots < 3) {
        dots++;
        digitsInGroup = 0;
        value = 0;
        lastDot = i;
      } else {
        return null;
      }
    }
    return dots == 3 && digitsInGroup > 0 && value <= 255 ? s.substring(0, lastDot) + ".0" : null;
  }

  /**
   * The common IPv6 case of {@link #truncateIp} without regular expressions: lower-case hex groups of 1-4
   * digits, eight of them or fewer around one {@code ::}, nothing else. Its first three groups (the zero
   * groups {@code ::} stands for counted in), leading zeros dropped, then {@code ::}, as the regex path gives;
   * anything else (upper case, spaces, a group too long, a second {@code ::}) is null here and goes that path.
   */
  private static String plainIpv6To48(String s) {
    int n = s.length();
    if (n < 2 || n > 39) {
      return null;
    }
    int gap = -1; // where '::' starts
    int head = 0; // groups before it (or all of them)
    int tail = 0; // groups after it
    int digits = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
        if (++digits > 4) {
          return null;
        }
        if (digits == 1) {
          if (gap < 0) {
            head++;
          } else {
            tail++;
          }
        }
      } else if (c == ':') {
        if (i + 1 < n && s.charAt(i + 1) == ':') {
          if (gap >= 0 || (i > 0 && digits == 0)) {
            return null; // a second '::', or ':::'
          }
          gap = i;
          i++;
        } else if (digits == 0 || i == n - 1) {
          return null; // an empty group, or a single ':' at either end
        }
        digits = 0;
      } else {
        return null;
      }
    }
    if (gap < 0 ? head != 8 : head + tail > 7) {
      return null;
    }
    // The first three groups: written ones from the head, then the zeros '::' stands for.
    StringBuilder b = new StringBuilder(16);
    int taken = 0;
    int i = 0;
    while (taken < 3 && taken < head) {
      int end = i;
      while (end < n && s.charAt(end) != ':') {
        end++;
      }
      int from = i;
      while (from < end - 1 && s.charAt(from) == '0') {
        from++; // leading zeros, keeping one digit
      }
      b.append(s, from, end).append(':');
      taken++;
      i = end + 1;
    }
    while (taken < 3) {
      if (taken < 8 - tail) {
        b.append("0:");
      } else {
        return null; // a tail group among the first three: rare, the regex path gives it
      }
      taken++;
    }
    return b.append(':').toString();
  }

  private static List<String> groups(String part) {
    return part.isEmpty() ? List.of() : List.of(part.split(":", -1));
  }

  /** Unknown fields as {@code to_json} writes a map of strings: in their order, nulls kept; null when none. */
  private static String extra(FlatJson.Fields fields) {
    if (fields.others() == 0) {
      return null;
    }
    StringWriter out = new StringWriter();
    try {
      JsonGenerator g = JSON.createGenerator(out);
      g.writeStartObject();
      for (int k = 0; k < fields.others(); k++) {
        g.writeFieldName(fields.otherName(k));
        String v = fields.otherValue(k);
        if (v == null) {
          g.writeNull();
        } else {
          g.writeString(v);
        }
      }
      g.writeEndObject();
      g.close();
      return out.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does no I/O
    }
  }

  /** The props fields (all of them "others": no name is known in advance) as Spark's map, in their order. */
  private static ArrayBasedMapData map(FlatJson.Fields m) {
    Object[] keys = new Object[m.others()];
    Object[] values = new Object[m.others()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = m.otherNameUtf8(i);
      values[i] = m.otherUtf8(i);
    }
    return new ArrayBasedMapData(new GenericArrayData(keys), new GenericArrayData(values));
  }

  private static String lower(String s) {
    return UTF8String.fromString(s).toLowerCase().toString();
  }

  private TimestampFormatter isoSeconds() {
    if (isoSeconds == null) {
      isoSeconds = TimestampFormatter.apply("yyyy-MM-dd'T'HH:mm:ss'Z'", ZoneOffset.UTC, false);
    }
    return isoSeconds;
  }

  /** The UTC day of {@code micros} as Spark's formatter writes it, formatted once per day met rather than per row. */
  private UTF8String dt(long micros) {
    long epochDay = Math.floorDiv(micros, MICROS_PER_DAY);
    if (dayText == null || epochDay != dayNumber) {
      if (day == null) {
        day = TimestampFormatter.apply("yyyy-MM-dd", ZoneOffset.UTC, false);
      }
      dayNumber = epochDay;
      dayText = UTF8String.fromString(day.format(micros));
    }
    return dayText;
  }
}
