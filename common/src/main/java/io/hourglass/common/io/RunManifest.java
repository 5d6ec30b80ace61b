package io.hourglass.common.io;

import java.util.List;
import java.util.Map;

/**
 * What one run did, written as JSON LAST, after the data: a reader that trusts manifests sees an hour
 * only once it is complete. Field names are written in snake_case.
 */
public record RunManifest(
    String dataset,
    String table,
    String hour,
    String runId,
    String status,
    Accounts records,
    Map<String, Long> quarantinedByReason,
    Input input,
    Output output,
    Schemas schema,
    String codeVersion,
    String startedAt,
    String finishedAt,
    long durationMs,
    SparkInfo spark) {

  /** read = written + quarantined + duplicates; blank lines are counted apart and are not records. */
  public record Accounts(long read, long written, long quarantined, long duplicates, long blankLines) {
    public boolean balanced() {
      return read == written + quarantined + duplicates;
    }
  }

  public record Input(String folder, int fileCount, long bytes, long largestFileBytes, List<InputFile> files) {}

  /** Output locations and the rows counted back from storage in each owned directory. */
  public record Output(String format, String table, Map<String, Long> directories, String quarantine,
      Map<String, Long> quarantineDirectories, String committer) {}

  public record Schemas(String raw, String table, int version) {}

  public record SparkInfo(String master, String appId, int defaultParallelism, int executors) {}
}
