package io.hourglass.common.config;

/** How a dataset's raw objects are laid out ({@code hourglass.datasets.<name>.input.format}). */
public enum InputFormat {
  /** One JSON object per line (Firehose's own output); records concatenated as {@code }{} are split. */
  JSON_LINES,
  /** RFC 4180 comma-separated values, shaped by {@code input.csv}. */
  CSV,
  /** Tab-separated values: CSV with the delimiter fixed to TAB; quoting as in {@code input.csv}. */
  TSV;

  /** True for the formats read by the delimited reader (one record may span lines). */
  public boolean delimited() {
    return this != JSON_LINES;
  }
}
