package io.hourglass.common.io;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.catalog.CatalogTablePartition;
import scala.collection.JavaConverters;

/**
 * Tables and partitions in the Hive metastore, through Spark's external catalog: locally an embedded
 * Derby metastore, on EMR and Glue the AWS Glue Data Catalog (Spark's Hive client with Glue's client
 * factory). Partitions are added explicitly after each run (no crawler), idempotently.
 */
public final class HiveCatalog {
  private final SparkSession spark;
  private final String database;

  public HiveCatalog(SparkSession spark, String database) {
    if (!"hive".equals(spark.conf().get("spark.sql.catalogImplementation", "in-memory"))) {
      throw new IllegalStateException("the catalog needs a SparkSession with Hive support (hourglass.catalog.enabled = true)");
    }
    this.spark = spark;
    this.database = database;
  }

  /** A partition as the catalog knows it: its spec (column -> value, in order) and location. */
  public record Partition(Map<String, String> spec, String location) {
    /** The partition's directory relative to the table root, e.g. {@code dt=2026-11-20/hour=5/ingest_hour=2026112010}. */
    public String directory() {
      List<String> parts = new ArrayList<>();
      spec.forEach((k, v) -> parts.add(k + "=" + v));
      return String.join("/", parts);
    }
  }

  public String database() {
    return database;
  }

  public boolean tableExists(String table) {
    return spark.catalog().tableExists(database, table);
  }

  /** A table as the catalog holds it: its storage format (parquet, avro, delta, or what else it says) and location. */
  public record TableInfo(String format, String location) {}

  /** The table's format and location, or empty when the catalog has no such table. */
  public java.util.Optional<TableInfo> describe(String table) {
    if (!tableExists(table)) {
      return java.util.Optional.empty();
    }
    org.apache.spark.sql.catalyst.catalog.CatalogTable t = spark.sharedState().externalCatalog().getTable(database, table);
    String provider = t.provider().isDefined() ? t.provider().get().toLowerCase(java.util.Locale.ROOT) : "";
    String storage = (t.storage().serde().isDefined() ? t.storage().serde().get() : "") + " "
        + (t.storage().inputFormat().isDefined() ? t.storage().inputFormat().get() : "");
    String lower = storage.toLowerCase(java.util.Locale.ROOT);
    // Athena's Delta DDL (and Glue's) marks the table with table_type = DELTA over a Parquet-looking storage.
    scala.Option<String> tableType = t.properties().get("table_type");
    boolean delta = provider.equals("delta") || (tableType.isDefined() && tableType.get().equalsIgnoreCase("delta"));
    String format = delta ? "delta"
        : lower.contains("parquet") || provider.equals("parquet") ? "parquet"
        : lower.contains("avro") || provider.equals("avro") ? "avro"
        : provider.isEmpty() ? storage.trim() : provider;
    // As a path, not a URI: a space is a space, as in the dataset's table root (the URI has %20).
    String location = t.storage().locationUri().isDefined() ? new Path(t.storage().locationUri().get()).toString() : "";
    return java.util.Optional.of(new TableInfo(format, location));
  }

  /** Creates the database if missing and runs {@code createTableSql} if the table is missing. */
  public void ensureTable(String table, String createTableSql) {
    spark.sql("CREATE DATABASE IF NOT EXISTS `" + database + "`");
    if (!tableExists(table)) {
      // IF NOT EXISTS: two hours of a backfill may both find no table; the metastore lets one create it.
      spark.sql(stripSemicolon(createTableSql).replaceFirst("^CREATE EXTERNAL TABLE ", "CREATE EXTERNAL TABLE IF NOT EXISTS "));
    }
  }

  /** Registers a Delta table by location (its partitions live in the Delta log, not the metastore). */
  public void ensureDeltaTable(String table, String location) {
    spark.sql("CREATE DATABASE IF NOT EXISTS `" + database + "`");
    spark.sql("CREATE TABLE IF NOT EXISTS `" + database + "`.`" + table + "` USING DELTA LOCATION '" + escape(location) + "'");
  }

  public List<Partition> partitions(String table) {
    return list(table, scala.Option.empty());
  }

  /**
   * The partitions whose {@code column} is {@code value} (an hour's), listed by the metastore: an hourly run asks
   * for its own, not for a year of the table's (on the Glue Data Catalog, each listed page an API call).
   */
  public List<Partition> partitions(String table, String column, String value) {
    return list(table, scala.Option.apply(new scala.collection.immutable.Map.Map1<>(column, value)));
  }

