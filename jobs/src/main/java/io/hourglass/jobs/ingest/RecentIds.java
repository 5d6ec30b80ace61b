package io.hourglass.jobs.ingest;

import java.util.Arrays;
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
 * <p>Ids are compared exactly (as strings), found by their 64-bit hash in open-addressing tables of two
 * generations: when the newer holds {@code capacity} ids it becomes the older, and the older is dropped. So any
 * copy within the last {@code capacity} accepted records is found, and memory stays bounded (a copy further back
 * is left to the hashes). One per task, not thread-safe.
 */
final class RecentIds {
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
  boolean laterCopy(UTF8String object, String id, long hash) {
    int at = newer.find(id, hash);
    if (at >= 0) {
      if (newer.objects[at].compareTo(object) <= 0) {
        return true;
      }
      newer.objects[at] = object; // met first in an object named after this one: this copy comes first by the rule
      return false;
    }
    if (older != null) {
      int old = older.find(id, hash);
      if (old >= 0 && older.objects[old].compareTo(object) <= 0) {
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

  /** One generation: ids by hash, open addressing, never more than half full. */
  private static final class Table {
    final long[] hashes;
    final String[] ids;
    final UTF8String[] objects;
    int size;

    Table(int capacity) {
      int slots = Integer.highestOneBit(Math.max(2, capacity) - 1) << 2; // a power of two, at least twice the capacity
      this.hashes = new long[slots];
      this.ids = new String[slots];
      this.objects = new UTF8String[slots];
    }

    /** The slot holding {@code id}, or -1. */
    int find(String id, long hash) {
      int mask = ids.length - 1;
      for (int at = slot(hash, mask); ids[at] != null; at = (at + 1) & mask) {
        if (hashes[at] == hash && ids[at].equals(id)) {
          return at;
        }
      }
      return -1;
    }

    void add(UTF8String object, String id, long hash) {
      int mask = ids.length - 1;
      int at = slot(hash, mask);
      while (ids[at] != null) {
        at = (at + 1) & mask;
      }
      hashes[at] = hash;
      ids[at] = id;
      objects[at] = object;
      size++;
    }

    Table clear() {
      Arrays.fill(ids, null);
      Arrays.fill(objects, null);
      size = 0;
      return this;
    }

    private static int slot(long hash, int mask) {
      return (int) (hash ^ (hash >>> 32)) & mask;
    }
  }
}
