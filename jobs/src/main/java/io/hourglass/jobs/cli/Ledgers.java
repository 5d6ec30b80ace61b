package io.hourglass.jobs.cli;

import io.hourglass.common.config.BadConfigException;
import io.hourglass.common.config.HourglassConfig;
import io.hourglass.common.config.Settings;
import io.hourglass.common.ledger.JdbcRunLedger;
import io.hourglass.common.ledger.LedgerSettings;
import java.nio.file.Paths;
import java.util.Map;

/** Opens the run ledger the configuration names: embedded H2 under the state folder, or PostgreSQL. */
final class Ledgers {
  private Ledgers() {}

  static JdbcRunLedger open(HourglassConfig config, Settings settings, Map<String, String> env) {
    HourglassConfig.LedgerConfig c = config.ledger();
    LedgerSettings ls;
    try {
      ls = c.url().isEmpty()
          ? LedgerSettings.embedded(Paths.get(settings.stateDir()), c.lease())
          : new LedgerSettings(c.url(), c.user().isEmpty() ? null : c.user(), env.get(c.passwordEnv()), c.lease());
    } catch (IllegalArgumentException e) {
      throw new BadConfigException("hourglass.ledger: " + e.getMessage());
    }
    return JdbcRunLedger.open(ls);
  }
}
