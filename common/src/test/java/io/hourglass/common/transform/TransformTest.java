package io.hourglass.common.transform;

import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.hourglass.common.testing.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Order is observable without running anything: each step appends a column. */
class TransformTest {
  private static final Dataset<Row> INPUT = SparkTestSession.get()
      .createDataFrame(List.of(), new StructType().add("x", DataTypes.StringType));

  private static Transform adds(String column, List<String> log) {
    return in -> {
      log.add(column);
      return in.withColumn(column, lit(column));
    };
  }

  @Test
  void andThenRunsThisFirstThenNext() {
    List<String> log = new ArrayList<>();
    Transform a = adds("a", log);
    Transform b = adds("b", log);
    assertEquals(List.of("x", "a", "b"), List.of(a.andThen(b).apply(INPUT).columns()));
    assertEquals(List.of("x", "b", "a"), List.of(b.andThen(a).apply(INPUT).columns()));
    assertEquals(List.of("a", "b", "b", "a"), log);
  }

  @Test
  void chainRunsStepsInListOrder() {
    List<String> log = new ArrayList<>();
    Transform chained = Transform.chain(List.of(adds("c", log), adds("a", log), adds("b", log)));
    assertEquals(List.of(), log, "chaining runs nothing");
    assertEquals(List.of("x", "c", "a", "b"), List.of(chained.apply(INPUT).columns()));
    assertEquals(List.of("c", "a", "b"), log);
  }

  @Test
  void emptyChainIsIdentity() {
    assertSame(INPUT, Transform.chain(List.of()).apply(INPUT));
  }
}
