package io.hourglass.common.transform;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A pure step {@code Dataset<Row> -> Dataset<Row>}: no reads, writes, actions or SparkSession.
 * One method, so a lambda is a transform and {@link #andThen} chains them.
 */
@FunctionalInterface
public interface Transform {
  Dataset<Row> apply(Dataset<Row> input);

  default Transform andThen(Transform next) {
    return input -> next.apply(apply(input));
  }

  /** Runs {@code steps} in order. */
  static Transform chain(List<Transform> steps) {
    Transform result = input -> input;
    for (Transform step : steps) {
      result = result.andThen(step);
    }
    return result;
  }
}
