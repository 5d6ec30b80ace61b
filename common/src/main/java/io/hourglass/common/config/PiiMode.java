package io.hourglass.common.config;

/** What happens to a PII column: replaced by a keyed hash, or dropped. */
public enum PiiMode {
  HASH,
  DROP
}
