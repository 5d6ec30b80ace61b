package io.hourglass.common.config;

/**
 * Settings shared by every job: where raw data lands, where tables go, how Spark is made.
 *
 * @param rawRoot URI of the raw root (local paths are made absolute {@code file:} URIs)
 * @param warehouse URI of the warehouse root
 */
public record Settings(String rawRoot, String warehouse, SparkSettings spark) {
  public Settings {
    rawRoot = Locations.normalize("hourglass.raw-root", rawRoot);
    warehouse = Locations.normalize("hourglass.warehouse", warehouse);
  }
}
