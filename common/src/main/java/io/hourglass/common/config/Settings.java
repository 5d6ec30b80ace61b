package io.hourglass.common.config;

/**
 * Settings shared by every job: where raw data lands, where tables go, local state, catalog, Spark.
 *
 * @param rawRoot URI of the raw root (local paths are made absolute {@code file:} URIs)
 * @param warehouse URI of the warehouse root
 * @param stateDir local folder for the embedded ledger and metastore
 */
public record Settings(String rawRoot, String warehouse, String stateDir, CatalogSettings catalog, SparkSettings spark) {
  public Settings {
    rawRoot = Locations.normalize("hourglass.raw-root", rawRoot);
    warehouse = Locations.normalize("hourglass.warehouse", warehouse);
    if (stateDir == null || stateDir.isBlank()) {
      throw BadConfigException.of("hourglass.state-dir", stateDir, "must not be empty");
    }
    stateDir = java.nio.file.Paths.get(stateDir).toAbsolutePath().normalize().toString();
  }

  /**
   * @param enabled register tables and partitions after each successful run
   * @param database the catalog database
   */
  public record CatalogSettings(boolean enabled, String database) {
    public CatalogSettings {
      if (database == null || !database.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw BadConfigException.of("hourglass.catalog.database", database, "must be a plain identifier");
      }
    }
  }
}
