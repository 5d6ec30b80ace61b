package io.hourglass.jobs.ingest;

import java.io.Serializable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.SparkContext;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.util.CollectionAccumulator;

/**
 * The event_ids a first single pass found accepted more than once (by their 64-bit hashes, {@link SideSurvey#hash64}),
 * each with the raw object that holds its first record, so that a second single pass can drop the later copies
 * itself: the record of a repeated id is kept when it is the first accepted one of that id in that object, which is
 * read whole, in line order, by one task. That is the two-pass dedup's rule (the least source_file, line and record
 * number), without its survey read, shuffle or joins.
 *
 * <p>Hashes can clash: two different ids with one hash would make one of them a "copy". So every record whose hash is
 * listed hands its event_id over, and {@link #clashed()} tells the driver, after the pass, whether any listed hash
 * belonged to more than one id; the run then takes the exact two passes.
 */
final class RepeatedIds implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Hashes, ascending, distinct. */
  private final long[] hashes;
  /** The object holding the first record of each hash (shared String instances, serialized once each). */
  private final String[] firstObject;
  private final CollectionAccumulator<Map<Integer, String>> idsSeen;
  /** Per task: whether the first record of each hash was met, and the event_id met under it. */
  private transient boolean[] kept;
  private transient String[] idOf;
  private transient boolean clash;

  private RepeatedIds(long[] hashes, String[] firstObject, CollectionAccumulator<Map<Integer, String>> idsSeen) {
    this.hashes = hashes;
    this.firstObject = firstObject;
    this.idsSeen = idsSeen;
  }

  /**
   * The repeated hashes among the objects' accepted-event_id hashes (on the driver, after the first pass), with
   * the first object of each; an accumulator registered with {@code sc} for the second pass. Null when none repeats.
   *
   * @param perObject each object's name and its hashes, ascending
   */
  static RepeatedIds find(SparkContext sc, List<ObjectHashes> perObject) {
    long[] all = new long[perObject.stream().mapToInt(o -> o.hashes().length).sum()];
    int at = 0;
    for (ObjectHashes o : perObject) {
      System.arraycopy(o.hashes(), 0, all, at, o.hashes().length);
      at += o.hashes().length;
    }
    Arrays.sort(all); // runs already sorted, which Arrays.sort finds and merges
    long[] repeated = IntStream.range(1, all.length)
        .filter(i -> all[i] == all[i - 1])
        .mapToLong(i -> all[i])
        .distinct() // sorted input: distinct keeps the order
        .toArray();
    int n = repeated.length;
    if (n == 0) {
      return null;
    }
    String[] first = new String[n];
    UTF8String[] firstUtf8 = new UTF8String[n];
    for (ObjectHashes o : perObject) {
      UTF8String name = UTF8String.fromString(o.object());
      long[] hs = o.hashes();
      for (int i = 0; i < hs.length; i++) {
        if (i > 0 && hs[i] == hs[i - 1]) {
          continue;
        }
        int k = Arrays.binarySearch(repeated, hs[i]);
        // Spark orders positions by source_file as UTF-8 bytes, as UTF8String compares; String.compareTo may differ.
        if (k >= 0 && (first[k] == null || name.compareTo(firstUtf8[k]) < 0)) {
          first[k] = o.object();
          firstUtf8[k] = name;
        }
      }
    }
    return new RepeatedIds(repeated, first, sc.collectionAccumulator("hourglass repeated event_ids"));
  }

  /** One raw object's accepted event_id hashes, ascending, as a task hands them over. */
  record ObjectHashes(String object, long[] hashes) implements Serializable {}

  int size() {
    return hashes.length;
  }

  /**
   * In a task, for every accepted record in the order of its object: whether it is a later copy of a repeated
   * event_id (to be counted as a duplicate, not written).
   */
  boolean laterCopy(String sourceFile, String eventId, long hash) {
    int k = Arrays.binarySearch(hashes, hash);
    if (k < 0) {
      return false;
    }
    if (kept == null) {
      kept = new boolean[hashes.length];
      idOf = new String[hashes.length];
    }
    if (idOf[k] == null) {
      idOf[k] = eventId;
    } else if (!idOf[k].equals(eventId)) {
      clash = true;
    }
    if (!kept[k] && sourceFile.equals(firstObject[k])) {
      kept[k] = true;
      return false;
    }
    return true;
  }

  /** In a task, at its end (after each object): hands over the event_ids met under listed hashes. */
  void handOver() {
    if (idOf == null) {
      return;
    }
    Map<Integer, String> seen = new HashMap<>();
    for (int k = 0; k < idOf.length; k++) {
      if (idOf[k] != null) {
        seen.put(k, idOf[k]);
      }
    }
    if (clash) {
      seen.put(-1, ""); // a clash inside the task, whatever the other tasks met
    }
    idsSeen.add(seen);
    idOf = new String[hashes.length]; // the next object's ids are handed over on their own
    clash = false;
  }

  /** On the driver, after the second pass: whether a listed hash was met with two different event_ids. */
  boolean clashed() {
    Map<Integer, String> all = new HashMap<>();
    for (Map<Integer, String> part : idsSeen.value()) {
      for (Map.Entry<Integer, String> e : part.entrySet()) {
        String before = all.putIfAbsent(e.getKey(), e.getValue());
        if (e.getKey() < 0 || before != null && !before.equals(e.getValue())) {
          return true;
        }
      }
    }
    return false;
  }
}
