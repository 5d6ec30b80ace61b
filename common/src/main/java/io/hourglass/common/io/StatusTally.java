package io.hourglass.common.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.hourglass.common.schema.RawRecords;
import io.hourglass.common.transform.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Every count of a run from ONE aggregation over the classified records (Deequ-style: many metrics,
 * one scan), plus the names of damaged files, which ride along in the same pass.
 *
 * @param byStatus records per {@link Status} value
 * @param corruptFiles "file: error" for each object that could not be read to its end
 */
public record StatusTally(Map<String, Long> byStatus, List<String> corruptFiles) {

  public static StatusTally of(Dataset<Row> classified) {
    List<Row> rows = classified
        .groupBy(col(Status.COLUMN))
        .agg(count(lit(1)),
            collect_set(when(col(Status.COLUMN).equalTo(Status.CORRUPT_FILE),
                concat_ws(": ", col(RawRecords.SOURCE_FILE), col(Status.DETAIL)))))
        .collectAsList();
    Map<String, Long> byStatus = new TreeMap<>();
    List<String> corrupt = new ArrayList<>();
    for (Row r : rows) {
      byStatus.put(r.getString(0), r.getLong(1));
      corrupt.addAll(r.getList(2));
    }
    corrupt.sort(null);
    return new StatusTally(Map.copyOf(byStatus), List.copyOf(corrupt));
  }

  public long get(String status) {
    return byStatus.getOrDefault(status, 0L);
  }

  public long quarantined() {
    return Status.REASONS.stream().mapToLong(this::get).sum();
  }

  /** Quarantined records by reason, reasons with none left out. */
  public Map<String, Long> quarantinedByReason() {
    Map<String, Long> m = new TreeMap<>();
    for (String reason : Status.REASONS) {
      if (get(reason) > 0) {
        m.put(reason, get(reason));
      }
    }
    return m;
  }

  /** Records read: everything but blank lines. */
  public long read() {
    return byStatus.entrySet().stream().filter(e -> !e.getKey().equals(Status.BLANK)).mapToLong(Map.Entry::getValue).sum();
  }
}
