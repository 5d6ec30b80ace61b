package io.hourglass.jobs.generate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the generator's summary against what is really in the objects: every line is read back and
 * classified here independently, with the ingest job's rules (required fields, types, window, dedup).
 */
class WebEventsGeneratorTest {
  private static final Instant HOUR = Instant.parse("2026-11-20T10:00:00Z");
  private static final String STREAM = "web-events";
  private static final Instant WINDOW_START = HOUR.minus(Duration.ofHours(6));
  private static final Instant WINDOW_END = HOUR.plus(Duration.ofMinutes(70));
  private static final List<String> REQUIRED = List.of("event_id", "event_type", "event_time", "site_id");
  private static final Pattern OBJECT_NAME = Pattern.compile(
      "web-events-1-2026-11-20-10-(\\d\\d)-(\\d\\d)-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\\.gz");
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final WebEventsGenerator generator = new WebEventsGenerator(new Configuration());

  @TempDir
  Path tmp;

  @Test
  void dirtyHourSummaryMatchesWhatIsInTheFiles() throws IOException {
    GeneratedHour hour = generator.generate(HOUR, tmp.toString(), STREAM, 2000, 3, true, 7L);
    Tally seen = classify(hour.files());

    assertEquals(HOUR, hour.hour());
    assertEquals(seen.lines, hour.lines(), "lines");
    assertEquals(seen.blankLines, hour.blankLines(), "blank lines");
    assertEquals(seen.valid, hour.validRecords(), "valid records");
    assertEquals(seen.duplicates, hour.duplicates(), "duplicates");
    assertEquals(seen.late, hour.lateInWindow(), "late in window");
    assertEquals(seen.rejects, hour.rejectsByReason(), "rejects by reason");
    assertEquals(GeneratedHour.REJECT_REASONS, List.copyOf(hour.rejectsByReason().keySet()));
    assertEquals(2000, hour.records(), "every requested record is one non-blank line");
    assertEquals(hour.lines(), hour.blankLines() + hour.validRecords() + hour.duplicates() + hour.rejected());
    assertEquals(totalSize(hour.files()), hour.totalBytes(), "total bytes are the compressed sizes");

    hour.rejectsByReason().forEach((reason, n) -> assertTrue(n > 0, "no " + reason + " record"));
    assertTrue(hour.duplicates() > 0 && hour.blankLines() > 0 && hour.lateInWindow() > 0, hour.toString());
    assertTrue(seen.oddAgents > 0, "no valid record with an escaped newline in user_agent");
    assertTrue(seen.extraFields > 0, "no valid record with unknown fields");
    // Roughly 2% each: loose bounds, the point is "a little dirt", not an exact rate.
    assertTrue(hour.rejected() > 100 && hour.rejected() < 300, "rejected " + hour.rejected());
    assertTrue(hour.validRecords() > 1600, "valid " + hour.validRecords());
  }

  @Test
  void validRecordsMixTimeFormatsAndAddresses() throws IOException {
    GeneratedHour hour = generator.generate(HOUR, tmp.toString(), STREAM, 2000, 2, false, 11L);
    Tally seen = classify(hour.files());

    assertEquals(Set.of("millis", "Z", "+02:00", "-05:00"), seen.timeFormats);
    double ipv6Share = (double) seen.ipv6 / hour.validRecords();
    assertTrue(ipv6Share > 0.05 && ipv6Share < 0.15, "IPv6 share " + ipv6Share);
    double pageViews = (double) seen.eventTypes.get("page_view") / hour.validRecords();
    assertTrue(pageViews > 0.5 && pageViews < 0.7, "page_view share " + pageViews);
    assertEquals(Set.of("page_view", "click", "add_to_cart", "purchase", "signup"), seen.eventTypes.keySet());
    assertTrue(seen.referrerAbsent > 0 && seen.referrerNull > 0, "referrer should be sometimes absent, sometimes null");
  }

