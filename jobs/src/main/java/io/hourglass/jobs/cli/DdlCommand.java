package io.hourglass.jobs.cli;

import io.hourglass.common.config.BadConfigException;
import io.hourglass.common.config.DatasetSettings;
import io.hourglass.common.config.HourglassConfig;
import io.hourglass.common.config.Locations;
import io.hourglass.common.schema.Ddl;
import io.hourglass.common.schema.TableSchema;
import io.hourglass.jobs.ingest.WebEventColumns;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code hourglass ddl --dataset D --dialect athena|redshift|hive}: prints the dataset table's
 * {@code CREATE EXTERNAL TABLE} statement, and nothing else, on stdout. Reads no data and starts no Spark.
 */
@Command(name = "ddl", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Print CREATE EXTERNAL TABLE for the dataset's table (from its schemas/*.avsc contract).")
final class DdlCommand implements Callable<Integer> {
  @ParentCommand
  Main main;

  @Mixin
  CommonOptions common;

  @Option(names = "--dataset", required = true, description = "Dataset name, e.g. web_events.")
  String dataset;

  @Option(names = "--dialect", required = true, converter = DialectConverter.class, paramLabel = "athena|redshift|hive",
      description = "SQL dialect: athena, redshift (Spectrum) or hive.")
  Ddl.Dialect dialect;

  @Option(names = "--database", paramLabel = "NAME",
      description = "Database to create the table in (default: hourglass.catalog.database, where ingest registers the table;"
          + " for redshift the external schema, default spectrum).")
  String database;

  @Option(names = "--partition-projection",
      description = "Athena only: partition projection, so partitions never need to be added (needs --projection-start).")
  boolean partitionProjection;

  @Option(names = "--projection-start", paramLabel = "YYYY-MM-DD", converter = DateConverter.class,
      description = "First date (UTC) with data; Athena does not look before it.")
  LocalDate projectionStart;

  @Override
  public Integer call() {
    if (projectionStart != null && !partitionProjection) {
      throw new BadConfigException("--projection-start is used only with --partition-projection");
    }
    if (partitionProjection && projectionStart == null) {
      throw new BadConfigException(
          "--partition-projection needs --projection-start YYYY-MM-DD, the first date with data (Athena does not look before it)");
    }
    HourglassConfig config = common.load(Optional.of(dataset));
    DatasetSettings ds = config.dataset(dataset);
    // Hive and Athena name the catalog's database, where ingest and catalog sync register the table (a DDL for
    // another database would make a second table nothing keeps up to date); Redshift's external schema is its own.
    String db = database != null ? database : dialect == Ddl.Dialect.REDSHIFT ? "spectrum" : config.settings().catalog().database();
    // The events table is the only table layout there is; its partition columns live with the ingest job.
    Ddl.Table table = new Ddl.Table(db, ds.table(), TableSchema.load(ds.tableSchema()), WebEventColumns.PARTITIONS,
        ds.format(), Locations.join(config.settings().warehouse(), ds.table()));
    Ddl.Options options = new Ddl.Options(partitionProjection, projectionStart == null ? null : projectionStart.toString());
    main.out().print(Ddl.createTable(dialect, table, options));
    main.out().flush();
    return Main.OK;
  }

  /** Lower-case dialect names; a bad one is a one-line usage error (exit 2). */
  static final class DialectConverter implements ITypeConverter<Ddl.Dialect> {
    @Override
    public Ddl.Dialect convert(String value) {
      for (Ddl.Dialect d : Ddl.Dialect.values()) {
        if (d.id().equals(value.trim().toLowerCase(Locale.ROOT))) {
          return d;
        }
      }
      throw new TypeConversionException("'" + value + "' is not a dialect; use one of "
          + Arrays.stream(Ddl.Dialect.values()).map(Ddl.Dialect::id).collect(Collectors.joining(" | ")));
    }
  }

  /** An ISO date, YYYY-MM-DD. */
  static final class DateConverter implements ITypeConverter<LocalDate> {
    @Override
    public LocalDate convert(String value) {
      try {
        return LocalDate.parse(value.trim());
      } catch (DateTimeParseException e) {
        throw new TypeConversionException("'" + value + "' is not a date YYYY-MM-DD");
      }
    }
  }
}
