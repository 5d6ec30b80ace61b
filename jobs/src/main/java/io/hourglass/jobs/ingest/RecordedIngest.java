package io.hourglass.jobs.ingest;

import io.hourglass.common.BuildInfo;
import io.hourglass.common.config.Hour;
import io.hourglass.common.ledger.JdbcRunLedger;
import io.hourglass.common.ledger.LeaseLostException;
import io.hourglass.common.ledger.LedgerUnavailableException;
import io.hourglass.common.ledger.RunClaim;
import io.hourglass.common.ledger.RunKey;
import io.hourglass.common.ledger.RunMetrics;
import io.hourglass.common.ledger.UnreachableRetry;
import io.hourglass.common.io.RunManifest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One ingest run under the ledger: claims the hour (a second run of the same hour is refused), keeps
 * the claim alive with a heartbeat every lease/3, and records the outcome (succeeded, empty or failed
 * with its error) together with what the sizer needs for calibration.
 */
public final class RecordedIngest {
  public static final String JOB = "ingest";
  /** How long the end of a run waits for a heartbeat in flight (a statement against the ledger). */
  private static final Duration HEARTBEAT_WAIT = Duration.ofMinutes(1);

  private final JdbcRunLedger ledger;
  private final Clock clock;
  private final Consumer<String> progress;
  /** How many hours the session runs at once (a backfill's parallelism), recorded so the sizer can leave them out. */
  private final int concurrentHours;

  public RecordedIngest(JdbcRunLedger ledger, Clock clock, Consumer<String> progress) {
    this(ledger, clock, progress, 1);
  }

  public RecordedIngest(JdbcRunLedger ledger, Clock clock, Consumer<String> progress, int concurrentHours) {
    if (concurrentHours < 1) {
      throw new IllegalArgumentException("Concurrent hours must be at least 1, cannot be: " + concurrentHours);
    }
    this.ledger = ledger;
    this.clock = clock;
    this.progress = progress;
    this.concurrentHours = concurrentHours;
  }

