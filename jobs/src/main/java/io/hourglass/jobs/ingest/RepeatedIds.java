package io.hourglass.jobs.ingest;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
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
  private final CollectionAccumulator<MetIds> idsSeen;
  /** Per task: whether the first record of each hash was met, and the event_id met under it. */
  private transient boolean[] kept;
  private transient String[] idOf;
  private transient boolean clash;

  private RepeatedIds(long[] hashes, String[] firstObject, CollectionAccumulator<MetIds> idsSeen) {
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
  boolean laterCopy(String sourceFile, UTF8String eventId, long hash) {
    int k = Arrays.binarySearch(hashes, hash);
    if (k < 0) {
      return false;
    }
    if (kept == null) {
      kept = new boolean[hashes.length];
      idOf = new String[hashes.length];
    }
    String id = eventId.toString(); // only for a listed hash: every other record skips making a String of its id
    if (idOf[k] == null) {
      idOf[k] = id;
    } else if (!idOf[k].equals(id)) {
      clash = true;
    }
    if (!kept[k] && sourceFile.equals(firstObject[k])) {
      kept[k] = true;
      return false;
    }
    return true;
  }

  /**
   * The event_ids one object met under listed hashes: {@code at[i]} is the hash's index, {@code ids[i]} the id
   * (arrays rather than a map: a whole object delivered twice lists every one of its ids, and the driver holds
   * them all at once); {@code clash} when the object met two ids under one hash itself.
   */
  record MetIds(int[] at, String[] ids, boolean clash) implements Serializable {}

  /** In a task, at its end (after each object): hands over the event_ids met under listed hashes. */
  void handOver() {
    if (idOf == null) {
      return;
    }
    int met = 0;
    for (String id : idOf) {
      met += id == null ? 0 : 1;
    }
    int[] at = new int[met];
    String[] ids = new String[met];
    for (int k = 0, i = 0; k < idOf.length; k++) {
      if (idOf[k] != null) {
        at[i] = k;
        ids[i++] = idOf[k];
      }
    }
    idsSeen.add(new MetIds(at, ids, clash));
    idOf = new String[hashes.length]; // the next object's ids are handed over on their own
    clash = false;
  }

  /** On the driver, after the second pass: whether a listed hash was met with two different event_ids. */
  boolean clashed() {
    String[] idOfHash = new String[hashes.length];
    for (MetIds part : idsSeen.value()) {
      if (part.clash()) {
        return true;
      }
      for (int i = 0; i < part.at().length; i++) {
        String before = idOfHash[part.at()[i]];
        if (before == null) {
          idOfHash[part.at()[i]] = part.ids()[i];
        } else if (!before.equals(part.ids()[i])) {
          return true;
        }
      }
    }
    return false;
  }
}