  private List<Partition> list(String table, scala.Option<scala.collection.immutable.Map<String, String>> partialSpec) {
    // The table's partition columns read once, not once a partition (a GetTable call each on Glue).
    List<String> cols = JavaConverters.seqAsJavaList(
        spark.sharedState().externalCatalog().getTable(database, table).partitionColumnNames());
    List<Partition> out = new ArrayList<>();
    for (CatalogTablePartition p : JavaConverters.seqAsJavaList(
        spark.sharedState().externalCatalog().listPartitions(database, table, partialSpec))) {
      Map<String, String> spec = JavaConverters.mapAsJavaMap(p.spec());
      Map<String, String> ordered = new LinkedHashMap<>();
      cols.forEach(c -> ordered.put(c, spec.get(c)));
      out.add(new Partition(ordered, p.location().toString()));
    }
    return out;
  }

  /** Adds partitions that are missing; present ones are left as they are. */
  public void addPartitions(String table, List<Partition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    StringBuilder sql = new StringBuilder("ALTER TABLE `" + database + "`.`" + table + "` ADD IF NOT EXISTS");
    for (Partition p : partitions) {
      sql.append(' ').append(specSql(p.spec())).append(" LOCATION '").append(escape(p.location())).append('\'');
    }
    spark.sql(sql.toString());
  }

  public void dropPartitions(String table, List<Partition> partitions) {
    for (Partition p : partitions) {
      spark.sql("ALTER TABLE `" + database + "`.`" + table + "` DROP IF EXISTS " + specSql(p.spec()));
    }
  }

  public void setLocation(String table, Partition p) {
    spark.sql("ALTER TABLE `" + database + "`.`" + table + "` " + specSql(p.spec()) + " SET LOCATION '" + escape(p.location()) + "'");
  }

  /**
   * The partition directories on storage that hold data, below {@code root}, for the given partition
   * columns (outermost first), optionally only those of one owner value (the last column).
   */
  public static List<Partition> storagePartitions(FileSystem fs, String root, List<String> partitionColumns, String ownerValue)
      throws IOException {
    StringBuilder glob = new StringBuilder();
    for (int i = 0; i < partitionColumns.size(); i++) {
      boolean owner = i == partitionColumns.size() - 1 && ownerValue != null;
      glob.append(i == 0 ? "" : "/").append(partitionColumns.get(i)).append('=').append(owner ? ownerValue : "*");
    }
    FileStatus[] dirs = fs.globStatus(new Path(root, glob.toString()));
    List<Partition> out = new ArrayList<>();
    if (dirs == null) {
      return out;
    }
    for (FileStatus d : dirs) {
      if (!d.isDirectory() || !hasData(fs, d.getPath())) {
        continue;
      }
      Map<String, String> spec = new LinkedHashMap<>();
      Path p = d.getPath();
      for (int i = partitionColumns.size() - 1; i >= 0; i--) {
        String name = p.getName();
        spec.put(partitionColumns.get(i), name.substring(name.indexOf('=') + 1));
        p = p.getParent();
      }
      Map<String, String> orderedSpec = new LinkedHashMap<>();
      partitionColumns.forEach(c -> orderedSpec.put(c, spec.get(c)));
      out.add(new Partition(orderedSpec, d.getPath().toString()));
    }
    return out;
  }

  /** Locations compared as qualified URIs ({@code file:/x} and {@code file:///x} are the same place). */
  public static boolean sameLocation(String a, String b) {
    return normalize(a).equals(normalize(b));
  }

  private static String normalize(String location) {
    URI u = new Path(location).toUri();
    String path = u.getPath() == null ? "" : u.getPath().replaceAll("/+$", "");
    return (u.getScheme() == null ? "file" : u.getScheme()) + "://" + (u.getAuthority() == null ? "" : u.getAuthority()) + path;
  }

  private static boolean hasData(FileSystem fs, Path dir) throws IOException {
    for (FileStatus f : fs.listStatus(dir)) {
      String n = f.getPath().getName();
      if (f.isFile() && !n.startsWith("_") && !n.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static String specSql(Map<String, String> spec) {
    StringBuilder sb = new StringBuilder("PARTITION (");
    int i = 0;
    for (Map.Entry<String, String> e : spec.entrySet()) {
      sb.append(i++ == 0 ? "" : ", ").append('`').append(e.getKey()).append("` = '").append(escape(e.getValue())).append('\'');
    }
    return sb.append(')').toString();
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("'", "\\'");
  }

  private static String stripSemicolon(String sql) {
    String t = sql.strip();
    return t.endsWith(";") ? t.substring(0, t.length() - 1) : t;
  }
}
