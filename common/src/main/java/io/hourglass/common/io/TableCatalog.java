package io.hourglass.common.io;

import io.hourglass.common.config.TableFormat;
import io.hourglass.common.io.HiveCatalog.Partition;
import io.hourglass.common.schema.Ddl;
import io.hourglass.common.schema.TableSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Keeps a table's catalog entry in step with storage: creates the table from its contract (the Hive
 * DDL that {@code hourglass ddl --dialect hive} prints), registers an hour's partitions after a run,
 * and reconciles everything on demand ({@code hourglass catalog sync}).
 */
public final class TableCatalog {
  private final SparkSession spark;
  private final HiveCatalog catalog;

  public TableCatalog(SparkSession spark, String database) {
    this.spark = spark;
    this.catalog = new HiveCatalog(spark, database);
  }

  /** The table as stored: name, root URI, format, partition columns (owner last), contract. */
  public record TableDef(String name, String root, TableFormat format, List<String> partitionColumns, TableSchema schema) {}

  /**
   * What {@link #sync} does or would do.
   *
   * @param missing on storage, not in the catalog: added
   * @param extra in the catalog, no data on storage: dropped
   * @param wrongLocation in both, catalog location differs: repointed to storage
   */
  public record Plan(List<Partition> missing, List<Partition> extra, List<Partition> wrongLocation) {
    public boolean isEmpty() {
      return missing.isEmpty() && extra.isEmpty() && wrongLocation.isEmpty();
    }
  }

  /** Compares storage with the catalog both ways; pure. */
  public static Plan plan(List<Partition> storage, List<Partition> catalog) {
    Map<String, Partition> inCatalog = new HashMap<>();
    catalog.forEach(p -> inCatalog.put(p.directory(), p));
    Map<String, Partition> onStorage = new HashMap<>();
    storage.forEach(p -> onStorage.put(p.directory(), p));
    List<Partition> missing = new ArrayList<>();
    List<Partition> wrong = new ArrayList<>();
    for (Partition s : storage) {
      Partition c = inCatalog.get(s.directory());
      if (c == null) {
        missing.add(s);
      } else if (!HiveCatalog.sameLocation(c.location(), s.location())) {
        wrong.add(s);
      }
    }
    List<Partition> extra = catalog.stream().filter(c -> !onStorage.containsKey(c.directory())).toList();
    java.util.Comparator<Partition> byDir = java.util.Comparator.comparing(Partition::directory);
    missing.sort(byDir);
    wrong.sort(byDir);
    return new Plan(List.copyOf(missing), extra.stream().sorted(byDir).toList(), List.copyOf(wrong));
  }

  /**
   * Refuses a catalog table that exists with another format or location than the dataset's: an hour written in a
   * new format (or to a new warehouse) beside the table's others would leave a table no query can read whole, and
   * {@code CREATE TABLE IF NOT EXISTS} would keep the old definition without a word. Checked before an hour is
   * written and before a sync.
   */
  public void requireMatches(TableDef table) {
    catalog.describe(table.name()).ifPresent(existing -> {
      String wanted = table.format().name().toLowerCase(java.util.Locale.ROOT);
      boolean sameFormat = existing.format().equals(wanted);
      boolean sameLocation = !existing.location().isEmpty() && sameLocation(existing.location(), table.root());
      if (!sameFormat || !sameLocation) {
        throw new io.hourglass.common.config.BadConfigException(String.format("the catalog table %s.%s is %s at %s, but"
                + " the dataset writes %s at %s: hours of both would make a table no query reads whole; set the dataset"
                + " back, or, to move the table, backfill its hours with catalog.enabled = false, drop the catalog table"
                + " (its data stays) and run catalog sync",
            catalog.database(), table.name(), existing.format(),
            existing.location().isEmpty() ? "no location (a view?)" : existing.location(), wanted, table.root()));
      }
    });
  }

  /** The same place as {@link HiveCatalog#sameLocation} has it, s3, s3n and s3a naming the same bucket too. */
  public static boolean sameLocation(String a, String b) {
    return HiveCatalog.sameLocation(a.replaceFirst("^s3[an]?:", "s3:"), b.replaceFirst("^s3[an]?:", "s3:"));
  }

  /** Creates the database and table if missing. */
  public void ensureTable(TableDef table) {
    requireMatches(table);
    if (table.format() == TableFormat.DELTA) {
      catalog.ensureDeltaTable(table.name(), table.root());
      return;
    }
    String ddl = Ddl.createTable(Ddl.Dialect.HIVE,
        new Ddl.Table(catalog.database(), table.name(), table.schema(), table.partitionColumns(), table.format(), table.root()),
        Ddl.Options.NONE);
    catalog.ensureTable(table.name(), ddl);
  }

  /**
   * After a run of {@code ownerValue}: the catalog's partitions of that owner become exactly those on
   * storage (added if missing, dropped if the run no longer produces them). Idempotent.
   */
  public Plan registerOwner(TableDef table, String ownerValue) {
    ensureTable(table);
    if (table.format() == TableFormat.DELTA) {
      return new Plan(List.of(), List.of(), List.of()); // Delta's partitions live in its log
    }
    String owner = table.partitionColumns().get(table.partitionColumns().size() - 1);
    List<Partition> stored = storage(table, ownerValue);
    List<Partition> registered = catalog.partitions(table.name(), owner, ownerValue).stream()
        .filter(p -> ownerValue.equals(p.spec().get(owner))).toList();
    Plan plan = plan(stored, registered);
    apply(table, plan);
    return plan;
  }

  /** Reconciles the whole table; with {@code dryRun} only computes the plan. */
  public Plan sync(TableDef table, boolean dryRun) {
    if (table.format() == TableFormat.DELTA) {
      requireMatches(table);
      if (!dryRun) {
        ensureTable(table);
      }
      return new Plan(List.of(), List.of(), List.of());
    }
    requireMatches(table);
    boolean exists = catalog.tableExists(table.name());
    List<Partition> registered = exists ? catalog.partitions(table.name()) : List.of();
    Plan plan = plan(storage(table, null), registered);
    if (!dryRun) {
      ensureTable(table);
      apply(table, plan);
    }
    return plan;
  }

  public List<Partition> partitions(String table) {
    return catalog.partitions(table);
  }

  /** The partitions of one owner value (an hour's). */
  public List<Partition> partitions(String table, String ownerColumn, String ownerValue) {
    return catalog.partitions(table, ownerColumn, ownerValue);
  }

  private void apply(TableDef table, Plan plan) {
    catalog.addPartitions(table.name(), plan.missing());
    catalog.dropPartitions(table.name(), plan.extra());
    plan.wrongLocation().forEach(p -> catalog.setLocation(table.name(), p));
  }

  private List<Partition> storage(TableDef table, String ownerValue) {
    try {
      FileSystem fs = new Path(table.root()).getFileSystem(spark.sparkContext().hadoopConfiguration());
      return HiveCatalog.storagePartitions(fs, table.root(), table.partitionColumns(), ownerValue);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list partitions of " + table.root() + ": " + e.getMessage(), e);
    }
  }
}
