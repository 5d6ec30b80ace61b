package io.hourglass.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.hourglass.common.testing.SparkTestSession;
import io.hourglass.common.transform.Columns;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.util.DateTimeUtils;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/**
 * The decoder's shortcuts against what they stand in for, value by value: the ISO-8601 reader against
 * Spark's cast to timestamp, the dotted-quad IP truncation against {@link Columns#truncateIp}. A shortcut
 * may decline a value (the slow path then decides); where it answers, it must answer the same.
 */
class WebEventDecoderTest {
  private static final String[] ZONES = {"Z", "+00:00", "-00:00", "+05:30", "-08:00", "+14:00", "-12:45", "+17:59",
      "+18:00", "-18:00", "+19:00", "+05:60", "+5:30", "+05:3", "+0530", "z", "UTC", ""};

  @Test
  void isoShortcutAgreesWithSparksCast() {
    Random r = new Random(7);
    int answered = 0;
    List<String> samples = new ArrayList<>(List.of("2026-11-20T10:51:03.214Z", "2026-11-20T10:51:03.214+05:30",
        "2026-11-20T10:51:03-08:00", "2024-02-29T23:59:59.999999+01:00", "2023-02-29T10:00:00Z",
        "2026-11-20T24:00:00Z", "2026-11-20T10:51:03.Z", "2026-11-20T10:51:03.1234567Z", "2026-13-01T00:00:00Z",
        "0000-01-01T00:00:00+01:00", "9999-12-31T23:59:59.9-17:59", "2026-11-20 10:51:03Z", "2026-11-20T10:51:3Z"));
    for (int i = 0; i < 20_000; i++) {
      samples.add(String.format("%04d-%02d-%02dT%02d:%02d:%02d%s%s", r.nextInt(3) == 0 ? r.nextInt(10_000) : 2020 + r.nextInt(10),
          1 + r.nextInt(13), 1 + r.nextInt(31), r.nextInt(25), r.nextInt(61), r.nextInt(61),
          r.nextBoolean() ? "" : "." + "1234567".substring(0, 1 + r.nextInt(7)), ZONES[r.nextInt(ZONES.length)]));
    }
    for (String s : samples) {
      Long fast = WebEventDecoder.isoUtc(s);
      if (fast == null) {
        continue;
      }
      answered++;
      scala.Option<Object> spark = DateTimeUtils.stringToTimestamp(UTF8String.fromString(s), ZoneOffset.UTC);
      assertEquals(spark.isDefined() ? spark.get() : null, fast, s);
    }
    // It must also take the common forms, or it saves nothing.
    assertNotNull(WebEventDecoder.isoUtc("2026-11-20T10:51:03.214Z"));
    assertNotNull(WebEventDecoder.isoUtc("2026-11-20T10:51:03.214+05:30"));
    assertNotNull(WebEventDecoder.isoUtc("2026-11-20T10:51:03-08:00"));
    assertNull(WebEventDecoder.isoUtc("2026-11-20T10:51:03+18:00"), "left to Spark's zone lookup");
    assertEquals(true, answered > 5_000, "answered " + answered);
  }

