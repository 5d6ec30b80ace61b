package io.hourglass.jobs.cli;

import io.hourglass.common.config.BadConfigException;
import io.hourglass.common.config.HourglassConfig;
import io.hourglass.common.config.Settings;
import io.hourglass.common.ledger.JdbcRunLedger;
import io.hourglass.common.ledger.LedgerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

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

  /**
   * The ledger for a command that only reads it ({@code status}, {@code size}): empty when it is the embedded
   * file and that file does not exist, instead of creating an empty ledger in a mistyped state folder (opening
   * creates it, and the next run would then keep its history apart from the real one).
   */
  static Optional<JdbcRunLedger> openToRead(HourglassConfig config, Settings settings, Map<String, String> env) {
    if (config.ledger().url().isEmpty() && !Files.exists(embeddedFile(settings))) {
      return Optional.empty();
    }
    return Optional.of(open(config, settings, env));
  }

  /** Where the embedded ledger's file is (or would be). */
  static Path embeddedFile(Settings settings) {
    return Paths.get(settings.stateDir()).resolve(LedgerSettings.EMBEDDED_NAME + ".mv.db");
  }

  /**
   * The warning for a run whose ledger is the embedded file while Spark runs on a cluster (spark-submit on
   * EMR, Glue): the file lives in the driver's container and goes with it, and so do the run history the
   * sizer and status read and the double-fire guard. Empty when the ledger is a database or Spark is local.
   */
  static Optional<String> ephemeralLedgerWarning(HourglassConfig config, Settings settings, String master) {
    if (!config.ledger().url().isEmpty() || master == null || master.startsWith("local")) {
      return Optional.empty();
    }
    return Optional.of("hourglass: warning: the run ledger is the embedded file under " + settings.stateDir()
        + " on the driver (master " + master + "): it goes with the driver's container, and with it the run history "
        + "and the double-fire guard; set hourglass.ledger.url (PostgreSQL) for a durable one");
  }

  /** The ledger, and what was made while it opened. */
  record Opened<T>(JdbcRunLedger ledger, T value) {}

  /**
   * {@link #open} on another thread while {@code meanwhile} (starting Spark, about 2 s) runs on this one:
   * opening and migrating the embedded ledger takes about 0.7 s that a run then does not wait for. A
   * failure of either is thrown as it is; a ledger opened for a run whose {@code meanwhile} failed is closed.
   */
  static <T> Opened<T> openWhile(HourglassConfig config, Settings settings, Map<String, String> env, Supplier<T> meanwhile) {
    // Logging set up here first: Flyway logs as the ledger opens, and if that thread met SLF4J still being set
    // up by Spark on this one, SLF4J printed two dozen lines of "substitute loggers" warnings on stderr.
    LoggerFactory.getILoggerFactory();
    FutureTask<JdbcRunLedger> opening = new FutureTask<>(() -> open(config, settings, env));
    Thread thread = new Thread(opening, "hourglass-ledger-open");
    thread.setContextClassLoader(Thread.currentThread().getContextClassLoader()); // spark-submit's loader sees the migrations
    thread.setDaemon(true);
    thread.start();
    T value;
    try {
      value = meanwhile.get();
    } catch (RuntimeException | Error e) {
      try {
        await(opening).close();
      } catch (RuntimeException | Error ignored) {
        // the ledger's own failure is secondary to the one being thrown
      }
      throw e;
    }
    return new Opened<>(await(opening), value);
  }

  private static JdbcRunLedger await(FutureTask<JdbcRunLedger> opening) {
    try {
      return opening.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while opening the run ledger", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
