package io.hourglass.jobs.ingest;

import io.hourglass.common.BuildInfo;
import io.hourglass.common.RunFailedException;
import io.hourglass.common.config.BadConfigException;
import io.hourglass.common.config.Hour;
import io.hourglass.common.io.InputDrift;
import io.hourglass.common.io.InputFile;
import io.hourglass.common.ledger.AlreadyRunningException;
import io.hourglass.common.ledger.JdbcRunLedger;
import io.hourglass.common.ledger.LeaseLostException;
import io.hourglass.common.ledger.RunRow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * Ingests a range of hours inside one SparkSession, at most {@code parallelism} at once (each in its
 * own FAIR scheduler pool), skipping hours the ledger says already succeeded with this code and schema
 * version and whose folder holds what their run read (unless forced), retrying transient failures with bounded
 * exponential backoff. Resumable: running it again finishes what is left.
 */
public final class Backfill {
  /** What became of one hour. */
  public enum State { SKIPPED, SUCCEEDED, EMPTY, FAILED }

  public record HourOutcome(Hour hour, State state, int attempts, String error, Duration took) {}

  /** Told as hours start and finish, from worker threads. */
  public interface Listener {
    void planned(int total, int skipped);

    void started(Hour hour, int attempt);

    void finished(HourOutcome outcome);
  }

  public record Options(int parallelism, boolean force, int retries, Duration backoff, Duration maxBackoff) {
    public Options {
      if (parallelism < 1) {
        throw BadConfigException.of("--parallelism", parallelism, "must be at least 1");
      }
      if (retries < 0) {
        throw BadConfigException.of("--retries", retries, "must not be negative");
      }
    }
  }

  /** From how many hours done before the comparison of their folders is announced. */
  private static final int COMPARISONS_TOLD = 48;

  private final SparkSession spark;
  private final IngestJob job;
  private final JdbcRunLedger ledger;
  private final int schemaVersion;
  private final Options options;
  private final Clock clock;
  private final Listener listener;
  private final Consumer<String> progress;
  private final long sessionStartupMs;

  /**
   * @param sessionStartupMs how long the backfill's SparkSession took to start: recorded with every hour it runs, as
   *     each would have paid it run on its own, so that the sizer's fixed cost is not fitted to hours that paid none
   */
  public Backfill(SparkSession spark, IngestJob job, JdbcRunLedger ledger, int schemaVersion, Options options, Clock clock,
      Listener listener, Consumer<String> progress, long sessionStartupMs) {
    this.spark = spark;
    this.job = job;
    this.ledger = ledger;
    this.schemaVersion = schemaVersion;
    this.options = options;
    this.clock = clock;
    this.listener = listener;
    this.progress = progress;
    this.sessionStartupMs = sessionStartupMs;
  }

  /**
   * Every hour from {@code from} to {@code to}, both included. Hours that have not begun at {@code now} are refused: a
   * typo such as {@code --to 2099-01-01T00} would otherwise record hundreds of thousands of empty hours.
   */
  public static List<Hour> hours(Hour from, Hour to, Instant now) {
    if (to.compareTo(from) < 0) {
      throw new BadConfigException("--to " + to + " is before --from " + from);
    }
    Hour current = Hour.of(now);
    if (to.compareTo(current) > 0) {
      throw new BadConfigException("--to " + to + " has not begun (the current hour is " + current + ")");
    }
    List<Hour> out = new ArrayList<>();
    for (Hour h = from; h.compareTo(to) <= 0; h = h.plusHours(1)) {
      out.add(h);
    }
    return out;
  }

  /** Whether {@code latest} already did this hour's work with this code and schema. */
  public static boolean alreadyDone(Optional<RunRow> latest, String codeVersion, int schemaVersion) {
    return latest.isPresent()
        && "succeeded".equals(latest.get().status())
        && codeVersion.equals(latest.get().metrics().codeVersion())
        && latest.get().metrics().schemaVersion() == schemaVersion;
  }

  /**
   * Whether an hour already done is run again because its folder changed since: objects that arrived after its run
   * (Firehose's late deliveries) are taken in; objects gone from it (a retention rule) never make it run, as that would
   * replace the hour with less than it holds, and are told instead.
   */
  private boolean runAgainFor(Hour h, IngestJob.Published published) {
    InputDrift drift = published.drift();
    if (published.format() != null && !published.format().equals(job.formatName())) {
      // The dataset's format changed since: the hour is rewritten in the new one, or the table would hold both;
      // but never from less than its run read (a retention rule removed raw objects): that is told, not done.
      if (drift.manifestFound() && !drift.gone().isEmpty()) {
        progress.accept(String.format("%s: written as %s, the dataset now writes %s, but %d object(s) its run read are"
                + " gone from its folder (%s, ...); not rewritten from less than it holds (--force does that)", h,
            published.format(), job.formatName(), drift.gone().size(), name(drift.gone().get(0))));
        return false;
      }
      progress.accept(String.format("%s: written as %s, the dataset now writes %s; running it again", h, published.format(),
          job.formatName()));
      return true;
    }
    if (drift.unchanged()) {
      return false;
    }
    if (!drift.manifestFound()) {
      progress.accept(h + ": its manifest is gone from the table; running it again");
      return true;
    }
    if (drift.grew()) {
      progress.accept(String.format("%s: %d object(s) arrived in its folder after its run (%s, ...); running it again", h,
          drift.arrived().size(), name(drift.arrived().get(0))));
      return true;
    }
    progress.accept(String.format("%s: %d object(s) its run read are gone from its folder (%s, ...); skipped, so that the"
        + " hour is not replaced by less (--force replaces it with what is left)", h, drift.gone().size(), name(drift.gone().get(0))));
    return false;
  }

