package io.hourglass.jobs.sizing;

import io.hourglass.common.ledger.RunRow;
import io.hourglass.common.sizer.Observation;
import java.util.ArrayList;
import java.util.List;

/** The ledger's recorded ingest runs as the sizer's observations (pure). */
public final class IngestSizing {
  private IngestSizing() {}

  /**
   * Oldest first, as the sizer wants them. Runs that recorded no input or no executors (e.g. from
   * before the ledger recorded them) are left out rather than guessed, and so are a backfill's hours run
   * several at once in one session: each had only a share of the cores it recorded, so its wall time would
   * make every core look slower than it is.
   *
   * @param newestFirst succeeded runs, newest first (as the ledger returns them)
   */
  public static List<Observation> observations(List<RunRow> newestFirst) {
    List<Observation> out = new ArrayList<>();
    for (int i = newestFirst.size() - 1; i >= 0; i--) {
      RunRow r = newestFirst.get(i);
      var m = r.metrics();
      if (m.inputBytes() <= 0 || m.inputFiles() <= 0 || m.executors() <= 0 || m.cores() <= 0 || m.wallMs() <= 0
          || m.concurrentHours() > 1) {
        continue;
      }
      int coresPerExecutor = Math.max(1, m.cores() / m.executors());
      // The ledger's wall time is the job's, from the manifest (it starts once the SparkSession is up); the deadline
      // is about the whole run, so the session's start, recorded beside it, is added back.
      double startup = Math.max(0, m.startupMs() / 1000.0);
      double wall = m.wallMs() / 1000.0 + startup;
      out.add(new Observation(m.inputBytes(), (int) m.inputFiles(), Math.min(m.largestFileBytes(), m.inputBytes()),
          m.executors(), coresPerExecutor, wall, startup));
    }
    return out;
  }
}