  @Test
  void cleanHourHasOnlyValidRecordsAndSomeLateOnes() throws IOException {
    GeneratedHour hour = generator.generate(HOUR, tmp.toString(), STREAM, 2000, 2, false, 3L);
    Tally seen = classify(hour.files());

    assertEquals(2000, hour.validRecords());
    assertEquals(2000, hour.lines());
    assertEquals(0, hour.blankLines() + hour.duplicates() + hour.rejected());
    assertEquals(seen.valid, hour.validRecords());
    assertEquals(seen.late, hour.lateInWindow());
    assertEquals(0, seen.oddAgents + seen.extraFields);
    assertTrue(hour.lateInWindow() > 50 && hour.lateInWindow() < 150, "about 5% late, got " + hour.lateInWindow());
    assertTrue(seen.lateHours.size() > 1, "late events should spread over earlier hours: " + seen.lateHours);
  }

  @Test
  void aCleanHourWithRepeatsHasOnlyValidRecordsAndTheirCopies() throws IOException {
    GeneratedHour hour = generator.generate(HOUR, tmp.toString(), STREAM, 4000, 2, false, 0.01, 3L);
    Tally seen = classify(hour.files());

    assertEquals(4000, hour.lines());
    assertEquals(seen.duplicates, hour.duplicates(), "duplicates");
    assertEquals(seen.valid, hour.validRecords(), "valid records");
    assertEquals(4000, hour.validRecords() + hour.duplicates());
    assertEquals(0, hour.blankLines() + hour.rejected());
    assertTrue(hour.duplicates() > 15 && hour.duplicates() < 70, "about 1% repeated, got " + hour.duplicates());
  }

  @Test
  void aCleanHourWithRejectsHasEveryRejectedKindAndNothingElseBad() throws IOException {
    GeneratedHour hour = generator.generate(HOUR, tmp.toString(), STREAM, 6000, 2, false, 0.0, 0.03, 3L);
    Tally seen = classify(hour.files());

    assertEquals(6000, hour.lines());
    assertEquals(seen.valid, hour.validRecords(), "valid records");
    assertEquals(6000, hour.validRecords() + hour.rejected());
    assertEquals(0, hour.blankLines() + hour.duplicates());
    assertTrue(hour.rejected() > 120 && hour.rejected() < 240, "about 3% rejected, got " + hour.rejected());
    assertEquals(5, hour.rejectsByReason().values().stream().filter(n -> n > 10).count(), "about a fifth each of five kinds: "
        + hour.rejectsByReason());
  }

  @Test
  void noRepeatsIsTheCleanHourByteForByte() throws IOException {
    GeneratedHour plain = generator.generate(HOUR, tmp.resolve("a").toString(), STREAM, 300, 2, false, 9L);
    GeneratedHour zero = generator.generate(HOUR, tmp.resolve("b").toString(), STREAM, 300, 2, false, 0.0, 9L);
    for (int i = 0; i < plain.files().size(); i++) {
      assertArrayEquals(Files.readAllBytes(Path.of(URI.create(plain.files().get(i)))),
          Files.readAllBytes(Path.of(URI.create(zero.files().get(i)))), "cached benchmark hours stay valid");
    }
    GeneratedHour noRejects = generator.generate(HOUR, tmp.resolve("d").toString(), STREAM, 300, 2, false, 0.0, 0.0, 9L);
    for (int i = 0; i < plain.files().size(); i++) {
      assertArrayEquals(Files.readAllBytes(Path.of(URI.create(plain.files().get(i)))),
          Files.readAllBytes(Path.of(URI.create(noRejects.files().get(i)))), "no rejects, the same bytes");
    }
    assertThrows(IllegalArgumentException.class, () -> generator.generate(HOUR, tmp.resolve("c").toString(), STREAM, 10, 1, false, 1.0, 9L));
    assertThrows(IllegalArgumentException.class,
        () -> generator.generate(HOUR, tmp.resolve("e").toString(), STREAM, 10, 1, false, 0.0, -0.1, 9L));
  }

