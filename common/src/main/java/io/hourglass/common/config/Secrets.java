package io.hourglass.common.config;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Secrets come from the environment (or the AWS default chain, for S3), never from a committed file,
 * and are never printed: messages name the variable, not its value.
 */
public final class Secrets {
  /** Shortest HMAC key accepted, in bytes (UTF-8 of the variable's value). */
  public static final int MIN_HMAC_KEY_BYTES = 16;

  private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password|pwd)(\\s*=\\s*)[^;&]*");
  private static final Pattern URL_USERINFO = Pattern.compile("//([^/@:;?]+):[^/@;?]*@");

  private Secrets() {}

  /** A URL, or a message that holds one, fit to print: a {@code password=} parameter and a user info's password masked. */
  public static String redactUrl(String text) {
    if (text == null) {
      return null;
    }
    String out = URL_PASSWORD.matcher(text).replaceAll("$1$2***");
    return URL_USERINFO.matcher(out).replaceAll("//$1:***@");
  }

  /**
   * The passwords written into a URL itself (a {@code password=} parameter, a user info's password), so that they
   * can be masked wherever they turn up again: a driver that cannot parse the URL quotes its pieces in its
   * messages ("UnknownHostException: user:secret@host"), where {@link #redactUrl} no longer sees a URL.
   */
  public static java.util.List<String> passwordsIn(String url) {
    java.util.List<String> found = new java.util.ArrayList<>();
    if (url == null) {
      return found;
    }
    java.util.regex.Matcher param = URL_PASSWORD.matcher(url);
    while (param.find()) {
      found.add(param.group().substring(param.group().indexOf('=') + 1).trim());
    }
    java.util.regex.Matcher info = Pattern.compile("//[^/@:;?]+:([^/@;?]*)@").matcher(url);
    while (info.find()) {
      found.add(info.group(1));
    }
    found.removeIf(String::isEmpty);
    return found;
  }

  /**
   * The dataset's HMAC key, or empty when the dataset drops email. A missing or short key is a bad
   * configuration (exit 2) that says how to fix it.
   */
  public static Optional<byte[]> hmacKey(DatasetSettings dataset, Map<String, String> env) {
    if (dataset.email() == PiiMode.DROP) {
      return Optional.empty();
    }
    String var = dataset.hmacKeyEnv();
    String value = env.get(var);
    String fix = "; set it (" + MIN_HMAC_KEY_BYTES + "+ bytes, from your secret store), or set hourglass.datasets."
        + dataset.name() + ".pii.email = drop";
    if (value == null || value.isEmpty()) {
      throw new BadConfigException("environment variable " + var + " is not set: dataset " + dataset.name()
          + " hashes email with HMAC-SHA256" + fix);
    }
    byte[] key = value.getBytes(StandardCharsets.UTF_8);
    if (key.length < MIN_HMAC_KEY_BYTES) {
      throw new BadConfigException("environment variable " + var + " holds a key of " + key.length
          + " bytes, too short for HMAC-SHA256" + fix);
    }
    return Optional.of(key);
  }
}
