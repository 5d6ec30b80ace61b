package io.hourglass.common.sizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecommendationTest {
  private static final Recommendation TWELVE = new Recommendation(12, 4, 14);

  @Test
  void sparkSubmitArguments() {
    assertEquals(List.of("--num-executors", "12", "--executor-cores", "4", "--executor-memory", "14G",
        "--conf", "spark.dynamicAllocation.maxExecutors=12"), TWELVE.sparkSubmitArgs());
    assertEquals("--num-executors 12 --executor-cores 4 --executor-memory 14G"
        + " --conf spark.dynamicAllocation.maxExecutors=12", TWELVE.sparkSubmitLine());
  }

  @Test
  void emrAddStepsJson() {
    String json = TWELVE.emrAddStepsJson("hourglass ingest web_events 2026-11-20T10", "s3://bucket/jars/hourglass.jar",
        "io.hourglass.jobs.cli.Main", List.of("ingest", "--dataset", "web_events", "--hour", "2026-11-20T10"));
    assertEquals("""
        [
          {
            "Type": "Spark",
            "Name": "hourglass ingest web_events 2026-11-20T10",
            "ActionOnFailure": "CONTINUE",
            "Args": ["--deploy-mode", "cluster", "--class", "io.hourglass.jobs.cli.Main", "--num-executors", "12", \
        "--executor-cores", "4", "--executor-memory", "14G", "--conf", "spark.dynamicAllocation.maxExecutors=12", \
        "s3://bucket/jars/hourglass.jar", "ingest", "--dataset", "web_events", "--hour", "2026-11-20T10"]
          }
        ]
        """, json);
  }

  @Test
  void jsonStringsAreEscaped() {
    assertEquals("\"a\\\"b\\\\c\\nd\\u0001\"", Recommendation.Json.string("a\"b\\c\nd\u0001"));
  }

  @Test
  void glueWorkersAreExecutorsPlusTheDriver() {
    assertEquals(13, TWELVE.glueWorkers(GlueWorkerType.G_1X), "G.1X = 4 vCPU: one worker per 4-core executor");
    assertEquals(List.of("--worker-type", "G.1X", "--number-of-workers", "13"), TWELVE.glueArgs(GlueWorkerType.G_1X));
    // 48 cores on 8-vCPU workers: 6 executors + the driver.
    assertEquals(List.of("--worker-type", "G.2X", "--number-of-workers", "7"), TWELVE.glueArgs(GlueWorkerType.G_2X));
    assertEquals(4, TWELVE.glueWorkers(GlueWorkerType.G_4X));
    assertEquals(3, TWELVE.glueWorkers(GlueWorkerType.G_8X), "48 cores round up to two 32-vCPU workers");
    assertEquals(2, new Recommendation(1, 1, 1).glueWorkers(GlueWorkerType.G_8X), "Glue's minimum");
  }

  @Test
  void glueStartJobRunJson() {
    Map<String, String> args = new LinkedHashMap<>();
    args.put("--command", "ingest");
    args.put("--hour", "2026-11-20T10");
    assertEquals("""
        {
          "JobName": "hourglass-web-events",
          "WorkerType": "G.1X",
          "NumberOfWorkers": 13,
          "Arguments": {
            "--command": "ingest",
            "--hour": "2026-11-20T10"
          }
        }
        """, TWELVE.glueStartJobRunJson("hourglass-web-events", GlueWorkerType.G_1X, args));
    assertEquals("""
        {
          "JobName": "j",
          "WorkerType": "G.2X",
          "NumberOfWorkers": 7
        }
        """, TWELVE.glueStartJobRunJson("j", GlueWorkerType.G_2X, Map.of()));
  }

  @Test
  void glueWorkerTypes() {
    assertEquals(GlueWorkerType.G_4X, GlueWorkerType.parse("g.4x"));
    assertEquals(GlueWorkerType.G_2X, GlueWorkerType.parse("G_2X"));
    assertEquals(32, GlueWorkerType.G_8X.vcpus());
    assertEquals(128, GlueWorkerType.G_8X.memoryGb());
    assertEquals(16, GlueWorkerType.G_1X.memoryGb());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GlueWorkerType.parse("G.3X"));
    assertEquals("Glue worker type must be one of G.1X | G.2X | G.4X | G.8X, cannot be: G.3X", e.getMessage());
  }

  @Test
  void fromADecision() {
    SizingDecision d = Sizer.size(SizerInput.gzip(100L << 30, 1000, 110L << 20), List.of(),
        SizerLimits.of(2, 100, 4, Duration.ofHours(1)));
    Recommendation r = Recommendation.of(d, 14);
    assertEquals(new Recommendation(16, 4, 14), r);
    assertEquals(17, r.glueWorkers(GlueWorkerType.G_1X));
  }

  @Test
  void rejectsNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new Recommendation(0, 4, 14));
    assertThrows(IllegalArgumentException.class, () -> new Recommendation(1, 0, 14));
    assertThrows(IllegalArgumentException.class, () -> new Recommendation(1, 4, 0));
  }
}
