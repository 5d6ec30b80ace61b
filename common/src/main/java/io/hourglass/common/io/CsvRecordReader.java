package io.hourglass.common.io;

import io.hourglass.common.config.CsvOptions;
import io.hourglass.common.schema.ParsedRecords;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads raw CSV/TSV objects (gzipped or not, by the gzip magic bytes) into {@link ParsedRecords#SCHEMA}
 * rows: one task per object, records streamed, each row with its source file, the line its record starts
 * on, its raw text, and its fields by column name, so the ingest skips its JSON parse step. Ours rather
 * than {@code spark.read().csv()} for the same reasons as {@link RawLineReader}: a damaged object is a
 * counted row naming the file, every record keeps its line and raw text for quarantine, and a bad record
 * is a counted row with a reason (Spark's PERMISSIVE mode gives neither the line nor, across a quoted line
 * end, the whole record).
 *
 * <p>RFC 4180: a quoted field may hold delimiters, line ends and quotes (doubled, or after the escape
 * character). Records end at LF or CRLF outside quotes; a UTF-8 byte order mark is dropped. An empty
 * unquoted field is null (left out of the fields, so an empty unknown column adds nothing to {@code extra}),
 * {@code ""} is the empty string, values are never trimmed. Columns come from the
 * header row, or from the raw schema when there is none. A whitespace-only line is blank (not a record),
 * as for JSON lines. Bad records come with {@code read_error} = {@code "<reason>: <detail>"} and their raw
 * text: {@code malformed_csv} (field count differs from the header, a quote never closed before the end
 * of the object, a stray quote, an unusable header), {@code invalid_utf8}, {@code oversized}.
 */
public final class CsvRecordReader {
  private CsvRecordReader() {}

  /**
   * A lazy Dataset over the given objects; nothing is read until an action runs.
   *
   * @param schemaColumns the column names when {@code options.header()} is false: the raw schema's fields in order
   */
  public static Dataset<Row> read(SparkSession spark, HourInput input, CsvOptions options, List<String> schemaColumns) {
    List<String> paths = input.files().stream().map(InputFile::path).toList();
    List<String> columns = List.copyOf(schemaColumns);
    SerializableHadoopConf conf = new SerializableHadoopConf(spark.sparkContext().hadoopConfiguration());
    JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(paths, Math.max(1, paths.size()))
        .flatMap(path -> new CsvRecordIterator(conf.get(), path, options, columns, RawLineReader.MAX_RECORD_BYTES,
            RawLineReader.OVERSIZED_PREFIX_BYTES));
    return spark.createDataFrame(rows, ParsedRecords.SCHEMA);
  }
}