  @Test
  void everyDirtKindAppearsFromFiftyRecordsOn() throws IOException {
    for (long seed = 0; seed < 20; seed++) {
      Path root = tmp.resolve("seed-" + seed);
      GeneratedHour hour = generator.generate(HOUR, root.toString(), STREAM, WebEventsGenerator.EVERY_KIND_FROM_RECORDS, 1, true, seed);
      Tally seen = classify(hour.files());
      String context = "seed " + seed + ": " + hour;
      hour.rejectsByReason().forEach((reason, n) -> assertTrue(n > 0, "no " + reason + ", " + context));
      assertTrue(hour.duplicates() > 0, context);
      assertTrue(hour.blankLines() > 0, context);
      assertTrue(seen.oddAgents > 0 && seen.extraFields > 0, context);
      assertEquals(seen.rejects, hour.rejectsByReason(), context);
      assertEquals(seen.duplicates, hour.duplicates(), context);
    }
  }

  @Test
  void sameSeedGivesByteIdenticalFilesAndAnotherSeedDoesNot() throws IOException {
    GeneratedHour first = generator.generate(HOUR, tmp.resolve("a").toString(), STREAM, 500, 4, true, 42L);
    GeneratedHour again = generator.generate(HOUR, tmp.resolve("b").toString(), STREAM, 500, 4, true, 42L);
    GeneratedHour other = generator.generate(HOUR, tmp.resolve("c").toString(), STREAM, 500, 4, true, 43L);

    assertEquals(names(first.files()), names(again.files()));
    for (int i = 0; i < first.files().size(); i++) {
      assertArrayEquals(Files.readAllBytes(local(first.files().get(i))), Files.readAllBytes(local(again.files().get(i))),
          "file " + i + " differs between two runs with the same seed");
    }
    assertEquals(withoutFiles(first), withoutFiles(again));

    assertTrue(Collections.disjoint(names(first.files()), names(other.files())), "another seed, other object names");
    for (int i = 0; i < first.files().size(); i++) {
      assertFalse(Arrays.equals(Files.readAllBytes(local(first.files().get(i))), Files.readAllBytes(local(other.files().get(i)))),
          "file " + i + " is the same for seeds 42 and 43");
    }
  }

  @Test
  void sameSeedInAnotherHourGivesOtherEventIds() throws IOException {
    GeneratedHour ten = generator.generate(HOUR, tmp.toString(), STREAM, 300, 1, false, 5L);
    GeneratedHour eleven = generator.generate(HOUR.plus(Duration.ofHours(1)), tmp.toString(), STREAM, 300, 1, false, 5L);

    Set<String> tenIds = classify(ten.files()).eventIds;
    Set<String> elevenIds = classify(eleven.files()).eventIds;
    assertEquals(300, tenIds.size());
    assertTrue(Collections.disjoint(tenIds, elevenIds), "a backfill of sample hours must not repeat event ids");
  }