  private static String name(InputFile f) {
    return f.path().substring(f.path().lastIndexOf('/') + 1);
  }

  public List<HourOutcome> run(List<Hour> hours) {
    List<Hour> todo = new ArrayList<>();
    List<HourOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    List<Hour> done = new ArrayList<>();
    for (Hour h : hours) {
      if (!options.force() && alreadyDone(ledger.latest(RecordedIngest.JOB, job.datasetName(), h.start()), BuildInfo.version(),
          schemaVersion)) {
        done.add(h);
      } else {
        todo.add(h);
      }
    }
    if (done.size() >= COMPARISONS_TOLD) { // one listing and one manifest read each: on S3, a minute for a month of hours
      progress.accept("comparing the folders of " + done.size() + " hours done before with what their runs read");
    }
    for (Hour h : done) {
      if (runAgainFor(h, job.sincePublished(h))) {
        todo.add(h);
      } else {
        outcomes.add(new HourOutcome(h, State.SKIPPED, 0, null, Duration.ZERO));
      }
    }
    todo.sort(Hour::compareTo);
    listener.planned(hours.size(), outcomes.size());
    ExecutorService pool = Executors.newFixedThreadPool(options.parallelism(), r -> {
      Thread t = new Thread(r);
      t.setName("backfill-" + t.getId());
      t.setDaemon(true);
      return t;
    });
    AtomicInteger slot = new AtomicInteger();
    // Recorded with each run so the sizer can leave out hours that shared the session's cores; one hour to run,
    // or --parallelism 1, shares nothing whatever the option says.
    int atOnce = Math.max(1, Math.min(options.parallelism(), todo.size()));
    List<Future<?>> futures = new ArrayList<>(); // in the order of todo
    for (Hour h : todo) {
      futures.add(pool.submit(() -> {
        // Each concurrent hour gets an equal share of the executors (FAIR scheduling between pools).
        spark.sparkContext().setLocalProperty("spark.scheduler.pool", "backfill-" + (slot.getAndIncrement() % options.parallelism()));
        HourOutcome o = runHour(h, atOnce);
        outcomes.add(o);
        listener.finished(o);
      }));
    }
    pool.shutdown();
    for (int i = 0; i < futures.size(); i++) {
      try {
        futures.get(i).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        pool.shutdownNow();
        break;
      } catch (java.util.concurrent.ExecutionException e) {
        // runHour records every Exception; what reaches here is an Error or a listener's failure. The hour is still
        // counted, as failed unless its outcome was recorded before the listener threw.
        Hour h = todo.get(i);
        progress.accept("backfill worker for " + h + " failed: " + e.getCause());
        synchronized (outcomes) {
          if (outcomes.stream().noneMatch(o -> o.hour().equals(h))) {
            outcomes.add(new HourOutcome(h, State.FAILED, 1, String.valueOf(e.getCause()), Duration.ZERO));
          }
        }
      }
    }
    List<HourOutcome> sorted = new ArrayList<>(outcomes);
    sorted.sort((a, b) -> a.hour().compareTo(b.hour()));
    return sorted;
  }

  private HourOutcome runHour(Hour h, int atOnce) {
    Instant t0 = clock.instant();
    RecordedIngest recorded = new RecordedIngest(ledger, clock, progress, atOnce);
    for (int attempt = 1; ; attempt++) {
      listener.started(h, attempt);
      try {
        IngestJob.Result r = recorded.run(job, h, sessionStartupMs);
        return new HourOutcome(h, r.empty() ? State.EMPTY : State.SUCCEEDED, attempt, null, Duration.between(t0, clock.instant()));
      } catch (Exception e) { // Spark's job failures are SparkException: checked, undeclared, and as much a failure
        String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        if (!transient_(e) || attempt > options.retries()) {
          return new HourOutcome(h, State.FAILED, attempt, error, Duration.between(t0, clock.instant()));
        }
        long wait = Math.min(options.maxBackoff().toMillis(), options.backoff().toMillis() << (attempt - 1));
        progress.accept(String.format("%s attempt %d failed (%s); retrying in %.1f s", h, attempt, error, wait / 1000.0));
        try {
          Thread.sleep(wait);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return new HourOutcome(h, State.FAILED, attempt, "interrupted", Duration.between(t0, clock.instant()));
        }
      }
    }
  }

  /** Bad input, bad settings, balance failures and lock conflicts are not cured by retrying. */
  static boolean transient_(Exception e) {
    return !(e instanceof RunFailedException || e instanceof BadConfigException || e instanceof AlreadyRunningException
        || e instanceof LeaseLostException || e instanceof IllegalArgumentException);
  }
}
