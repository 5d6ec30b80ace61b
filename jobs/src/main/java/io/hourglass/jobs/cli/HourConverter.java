package io.hourglass.jobs.cli;

import io.hourglass.common.config.Hour;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code YYYY-MM-DDTHH} (UTC), or {@code last} (handy in Glue and cron triggers), as an {@link HourArg}. */
final class HourConverter implements ITypeConverter<HourArg> {
  @Override
  public HourArg convert(String value) {
    if ("last".equalsIgnoreCase(value.trim())) {
      return HourArg.LAST;
    }
    try {
      return new HourArg(Hour.parse(value));
    } catch (RuntimeException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
