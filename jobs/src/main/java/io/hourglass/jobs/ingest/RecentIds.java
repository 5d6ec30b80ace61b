package io.hourglass.jobs.ingest;

import java.util.Arrays;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.array.ByteArrayMethods;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The event_ids one task accepted most recently, each with the least-named object it met them in, so that the
 * single pass drops a later copy on the spot. By the dedup's rule the copy kept is the one with the least
 * source_file (as UTF-8 bytes, as Spark orders strings), then line, then record; so a record whose id this task
 * met before in an object whose name is not greater (the same object, an earlier line; or an object named before
 * it) is a later copy whatever any other task reads, and it is counted as a duplicate and not written. Its id then
 * does not show as repeated in the hashes at all. Any other repeat (the other copy in another task, in an object
 * named after this one that was read first, or further back than the window) is left to the hashes and the
 * second pass ({@link RepeatedIds}), as before.
 *
 * <p>Ids are compared exactly (their UTF-8 bytes), found by their 64-bit hash in open-addressing tables of two
 * generations: when the newer holds {@code capacity} ids it becomes the older, and the older is dropped. So any
 * copy within the last {@code capacity} accepted records is found, and memory stays bounded (a copy further back
 * is left to the hashes). One per task, not thread-safe.
 *
 * <p>The tables hold no object per id: ids are copied into one byte array per generation, a slot's other fields
 * are ints, and its object is one of the few the task reads (the decoder's one instance per object). A
 * window of ids kept as objects lives through several young collections (65,536 ids are 10-15 MB of records
 * read), and the collector copied them from one survivor space to the next each time: measured on the 5M hour,
 * 1.1 s more of collection pauses than without the window. Primitive arrays are promoted once and not traced.
 */
final class RecentIds {
  /**
   * Longest id held, in UTF-8 bytes (a UUID takes 36): a longer one is left to the hashes, so that a table's bytes
   * stay within {@code capacity * MAX_ID_BYTES} whatever the ids.
   */
  static final int MAX_ID_BYTES = 256;
  private final int capacity;
  private Table newer;
  private Table older;

  RecentIds(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("a window holds at least one id, cannot be: " + capacity);
    }
    this.capacity = capacity;
    this.newer = new Table(capacity);
  }

  /**
   * Whether the accepted record of {@code id} (whose {@link SideSurvey#hash64} is {@code hash}) in {@code object} is a
   * later copy of one this task met before; if not, it is remembered.
   */
  boolean laterCopy(UTF8String object, UTF8String id, long hash) {
    if (id.numBytes() > MAX_ID_BYTES) {
      return false;
    }
    int at = newer.find(id, hash);
    if (at >= 0) {
      if (newer.object[at].compareTo(object) <= 0) {
        return true;
      }
      newer.object[at] = object; // met first in an object named after this one: this copy comes first by the rule
      return false;
    }
    if (older != null) {
      int old = older.find(id, hash);
      if (old >= 0 && older.object[old].compareTo(object) <= 0) {
        return true;
      }
    }
    if (newer.size >= capacity) {
      Table emptied = older;
      older = newer;
      newer = emptied == null ? new Table(capacity) : emptied.clear();
    }
    newer.add(object, id, hash);
    return false;
  }

  /** Ids held, both generations. */
  int size() {
    return newer.size + (older == null ? 0 : older.size);
  }

  /**
   * One generation: ids by hash, open addressing, never more than half full. A probe reads only the 32-bit tags
   * (the hash's high half, never 0, which marks an empty slot) until a tag matches, and only then the id's bytes:
   * on a clean hour nearly every lookup misses, and touches one array.
   */
  private static final class Table {
    final int[] tags;
    /** Where each slot's id starts in {@link #bytes}, and its length. */
    final int[] start;
    final int[] length;
    /** Each slot's object: the least-named one its id was met in. */
    final UTF8String[] object;
    byte[] bytes;
    int used;
    int size;

    Table(int capacity) {
      int slots = Integer.highestOneBit(Math.max(2, capacity) - 1) << 2; // a power of two, at least twice the capacity
      this.tags = new int[slots];
      this.start = new int[slots];
      this.length = new int[slots];
      this.object = new UTF8String[slots];
      this.bytes = new byte[(int) Math.min(1 << 24, 24L * capacity)]; // grows when the ids are longer (never past 2^31: see add)
    }

    /** The slot holding {@code id}, or -1. */
    int find(UTF8String id, long hash) {
      int mask = tags.length - 1;
      int tag = tag(hash);
      for (int at = (int) hash & mask, t; (t = tags[at]) != 0; at = (at + 1) & mask) {
        if (t == tag && length[at] == id.numBytes() && ByteArrayMethods.arrayEquals(bytes,
            Platform.BYTE_ARRAY_OFFSET + start[at], id.getBaseObject(), id.getBaseOffset(), id.numBytes())) {
          return at;
        }
      }
      return -1;
    }

    void add(UTF8String object, UTF8String id, long hash) {
      int n = id.numBytes();
      if (used + n > bytes.length) { // at most capacity * MAX_ID_BYTES in all
        bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, used + n));
      }
      id.writeToMemory(bytes, Platform.BYTE_ARRAY_OFFSET + used);
      int mask = tags.length - 1;
      int at = (int) hash & mask;
      while (tags[at] != 0) {
        at = (at + 1) & mask;
      }
      tags[at] = tag(hash);
      start[at] = used;
      length[at] = n;
      this.object[at] = object;
      used += n;
      size++;
    }

    Table clear() {
      Arrays.fill(tags, 0);
      Arrays.fill(object, null);
      used = 0;
      size = 0;
      return this;
    }

    /** The hash's high half (its low bits pick the slot), never 0. */
    private static int tag(long hash) {
      return (int) (hash >>> 32) | 1;
    }
  }
}
