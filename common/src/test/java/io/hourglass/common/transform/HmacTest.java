package io.hourglass.common.transform;

import static io.hourglass.common.testing.DataFrameAssert.assertSmallDatasetEquality;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.testing.SparkTestSession;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.ExplainMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class HmacTest {
  private static final SparkSession SPARK = SparkTestSession.get();
  private static final String KEY_TEXT = "K3y-Very-Secret-Value-42";
  private static final byte[] KEY = KEY_TEXT.getBytes(StandardCharsets.UTF_8);
  private static final StructType IN = new StructType().add("email", DataTypes.StringType);
  private static final StructType OUT = IN.add("email_hmac", DataTypes.StringType);

  private static String reference(byte[] key, String value) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    byte[] digest = mac.doFinal(value.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    StringBuilder sb = new StringBuilder();
    for (byte b : digest) {
      sb.append(String.format("%02x", b));
    }
    return sb.toString();
  }

  private static Dataset<Row> emails(String... values) {
    List<Row> rows = new ArrayList<>();
    for (String v : values) {
      rows.add(RowFactory.create(v));
    }
    return SPARK.createDataFrame(rows, IN);
  }

  @Test
  void equalsHmacSha256OfTheTrimmedLowerCasedValue() throws Exception {
    List<String> values = Arrays.asList("Alice@Example.com  ", "alice@example.com", "  BOB@EXAMPLE.ORG", "",
        "zoë@exämple.de", null);
    List<Row> expected = new ArrayList<>();
    for (String v : values) {
      expected.add(RowFactory.create(v, v == null ? null : reference(KEY, v)));
    }
    Dataset<Row> input = emails(values.toArray(String[]::new));
    assertSmallDatasetEquality(SPARK.createDataFrame(expected, OUT),
        input.select(col("email"), Hmac.sha256Hex(col("email"), KEY).as("email_hmac")));
  }

  @Test
  void differentKeysGiveDifferentHashesAndSameAddressTheSameHash() throws Exception {
    byte[] other = "another-key-of-enough-bytes".getBytes(StandardCharsets.UTF_8);
    assertNotEquals(reference(KEY, "a@b.c"), reference(other, "a@b.c"));
    Dataset<Row> input = emails("a@b.c", " A@B.C ");
    List<Row> got = input.select(Hmac.sha256Hex(col("email"), KEY).as("k1"), Hmac.sha256Hex(col("email"), other).as("k2"))
        .collectAsList();
    assertTrue(got.get(0).getString(0).equals(got.get(1).getString(0)), "same address, same key: same hash");
    assertTrue(got.get(0).getString(0).equals(reference(KEY, "a@b.c")));
    assertTrue(got.get(0).getString(1).equals(reference(other, "a@b.c")));
  }

  @Test
  void refusesAShortOrMissingKeyWithoutPrintingIt() {
    byte[] shortKey = "fifteen-bytes!!".getBytes(StandardCharsets.UTF_8);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Hmac.sha256Hex(col("email"), shortKey));
    assertTrue(e.getMessage().contains("15 bytes"), e.getMessage());
    assertFalse(e.getMessage().contains("fifteen"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Hmac.sha256Hex(col("email"), null));
    assertThrows(IllegalArgumentException.class, () -> Hmac.sha256Hex(col("email"), new byte[0]));
  }

  @Test
  void keyNeverAppearsInThePlanOrExplainOutput() {
    // Over a local relation the optimizer would compute the column at planning time; the shuffle keeps
    // the UDF in the plan, as it is in a real job.
    Dataset<Row> hashed = emails("alice@example.com").repartition(1)
        .withColumn("email_hmac", Hmac.sha256Hex(col("email"), KEY));
    hashed.collectAsList(); // so the executed plan is the one that ran
    List<String> forms = List.of(
        KEY_TEXT,
        HexFormat.of().formatHex(KEY),
        HexFormat.of().withUpperCase().formatHex(KEY),
        Base64.getEncoder().encodeToString(KEY),
        Arrays.toString(KEY));
    List<String> printed = new ArrayList<>();
    printed.add(hashed.queryExecution().toString());
    for (String mode : List.of("simple", "extended", "codegen", "cost", "formatted")) {
      printed.add(hashed.queryExecution().explainString(ExplainMode.fromString(mode)));
    }
    printed.add(hashed.queryExecution().executedPlan().toString());
    printed.add(hashed.queryExecution().logical().toJSON());
    for (String text : printed) {
      assertTrue(text.contains("hmac_sha256"), "the plan shows the hash step: " + text);
      for (String form : forms) {
        assertFalse(text.contains(form), "the key (as " + form + ") leaked into:\n" + text);
      }
    }
  }
}
