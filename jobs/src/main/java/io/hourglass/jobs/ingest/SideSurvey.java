package io.hourglass.jobs.ingest;

import io.hourglass.common.io.RowSpill;
import io.hourglass.common.transform.Status;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.unsafe.hash.Murmur3_x86_32;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * What the single-pass ingest learns about the records it does not write to the table, collected on the
 * side of the table write through Spark accumulators: a count per status, and the survey rows
 * ({@link WebEventDecoder#surveySchema()}) of rejected records, so that the quarantine needs no second
 * read. Accumulators of a successful task count once (Spark drops those of failed and duplicate attempts),
 * and the job checks what it can against storage anyway.
 *
 * <p>Bounded in memory: a task sends at most {@code maxRejectedPerTask} rejected records or
 * {@code maxBytesPerTask} bytes of their text to the driver; it writes the rest to a {@link RowSpill}, which
 * the quarantine reads back. A corrupt object's record is always kept in memory (there is one per object),
 * as the run lists the corrupt objects from them.
 */
public final class SideSurvey implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final List<String> STATUSES = statuses();
  private static final Set<String> REASONS = Set.copyOf(Status.REASONS);

  private final Map<String, LongAccumulator> byStatus;
  /** byStatus' accumulator for ok, the status of nearly every record: no lookup per record. */
  private final LongAccumulator ok;
  private final CollectionAccumulator<Row> rejected;
  private final RowSpill spill;
  private final int maxRejectedPerTask;
  private final long maxBytesPerTask;
  private final CollectionAccumulator<RepeatedIds.ObjectHashes> idHashes;
  private final LongAccumulator idsNotKept;
  private final int maxIdsPerObject;
  private transient int keptInTask;
  private transient long bytesInTask;
  private transient long[] ids;
  private transient int idCount;
  private transient boolean idsOverflowed;

  private SideSurvey(Map<String, LongAccumulator> byStatus, CollectionAccumulator<Row> rejected, RowSpill spill,
      int maxRejectedPerTask, long maxBytesPerTask, CollectionAccumulator<RepeatedIds.ObjectHashes> idHashes,
      LongAccumulator idsNotKept, int maxIdsPerObject) {
    this.byStatus = byStatus;
    this.ok = byStatus.get(Status.OK);
    this.rejected = rejected;
    this.spill = spill;
    this.maxRejectedPerTask = maxRejectedPerTask;
    this.maxBytesPerTask = maxBytesPerTask;
    this.idHashes = idHashes;
    this.idsNotKept = idsNotKept;
    this.maxIdsPerObject = maxIdsPerObject;
  }

  /**
   * Registers fresh accumulators with {@code sc} (on the driver, before the job).
   *
   * @param spill where a task's rejected records past its bound go
   * @param maxIdsPerObject accepted event_ids of one raw object whose 64-bit hashes are kept to find repeats
   *     (8 bytes each, all sent to the driver); past this the repeats are looked for in the staged rows
   */
  public static SideSurvey register(SparkContext sc, RowSpill spill, int maxRejectedPerTask, long maxBytesPerTask,
      int maxIdsPerObject) {
    Map<String, LongAccumulator> counts = new LinkedHashMap<>();
    for (String s : STATUSES) {
      counts.put(s, sc.longAccumulator("hourglass records " + s));
    }
    return new SideSurvey(counts, sc.collectionAccumulator("hourglass rejected records"), spill, maxRejectedPerTask,
        maxBytesPerTask, sc.collectionAccumulator("hourglass accepted event_id hashes"),
        sc.longAccumulator("hourglass event_ids not hashed"), maxIdsPerObject);
  }

  /** Keeps the hash ({@link #hash64}) of an accepted record's event_id (in a task). */
  void accepted(long idHash) {
    if (idsOverflowed) {
      return;
    }
    if (ids == null) {
      ids = new long[Math.min(1024, maxIdsPerObject)]; // a smaller limit must be seen at its own count, not at 1024
    }
    if (idCount == ids.length) {
      if (idCount >= maxIdsPerObject) {
        idsOverflowed = true;
        idsNotKept.add(1);
        ids = null;
        return;
      }
      ids = Arrays.copyOf(ids, (int) Math.min(maxIdsPerObject, 2L * ids.length));
    }
    ids[idCount++] = idHash;
  }

  /** Hands over the hashes of one raw object's accepted event_ids (in a task, at its end). */
  void endOfObject(String object) {
    if (ids != null && idCount > 0) {
      long[] sorted = Arrays.copyOf(ids, idCount);
      Arrays.sort(sorted); // here, in parallel tasks: the driver then only merges sorted runs
      idHashes.add(new RepeatedIds.ObjectHashes(object, sorted));
    }
    ids = null;
    idCount = 0;
    idsOverflowed = false;
  }

  /** Whether the hash of every accepted event_id was kept (no object passed the limit), on the driver. */
  public boolean idsAllKept() {
    return idsNotKept.value() == 0;
  }

  /**
   * The repeated accepted event_ids, from the kept hashes ({@link #idsAllKept()} must hold), with the object of
   * each one's first record; empty when none repeats (on the driver, after the job). Equal hashes of different
   * ids (about 1 in 10^7 for a million ids) are listed too: the pass that drops later copies finds such a clash
   * ({@link RepeatedIds#clashed()}), and the run then takes the two passes, which decide exactly.
   *
   * @param sc registers the accumulator that the pass dropping the copies fills
   */
  Optional<RepeatedIds> repeatedIds(SparkContext sc) {
    if (!idsAllKept()) {
      throw new IllegalStateException("the hashes of some event_ids were not kept; the staged rows must be checked instead");
    }
    return Optional.ofNullable(RepeatedIds.find(sc, idHashes.value()));
  }

  /** Two 32-bit murmur3 hashes of the UTF-8 bytes, with different seeds, as one 64-bit value. */
  static long hash64(UTF8String u) {
    int h1 = Murmur3_x86_32.hashUnsafeBytes(u.getBaseObject(), u.getBaseOffset(), u.numBytes(), 42);
    int h2 = Murmur3_x86_32.hashUnsafeBytes(u.getBaseObject(), u.getBaseOffset(), u.numBytes(),
        0x9747b28c);
    return ((long) h1 << 32) | (h2 & 0xffffffffL);
  }

  /**
   * Counts a record (in a task); keeps the survey row of a rejected one while within the bounds, and spills it
   * past them.
   */
  void record(String status, String sourceFile, long lineNo, int recNo, String value, String detail, String ingestHour) {
    if (status.equals(Status.OK)) {
      ok.add(1);
      return;
    }
    byStatus.get(status).add(1);
    if (!REASONS.contains(status)) {
      return;
    }
    long bytes = (value == null ? 0 : value.length()) + (detail == null ? 0 : detail.length()) + 64L;
    if (!status.equals(Status.CORRUPT_FILE) && (keptInTask >= maxRejectedPerTask || bytesInTask + bytes > maxBytesPerTask)) {
      spill.write(sourceFile, lineNo, recNo, null, value, status, detail, ingestHour);
      return;
    }
    keptInTask++;
    bytesInTask += bytes;
    rejected.add(RowFactory.create(sourceFile, lineNo, recNo, null, value, status, detail, ingestHour));
  }

  /** Records per status, statuses with none left out (on the driver, after the job). */
  public Map<String, Long> counts() {
    Map<String, Long> m = new TreeMap<>();
    byStatus.forEach((s, acc) -> {
      if (acc.value() > 0) {
        m.put(s, acc.value());
      }
    });
    return m;
  }

  /** The survey rows of the rejected records kept in memory (every corrupt object's among them); the rest are spilled. */
  public List<Row> rejected() {
    return new ArrayList<>(rejected.value());
  }

  /** Where the rejected records past the tasks' bounds went: {@link RowSpill#rows()} of them. */
  public RowSpill spill() {
    return spill;
  }

  private static List<String> statuses() {
    List<String> all = new ArrayList<>(List.of(Status.OK, Status.DUPLICATE, Status.BLANK));
    all.addAll(Status.REASONS);
    return List.copyOf(all);
  }
}
