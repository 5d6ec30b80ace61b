package io.hourglass.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HourTest {
  private static Instant utc(int y, int mo, int d, int h) {
    return LocalDateTime.of(y, mo, d, h, 0).toInstant(ZoneOffset.UTC);
  }

  @Test
  void parsesTheCommandLineFormAsUtc() {
    Hour hour = Hour.parse("2026-11-20T10");
    assertEquals(utc(2026, 11, 20, 10), hour.start());
    assertEquals(utc(2026, 11, 20, 11), hour.end());
    assertEquals("2026-11-20T10", hour.toString());
  }

  @Test
  void acceptsAFullMinuteSuffixAndSurroundingBlanks() {
    assertEquals(Hour.parse("2026-11-20T10"), Hour.parse("2026-11-20T10:00"));
    assertEquals(Hour.parse("2026-11-20T10"), Hour.parse("  2026-11-20T10 "));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-11-20T10:30", "2026-11-20 10", "2026-11-20T7", "2026-11-20T25", "2026-13-01T00",
      "20261120T10", "2026-11-20", "yesterday", "", "2026-02-30T10", "2026-02-29T10", "2026-04-31T05", "2026-11-20T24"})
  void rejectsWhatIsNotAnHourNamingTheValue(String text) {
    BadConfigException e = assertThrows(BadConfigException.class, () -> Hour.parse(text));
    assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    assertTrue(e.getMessage().contains("YYYY-MM-DDTHH"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void rejectsNullWithTheSameMessageShape() {
    BadConfigException e = assertThrows(BadConfigException.class, () -> Hour.parse(null));
    assertTrue(e.getMessage().contains("is not an hour"), e.getMessage());
  }

  @Test
  void folderIsTheFirehoseArrivalLayout() {
    assertEquals("2026/01/05/03", Hour.parse("2026-01-05T03").folder());
  }

  @Test
  void idIsThePartitionValue() {
    assertEquals("2026010503", Hour.parse("2026-01-05T03").id());
    assertEquals("2026112023", Hour.parse("2026-11-20T23").id());
  }

  @Test
  void plusHoursCrossesDaysYearsAndGoesBack() {
    Hour h = Hour.parse("2026-12-31T22");
    assertEquals(utc(2027, 1, 1, 1), h.plusHours(3).start());
    assertEquals("2027/01/01/01", h.plusHours(3).folder());
    assertEquals(utc(2026, 12, 31, 16), h.plusHours(-6).start());
    assertEquals(h, h.plusHours(0));
  }

  @Test
  void ofTruncatesAnInstantToItsHour() {
    Instant inside = utc(2026, 11, 20, 10).plusSeconds(59 * 60 + 59);
    assertEquals(Hour.parse("2026-11-20T10"), Hour.of(inside));
  }

  @Test
  void mustStartOnTheHour() {
    assertThrows(IllegalArgumentException.class, () -> new Hour(utc(2026, 11, 20, 10).plusSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> new Hour(null));
    assertEquals(utc(2026, 11, 20, 10), new Hour(utc(2026, 11, 20, 10)).start());
  }

  @Test
  void ordersByTime() {
    Hour a = Hour.parse("2026-11-20T09");
    Hour b = Hour.parse("2026-11-20T10");
    assertTrue(a.compareTo(b) < 0);
    assertTrue(b.compareTo(a) > 0);
    assertEquals(0, a.compareTo(Hour.parse("2026-11-20T09")));
  }
}
