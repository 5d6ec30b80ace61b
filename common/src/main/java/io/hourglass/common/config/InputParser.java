package io.hourglass.common.config;

/** How JSON-lines records become classified rows ({@code hourglass.datasets.<name>.input.parser}). */
public enum InputParser {
  /** One pass per record in plain Java straight into Spark's internal rows (a DataSource V2 scan): the default. */
  FAST,
  /**
   * Spark's own functions over a DataFrame of raw lines: the reference the fast parser is tested against
   * record for record, kept selectable for a case where the two ever disagree.
   */
  SPARK
}
