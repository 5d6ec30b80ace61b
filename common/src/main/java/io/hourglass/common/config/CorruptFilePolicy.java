package io.hourglass.common.config;

/** What a run does with a raw object it cannot decompress or decode to the end. */
public enum CorruptFilePolicy {
  /** The run fails before writing anything, naming every such file. */
  FAIL,
  /** The lines decoded before the damage are kept; the file is quarantined as {@code corrupt_file} and counted. */
  SKIP
}