  @Test
  void objectsFollowTheFirehoseLayout() throws IOException {
    GeneratedHour hour = generator.generate(HOUR, tmp.toString(), STREAM, 10, 4, false, 1L);

    Path folder = tmp.resolve("web-events/2026/11/20/10");
    assertEquals(4, hour.files().size());
    List<String> expected = new ArrayList<>();
    int previousOffset = -1;
    for (String uri : hour.files()) {
      assertTrue(uri.startsWith("file:/"), "a full URI: " + uri);
      Path file = local(uri);
      assertEquals(folder, file.getParent());
      Matcher m = OBJECT_NAME.matcher(file.getFileName().toString());
      assertTrue(m.matches(), "object name " + file.getFileName());
      int offset = Integer.parseInt(m.group(1)) * 60 + Integer.parseInt(m.group(2));
      assertTrue(offset > previousOffset, "flush times should increase with the file index: " + hour.files());
      previousOffset = offset;
      expected.add(file.getFileName().toString());
    }
    // Nothing else: no .crc siblings, no temporary files; Firehose's folder holds only the objects.
    try (Stream<Path> all = Files.walk(tmp)) {
      assertEquals(new TreeSet<>(expected),
          all.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new)));
    }
    // 10 records over 4 files in contiguous chunks: 3, 3, 2, 2.
    List<Integer> perFile = new ArrayList<>();
    for (String uri : hour.files()) {
      perFile.add(classify(List.of(uri)).lineCount());
    }
    assertEquals(List.of(3, 3, 2, 2), perFile);
  }

  @Test
  void rootMayBeAFileUriOrARelativePath() throws IOException {
    GeneratedHour hour = generator.generate(HOUR, tmp.toUri().toString(), STREAM, 5, 1, false, 1L);
    assertEquals(tmp.resolve("web-events/2026/11/20/10"), local(hour.files().get(0)).getParent());

    org.apache.hadoop.fs.Path resolved = WebEventsGenerator.resolveRoot("data/raw");
    assertEquals("file", resolved.toUri().getScheme());
    assertEquals(Paths.get("data/raw").toAbsolutePath(), Paths.get(resolved.toUri()));
  }

  @Test
  void emptyHourStillWritesValidEmptyObjects() throws IOException {
    GeneratedHour hour = generator.generate(HOUR, tmp.toString(), STREAM, 0, 2, true, 1L);

    assertEquals(2, hour.files().size());
    assertEquals(0, hour.lines());
    assertEquals(0, classify(hour.files()).lines);
    assertEquals(totalSize(hour.files()), hour.totalBytes());
    assertTrue(hour.totalBytes() > 0, "an empty gzip object still has a header");
  }

  @Test
  void badArgumentsAreRefusedWithTheValueAndWriteNothing() throws IOException {
    String root = tmp.toString();
    assertRefused("cannot be: -1", () -> generator.generate(HOUR, root, STREAM, -1, 1, false, 1L));
    assertRefused("files must be at least 1, cannot be: 0", () -> generator.generate(HOUR, root, STREAM, 10, 0, false, 1L));
    assertRefused("cannot be: 2026-11-20T10:30:00Z", () -> generator.generate(HOUR.plusSeconds(1800), root, STREAM, 10, 1, false, 1L));
    assertRefused("cannot be: null", () -> generator.generate(null, root, STREAM, 10, 1, false, 1L));
    assertRefused("cannot be: 'web/events'", () -> generator.generate(HOUR, root, "web/events", 10, 1, false, 1L));
    assertRefused("cannot be: ''", () -> generator.generate(HOUR, root, "", 10, 1, false, 1L));
    assertRefused("cannot be: ' '", () -> generator.generate(HOUR, " ", STREAM, 10, 1, false, 1L));
    try (Stream<Path> all = Files.list(tmp)) {
      assertEquals(0, all.count(), "a refused call must not write anything");
    }
  }

  private static void assertRefused(String expectedInMessage, ThrowingCall call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertTrue(e.getMessage().contains(expectedInMessage), "message '" + e.getMessage() + "' lacks '" + expectedInMessage + "'");
  }

  @FunctionalInterface
  private interface ThrowingCall {
    void run() throws Exception;
  }

  /** What the test itself finds in the objects, classified by the ingest job's rules. */
  private static final class Tally {
    long lines;
    long blankLines;
    long valid;
    long duplicates;
    long late;
    final Map<String, Long> rejects = new LinkedHashMap<>();
    long oddAgents;
    long extraFields;
    long ipv6;
    long referrerAbsent;
    long referrerNull;
    final Set<String> timeFormats = new HashSet<>();
    final Map<String, Long> eventTypes = new HashMap<>();
    final Set<Instant> lateHours = new HashSet<>();
    final Set<String> eventIds = new HashSet<>();

    Tally() {
      GeneratedHour.REJECT_REASONS.forEach(reason -> rejects.put(reason, 0L));
    }

    int lineCount() {
      return Math.toIntExact(lines);
    }
  }

  private static Tally classify(List<String> uris) throws IOException {
    Tally t = new Tally();
    Map<String, String> validLineById = new HashMap<>();
    for (String uri : uris) {
      String text;
      try (InputStream in = new GZIPInputStream(Files.newInputStream(local(uri)))) {
        text = new String(in.readAllBytes(), UTF_8);
      }
      assertFalse(text.contains("\r"), "line ends are \\n only: " + uri);
      if (text.isEmpty()) {
        continue;
      }
      assertTrue(text.endsWith("\n"), "the last line is terminated: " + uri);
      for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
        t.lines++;
        if (line.isEmpty()) {
          t.blankLines++;
          continue;
        }
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
          t.rejects.merge("malformed_json", 1L, Long::sum);
          continue;
        }
        String reason = node != null && node.isObject() ? rejectReason(node) : "malformed_json";
        if (reason != null) {
          t.rejects.merge(reason, 1L, Long::sum);
          continue;
        }
        String id = node.get("event_id").asText();
        String original = validLineById.putIfAbsent(id, line);
        if (original != null) {
          assertEquals(original, line, "a duplicate is an exact copy of the earlier line");
          t.duplicates++;
          continue;
        }
        t.valid++;
        t.eventIds.add(id);
        observeValid(t, node, line);
      }
    }
    return t;
  }

  /** The job's rules: required fields, then types, then the allowed window. Null means valid. */
  private static String rejectReason(JsonNode node) {
    for (String field : REQUIRED) {
      if (!node.hasNonNull(field)) {
        return "missing_field";
      }
    }
    JsonNode time = node.get("event_time");
    if (!node.get("event_id").isTextual() || !node.get("event_type").isTextual()
        || !node.get("site_id").isIntegralNumber() || !node.get("site_id").canConvertToInt()
        || !(time.isTextual() || time.isIntegralNumber())) {
      return "bad_type";
    }
    Instant eventTime;
    try {
      eventTime = eventTime(time);
    } catch (DateTimeParseException e) {
      return "bad_type";
    }
    if (eventTime.isBefore(WINDOW_START)) {
      return "too_late";
    }
    return eventTime.isBefore(WINDOW_END) ? null : "future";
  }

  private static void observeValid(Tally t, JsonNode node, String line) {
    Instant eventHour = eventTime(node.get("event_time")).truncatedTo(ChronoUnit.HOURS);
    if (!eventHour.equals(HOUR)) {
      t.late++;
      t.lateHours.add(eventHour);
    }
    JsonNode time = node.get("event_time");
    if (time.isNumber()) {
      t.timeFormats.add("millis");
    } else {
      String text = time.asText();
      t.timeFormats.add(text.endsWith("Z") ? "Z" : text.substring(text.length() - 6));
    }
    if (node.path("user_agent").asText().contains("\n")) {
      assertTrue(line.contains("\\n"), "the newline is escaped in the JSON text: " + line);
      t.oddAgents++;
    }
    if (node.has("experiment") && node.has("app_version")) {
      t.extraFields++;
    }
    if (node.path("ip").asText().contains(":")) {
      t.ipv6++;
    }
    if (!node.has("referrer")) {
      t.referrerAbsent++;
    } else if (node.get("referrer").isNull()) {
      t.referrerNull++;
    }
    t.eventTypes.merge(node.get("event_type").asText(), 1L, Long::sum);
  }

  private static Instant eventTime(JsonNode time) {
    return time.isNumber() ? Instant.ofEpochMilli(time.asLong()) : OffsetDateTime.parse(time.asText()).toInstant();
  }

  private static Path local(String uri) {
    return Paths.get(URI.create(uri));
  }

  private static List<String> names(List<String> uris) {
    return uris.stream().map(uri -> local(uri).getFileName().toString()).toList();
  }

  private static long totalSize(List<String> uris) throws IOException {
    long total = 0;
    for (String uri : uris) {
      total += Files.size(local(uri));
    }
    return total;
  }

  private static List<Object> withoutFiles(GeneratedHour h) {
    return List.of(h.totalBytes(), h.lines(), h.blankLines(), h.validRecords(), h.duplicates(), h.lateInWindow(), h.rejectsByReason());
  }
}
