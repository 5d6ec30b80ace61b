package io.hourglass.jobs.cli;

import io.hourglass.common.config.DatasetSettings;
import io.hourglass.common.io.RunManifest;
import io.hourglass.jobs.ingest.IngestJob;
import java.io.PrintStream;
import java.util.Map;

/** The short, human summary of an ingest run that the commands print. */
final class Summary {
  private Summary() {}

  static void print(PrintStream out, DatasetSettings ds, IngestJob job, IngestJob.Result result) {
    if (result.empty()) {
      out.printf("ingest %s %s: empty hour, no input in %s; nothing written%n", ds.name(), result.hour(), result.input().folder());
      return;
    }
    RunManifest m = result.manifest().orElseThrow();
    RunManifest.Accounts a = m.records();
    out.printf("ingest %s %s: %s in %.1f s (run %s)%n", ds.name(), result.hour(), m.status(), m.durationMs() / 1000.0, m.runId());
    out.printf("  input       %d files, %d bytes, from %s%n", m.input().fileCount(), m.input().bytes(), m.input().folder());
    out.printf("  records     read %d = written %d + quarantined %d + duplicates %d   (blank lines %d)%n",
        a.read(), a.written(), a.quarantined(), a.duplicates(), a.blankLines());
    if (!m.quarantinedByReason().isEmpty()) {
      StringBuilder sb = new StringBuilder();
      m.quarantinedByReason().forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
      out.printf("  rejects     %s%n", sb);
    }
    out.printf("  table       %s (%s), %d partition directories:%n", m.output().table(), m.output().format(),
        m.output().directories().size());
    for (Map.Entry<String, Long> d : m.output().directories().entrySet()) {
      out.printf("                %-50s %8d rows%n", d.getKey(), d.getValue());
    }
    out.printf("  quarantine  %s%n", m.output().quarantine());
    out.printf("  manifest    %s%n", result.manifestPath().orElse("-"));
  }
}
