package io.hourglass.jobs.ingest;

import io.hourglass.common.transform.Status;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * What the single-pass ingest learns about the records it does not write to the table, collected on the
 * side of the table write through Spark accumulators: a count per status, and the survey rows
 * ({@link WebEventDecoder#surveySchema()}) of rejected records, so that the quarantine needs no second
 * read. Accumulators of a successful task count once (Spark drops those of failed and duplicate attempts),
 * and the job checks what it can against storage anyway.
 *
 * <p>Bounded: a task keeps at most {@code maxRejectedPerTask} rejected records or {@code maxBytesPerTask}
 * bytes of their text; past that it only counts, and {@link #overflowed()} tells the job to read the hour
 * the two-pass way instead. A dirty hour costs a second read; a clean one never does.
 */
public final class SideSurvey implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final List<String> STATUSES = statuses();

  private final Map<String, LongAccumulator> byStatus;
  private final CollectionAccumulator<Row> rejected;
  private final LongAccumulator overflow;
  private final int maxRejectedPerTask;
  private final long maxBytesPerTask;
  private transient int keptInTask;
  private transient long bytesInTask;

  private SideSurvey(Map<String, LongAccumulator> byStatus, CollectionAccumulator<Row> rejected, LongAccumulator overflow,
      int maxRejectedPerTask, long maxBytesPerTask) {
    this.byStatus = byStatus;
    this.rejected = rejected;
    this.overflow = overflow;
    this.maxRejectedPerTask = maxRejectedPerTask;
    this.maxBytesPerTask = maxBytesPerTask;
  }

  /** Registers fresh accumulators with {@code sc} (on the driver, before the job). */
  public static SideSurvey register(SparkContext sc, int maxRejectedPerTask, long maxBytesPerTask) {
    Map<String, LongAccumulator> counts = new LinkedHashMap<>();
    for (String s : STATUSES) {
      counts.put(s, sc.longAccumulator("hourglass records " + s));
    }
    return new SideSurvey(counts, sc.collectionAccumulator("hourglass rejected records"),
        sc.longAccumulator("hourglass rejected records not kept"), maxRejectedPerTask, maxBytesPerTask);
  }

  /** Counts a record (in a task); keeps the survey row of a rejected one while within the bounds. */
  void record(String status, String sourceFile, long lineNo, int recNo, String value, String detail, String ingestHour) {
    byStatus.get(status).add(1);
    if (!Status.REASONS.contains(status)) {
      return;
    }
    long bytes = (value == null ? 0 : value.length()) + (detail == null ? 0 : detail.length()) + 64L;
    if (keptInTask >= maxRejectedPerTask || bytesInTask + bytes > maxBytesPerTask) {
      overflow.add(1);
      return;
    }
    keptInTask++;
    bytesInTask += bytes;
    rejected.add(RowFactory.create(sourceFile, lineNo, recNo, null, value, status, detail, ingestHour));
  }

  /** Records per status, statuses with none left out (on the driver, after the job). */
  public Map<String, Long> counts() {
    Map<String, Long> m = new TreeMap<>();
    byStatus.forEach((s, acc) -> {
      if (acc.value() > 0) {
        m.put(s, acc.value());
      }
    });
    return m;
  }

  /** The survey rows of the rejected records, when {@link #overflowed()} is false. */
  public List<Row> rejected() {
    return new ArrayList<>(rejected.value());
  }

  public boolean overflowed() {
    return overflow.value() > 0;
  }

  private static List<String> statuses() {
    List<String> all = new ArrayList<>(List.of(Status.OK, Status.DUPLICATE, Status.BLANK));
    all.addAll(Status.REASONS);
    return List.copyOf(all);
  }
}
