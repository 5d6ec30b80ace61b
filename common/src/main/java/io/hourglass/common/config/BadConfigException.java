package io.hourglass.common.config;

/**
 * A setting or argument that cannot be used. The message is one line that names the key and the value;
 * the command exits 2 with it.
 */
public final class BadConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BadConfigException(String message) {
    super(message);
  }

  public BadConfigException(String message, Throwable cause) {
    super(message, cause);
  }

  /** "key = 'value': reason", the one shape every bad setting is reported in. */
  public static BadConfigException of(String key, Object value, String reason) {
    Object shown = value instanceof java.time.Duration d ? DurationText.of(d) : value;
    return new BadConfigException(String.format("%s = '%s': %s", key, shown, reason));
  }
}
