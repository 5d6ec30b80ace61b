package io.hourglass.common.io;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * Raw objects read and decoded in one streaming pass, as a Spark DataSource V2 scan: one task per
 * object (largest first), records cut by {@link RawLineReader}'s byte-level reader (gzip, line numbers,
 * {@code }{} splitting, damaged objects as rows), each turned by a {@link RecordDecoder} straight into
 * an {@link InternalRow}. Compared with {@link RawLineReader#read} followed by DataFrame transforms, no
 * intermediate row is materialised per step and nothing is converted between external and internal rows.
 *
 * <p>Spark instantiates a source by class name with string options only, while the decoder is an object
 * (it may hold a secret, such as an HMAC key, that must never appear in an option or a plan). So
 * {@link #read} hands the decoder over in this driver's memory under a one-time id, which is all the
 * options carry; the table keeps the decoder, and Spark serializes it into the tasks like a closure.
 */
public final class RecordSource implements TableProvider {
  private static final String ID = "hourglass.record-source.id";
  private static final Map<String, Spec> HANDOVER = new ConcurrentHashMap<>();

  private record Spec(HourInput input, RecordDecoder decoder, SerializableHadoopConf conf) {}

  /** A lazy Dataset of the decoded records of {@code input}; nothing is read until an action runs. */
  public static Dataset<Row> read(SparkSession spark, HourInput input, RecordDecoder decoder) {
    String id = UUID.randomUUID().toString();
    HANDOVER.put(id, new Spec(input, decoder, new SerializableHadoopConf(spark.sparkContext().hadoopConfiguration())));
    try {
      return spark.read().format(RecordSource.class.getName()).option(ID, id).load();
    } finally {
      HANDOVER.remove(id); // load() has resolved the table, which holds the spec from here on
    }
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return spec(options.get(ID)).decoder().schema();
  }

  @Override
  public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
    return new RecordTable(spec(properties.get(ID)));
  }

  private static Spec spec(String id) {
    Spec spec = id == null ? null : HANDOVER.get(id);
    if (spec == null) {
      throw new IllegalStateException(RecordSource.class.getName() + " is read through RecordSource.read(spark, input, decoder),"
          + " not by format name");
    }
    return spec;
  }

  private static final class RecordTable implements Table, SupportsRead {
    private final Spec spec;

    RecordTable(Spec spec) {
      this.spec = spec;
    }

    @Override
    public String name() {
      return "raw records of " + spec.input().folder();
    }

    @Override
    @SuppressWarnings("deprecation") // Table.schema() is what Spark 3.5 still calls by default
    public StructType schema() {
      return spec.decoder().schema();
    }

    @Override
    public Set<TableCapability> capabilities() {
      return Set.of(TableCapability.BATCH_READ);
    }

    @Override
    public ScanBuilder newScanBuilder(CaseInsensitiveStringMap options) {
      return () -> new RecordScan(spec);
    }
  }

  private static final class RecordScan implements Scan, Batch {
    private final Spec spec;

    RecordScan(Spec spec) {
      this.spec = spec;
    }

    @Override
    public StructType readSchema() {
      return spec.decoder().schema();
    }

    @Override
    public String description() {
      return "RecordSource[" + spec.input().files().size() + " objects in " + spec.input().folder() + "]";
    }

    @Override
    public Batch toBatch() {
      return this;
    }

    @Override
    public InputPartition[] planInputPartitions() {
      // HourInput lists the files largest first: the longest tasks start first.
      List<InputFile> files = spec.input().files();
      return files.stream().map(f -> new ObjectPartition(f.path())).toArray(InputPartition[]::new);
    }

    @Override
    public PartitionReaderFactory createReaderFactory() {
      return new ReaderFactory(spec.decoder(), spec.conf());
    }
  }

  private record ObjectPartition(String path) implements InputPartition {}

  private record ReaderFactory(RecordDecoder decoder, SerializableHadoopConf conf) implements PartitionReaderFactory {
    @Override
    public PartitionReader<InternalRow> createReader(InputPartition partition) {
      String path = ((ObjectPartition) partition).path();
      return new ObjectReader(new RawLineReader.RecordIterator(conf.get(), path), decoder);
    }
  }

  /** One raw object's decoded rows (the records the decoder leaves out skipped); also the direct write's reader. */
  static final class ObjectReader implements PartitionReader<InternalRow> {
    private final RawLineReader.RecordIterator records;
    private final RecordDecoder decoder;
    private InternalRow current;

    ObjectReader(RawLineReader.RecordIterator records, RecordDecoder decoder) {
      this.records = records;
      this.decoder = decoder;
    }

    @Override
    public boolean next() {
      current = null;
      while (current == null && records.hasNext()) {
        Row r = records.next();
        current = decoder.decode(r.getString(0), r.getLong(1), r.getInt(2), r.getString(3), r.getString(4));
      }
      return current != null;
    }

    @Override
    public InternalRow get() {
      return current;
    }

    @Override
    public void close() {
      records.close(); // a task stopped early (a limit, a kill) releases the stream too
      decoder.endOfObject();
    }
  }
}
