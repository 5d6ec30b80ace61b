package io.hourglass.common.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * DataFrame equality for small Datasets: schema first (names and types, nullability ignored), then
 * rows, order-insensitive, with a side-by-side diff of what differs.
 */
public final class DataFrameAssert {
  private DataFrameAssert() {}

  public static void assertSmallDatasetEquality(Dataset<Row> expected, Dataset<Row> actual) {
    assertSchemaEquality(expected.schema(), actual.schema());
    List<String> want = render(expected);
    List<String> got = render(actual);
    if (!want.equals(got)) {
      StringBuilder sb = new StringBuilder("rows differ (expected | actual), sorted:\n");
      int n = Math.max(want.size(), got.size());
      for (int i = 0; i < n; i++) {
        String w = i < want.size() ? want.get(i) : "<none>";
        String g = i < got.size() ? got.get(i) : "<none>";
        sb.append(w.equals(g) ? "   " : "!! ").append(w).append("  |  ").append(g).append('\n');
      }
      fail(sb.toString());
    }
  }

  public static void assertSchemaEquality(StructType expected, StructType actual) {
    List<String> want = fields(expected);
    List<String> got = fields(actual);
    if (!want.equals(got)) {
      fail("schemas differ\n  expected: " + want + "\n  actual:   " + got);
    }
  }

  private static List<String> fields(StructType s) {
    List<String> out = new ArrayList<>();
    for (StructField f : s.fields()) {
      out.add(f.name() + ":" + f.dataType().simpleString());
    }
    return out;
  }

  private static List<String> render(Dataset<Row> ds) {
    List<String> rows = new ArrayList<>();
    for (Row r : ds.collectAsList()) {
      rows.add(r.toString());
    }
    rows.sort(Comparator.naturalOrder());
    return rows;
  }
}
