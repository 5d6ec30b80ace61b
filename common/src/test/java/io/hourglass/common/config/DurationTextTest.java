package io.hourglass.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {
  @Test
  void writesTheLargestUnitThatIsExact() {
    assertEquals("2h", DurationText.of(Duration.ofHours(2)));
    assertEquals("90m", DurationText.of(Duration.ofMinutes(90)));
    assertEquals("-5m", DurationText.of(Duration.ofMinutes(-5)));
    assertEquals("45s", DurationText.of(Duration.ofSeconds(45)));
    assertEquals("1500ms", DurationText.of(Duration.ofMillis(1500)));
    assertEquals("0m", DurationText.of(Duration.ZERO));
  }

  @Test
  void aBadDurationSettingIsShownAsItIsWritten() {
    BadConfigException e = BadConfigException.of("k", Duration.ofMinutes(-5), "must not be negative");
    assertEquals("k = '-5m': must not be negative", e.getMessage());
  }
}