  /**
   * Plain digits are typed by their count instead of the regexes ({@code ^-?\\d{1,10}$} and Spark's cast for
   * site_id, {@code ^\\d{1,11}$} for epoch seconds, {@code ^-?\\d{1,15}$} and the cast for epoch millis): the
   * same answers as the regexes and casts on digits of every length and on what only looks like them.
   */
  @Test
  void digitShortcutsAgreeWithTheRegexesAndCasts() {
    Random r = new Random(5);
    List<String> samples = new ArrayList<>(List.of("0", "00", "-0", "-", "", "+1", " 1", "1 ", "1\n", "12\u2028",
        "2147483647", "2147483648", "-2147483648", "-2147483649", "0002147483647", "99999999999", "999999999999",
        "123456789012345", "1234567890123456", "\u0661\u0662", "1.5", "1e3", "0x10", "1795171134840", "2026-11-20T10:51:03Z",
        "-12", "12-", "1\r", "1\r\n", "5\u0085", "--1", "-\n", "\n", "1\n\n", "2026-11-20 10:51:03", "12:00"));
    for (int i = 0; i < 5_000; i++) {
      StringBuilder b = new StringBuilder(r.nextInt(8) == 0 ? "-" : "");
      int len = 1 + r.nextInt(20);
      for (int k = 0; k < len; k++) {
        b.append((char) ('0' + r.nextInt(10)));
      }
      if (r.nextInt(10) == 0) {
        b.append(new String[] {"\n", "\r\n", " ", "x", "\u2029"}[r.nextInt(5)]);
      }
      samples.add(b.toString());
    }
    java.util.regex.Pattern site = java.util.regex.Pattern.compile("^-?\\d{1,10}$");
    java.util.regex.Pattern seconds = java.util.regex.Pattern.compile(WebEventsTransforms.EPOCH_SECONDS);
    java.util.regex.Pattern millis = java.util.regex.Pattern.compile("^-?\\d{1,15}$");
    for (String s : samples) {
      UTF8String.LongWrapper n = new UTF8String.LongWrapper();
      boolean castable = UTF8String.fromString(s).toLong(n);
      Integer expectedSite = site.matcher(s).find() && castable && n.value >= Integer.MIN_VALUE && n.value <= Integer.MAX_VALUE
          ? (int) n.value : null;
      assertEquals(expectedSite, WebEventDecoder.siteId(s), "site_id '" + s + "'");
      assertEquals(seconds.matcher(s).find(), WebEventDecoder.isEpochSeconds(s), "epoch seconds '" + s + "'");
      Long expectedTime;
      if (WebEventDecoder.isoUtc(s) != null) {
        expectedTime = WebEventDecoder.isoUtc(s);
      } else if (millis.matcher(s).find()) {
        expectedTime = castable ? Math.multiplyExact(n.value, 1000L) : null;
      } else {
        scala.Option<Object> micros = DateTimeUtils.stringToTimestamp(UTF8String.fromString(s), ZoneOffset.UTC);
        expectedTime = micros.isDefined() ? (Long) micros.get() : null;
      }
      assertEquals(expectedTime, WebEventDecoder.eventTime(s), "event_time '" + s + "'");
    }
  }

  /** The HMAC cache gives what the HMAC gives, across its starting over when full. */
  @Test
  void hmacCacheGivesTheHmacAndStaysBounded() {
    io.hourglass.common.transform.Hmac hmac = io.hourglass.common.transform.Hmac.withKey("a test key, not a secret".getBytes());
    WebEventDecoder.HmacCache cache = new WebEventDecoder.HmacCache(16);
    Random r = new Random(3);
    for (int i = 0; i < 2_000; i++) {
      String email = "user" + r.nextInt(i < 1_000 ? 12 : 40) + "@example.com";
      assertEquals(hmac.ofValue(email), cache.get(email, hmac).toString(), email);
      assertEquals(true, cache.size() <= 16, "size " + cache.size());
    }
  }

