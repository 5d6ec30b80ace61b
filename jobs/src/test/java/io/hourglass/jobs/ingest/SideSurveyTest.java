package io.hourglass.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.io.RowSpill;
import io.hourglass.common.testing.SparkTestSession;
import io.hourglass.common.transform.Status;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

/** What the single pass learns on the side: counts, kept rejected records within bounds, repeated ids. */
class SideSurveyTest {

  @TempDir
  Path tmp;

  private SideSurvey survey(int maxRejected, long maxBytes, int maxIds) {
    SparkSession spark = SparkTestSession.get();
    RowSpill spill = RowSpill.register(spark, tmp.resolve("spill").toUri().toString(), WebEventDecoder.surveySchema());
    return SideSurvey.register(spark.sparkContext(), spill, maxRejected, maxBytes, maxIds);
  }

  @Test
  void countsEveryRecordAndKeepsRejectedOnes() {
    SideSurvey s = survey(10, 1 << 20, 100);
    s.record(Status.OK, "f", 1, 0, null, null, "2026112010");
    s.record(Status.BLANK, "f", 2, 0, "", null, "2026112010");
    s.record(Status.BAD_TYPE, "f", 3, 0, "{\"site_id\":\"x\"}", "site_id: 'x' is not an int", "2026112010");
    assertEquals(Map.of(Status.OK, 1L, Status.BLANK, 1L, Status.BAD_TYPE, 1L), s.counts());
    assertEquals(1, s.rejected().size(), "blank lines are counted, not kept");
    Row r = s.rejected().get(0);
    assertEquals(3L, r.getLong(1));
    assertEquals(Status.BAD_TYPE, r.getString(5));
    assertEquals("site_id: 'x' is not an int", r.getString(6));
    assertEquals(0, s.spill().rows());
  }

