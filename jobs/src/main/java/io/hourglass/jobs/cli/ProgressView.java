package io.hourglass.jobs.cli;

import io.hourglass.common.config.Hour;
import io.hourglass.jobs.ingest.Backfill;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Backfill progress: a one-line bar redrawn in place on a terminal, plain lines otherwise (logs, CI):
 * done / total, failed, running, and an ETA from the mean time per hour and the parallelism in use.
 */
final class ProgressView implements Backfill.Listener, AutoCloseable {
  private static final int BAR = 30;
  private final PrintStream err;
  private final boolean terminal;
  private final long startNanos = System.nanoTime();
  private final Set<Hour> running = ConcurrentHashMap.newKeySet();
  private int total;
  private int done;
  private int failed;
  private int skipped;
  private long workMillis;
  private int worked;

  ProgressView(PrintStream err, boolean terminal) {
    this.err = err;
    this.terminal = terminal;
  }

  @Override
  public synchronized void planned(int total, int skipped) {
    this.total = total;
    this.skipped = skipped;
    this.done = skipped;
    err.printf("[backfill] %d hours, %d already done with this code and schema version, %d to run%n", total, skipped, total - skipped);
    draw(null);
  }

  @Override
  public synchronized void started(Hour hour, int attempt) {
    running.add(hour);
    draw(null);
  }

  @Override
  public synchronized void finished(Backfill.HourOutcome o) {
    running.remove(o.hour());
    done++;
    if (o.state() == Backfill.State.FAILED) {
      failed++;
    } else {
      workMillis += o.took().toMillis();
      worked++;
    }
    String what = o.hour() + " " + o.state().name().toLowerCase(java.util.Locale.ROOT)
        + (o.error() == null ? "" : ": " + o.error()) + String.format(" (%.1f s)", o.took().toMillis() / 1000.0);
    draw(what);
  }

  synchronized void note(String line) {
    if (terminal) {
      err.print("\r\033[K");
    }
    err.println("[backfill] " + line);
    draw(null);
  }

  private void draw(String event) {
    int remaining = total - done;
    String eta = "?";
    if (worked > 0) {
      long perHour = workMillis / worked;
      int lanes = Math.max(1, Math.min(Math.max(1, running.size()), Math.max(1, remaining)));
      eta = format(Duration.ofMillis(perHour * remaining / lanes));
    }
    String status = String.format("%d/%d done, %d failed, %d running, ETA %s", done, total, failed, running.size(),
        remaining == 0 ? "0s" : eta);
    if (terminal) {
      int filled = total == 0 ? BAR : (int) ((long) BAR * done / total);
      err.print("\r\033[K[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "] " + status);
      if (event != null && event.contains("failed")) {
        err.print("\r\033[K" + event + "\n");
      }
      err.flush();
    } else if (event != null) {
      err.println("[backfill] " + event + "; " + status);
    }
  }

  private static String format(Duration d) {
    long s = d.toSeconds();
    return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
        : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
  }

  @Override
  public synchronized void close() {
    if (terminal) {
      err.println();
    }
    err.printf("[backfill] finished in %s%n", format(Duration.ofNanos(System.nanoTime() - startNanos)));
  }
}
