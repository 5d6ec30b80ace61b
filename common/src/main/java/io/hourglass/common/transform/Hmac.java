package io.hourglass.common.transform;

import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.udf;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Keyed HMAC-SHA256 of a string column, as lower-case hex.
 *
 * <p>This is a UDF on purpose: Spark has no HMAC, and building one from {@code sha2} and literals
 * would put the key (as key XOR ipad) into the query plan, which the Spark UI, event logs and
 * {@code explain()} print. Inside a UDF the key travels only in the serialized task.
 */
public final class Hmac implements Serializable {
  private static final long serialVersionUID = 1L;
  private final byte[] key;
  private static final String TRIM = "^\\s+|\\s+$";
  private transient Mac mac;
  private transient Pattern trim;

  private Hmac(byte[] key) {
    this.key = key.clone();
  }

  /** The hash of {@code lower(trim(value))}, so the same address always gives the same hash. */
  public static Column sha256Hex(Column value, byte[] key) {
    Hmac hmac = withKey(key);
    UserDefinedFunction f = udf((UDF1<String, String>) hmac::hex, DataTypes.StringType).withName("hmac_sha256");
    return f.apply(lower(regexp_replace(value, TRIM, "")));
  }

  /**
   * The same hash for code that works on values rather than Columns (a record decoder): {@link #ofValue}
   * gives exactly what {@link #sha256Hex} gives, its trimming and lower-casing done by the same means.
   */
  public static Hmac withKey(byte[] key) {
    if (key == null || key.length < 16) {
      throw new IllegalArgumentException("An HMAC key must be at least 16 bytes, cannot be: "
          + (key == null ? "null" : key.length + " bytes"));
    }
    return new Hmac(key);
  }

  /** Hex HMAC of {@code lower(trim(value))}, null for null; what {@link #sha256Hex} computes for one value. */
  public String ofValue(String value) {
    if (value == null) {
      return null;
    }
    if (trim == null) {
      trim = Pattern.compile(TRIM);
    }
    String trimmed = trim.matcher(value).replaceAll("");
    try {
      return hex(UTF8String.fromString(trimmed).toLowerCase().toString()); // Spark's lower(), to the byte
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  String hex(String value) throws GeneralSecurityException {
    if (value == null) {
      return null;
    }
    if (mac == null) {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
    }
    return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public String toString() {
    return "Hmac[key=<redacted>]";
  }
}
