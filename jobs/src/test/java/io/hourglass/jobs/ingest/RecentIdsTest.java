package io.hourglass.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/** The window of recent ids: a copy is dropped on the spot only when the dedup's rule says it is the later one. */
class RecentIdsTest {
  private static final UTF8String A = UTF8String.fromString("s3://raw/h/obj-a");
  private static final UTF8String B = UTF8String.fromString("s3://raw/h/obj-b");

  private static boolean copy(RecentIds w, UTF8String object, String id) {
    UTF8String utf8 = UTF8String.fromString(id);
    return w.laterCopy(object, utf8, SideSurvey.hash64(utf8));
  }

  @Test
  void aLaterLineOfTheSameObjectOrALaterNamedObjectIsACopy() {
    RecentIds w = new RecentIds(100);
    assertFalse(copy(w, A, "e1"));
    assertTrue(copy(w, A, "e1"), "the same object, a later line");
    assertTrue(copy(w, B, "e1"), "an object named after the one it was met in");
    assertFalse(copy(w, B, "e2"));
    assertEquals(2, w.size());
  }

  @Test
  void anIdMetFirstInALaterNamedObjectIsLeftToTheHashesAndItsLesserObjectRemembered() {
    RecentIds w = new RecentIds(100);
    assertFalse(copy(w, B, "e1"), "read first");
    assertFalse(copy(w, A, "e1"), "obj-a is named first: this copy is the one kept, the one in obj-b was already written");
    assertTrue(copy(w, A, "e1"), "a further copy in obj-a is a later one");
    assertTrue(copy(w, B, "e1"));
  }

  @Test
  void theObjectOrderIsSparksUtf8OrderNotJavas() {
    // U+1F600 (a surrogate pair, 0xD83D...) sorts before U+FF5E in Java's UTF-16 order, after it as UTF-8 bytes
    // (F0 9F... against EF BD...), which is how Spark compares strings.
    UTF8String fullWidth = UTF8String.fromString("s3://raw/h/\uFF5E");
    UTF8String emoji = UTF8String.fromString("s3://raw/h/\uD83D\uDE00");
    RecentIds w = new RecentIds(100);
    assertFalse(copy(w, emoji, "e1"));
    assertFalse(copy(w, fullWidth, "e1"), "the full-width object is the lesser one as UTF-8 bytes: its copy is kept");
    assertTrue(copy(w, emoji, "e1"));
  }

  @Test
  void differentIdsUnderOneHashAreNotCopies() {
    RecentIds w = new RecentIds(100);
    assertFalse(w.laterCopy(A, UTF8String.fromString("e1"), 42L));
    assertFalse(w.laterCopy(A, UTF8String.fromString("e2"), 42L), "compared as strings, not by hash");
    assertTrue(w.laterCopy(A, UTF8String.fromString("e2"), 42L));
    assertTrue(w.laterCopy(A, UTF8String.fromString("e1"), 42L));
  }

  @Test
  void anyCopyWithinTheLastCapacityRecordsIsFoundAndOlderOnesAreForgotten() {
    RecentIds w = new RecentIds(3);
    for (String id : new String[] {"e1", "e2", "e3", "e4", "e5"}) {
      assertFalse(copy(w, A, id));
    }
    assertEquals(5, w.size(), "e1-e3 in the older generation, e4 and e5 in the newer");
    assertTrue(copy(w, A, "e2"), "within the last three: found in the older generation");
    assertFalse(copy(w, A, "e6"));
    assertFalse(copy(w, A, "e7"), "the newer generation (e4-e6) full: it becomes the older, e1-e3 dropped");
    assertEquals(4, w.size());
    assertFalse(copy(w, A, "e1"), "forgotten: left to the hashes");
    assertTrue(copy(w, A, "e4"));
    assertThrows(IllegalArgumentException.class, () -> new RecentIds(0));
  }

  @Test
  void aLesserObjectMetAfterAGenerationChangeIsNotACopy() {
    RecentIds w = new RecentIds(2);
    assertFalse(copy(w, B, "e1"));
    assertFalse(copy(w, B, "e2"));
    assertFalse(copy(w, B, "e3")); // e1, e2 now the older generation
    assertFalse(copy(w, A, "e1"), "obj-a is named first: its copy is kept");
    assertTrue(copy(w, A, "e1"), "and remembered in the newer generation with obj-a");
  }

  @Test
  void idsOfAnyLengthAndByteAreHeldExactlyAsTheTableGrows() {
    RecentIds w = new RecentIds(3_000); // room for the 1,000 ids and the 2,000 others asked about below
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) { // 1,000 ids of 15-180 bytes: past the 72,000 bytes the table starts with
      ids.add("évt-" + "x".repeat(i % 160) + "-" + i + "-日本");
    }
    for (String id : ids) {
      assertFalse(copy(w, A, id), id);
    }
    for (String id : ids) {
      assertTrue(copy(w, A, id), id);
      assertFalse(copy(w, A, id + "!"), "a longer id with the same start is another id");
      assertFalse(copy(w, A, id.substring(0, id.length() - 1)), "and so is a shorter one");
    }
  }

  @Test
  void anIdLongerThanTheLimitIsLeftToTheHashes() {
    RecentIds w = new RecentIds(100);
    String longId = "e".repeat(RecentIds.MAX_ID_BYTES + 1);
    assertFalse(copy(w, A, longId));
    assertFalse(copy(w, A, longId), "never held, so never dropped on the spot");
    assertEquals(0, w.size());
    String atLimit = "e".repeat(RecentIds.MAX_ID_BYTES);
    assertFalse(copy(w, A, atLimit));
    assertTrue(copy(w, A, atLimit));
  }
}
