package io.hourglass.common.config;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * One UTC hour, the unit of every hourly run. Written {@code YYYY-MM-DDTHH} on the command line,
 * {@code YYYY/MM/DD/HH} in the Firehose layout and {@code YYYYMMDDHH} in partition values.
 */
public record Hour(Instant start) implements Comparable<Hour> {
  private static final DateTimeFormatter CLI = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter FOLDER = DateTimeFormatter.ofPattern("uuuu/MM/dd/HH").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("uuuuMMddHH").withZone(ZoneOffset.UTC);

  public Hour {
    if (start == null || !start.truncatedTo(ChronoUnit.HOURS).equals(start)) {
      throw new IllegalArgumentException("An hour must start on the hour (UTC), cannot be: " + start);
    }
  }

  /** Parses {@code 2026-11-20T10} (also accepts {@code 2026-11-20T10:00}); the value is UTC. */
  public static Hour parse(String text) {
    String t = text == null ? "" : text.trim();
    try {
      String hourPart = t.length() == 16 && t.endsWith(":00") ? t.substring(0, 13) : t;
      LocalDateTime local = LocalDateTime.parse(hourPart + ":00",
          DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm").withResolverStyle(java.time.format.ResolverStyle.STRICT));
      return new Hour(local.toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      throw new BadConfigException("'" + text + "' is not an hour: expected YYYY-MM-DDTHH in UTC, e.g. 2026-11-20T10");
    }
  }

  public static Hour of(Instant instant) {
    return new Hour(instant.truncatedTo(ChronoUnit.HOURS));
  }

  public Instant end() {
    return start.plus(Duration.ofHours(1));
  }

  public Hour plusHours(long hours) {
    return new Hour(start.plus(Duration.ofHours(hours)));
  }

  /** The Firehose arrival folder, {@code YYYY/MM/DD/HH}. */
  public String folder() {
    return FOLDER.format(start);
  }

  /** The partition value, {@code YYYYMMDDHH}. */
  public String id() {
    return ID.format(start);
  }

  @Override
  public String toString() {
    return CLI.format(start);
  }

  @Override
  public int compareTo(Hour other) {
    return start.compareTo(other.start);
  }
}
