package io.hourglass.jobs.ingest;

import io.hourglass.common.config.DatasetSettings;
import io.hourglass.common.config.Hour;
import io.hourglass.common.config.HourglassConfig;
import io.hourglass.common.config.Settings;
import io.hourglass.common.config.TableFormat;
import io.hourglass.common.io.TableReader;
import io.hourglass.common.schema.TableSchema;
import io.hourglass.common.testing.SparkTestSession;
import io.hourglass.jobs.generate.GeneratedHour;
import io.hourglass.jobs.generate.WebEventsGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/** A raw root and a warehouse in a temp folder, and the real job pointed at them. */
final class IngestFixture {
  static final byte[] KEY = "test-hmac-key-of-32-bytes-long!!".getBytes(StandardCharsets.UTF_8);
  final SparkSession spark = SparkTestSession.get();
  final Path raw;
  final Path warehouse;
  final TableFormat format;
  final List<String> progress = new ArrayList<>();

  IngestFixture(Path dir, TableFormat format) {
    this.raw = dir.resolve("raw");
    this.warehouse = dir.resolve("warehouse");
    this.format = format;
  }

  HourglassConfig config(String... overrides) {
    List<String> sets = new ArrayList<>(List.of(
        "raw-root=" + raw, "warehouse=" + warehouse,
        "datasets.web_events.format=" + format.sparkFormat(),
        "datasets.web_events.max-reject-rate=0.5"));
    sets.addAll(List.of(overrides));
    return HourglassConfig.load(Optional.of("web_events"), Optional.empty(), sets);
  }

  IngestJob job(String... overrides) {
    HourglassConfig c = config(overrides);
    Settings settings = c.settings();
    DatasetSettings ds = c.dataset("web_events");
    return new IngestJob(spark, settings, ds, Optional.of(KEY), progress::add);
  }

  GeneratedHour generate(Hour hour, long records, boolean dirty, long seed) throws IOException {
    return new WebEventsGenerator(new Configuration()).generate(hour.start(), raw.toString(), "web-events", records, 3, dirty, seed);
  }

  Path hourFolder(Hour hour) {
    return raw.resolve("web-events").resolve(hour.folder());
  }

  Dataset<Row> table(Hour ingestHour) {
    TableSchema schema = TableSchema.load("web_events/events-v1.avsc");
    return TableReader.read(spark, warehouse.resolve("events").toUri().toString(), format, schema.sparkSchema())
        .where(functions.col("ingest_hour").equalTo(ingestHour.id()));
  }

  Dataset<Row> quarantine(Hour ingestHour) {
    TableSchema schema = TableSchema.load("common/quarantine-v1.avsc");
    return TableReader.read(spark, warehouse.resolve("_quarantine/web_events").toUri().toString(), TableFormat.PARQUET,
            schema.sparkSchema())
        .where(functions.col("ingest_hour").equalTo(ingestHour.id()));
  }
}