  @Test
  void ipShortcutAgreesWithTheColumnRule() {
    Random r = new Random(11);
    List<String> ips = new ArrayList<>(List.of("203.0.113.57", "010.001.002.003", "255.255.255.255", "256.1.1.1",
        "1.2.3.256", "1.2.3", "1.2.3.4.5", "1..2.3", ".1.2.3", "1.2.3.", "1234.1.1.1", " 1.2.3.4 ", "1.2.3.4\n",
        "1.2.3.4x", "0.0.0.0", "2001:db8::1", "2001:DB8:0:0:8:800:200C:417A", "::1", "", "a.b.c.d", "١.٢.٣.٤"));
    for (int i = 0; i < 3_000; i++) {
      StringBuilder sb = new StringBuilder();
      int groups = r.nextInt(10) == 0 ? 3 + r.nextInt(3) : 4;
      for (int g = 0; g < groups; g++) {
        sb.append(g == 0 ? "" : r.nextInt(50) == 0 ? ".." : ".").append(r.nextInt(r.nextBoolean() ? 256 : 1200));
      }
      ips.add(r.nextInt(40) == 0 ? "0" + sb : sb.toString());
    }
    ips.addAll(List.of("::", "::1", "1::", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1::2:3:4:5:6:7", "1:2::3", ":::", "1:::2",
        "1::2::3", ":1::", "1::2:", "1:2:3:4:5:6:7:8:", ":1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
        "00000::1", "0000:0db8::1", "2001:DB8::1", "2001:db8::g", " 2001:db8::1", "2001:db8::1 ", "2001:db8::1\n",
        "1:2:3:4:5:6:1.2.3.4", "fe80::1%eth0"));
    String hex = "0123456789abcdefABCDEF";
    for (int i = 0; i < 3_000; i++) { // IPv6: groups of 0-5 hex digits around at most a few '::', some damaged
      int groups = 1 + r.nextInt(9);
      int gapAt = r.nextInt(3) == 0 ? -1 : r.nextInt(groups + 1);
      StringBuilder sb = new StringBuilder();
      for (int g = 0; g < groups; g++) {
        sb.append(g == gapAt ? "::" : g == 0 ? "" : r.nextInt(60) == 0 ? ":::" : ":");
        int digits = r.nextInt(50) == 0 ? 5 : 1 + r.nextInt(4);
        for (int k = 0; k < digits; k++) {
          sb.append(hex.charAt(r.nextInt(r.nextInt(20) == 0 ? hex.length() : 16)));
        }
      }
      if (gapAt == groups) {
        sb.append("::");
      }
      ips.add(sb.toString());
    }
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> df = spark.createDataset(ips, Encoders.STRING()).toDF("ip")
        .select(org.apache.spark.sql.functions.col("ip"), Columns.truncateIp(org.apache.spark.sql.functions.col("ip")).as("t"));
    List<Row> rows = df.collectAsList();
    assertEquals(ips.size(), rows.size());
    for (Row row : rows) {
      assertEquals(row.getString(1), WebEventDecoder.truncateIp(row.getString(0)), "ip '" + row.getString(0) + "'");
    }
  }

  @Test
  void urlShortcutAgreesWithTheFullParse() {
    Random r = new Random(13);
    List<String> urls = new ArrayList<>(List.of("https://www.shop20.example.com/p/5377?ref=x", "https://WWW.Shop.example.com/p/1?x=2#top",
        "http://example.com", "http://example.com?x", "http://example.com:8080/a", "http://user@example.com/a",
        "http://1.2.3.4/a", "http://-a.com/x", "http://a-.com/x", "http://a..com/x", "http://a.com./x", "http://a.1com/x",
        "http://localhost/x", "http://a.com/p%20q", "http://a.com/p q", "http://a.com/p#f#g", "http://a.com/p?q#f?g",
        "http://a.com/ü", "mailto:a@b.com", "//a.com/x", "a.com/x", "", "h://a.b/c", "1http://a.com/x", "http://[::1]/x",
        "http://a.com/x|y", "http://a.com/x\\y", "http://a_b.com/x"));
    String alphabet = "ab-.:/?#%@_~!$&'()*+,;=019AZ |\\[]ü";
    int bases = urls.size();
    for (int i = 0; i < 20_000; i++) {
      StringBuilder sb = new StringBuilder(urls.get(r.nextBoolean() ? 0 : r.nextInt(bases)));
      for (int k = r.nextInt(3); k > 0 && sb.length() > 0; k--) {
        int at = r.nextInt(sb.length());
        char c = alphabet.charAt(r.nextInt(alphabet.length()));
        switch (r.nextInt(3)) {
          case 0 -> sb.insert(at, c);
          case 1 -> sb.setCharAt(at, c);
          default -> sb.deleteCharAt(at);
        }
      }
      urls.add(sb.toString());
    }
    int simple = 0;
    for (String url : urls) {
      WebEventDecoder.UrlParts fast = WebEventDecoder.simpleUrlParts(url);
      if (fast != null) {
        simple++;
        assertEquals(WebEventDecoder.urlPartsByUri(url), fast, "url '" + url + "'");
      }
    }
    assertNotNull(WebEventDecoder.simpleUrlParts("https://www.shop20.example.com/p/5377?ref=x"));
    assertEquals(true, simple > 3_000, "simple " + simple);
  }
}
