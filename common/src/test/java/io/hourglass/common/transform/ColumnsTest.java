package io.hourglass.common.transform;

import static io.hourglass.common.testing.DataFrameAssert.assertSmallDatasetEquality;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.testing.SparkTestSession;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ColumnsTest {
  private static final SparkSession SPARK = SparkTestSession.get();
  private static final StructType IP_IN = new StructType().add("ip", DataTypes.StringType);
  private static final StructType IP_OUT = new StructType().add("ip", DataTypes.StringType).add("truncated", DataTypes.StringType);

  /**
   * The expected truncation, computed with the JDK's own address parser (a literal is never looked
   * up): the first 3 bytes of IPv4 then ".0", the first 3 groups of IPv6 in shortest hex then "::".
   */
  private static String expectedTruncation(String literal) {
    byte[] b;
    try {
      b = InetAddress.getByName(literal.trim()).getAddress();
    } catch (UnknownHostException e) {
      throw new AssertionError(literal + " is not an address literal", e);
    }
    if (b.length == 4) {
      return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + ".0";
    }
    StringBuilder sb = new StringBuilder();
    for (int g = 0; g < 3; g++) {
      sb.append(Integer.toHexString(((b[2 * g] & 0xff) << 8) | (b[2 * g + 1] & 0xff))).append(':');
    }
    return sb.append(':').toString();
  }

  @Test
  void truncateIpKeepsTheNetworkOfValidAddresses() {
    List<String> valid = List.of(
        "203.0.113.57", "0.0.0.0", "255.255.255.255", " 10.1.2.3 ",
        "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:DB8:85a3::8a2e:370:7334", "::1", "::", "2001:db8::",
        "fe80::1", "2001:0DB8:0001:0002::", "0000:0000:0000::1", "1:2:3:4:5:6:7:8", "ABCD:EF01:2345:6789::1",
        "2001:db8:0:0:1::1", "2001::db8:1");
    List<Row> in = new ArrayList<>();
    List<Row> out = new ArrayList<>();
    for (String ip : valid) {
      in.add(RowFactory.create(ip));
      out.add(RowFactory.create(ip, expectedTruncation(ip)));
    }
    Dataset<Row> input = SPARK.createDataFrame(in, IP_IN);
    assertSmallDatasetEquality(SPARK.createDataFrame(out, IP_OUT),
        input.select(col("ip"), Columns.truncateIp(col("ip")).as("truncated")));
  }

  @Test
  void truncateIpDocumentedExamples() {
    Dataset<Row> input = SPARK.createDataFrame(List.of(
        RowFactory.create("203.0.113.57"), RowFactory.create("2001:DB8:85a3::8a2e:370:7334"),
        RowFactory.create("::1"), RowFactory.create("2001:db8::")), IP_IN);
    Dataset<Row> expected = SPARK.createDataFrame(List.of(
        RowFactory.create("203.0.113.57", "203.0.113.0"), RowFactory.create("2001:DB8:85a3::8a2e:370:7334", "2001:db8:85a3::"),
        RowFactory.create("::1", "0:0:0::"), RowFactory.create("2001:db8::", "2001:db8:0::")), IP_OUT);
    assertSmallDatasetEquality(expected, input.select(col("ip"), Columns.truncateIp(col("ip")).as("truncated")));
  }

  @Test
  void truncateIpAcceptsEveryPlaceOfTheDoubleColon() {
    List<Row> in = new ArrayList<>();
    List<Row> out = new ArrayList<>();
    for (String[] pair : new String[][] {{"1:2:3:4:5:6:7::", "1:2:3::"}, {"::2:3:4:5:6:7:8", "0:2:3::"}, {"1::8", "1:0:0::"},
        {"::", "0:0:0::"}}) {
      in.add(RowFactory.create(pair[0]));
      out.add(RowFactory.create(pair[0], pair[1]));
    }
    assertSmallDatasetEquality(SPARK.createDataFrame(out, IP_OUT),
        SPARK.createDataFrame(in, IP_IN).select(col("ip"), Columns.truncateIp(col("ip")).as("truncated")));
  }

  @Test
  void truncateIpDropsEverythingElse() {
    List<String> garbage = Arrays.asList(
        "256.1.1.1", "1.2.3.256", "1.2.3.999", "1.2.3", "1.2.3.4.5", "a.b.c.d", "1.2.3.4/24", "not-an-ip", "", "   ",
        "2001:db8:::1", "1::2::3", "12345::1", "g::1", "2001:db8:85a3:0:0:8a2e:370:7334:1", "::ffff:192.0.2.1",
        "fe80::1%eth0", "2001:db8", "1:2:3", "12:30:45", "1:2:", ":1:2", "1:2:3:4:5:6:7:8::", null);
    List<Row> in = new ArrayList<>();
    List<Row> out = new ArrayList<>();
    for (String ip : garbage) {
      in.add(RowFactory.create(ip));
      out.add(RowFactory.create(ip, null));
    }
    Dataset<Row> input = SPARK.createDataFrame(in, IP_IN);
    assertSmallDatasetEquality(SPARK.createDataFrame(out, IP_OUT),
        input.select(col("ip"), Columns.truncateIp(col("ip")).as("truncated")));
  }

  @Test
  void urlDomainAndPath() {
    StructType in = new StructType().add("url", DataTypes.StringType);
    StructType out = new StructType().add("url", DataTypes.StringType)
        .add("domain", DataTypes.StringType).add("path", DataTypes.StringType);
    Object[][] cases = {
        {"https://WWW.Shop.Example.com/p/1?x=2#top", "www.shop.example.com", "/p/1"},
        {"http://example.com/a/b/?q=1&r=2", "example.com", "/a/b/"},
        {"https://example.com/path#frag", "example.com", "/path"},
        {"https://user:pw@Example.COM:8443/x?y=1", "example.com", "/x"},
        {"http://exa mple.com/x", null, null},
        {"http://[::1/x", null, null},
        {null, null, null},
    };
    List<Row> inRows = new ArrayList<>();
    List<Row> outRows = new ArrayList<>();
    for (Object[] c : cases) {
      inRows.add(RowFactory.create(c[0]));
      outRows.add(RowFactory.create(c));
    }
    Dataset<Row> input = SPARK.createDataFrame(inRows, in);
    assertSmallDatasetEquality(SPARK.createDataFrame(outRows, out),
        input.select(col("url"), Columns.urlDomain(col("url")).as("domain"), Columns.urlPath(col("url")).as("path")));
  }

  @Test
  void requireListsWhatIsMissingAndWhatIsThere() {
    Dataset<Row> df = SPARK.createDataFrame(List.of(), new StructType()
        .add("b", DataTypes.StringType).add("a", DataTypes.IntegerType));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Columns.require(df, "withThing", "a", "x", "y"));
    assertTrue(e.getMessage().startsWith("withThing"), e.getMessage());
    assertTrue(e.getMessage().contains("[x, y]"), e.getMessage());
    assertTrue(e.getMessage().contains("[a, b]"), e.getMessage());
  }

  @Test
  void requireAcceptsWhatHasEverything() {
    Dataset<Row> df = SPARK.createDataFrame(List.of(), new StructType()
        .add("b", DataTypes.StringType).add("a", DataTypes.IntegerType));
    assertDoesNotThrow(() -> Columns.require(df, "withThing", "a", "b"));
    assertDoesNotThrow(() -> Columns.require(df, "withThing"));
  }
}
