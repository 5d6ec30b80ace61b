package io.hourglass.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.config.HourglassConfig;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which ledger a run opens, and the warning for an embedded one under a cluster's driver. */
class LedgersTest {
  private static HourglassConfig config(String... sets) {
    return HourglassConfig.load(Optional.of("web_events"), Optional.empty(), List.of(sets));
  }

  @Test
  void anEmbeddedLedgerOnAClusterDriverIsWarnedAboutNamingTheFixButNotLocallyOrWithADatabase() {
    HourglassConfig embedded = config("state-dir=/mnt/state");
    String warning = Ledgers.ephemeralLedgerWarning(embedded, embedded.settings(), "yarn").orElseThrow();
    assertTrue(warning.startsWith("hourglass: warning: the run ledger is the embedded file under /mnt/state"), warning);
    assertTrue(warning.contains("master yarn") && warning.contains("set hourglass.ledger.url"), warning);
    assertEquals(1, warning.lines().count(), warning);

    assertEquals(Optional.empty(), Ledgers.ephemeralLedgerWarning(embedded, embedded.settings(), "local[2]"));
    assertEquals(Optional.empty(), Ledgers.ephemeralLedgerWarning(embedded, embedded.settings(), "local"));
    HourglassConfig postgres = config("ledger.url=jdbc:postgresql://db.internal:5432/hourglass");
    assertEquals(Optional.empty(), Ledgers.ephemeralLedgerWarning(postgres, postgres.settings(), "yarn"));
  }
}
