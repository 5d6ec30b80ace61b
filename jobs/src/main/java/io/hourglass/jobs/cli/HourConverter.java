package io.hourglass.jobs.cli;

import io.hourglass.common.config.Hour;
import java.time.Instant;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code YYYY-MM-DDTHH} (UTC), or {@code last} for the last complete hour (handy in Glue and cron triggers). */
final class HourConverter implements ITypeConverter<Hour> {
  @Override
  public Hour convert(String value) {
    if ("last".equalsIgnoreCase(value.trim())) {
      return Hour.of(Instant.now()).plusHours(-1);
    }
    try {
      return Hour.parse(value);
    } catch (RuntimeException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
