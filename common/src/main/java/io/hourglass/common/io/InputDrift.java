package io.hourglass.common.io;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How an hour's raw folder differs now from what its published run read (the input list of its manifest). Firehose
 * keeps writing objects into an hour's folder for up to its buffer interval after the hour ends, and an object can
 * also arrive much later when its delivery was retried; a raw-retention rule can remove objects. A backfill runs an
 * hour again for the first reason and never for the second, which would replace the hour with less than it holds.
 *
 * @param manifestFound whether the hour has a manifest at all (a run that published wrote one)
 * @param arrived objects in the folder now that the run did not read, or read at another size
 * @param gone objects the run read that the folder no longer holds
 */
public record InputDrift(boolean manifestFound, List<InputFile> arrived, List<InputFile> gone) {
  public InputDrift {
    arrived = List.copyOf(arrived);
    gone = List.copyOf(gone);
  }

  /** Compares a listing of the folder with the published manifest, if any. */
  public static InputDrift of(HourInput now, Optional<RunManifest> published) {
    if (published.isEmpty()) {
      return new InputDrift(false, now.files(), List.of());
    }
    Map<String, Long> read = new HashMap<>();
    for (InputFile f : published.get().input().files()) {
      read.put(f.path(), f.bytes());
    }
    Map<String, Long> listed = new HashMap<>();
    for (InputFile f : now.files()) {
      listed.put(f.path(), f.bytes());
    }
    List<InputFile> arrived = now.files().stream().filter(f -> !Long.valueOf(f.bytes()).equals(read.get(f.path()))).toList();
    List<InputFile> gone = published.get().input().files().stream().filter(f -> !listed.containsKey(f.path())).toList();
    return new InputDrift(true, arrived, gone);
  }

  /** Nothing arrived and nothing went: the published hour is what its folder holds. */
  public boolean unchanged() {
    return manifestFound && arrived.isEmpty() && gone.isEmpty();
  }

  /** Something arrived and nothing went: running the hour again adds what arrived and loses nothing. */
  public boolean grew() {
    return manifestFound && !arrived.isEmpty() && gone.isEmpty();
  }
}
