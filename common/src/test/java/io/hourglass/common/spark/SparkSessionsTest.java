package io.hourglass.common.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.testing.SparkTestSession;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.util.Utils;
import org.junit.jupiter.api.Test;
import scala.Tuple2;
import scala.collection.JavaConverters;

/** A session's SQL settings read without building its SQL state, against the settings that state holds. */
class SparkSessionsTest {
  private static final SparkSession SPARK = SparkTestSession.get();

  @Test
  void theSettingsOfASessionWithoutSqlStateAreTheOnesItsStateStartsWith() {
    SparkSession fresh = SparkTestSession.fresh(Map.of(
        "spark.sql.parquet.compression.codec", "zstd", "spark.sql.parquet.outputTimestampType", "TIMESTAMP_MILLIS"));
    assertFalse(SparkSessions.sqlStateBuilt(fresh), "a new session has no SQL state yet");

    SQLConf read = SparkSessions.sqlConf(fresh);

    assertFalse(SparkSessions.sqlStateBuilt(fresh), "reading the settings did not build it");
    assertEquals("zstd", read.getConfString("spark.sql.parquet.compression.codec"), "the builder's options count");
    assertEquals("2", read.getConfString("spark.sql.shuffle.partitions"), "and the Spark conf");
    assertEquals(all(fresh.sessionState().conf()), all(read), "exactly the settings its SQL state starts with");
    assertTrue(SparkSessions.sqlStateBuilt(fresh));
  }

  @Test
  void theSettingsOfASessionWithSqlStateAreItsOwnRunTimeChangesIncluded() {
    SparkSession fresh = SparkTestSession.fresh(Map.of());
    fresh.conf().set("spark.sql.parquet.compression.codec", "gzip"); // a run-time change builds the state

    assertTrue(SparkSessions.sqlStateBuilt(fresh));
    assertEquals("gzip", SparkSessions.sqlConf(fresh).getConfString("spark.sql.parquet.compression.codec"));
    assertEquals("snappy", SparkSessions.sqlConf(SPARK).getConfString("spark.sql.parquet.compression.codec", "snappy"),
        "another session's change is not this one's");
  }

  @Test
  void sparkMasksTheHmacKeysVariableAndItsOwnSecretsInWhatItShows() {
    List<Tuple2<String, String>> shown = List.of(
        new Tuple2<>("spark.yarn.appMasterEnv.HOURGLASS_HMAC_KEY", "k-0123456789abcdef"),
        new Tuple2<>("spark.hadoop.fs.s3a.secret.key", "s3-secret"),
        new Tuple2<>("spark.sql.shuffle.partitions", "2"));
    List<Tuple2<String, String>> redacted = JavaConverters.seqAsJavaList(
        Utils.redact(SPARK.sparkContext().conf(), JavaConverters.asScalaBuffer(shown).toSeq()));
    assertEquals(SparkSessions.REDACTION_REGEX, SPARK.sparkContext().conf().get("spark.redaction.regex"));
    assertFalse(redacted.get(0)._2().contains("0123456789"), redacted.toString());
    assertFalse(redacted.get(1)._2().contains("s3-secret"), redacted.toString());
    assertEquals("2", redacted.get(2)._2());
  }

  private static Map<String, String> all(SQLConf conf) {
    return new TreeMap<>(JavaConverters.mapAsJavaMap(conf.getAllConfs()));
  }
}
