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
 * <p>Ids are compared exactly (as strings), found by their 64-bit hash in an open-addressing table; the table
 * starts over when {@code capacity} ids are in it, so memory stays bounded (a copy further back is then left to
 * the hashes). One per task, not thread-safe.
 */
final class RecentIds {
  private final long[] hashes;
  private final String[] ids;
  private final UTF8String[] objects;
  private final int capacity;
  private int size;

  RecentIds(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("a window holds at least one id, cannot be: " + capacity);
    }
    int slots = Integer.highestOneBit(Math.max(2, capacity) - 1) << 2; // a power of two, at least twice the capacity
    this.hashes = new long[slots];
    this.ids = new String[slots];
    this.objects = new UTF8String[slots];
    this.capacity = capacity;
  }

  /**
   * Whether the accepted record of {@code id} (whose {@link SideSurvey#hash64} is {@code hash}) in {@code object} is a
   * later copy of one this task met before; if not, it is remembered.
   */
  boolean laterCopy(UTF8String object, String id, long hash) {
    int mask = ids.length - 1;
    int at = slot(hash, mask);
    while (ids[at] != null) {
      if (hashes[at] == hash && ids[at].equals(id)) {
        if (objects[at].compareTo(object) <= 0) {
          return true;
        }
        objects[at] = object; // met first in an object named after this one: this copy comes first by the rule
        return false;
      }
      at = (at + 1) & mask;
    }
    if (size >= capacity) {
      Arrays.fill(ids, null);
      Arrays.fill(objects, null);
      size = 0;
      at = slot(hash, mask);
    }
    hashes[at] = hash;
    ids[at] = id;
    objects[at] = object;
    size++;
    return false;
  }

  private static int slot(long hash, int mask) {
    return (int) (hash ^ (hash >>> 32)) & mask;
  }

  int size() {
    return size;
  }
}