  @Test
  void rejectedRecordsPastATasksBoundAreSpilledButNeverACorruptObjects() {
    SideSurvey s = survey(2, 1 << 20, 100);
    JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext()).parallelize(List.of(0, 1), 2).foreach(task -> {
      for (int i = 1; i <= 3; i++) {
        s.record(Status.MALFORMED_JSON, "f" + task, i, 0, "{" + i, "not a single JSON object", "2026112010");
      }
      s.record(Status.CORRUPT_FILE, "f" + task, 4, 0, null, "unexpected end of the gzip stream", "2026112010");
    });
    assertEquals(Map.of(Status.MALFORMED_JSON, 6L, Status.CORRUPT_FILE, 2L), s.counts(), "all are counted");
    List<String> kept = s.rejected().stream().map(r -> r.getString(0) + ":" + r.getLong(1) + ":" + r.getString(5)).sorted().toList();
    assertEquals(List.of("f0:1:malformed_json", "f0:2:malformed_json", "f0:4:corrupt_file",
        "f1:1:malformed_json", "f1:2:malformed_json", "f1:4:corrupt_file"), kept, "a task's first two, and every corrupt object");
    assertEquals(2, s.spill().rows());
    List<String> spilled = new java.util.ArrayList<>();
    s.spill().forEachRow(v -> spilled.add(v[0] + ":" + v[1] + ":" + v[4] + ":" + v[5] + ":" + v[6]));
    spilled.sort(null);
    assertEquals(List.of("f0:3:{3:malformed_json:not a single JSON object", "f1:3:{3:malformed_json:not a single JSON object"),
        spilled);
  }

  private static void accept(SideSurvey s, String... ids) {
    for (String id : ids) {
      s.accepted(SideSurvey.hash64(UTF8String.fromString(id)));
    }
  }

  /** The repeated hashes, or empty when none repeats; null when the hashes were not all kept. */
  private static Optional<RepeatedIds> repeats(SideSurvey s) {
    return s.idsAllKept() ? s.repeatedIds(SparkTestSession.get().sparkContext()) : null;
  }

  @Test
  void findsARepeatedIdAcrossObjectsWithTheObjectOfItsFirstRecord() {
    SideSurvey s = survey(10, 1 << 20, 100);
    accept(s, "a", "b");
    s.endOfObject("s3://raw/h/obj-2");
    accept(s, "c");
    s.endOfObject("s3://raw/h/obj-3");
    assertEquals(Optional.empty(), repeats(s));
    accept(s, "b");
    s.endOfObject("s3://raw/h/obj-1"); // read last, named first: its copy of "b" is the one kept
    RepeatedIds r = repeats(s).orElseThrow();
    assertEquals(1, r.size());
    assertFalse(laterCopy(r, "s3://raw/h/obj-3", "c"), "not repeated");
    assertTrue(laterCopy(r, "s3://raw/h/obj-2", "b"), "b's first record is in obj-1");
    assertFalse(laterCopy(r, "s3://raw/h/obj-1", "b"), "the first of b in obj-1 is kept");
    assertTrue(laterCopy(r, "s3://raw/h/obj-1", "b"), "a second b in obj-1 is a copy");
    r.handOver();
    assertFalse(r.clashed());
  }

  @Test
  void theFirstObjectIsTheLeastInUtf8OrderAsSparkComparesSourceFiles() {
    // U+FF5E (UTF-8 EF BD 9E) comes before U+10000 (F0 90 80 80) in Spark's byte order, after it in Java's
    // String order (U+10000 is the surrogate pair D800 DC00 there).
    String bmp = "s3://raw/h/\uFF5E";
    String astral = "s3://raw/h/\uD800\uDC00";
    SideSurvey s = survey(10, 1 << 20, 100);
    accept(s, "x");
    s.endOfObject(astral);
    accept(s, "x");
    s.endOfObject(bmp);
    RepeatedIds r = repeats(s).orElseThrow();
    assertTrue(laterCopy(r, astral, "x"));
    assertFalse(laterCopy(r, bmp, "x"));
  }

  @Test
  void twoIdsUnderOneHashAreAClash() {
    SideSurvey s = survey(10, 1 << 20, 100);
    accept(s, "a");
    s.endOfObject("o1");
    accept(s, "a");
    s.endOfObject("o2");
    RepeatedIds r = repeats(s).orElseThrow();
    long h = SideSurvey.hash64(UTF8String.fromString("a"));
    assertFalse(r.laterCopy("o1", UTF8String.fromString("a"), h));
    r.handOver();
    assertFalse(r.clashed(), "one id so far");
    assertTrue(r.laterCopy("o2", UTF8String.fromString("not-a"), h), "as if another id had a's hash");
    r.handOver();
    assertTrue(r.clashed(), "met in two objects: found on the driver");
  }

  @Test
  void tooManyIdsInOneObjectLeaveTheAnswerToTheStagedRows() {
    SideSurvey s = survey(10, 1 << 20, 1024);
    for (int i = 0; i < 1025; i++) {
      accept(s, "id-" + i);
    }
    s.endOfObject("o");
    assertNull(repeats(s));
  }

  @Test
  void aLimitBelowTheFirstBufferIsKeptAtItsOwnCount() {
    SideSurvey within = survey(10, 1 << 20, 100);
    for (int i = 0; i < 100; i++) {
      accept(within, "id-" + i);
    }
    within.endOfObject("o");
    assertEquals(Optional.empty(), repeats(within), "100 ids of one object: all kept, none repeats");

    SideSurvey past = survey(10, 1 << 20, 100);
    for (int i = 0; i < 101; i++) {
      accept(past, "id-" + i);
    }
    past.endOfObject("o");
    assertNull(repeats(past), "101: the answer is left to the staged rows");
  }

  private static boolean laterCopy(RepeatedIds r, String object, String id) {
    UTF8String utf8 = UTF8String.fromString(id);
    return r.laterCopy(object, utf8, SideSurvey.hash64(utf8));
  }
}
