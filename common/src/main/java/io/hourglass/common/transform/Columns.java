package io.hourglass.common.transform;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_repeat;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Reusable column helpers built from Spark's own functions (no UDFs unless a comment says why).
 *
 * <pre>
 * helper        | before                                   | after
 * truncateIp    | 203.0.113.57                             | 203.0.113.0
 * truncateIp    | 2001:DB8:85a3::8a2e:370:7334             | 2001:db8:85a3::
 * truncateIp    | not-an-ip                                | null
 * urlDomain     | https://WWW.Shop.example.com/p/1?x=2     | www.shop.example.com
 * urlPath       | https://www.shop.example.com/p/1?x=2#top | /p/1
 * </pre>
 */
public final class Columns {
  /** The patterns {@link #truncateIp} accepts, public for code that must agree with it value by value. */
  public static final String IPV4 = "^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})$";
  // IPv6: eight hex groups, or '::' standing for one or more zero groups with at most seven written.
  // Embedded IPv4 tails and zone ids are not accepted.
  public static final String IPV6_FULL = "^([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$";
  public static final String IPV6_COMPRESSED =
      "^(([0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})?::(([0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})?$";

  private Columns() {}

  /**
   * Fails, listing what it got, unless {@code input} has every column in {@code required}.
   * Transforms call this first so a wrong input fails at plan time with a clear message.
   */
  public static void require(Dataset<Row> input, String transform, String... required) {
    Set<String> have = new TreeSet<>(Arrays.asList(input.columns()));
    List<String> missing = Arrays.stream(required).filter(c -> !have.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(transform + " needs columns " + missing + " but got " + have);
    }
  }

  /** IPv4 to its /24 ({@code a.b.c.0}), IPv6 to its /48 ({@code x:y:z::}); anything else to null. */
  public static Column truncateIp(Column ip) {
    Column s = lower(trim(ip));
    Column v4 = regexp_replace(s, "^(\\d{1,3}\\.\\d{1,3}\\.\\d{1,3})\\.\\d{1,3}$", "$1.0");
    Column v4ok = s.rlike(IPV4).and(octetsInRange(s));

    // Expand '::' into the zero groups it stands for, then keep the first three groups.
    Column compressed = s.contains("::");
    Column head = groups(when(compressed, substring_index(s, "::", 1)).otherwise(s));
    Column tail = groups(when(compressed, substring_index(s, "::", -1)).otherwise(lit("")));
    Column zeros = array_repeat(lit("0"), greatest(lit(0), lit(8).minus(size(head)).minus(size(tail))));
    Column all = when(compressed, concat(head, zeros, tail)).otherwise(head);
    Column first3 = transform(slice(all, 1, 3), g -> regexp_replace(g, "^0+(?=.)", ""));
    Column v6 = concat(concat_ws(":", first3), lit("::"));

    Column v6ok = s.rlike(IPV6_FULL).or(s.rlike(IPV6_COMPRESSED).and(size(head).plus(size(tail)).leq(7)));
    return when(v4ok, v4).when(v6ok, v6).otherwise(lit(null).cast("string"));
  }

  /** Lower-case host of a URL; null when the URL does not parse. */
  public static Column urlDomain(Column url) {
    return lower(functions.parse_url(url, lit("HOST")));
  }

  /** Path of a URL without query or fragment; null when the URL does not parse. */
  public static Column urlPath(Column url) {
    return functions.parse_url(url, lit("PATH"));
  }

  private static Column groups(Column part) {
    return when(part.equalTo(""), array().cast("array<string>")).otherwise(split(part, ":"));
  }

  private static Column octetsInRange(Column s) {
    Column ok = lit(true);
    for (int i = 1; i <= 4; i++) {
      ok = ok.and(functions.regexp_extract(s, IPV4, i).cast("int").leq(255));
    }
    return ok;
  }
}
