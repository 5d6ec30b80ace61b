package io.hourglass.common.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Paths;
import java.util.Set;

/** Turns what a user writes for a location (a path, {@code file:}, {@code s3a://}, {@code s3://}) into one URI form. */
public final class Locations {
  private static final Set<String> SCHEMES = Set.of("file", "s3a", "s3", "hdfs");

  private Locations() {}

  /** A normalised URI string without a trailing slash; a bad one is reported naming {@code key}. */
  public static String normalize(String key, String location) {
    if (location == null || location.isBlank()) {
      throw BadConfigException.of(key, location, "must not be empty");
    }
    String trimmed = location.trim();
    String scheme = schemeOf(trimmed);
    String uri;
    if (scheme == null) {
      // Not Path.toUri(): it writes a space as %20, which Hadoop's Path(String) then takes literally ("/tmp/x%20y").
      // Hadoop's own form of a local file's URI leaves the path as it is.
      uri = "file://" + Paths.get(trimmed).toAbsolutePath().normalize().toString().replace('\\', '/');
    } else if (!SCHEMES.contains(scheme)) {
      throw BadConfigException.of(key, location, "unsupported scheme '" + scheme + "' (use a path, file:, s3a:// or s3://)");
    } else {
      URI parsed;
      try {
        parsed = new URI(trimmed);
      } catch (URISyntaxException e) {
        throw BadConfigException.of(key, location, "not a valid URI: " + e.getMessage());
      }
      if (!scheme.equals("file") && parsed.getHost() == null) {
        throw BadConfigException.of(key, location, "names no bucket or host");
      }
      uri = parsed.toString();
    }
    while (uri.endsWith("/") && !uri.endsWith(":///") && !uri.endsWith("://")) {
      uri = uri.substring(0, uri.length() - 1);
    }
    return uri;
  }

  /** Joins a base URI and relative parts with single slashes. */
  public static String join(String base, String... parts) {
    StringBuilder sb = new StringBuilder(base);
    for (String part : parts) {
      if (part == null || part.isEmpty()) {
        continue;
      }
      if (sb.charAt(sb.length() - 1) != '/') {
        sb.append('/');
      }
      sb.append(part.startsWith("/") ? part.substring(1) : part);
    }
    return sb.toString();
  }

  private static String schemeOf(String location) {
    int colon = location.indexOf(':');
    if (colon < 2) {
      return null; // no scheme, or a Windows drive letter
    }
    String candidate = location.substring(0, colon);
    return candidate.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')
        ? candidate.toLowerCase(java.util.Locale.ROOT)
        : null;
  }
}
