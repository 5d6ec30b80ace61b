package io.hourglass.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.testing.SparkTestSession;
import io.hourglass.common.transform.Status;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** What the single pass learns on the side: counts, kept rejected records within bounds, repeated ids. */
class SideSurveyTest {

  private static SideSurvey survey(int maxRejected, long maxBytes, int maxIds) {
    return SideSurvey.register(SparkTestSession.get().sparkContext(), maxRejected, maxBytes, maxIds);
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
    assertFalse(s.overflowed());
  }

  @Test
  void moreRejectedThanKeptIsSaid() {
    SideSurvey s = survey(2, 1 << 20, 100);
    for (int i = 0; i < 3; i++) {
      s.record(Status.MALFORMED_JSON, "f", i + 1, 0, "{", "not a single JSON object", "2026112010");
    }
    assertTrue(s.overflowed());
    assertEquals(2, s.rejected().size());
    assertEquals(3L, s.counts().get(Status.MALFORMED_JSON), "all are counted even when not kept");
  }

  @Test
  void findsARepeatedIdAcrossObjects() {
    SideSurvey s = survey(10, 1 << 20, 100);
    s.accepted("a");
    s.accepted("b");
    s.endOfObject();
    s.accepted("c");
    s.endOfObject();
    assertEquals(Optional.of(false), s.repeatsAnId());
    s.accepted("b");
    s.endOfObject();
    assertEquals(Optional.of(true), s.repeatsAnId());
  }

  @Test
  void tooManyIdsInOneObjectLeaveTheAnswerToTheStagedRows() {
    SideSurvey s = survey(10, 1 << 20, 1024);
    for (int i = 0; i < 1025; i++) {
      s.accepted("id-" + i);
    }
    s.endOfObject();
    assertEquals(Optional.empty(), s.repeatsAnId());
  }

  @Test
  void aLimitBelowTheFirstBufferIsKeptAtItsOwnCount() {
    SideSurvey within = survey(10, 1 << 20, 100);
    for (int i = 0; i < 100; i++) {
      within.accepted("id-" + i);
    }
    within.endOfObject();
    assertEquals(Optional.of(false), within.repeatsAnId(), "100 ids of one object: all kept");

    SideSurvey past = survey(10, 1 << 20, 100);
    for (int i = 0; i < 101; i++) {
      past.accepted("id-" + i);
    }
    past.endOfObject();
    assertEquals(Optional.empty(), past.repeatsAnId(), "101: the answer is left to the staged rows");
  }
}