  /**
   * @param startupMs time spent making the SparkSession before this run, recorded for the sizer
   */
  public IngestJob.Result run(IngestJob job, Hour hour, long startupMs) {
    String runId = hour.id() + "-" + UUID.randomUUID().toString().substring(0, 8);
    RunClaim claim = ledger.claim(new RunKey(JOB, job.datasetName(), hour.start()), runId, clock.instant());
    AtomicReference<RunClaim> current = new AtomicReference<>(claim);
    AtomicReference<LeaseLostException> lost = new AtomicReference<>();
    ScheduledExecutorService heart = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ledger-heartbeat-" + runId);
      t.setDaemon(true);
      return t;
    });
    long every = Math.max(200, ledger.settings().lease().toMillis() / 3);
    heart.scheduleAtFixedRate(() -> {
      try {
        current.set(ledger.heartbeat(current.get(), clock.instant()));
      } catch (LeaseLostException e) {
        lost.compareAndSet(null, e);
        progress.accept("ledger heartbeat: " + e.getMessage());
      } catch (RuntimeException e) { // the ledger out of reach for a moment: the lease still holds, the next beat may land
        progress.accept("ledger heartbeat failed (" + e.getMessage() + "); the lease holds until " + current.get().leaseUntil());
      }
    }, every, every, TimeUnit.MILLISECONDS);
    Instant started = clock.instant();
    try {
      IngestJob.Result result = job.run(hour, runId, () -> stillOurs(current));
      stop(heart);
      if (lost.get() != null) {
        throw lost.get();
      }
      uninterrupted(() -> UnreachableRetry.write("the outcome of run " + runId, () -> {
        if (result.empty()) {
          ledger.empty(current.get(), clock.instant());
        } else {
          ledger.succeeded(current.get(), metrics(result.manifest().orElseThrow(), startupMs).sharedBy(concurrentHours),
              clock.instant());
        }
      }, outcomePatience(), progress));
      return result;
    } catch (Exception e) { // not only RuntimeException: Spark's job failures are SparkException, checked, undeclared
      stop(heart);
      try {
        long wall = Duration.between(started, clock.instant()).toMillis();
        // Once more only when the ledger has just been out of reach for the whole patience already.
        Duration patience = e instanceof LedgerUnavailableException ? Duration.ZERO : outcomePatience();
        uninterrupted(() -> UnreachableRetry.write("the failure of run " + runId,
            () -> ledger.failed(current.get(), failedMetrics(wall, startupMs).sharedBy(concurrentHours), firstLine(e),
                clock.instant()), patience, progress));
      } catch (RuntimeException recordFailure) {
        e.addSuppressed(recordFailure);
      }
      throw e;
    } catch (Error e) {
      stop(heart); // no heartbeat keeps the hour claimed for a run that is gone
      throw e;
    }
  }

  /**
   * How long the outcome of a run waits for a ledger out of reach: a third of the lease, which the last heartbeat
   * left at least two thirds of, so the hour stays this run's meanwhile.
   */
  private Duration outcomePatience() {
    return ledger.settings().lease().dividedBy(3);
  }

  /**
   * Before anything of the run becomes visible: a heartbeat now, which fails with {@link LeaseLostException} when
   * another run has taken the hour over (a lease that ran out while the ledger was out of reach), so that two runs
   * never publish the same hour. With the ledger out of reach, the run publishes only while its lease holds for a
   * third of its length more (the swap takes seconds); else it fails before publishing, and the hour is left as it was.
   */
  private void stillOurs(AtomicReference<RunClaim> current) {
    try {
      uninterrupted(() -> current.set(ledger.heartbeat(current.get(), clock.instant())));
    } catch (LedgerUnavailableException e) {
      Instant now = clock.instant();
      Duration left = Duration.between(now, current.get().leaseUntil());
      if (left.compareTo(ledger.settings().lease().dividedBy(3)) < 0) {
        progress.accept("not publishing: the ledger is out of reach and this run's lease runs out at "
            + current.get().leaseUntil() + ", too soon to be sure no other run takes the hour over meanwhile");
        throw e;
      }
      progress.accept("the ledger is out of reach (" + e.getMessage() + "); publishing under the lease held until "
          + current.get().leaseUntil());
    }
  }

  /**
   * A ledger write with the thread's interrupt flag cleared, set again after: a write on an interrupted thread
   * (a backfill being stopped, say) would close the embedded H2 ledger's file as in {@link #stop}. An interrupt
   * that arrives during the write itself still can.
   */
  private static void uninterrupted(Runnable write) {
    boolean interrupted = Thread.interrupted();
    try {
      write.run();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Stops the heartbeat and waits for one in flight. Never by interrupting it: an interrupt that lands while the
   * embedded H2 ledger writes closes its file channel under it, and the ledger is then unusable for the rest of
   * the process (a run that had succeeded failed with "cannot reach the ledger").
   */
  private void stop(ScheduledExecutorService heart) {
    heart.shutdown(); // no further heartbeats; one running now finishes
    try {
      if (!heart.awaitTermination(HEARTBEAT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        progress.accept("the ledger heartbeat has not finished after " + HEARTBEAT_WAIT.toSeconds() + " s; recording the outcome anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // kept for the caller; the ledger writes after this run without it
    }
  }

  static RunMetrics metrics(RunManifest m, long startupMs) {
    RunManifest.Accounts a = m.records();
    return new RunMetrics(m.input().fileCount(), m.input().bytes(), m.input().largestFileBytes(), a.read(), a.written(),
        a.quarantined(), a.duplicates(), a.blankLines(), m.spark().executors(), m.spark().defaultParallelism(),
        m.spark().master(), m.codeVersion(), m.schema().version(), m.durationMs(), startupMs);
  }

  private static RunMetrics failedMetrics(long wallMs, long startupMs) {
    return new RunMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, BuildInfo.version(), 0, wallMs, startupMs);
  }

  private static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.lines().findFirst().orElse(m);
  }
}
