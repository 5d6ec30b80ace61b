package io.hourglass.jobs.generate;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes one arrival hour of sample {@code web_events} raw data the way Kinesis Firehose lands it:
 * gzipped JSON lines under {@code <raw-root>/<stream>/YYYY/MM/DD/HH/<stream>-1-YYYY-MM-DD-HH-MM-SS-<uuid>.gz},
 * and returns the accounts an ingest run of that hour must reproduce.
 *
 * <p>Deterministic: the same hour, stream, record and file counts, dirt flag and seed give
 * byte-identical objects with identical names, wherever the raw root is. About 95% of the clean
 * records happen inside the arrival hour and 5% up to five hours earlier (late, still inside the
 * window). With {@code dirty}, about 2% of the records each are malformed, miss a required field,
 * carry a wrong type, are too late, are in the far future, are duplicates, have a newline inside the
 * user agent or carry unknown fields, and about 2% get a blank line before them; from
 * {@link #EVERY_KIND_FROM_RECORDS} records on every kind appears at least once.
 *
 * <p>Stateless: one instance may serve concurrent calls (a parallel backfill of sample hours).
 */
public final class WebEventsGenerator {
  /** From this many records on, a dirty hour holds every kind of dirt (and a blank line) at least once. */
  public static final int EVERY_KIND_FROM_RECORDS = 50;

  private static final double DIRT_RATE = 0.02;
  private static final double BLANK_RATE = 0.02;
  private static final double LATE_RATE = 0.05;
  private static final double EPOCH_MILLIS_RATE = 0.30;
  private static final int IO_BUFFER = 64 * 1024;
  /** Reservoir of earlier valid lines that duplicates copy from; bounded so memory does not grow with the hour. */
  private static final int DUPLICATE_POOL = 256;
  private static final long HOUR_MILLIS = Duration.ofHours(1).toMillis();
  private static final Duration LATE_SPAN = Duration.ofHours(5);
  /** Well before the job's window start (H - 6h), so a too_late record is never a boundary case. */
  private static final Duration TOO_LATE_BY = Duration.ofHours(8);
  private static final Instant FUTURE_START = Instant.parse("2099-01-01T00:00:00Z");
  private static final long FUTURE_SPAN_MILLIS = Duration.ofDays(364).toMillis();
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private static final DateTimeFormatter FOLDER = DateTimeFormatter.ofPattern("uuuu/MM/dd/HH").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter OBJECT_STAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd-HH-mm-ss").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter ISO_WITH_OFFSET = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX");
  private static final ZoneOffset PLUS_TWO = ZoneOffset.ofHours(2);
  private static final ZoneOffset MINUS_FIVE = ZoneOffset.ofHours(-5);
  private static final HexFormat HEX = HexFormat.of();

  private static final String[] COUNTRIES = {"US", "DE", "GB", "FR", "NL", "SE", "PL", "ES", "IT", "JP", "BR", "IN", "CA", "AU"};
  private static final String[] REFERRERS = {
      "https://www.google.com/", "https://duckduckgo.com/", "https://www.facebook.com/", "https://news.example.org/article/42"};
  private static final String[] DESKTOP_AGENTS = {
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
      "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"};
  private static final String[] MOBILE_AGENTS = {
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36"};
  private static final String[] TABLET_AGENTS = {
      "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"};
  /** Quotes and a newline inside a string: escaped in the JSON text, so still one physical line. */
  private static final String ODD_AGENT = "Mozilla/5.0 (compatible; \"HeadlessProbe\"/2.1)\nX-Probe: yes";

  /** What one record slot becomes. Valid kinds have no reason; rejected kinds carry their quarantine code. */
  private enum Kind {
    CLEAN(null),
    ODD_USER_AGENT(null),
    EXTRA_FIELDS(null),
    DUPLICATE(null),
    MALFORMED("malformed_json"),
    MISSING_FIELD("missing_field"),
    BAD_TYPE("bad_type"),
    TOO_LATE("too_late"),
    FUTURE("future");

    final String reason;

    Kind(String reason) {
      this.reason = reason;
    }

    boolean valid() {
      return this == CLEAN || this == ODD_USER_AGENT || this == EXTRA_FIELDS;
    }
  }

  /** The kinds of rejected record a clean hour mixes in at its reject rate, in equal shares. */
  private static final List<Kind> REJECTED = List.of(Kind.MALFORMED, Kind.MISSING_FIELD, Kind.BAD_TYPE, Kind.TOO_LATE, Kind.FUTURE);

  /** The kinds a dirty hour mixes in, each at {@link #DIRT_RATE}. */
  private static final List<Kind> DIRT = List.of(
      Kind.MALFORMED, Kind.MISSING_FIELD, Kind.BAD_TYPE, Kind.TOO_LATE, Kind.FUTURE,
      Kind.DUPLICATE, Kind.ODD_USER_AGENT, Kind.EXTRA_FIELDS);

  private final Configuration hadoopConf;

  public WebEventsGenerator(Configuration hadoopConf) {
    this.hadoopConf = Objects.requireNonNull(hadoopConf, "hadoopConf");
  }

  /**
   * Writes {@code files} objects (always that many, even when some get no records) holding
   * {@code records} non-blank lines in contiguous chunks, in file-index order. Existing objects of
   * the same name are overwritten; other objects in the folder are left alone.
   *
   * @param hour the arrival hour (UTC, truncated to the hour)
   * @param rawRoot URI of the raw root: a local path (made absolute), {@code file:} or {@code s3a://}
   * @param stream the Firehose stream name, e.g. {@code web-events}
   */
  public GeneratedHour generate(Instant hour, String rawRoot, String stream, long records, int files, boolean dirty, long seed)
      throws IOException {
    return generate(hour, rawRoot, stream, records, files, dirty, 0.0, seed);
  }

  /**
   * {@link #generate(Instant, String, String, long, int, boolean, long)}, a clean hour's records also repeated at
   * {@code repeatRate}: a record delivered again, as Firehose does when it retries a batch (a copy of one of the
   * last {@value #DUPLICATE_POOL} valid records, counted as a duplicate). A dirty hour repeats records anyway.
   */
  public GeneratedHour generate(Instant hour, String rawRoot, String stream, long records, int files, boolean dirty,
      double repeatRate, long seed) throws IOException {
    return generate(hour, rawRoot, stream, records, files, dirty, repeatRate, 0.0, seed);
  }

  /**
   * {@link #generate(Instant, String, String, long, int, boolean, double, long)}, a clean hour's records also
   * rejected at {@code rejectRate}: each such record malformed, missing a required field, of a wrong type, too late
   * or in the future, in equal shares (a client release that sends bad events). A dirty hour rejects 10% anyway.
   */
  public GeneratedHour generate(Instant hour, String rawRoot, String stream, long records, int files, boolean dirty,
      double repeatRate, double rejectRate, long seed) throws IOException {
    checkArguments(hour, rawRoot, stream, records, files);
    if (!(repeatRate >= 0 && repeatRate < 1)) {
      throw new IllegalArgumentException("Repeat rate must be at least 0 and below 1, cannot be: " + repeatRate);
    }
    if (!(rejectRate >= 0 && rejectRate < 1)) {
      throw new IllegalArgumentException("Reject rate must be at least 0 and below 1, cannot be: " + rejectRate);
    }
    Path hourDir = new Path(resolveRoot(rawRoot), stream + "/" + FOLDER.format(hour));
    FileSystem fs = writableFileSystem(hourDir);
    Run run = new Run(hour, records, dirty, dirty ? 0.0 : repeatRate, dirty ? 0.0 : rejectRate,
        new Random(mix64(seed ^ mix64(hour.getEpochSecond()))));

    List<String> written = new ArrayList<>(files);
    long totalBytes = 0;
    long perFile = records / files;
    long remainder = records % files;
    long first = 0;
    for (int f = 0; f < files; f++) {
      long count = perFile + (f < remainder ? 1 : 0);
      Path object = fs.makeQualified(new Path(hourDir, objectName(stream, hour, f, files, run.uuid())));
      run.writeObject(fs, object, first, count);
      first += count;
      written.add(object.toString());
      totalBytes += fs.getFileStatus(object).getLen();
    }
    return run.summary(written, totalBytes);
  }

  /**
   * The objects already in an hour's folder (its files directly under it, but for hidden {@code _*} and {@code .*}
   * ones, which the ingest skips too), as URIs in name order; empty when the folder does not exist. A generate on top of them would leave them beside its own, and an ingest would
   * read both.
   */
  public List<String> existingObjects(Instant hour, String rawRoot, String stream) throws IOException {
    checkArguments(hour, rawRoot, stream, 0, 1);
    Path hourDir = new Path(resolveRoot(rawRoot), stream + "/" + FOLDER.format(hour));
    FileSystem fs = writableFileSystem(hourDir);
    List<String> found = new ArrayList<>();
    try {
      for (FileStatus s : fs.listStatus(hourDir)) {
        String name = s.getPath().getName();
        if (s.isFile() && !name.startsWith("_") && !name.startsWith(".")) { // hidden, as the ingest's discovery skips them
          found.add(fs.makeQualified(s.getPath()).toString());
        }
      }
    } catch (FileNotFoundException e) {
      return List.of();
    }
    found.sort(null);
    return found;
  }

  /** Deletes the given objects (from {@link #existingObjects}). */
  public void delete(List<String> objects) throws IOException {
    for (String object : objects) {
      Path p = new Path(object);
      FileSystem fs = writableFileSystem(p);
      if (!fs.delete(p, false) && fs.exists(p)) {
        throw new IOException("could not delete " + object);
      }
    }
  }

  private static void checkArguments(Instant hour, String rawRoot, String stream, long records, int files) {
    if (hour == null || !hour.truncatedTo(ChronoUnit.HOURS).equals(hour)) {
      throw new IllegalArgumentException("Hour must start on the hour (UTC), cannot be: " + hour);
    }
    if (rawRoot == null || rawRoot.isBlank()) {
      throw new IllegalArgumentException("Raw root must be a path or URI, cannot be: '" + rawRoot + "'");
    }
    if (stream == null || stream.isBlank() || stream.contains("/")) {
      throw new IllegalArgumentException("Stream must be a non-empty name without '/', cannot be: '" + stream + "'");
    }
    if (records < 0) {
      throw new IllegalArgumentException("Number of records must be at least 0, cannot be: " + records);
    }
    if (files < 1) {
      throw new IllegalArgumentException("Number of files must be at least 1, cannot be: " + files);
    }
  }

  /** A string without a scheme is a local path; it is made absolute so the written URIs are too. */
  static Path resolveRoot(String rawRoot) {
    Path root = new Path(rawRoot);
    if (root.toUri().getScheme() != null) {
      return root;
    }
    return new Path(Paths.get(rawRoot).toAbsolutePath().normalize().toUri());
  }

  /**
   * Firehose never writes {@code .crc} siblings; the local file system's checksum layer would, so
   * the raw folder would not look like S3. Unwrap it.
   */
  private FileSystem writableFileSystem(Path dir) throws IOException {
    FileSystem fs = dir.getFileSystem(hadoopConf);
    return fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
  }

  /**
   * {@code <stream>-1-YYYY-MM-DD-HH-MM-SS-<uuid>.gz}: Firehose names an object by stream, stream
   * version and the time it was flushed. Flush times sit in the middle of each file's slice of the
   * hour, so names sort in file order and stay inside the hour.
   */
  private static String objectName(String stream, Instant hour, int fileIndex, int files, String uuid) {
    long offsetSeconds = (2L * fileIndex + 1) * 1800L / files;
    return stream + "-1-" + OBJECT_STAMP.format(hour.plusSeconds(offsetSeconds)) + "-" + uuid + ".gz";
  }

  /** SplitMix64's finalizer: a bijection on longs, so distinct inputs give distinct, random-looking outputs. */
  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The mutable state of one {@code generate} call: the Random, the counters and the duplicate pool. */
  private static final class Run {
    private final Instant hour;
    private final boolean dirty;
    private final double repeatRate;
    private final double rejectRate;
    private final Random random;
    private final long idSalt;
    private final Map<Long, Kind> forcedKinds = new HashMap<>();
    private final long forcedBlank;
    private final JsonFactory json = new JsonFactory();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
    private final List<byte[]> pool = new ArrayList<>(DUPLICATE_POOL);
    private long validSeen;

    private long lines;
    private long blankLines;
    private long validRecords;
    private long duplicates;
    private long lateInWindow;
    private final EnumMap<Kind, Long> rejects = new EnumMap<>(Kind.class);

    Run(Instant hour, long records, boolean dirty, double repeatRate, double rejectRate, Random random) {
      this.hour = hour;
      this.dirty = dirty;
      this.repeatRate = repeatRate;
      this.rejectRate = rejectRate;
      this.random = random;
      this.idSalt = random.nextLong();
      if (dirty && records >= EVERY_KIND_FROM_RECORDS) {
        // One guaranteed slot per kind, never slot 0 (see kindOf), so tests always see every kind.
        for (Kind kind : DIRT) {
          long slot;
          do {
            slot = 1 + random.nextLong(records - 1);
          } while (forcedKinds.containsKey(slot));
          forcedKinds.put(slot, kind);
        }
        forcedBlank = 1 + random.nextLong(records - 1);
      } else {
        forcedBlank = -1;
      }
    }

    /** A version-4 UUID drawn from the seeded Random, so object names are reproducible too. */
    String uuid() {
      long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
      long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
      return new UUID(msb, lsb).toString();
    }

    void writeObject(FileSystem fs, Path object, long first, long count) throws IOException {
      try (OutputStream raw = fs.create(object, true);
           GZIPOutputStream gzip = new GZIPOutputStream(raw, IO_BUFFER);
           OutputStream out = new BufferedOutputStream(gzip, IO_BUFFER)) {
        for (long slot = first; slot < first + count; slot++) {
          writeSlot(out, slot);
        }
      }
    }

    private void writeSlot(OutputStream out, long slot) throws IOException {
      Kind kind = Kind.CLEAN;
      if (dirty) {
        if (random.nextDouble() < BLANK_RATE || slot == forcedBlank) {
          out.write('\n');
          lines++;
          blankLines++;
        }
        kind = kindOf(slot);
      } else if (rejectRate > 0 && random.nextDouble() < rejectRate) { // no draw at rate 0: the same bytes as without
        kind = REJECTED.get(random.nextInt(REJECTED.size()));
      } else if (repeatRate > 0 && slot > 0 && random.nextDouble() < repeatRate) {
        kind = Kind.DUPLICATE; // slot 0 has no earlier valid record to repeat
      }
      byte[] line = switch (kind) {
        case CLEAN, ODD_USER_AGENT, EXTRA_FIELDS -> valid(slot, kind);
        case DUPLICATE -> {
          duplicates++;
          yield pool.get(random.nextInt(pool.size()));
        }
        case MALFORMED -> {
          // A record cut in the middle, as a producer crashing mid-write leaves it.
          byte[] whole = render(slot, Kind.CLEAN, inWindowTime());
          yield Arrays.copyOf(whole, whole.length / 2);
        }
        case MISSING_FIELD, BAD_TYPE -> render(slot, kind, inWindowTime());
        case TOO_LATE -> render(slot, kind, hour.minus(TOO_LATE_BY).minusMillis(random.nextLong(HOUR_MILLIS)));
        case FUTURE -> render(slot, kind, FUTURE_START.plusMillis(random.nextLong(FUTURE_SPAN_MILLIS)));
      };
      if (kind.reason != null) {
        rejects.merge(kind, 1L, Long::sum);
      }
      out.write(line);
      out.write('\n');
      lines++;
    }

    private Kind kindOf(long slot) {
      if (slot == 0) {
        return Kind.CLEAN; // a duplicate always has an earlier valid line to copy
      }
      Kind forced = forcedKinds.get(slot);
      if (forced != null) {
        return forced;
      }
      int band = (int) (random.nextDouble() / DIRT_RATE);
      return band < DIRT.size() ? DIRT.get(band) : Kind.CLEAN;
    }

    private byte[] valid(long slot, Kind kind) throws IOException {
      boolean late = random.nextDouble() < LATE_RATE;
      Instant eventTime = late
          ? hour.minus(LATE_SPAN).plusMillis(random.nextLong(LATE_SPAN.toMillis()))
          : hour.plusMillis(random.nextLong(HOUR_MILLIS));
      byte[] line = render(slot, kind, eventTime);
      validRecords++;
      if (late) {
        lateInWindow++;
      }
      // Reservoir sampling: every earlier valid line of the hour is equally likely to be copied.
      validSeen++;
      if (pool.size() < DUPLICATE_POOL) {
        pool.add(line);
      } else {
        long pick = random.nextLong(validSeen);
        if (pick < DUPLICATE_POOL) {
          pool.set((int) pick, line);
        }
      }
      return line;
    }

    /** Time of a record that is rejected for another reason: inside the arrival hour. */
    private Instant inWindowTime() {
      return hour.plusMillis(random.nextLong(HOUR_MILLIS));
    }

    private byte[] render(long slot, Kind kind, Instant eventTime) throws IOException {
      buffer.reset();
      try (JsonGenerator g = json.createGenerator(buffer, JsonEncoding.UTF8)) {
        writeEvent(g, slot, kind, eventTime);
      }
      return buffer.toByteArray();
    }

    private void writeEvent(JsonGenerator g, long slot, Kind kind, Instant eventTime) throws IOException {
      boolean withoutEventId = false;
      boolean withoutSiteId = false;
      if (kind == Kind.MISSING_FIELD) {
        withoutEventId = random.nextBoolean();
        withoutSiteId = !withoutEventId;
      }
      int site = 1 + random.nextInt(20);
      long user = 1 + random.nextInt(5000);
      String device = device(random.nextDouble());

      g.writeStartObject();
      if (!withoutEventId) {
        // A keyed bijection of the slot: unique within the hour by construction, random-looking across hours.
        g.writeStringField("event_id", "evt-" + HEX.toHexDigits(mix64(idSalt + slot * GOLDEN)));
      }
      g.writeStringField("event_type", eventType(random.nextDouble()));
      if (kind == Kind.EXTRA_FIELDS) {
        g.writeObjectFieldStart("experiment");
        g.writeNumberField("id", 7);
        g.writeStringField("arm", "b");
        g.writeEndObject();
      }
      g.writeFieldName("event_time");
      writeTime(g, eventTime);
      if (kind == Kind.BAD_TYPE) {
        g.writeStringField("site_id", "abc");
      } else if (!withoutSiteId) {
        g.writeNumberField("site_id", site);
      }
      g.writeStringField("user_id", "u" + user);
      g.writeStringField("session_id", "s-" + HEX.toHexDigits(random.nextInt()));
      g.writeStringField("url", "https://www.shop" + site + ".example.com/p/" + (1 + random.nextInt(10_000)) + "?ref=x");
      double referrer = random.nextDouble();
      if (referrer >= 0.30) {
        g.writeStringField("referrer", REFERRERS[random.nextInt(REFERRERS.length)]);
      } else if (referrer >= 0.15) {
        g.writeNullField("referrer");
      } // else absent: producers omit it as often as they send null
      g.writeStringField("user_agent", kind == Kind.ODD_USER_AGENT ? ODD_AGENT : userAgent(device));
      g.writeStringField("ip", random.nextDouble() < 0.10 ? ipv6() : ipv4());
      g.writeStringField("country", COUNTRIES[random.nextInt(COUNTRIES.length)]);
      g.writeStringField("device", device);
      g.writeStringField("email", "user" + user + "@example.com");
      g.writeObjectFieldStart("props");
      g.writeStringField("ab", random.nextBoolean() ? "A" : "B");
      g.writeStringField("price", price(100 + random.nextInt(20_000)));
      g.writeEndObject();
      if (kind == Kind.EXTRA_FIELDS) {
        g.writeStringField("app_version", "3.1.0");
      }
      g.writeEndObject();
    }

    /** Epoch millis as a number, or ISO-8601 text in UTC or a local offset: producers send all three. */
    private void writeTime(JsonGenerator g, Instant t) throws IOException {
      double u = random.nextDouble();
      if (u < EPOCH_MILLIS_RATE) {
        g.writeNumber(t.toEpochMilli());
      } else {
        ZoneOffset offset = u < 0.65 ? ZoneOffset.UTC : u < 0.825 ? PLUS_TWO : MINUS_FIVE;
        g.writeString(ISO_WITH_OFFSET.format(t.atOffset(offset)));
      }
    }

    private static String eventType(double u) {
      if (u < 0.60) {
        return "page_view";
      }
      if (u < 0.85) {
        return "click";
      }
      if (u < 0.93) {
        return "add_to_cart";
      }
      return u < 0.97 ? "purchase" : "signup";
    }

    private static String device(double u) {
      return u < 0.50 ? "desktop" : u < 0.90 ? "mobile" : "tablet";
    }

    private String userAgent(String device) {
      String[] agents = switch (device) {
        case "desktop" -> DESKTOP_AGENTS;
        case "mobile" -> MOBILE_AGENTS;
        default -> TABLET_AGENTS;
      };
      return agents[random.nextInt(agents.length)];
    }

    /** Addresses from the documentation ranges (RFC 5737), never someone's real address. */
    private String ipv4() {
      String net = switch (random.nextInt(3)) {
        case 0 -> "192.0.2.";
        case 1 -> "198.51.100.";
        default -> "203.0.113.";
      };
      return net + (1 + random.nextInt(254));
    }

    /** 2001:db8::/32 (RFC 3849), in compressed and in full form: the job's /48 truncation must read both. */
    private String ipv6() {
      String a = Integer.toHexString(random.nextInt(0x10000));
      String b = Integer.toHexString(random.nextInt(0x10000));
      String c = Integer.toHexString(random.nextInt(0x10000));
      String d = Integer.toHexString(random.nextInt(0x10000));
      return random.nextBoolean()
          ? "2001:db8:" + a + "::" + b + ":" + c + ":" + d
          : "2001:db8:" + a + ":0:0:" + b + ":" + c + ":" + d;
    }

    private static String price(int cents) {
      int rest = cents % 100;
      return (cents / 100) + (rest < 10 ? ".0" : ".") + rest;
    }

    GeneratedHour summary(List<String> files, long totalBytes) {
      Map<String, Long> byReason = new LinkedHashMap<>();
      for (String reason : GeneratedHour.REJECT_REASONS) {
        byReason.put(reason, 0L);
      }
      rejects.forEach((kind, n) -> byReason.put(kind.reason, n));
      return new GeneratedHour(hour, files, totalBytes, lines, blankLines, validRecords, duplicates, lateInWindow, byReason);
    }
  }
}
