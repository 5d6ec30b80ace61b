package io.hourglass.jobs.faults;

import static io.hourglass.jobs.faults.FaultHarness.assertLikeCleanRun;
import static io.hourglass.jobs.faults.FaultHarness.assertNoPartialHourVisible;
import static io.hourglass.jobs.faults.FaultHarness.cli;
import static io.hourglass.jobs.faults.FaultHarness.cliOnceTheLeaseIsFree;
import static io.hourglass.jobs.faults.FaultHarness.generate;
import static io.hourglass.jobs.faults.FaultHarness.ingest;
import static io.hourglass.jobs.faults.FaultHarness.options;
import static io.hourglass.jobs.faults.FaultHarness.runsOf;
import static io.hourglass.jobs.faults.FaultHarness.view;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.config.Hour;
import io.hourglass.common.config.TableWriter;
import io.hourglass.common.io.FaultPoints;
import io.hourglass.common.ledger.JdbcRunLedger;
import io.hourglass.common.ledger.RunRow;
import io.hourglass.common.testing.FaultProxy;
import io.hourglass.common.testing.S3ProxyServer;
import io.hourglass.common.testing.SparkTestSession;
import io.hourglass.jobs.faults.FaultHarness.Child;
import io.hourglass.jobs.faults.FaultHarness.HourView;
import io.hourglass.jobs.faults.FaultHarness.Run;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults on S3 (s3proxy over S3A, with Hadoop's default upload buffer, {@code disk}): a driver killed mid-commit,
 * and an S3 endpoint that throttles or fails a share of the requests, under the direct write and under Spark's
 * writer with the S3A magic committer (a fault-injecting proxy between S3A and the
 * server). Each bucket gets its own S3A settings ({@code fs.s3a.bucket.<name>.*}), so these tests leave
 * the test session's other S3A settings alone.
 */
class S3FaultsTest {
  /** Spoken to directly. */
  private static final String DIRECT = "hg-faults-direct";
  /** Through the fault proxy, with retries to spare. */
  private static final String FLAKY = "hg-faults-flaky";
  /** Through the fault proxy, with few retries. */
  private static final String FRAGILE = "hg-faults-fragile";

  @TempDir
  static Path dir;

  private static S3ProxyServer server;
  private static FaultProxy proxy;
  private static Configuration conf;
  private static final Hour KILL_HOUR = Hour.parse("2026-11-21T03");
  private static HourView beforeKill;
  private static Child killedDriver;

  @BeforeAll
  static void start() throws IOException {
    server = S3ProxyServer.start();
    proxy = FaultProxy.start(URI.create(server.endpoint()).getPort(), 20261122L);
    conf = SparkTestSession.get().sparkContext().hadoopConfiguration();
    forBucket(DIRECT, server.endpoint(), Map.of());
    // The SDK retries each request up to 6 times (5xx and throttling), S3A each operation up to 4 times.
    forBucket(FLAKY, proxy.endpoint(), Map.of("attempts.maximum", "5", "retry.limit", "3", "retry.interval", "50ms",
        "retry.throttle.limit", "3", "retry.throttle.interval", "50ms"));
    forBucket(FRAGILE, proxy.endpoint(), Map.of("attempts.maximum", "1", "retry.limit", "1", "retry.interval", "50ms",
        "retry.throttle.limit", "1", "retry.throttle.interval", "50ms"));
    for (String bucket : List.of(DIRECT, FLAKY, FRAGILE)) {
      server.createBucket(conf, bucket);
    }
    startKilledDriver();
  }

  @AfterAll
  static void stop() throws IOException {
    if (killedDriver != null) {
      killedDriver.close();
    }
    if (proxy != null) {
      proxy.heal();
    }
    for (String bucket : List.of(DIRECT, FLAKY, FRAGILE)) {
      FileSystem.get(URI.create("s3a://" + bucket + "/"), conf).close(); // drops the cached instance
    }
    if (proxy != null) {
      proxy.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** The test server's S3A settings, for one bucket only, pointed at {@code endpoint}. */
  private static void forBucket(String bucket, String endpoint, Map<String, String> extra) {
    Configuration settings = new Configuration(false);
    server.configure(settings);
    settings.set("fs.s3a.endpoint", endpoint);
    extra.forEach((k, v) -> settings.set("fs.s3a." + k, v));
    for (Map.Entry<String, String> e : settings) {
      if (e.getKey().startsWith("fs.s3a.") && !e.getKey().startsWith("fs.s3a.impl")) {
        conf.set("fs.s3a.bucket." + bucket + "." + e.getKey().substring("fs.s3a.".length()), e.getValue());
      }
    }
  }

  private static String uri(String bucket, String prefix) {
    return "s3a://" + bucket + "/" + prefix;
  }

  /**
   * The driver of a run replacing an hour that a previous run published, in a child JVM speaking S3A to the
   * same server, dies with some of the new directories moved into place. It starts here so that it runs
   * while the other tests do (a child needs ~10 s of CPU to start Spark).
   */
  private static void startKilledDriver() {
    generate(conf, uri(DIRECT, "kill/rawA"), KILL_HOUR, 240, 2, 11);
    generate(conf, uri(DIRECT, "kill/rawB"), KILL_HOUR, 200, 2, 12);
    Run first = cli(ingest(KILL_HOUR, options(uri(DIRECT, "kill/rawA"), uri(DIRECT, "kill/wh"), dir.resolve("kill-state"))));
    assertEquals(0, first.code(), first.all());
    beforeKill = view(uri(DIRECT, "kill/wh"), KILL_HOUR);

    List<String> args = new ArrayList<>(ingest(KILL_HOUR, options(uri(DIRECT, "kill/rawB"), uri(DIRECT, "kill/wh"),
        dir.resolve("kill-state"))));
    Configuration s3a = new Configuration(false);
    server.configure(s3a);
    for (Map.Entry<String, String> e : s3a) {
      args.addAll(List.of("--set", "spark.conf.\"spark.hadoop." + e.getKey() + "\"=" + e.getValue()));
    }
    killedDriver = Child.start(dir.resolve("kill-child.log"), List.of("-D" + FaultPoints.PROPERTY + "=events:half-moved"), args);
  }

  @Test
  void aDriverKilledMidCommitOnS3LeavesNoPartialHourAndAReRunIsClean() {
    FaultHarness.Clock clock = new FaultHarness.Clock("S3 kill");
    String warehouse = uri(DIRECT, "kill/wh");
    Path state = dir.resolve("kill-state");
    Run reference = cli(ingest(KILL_HOUR, options(uri(DIRECT, "kill/rawB"), uri(DIRECT, "kill/clean"), dir.resolve("clean-state"))));
    assertEquals(0, reference.code(), reference.all());
    HourView clean = view(uri(DIRECT, "kill/clean"), KILL_HOUR);
    assertEquals("direct", clean.requireManifest().output().committer());
    assertNotEquals(beforeKill.table().sorted(), clean.table().sorted());
    assertTrue(clean.table().directories().size() > 1, clean.describe());
    clock.lap("clean reference");

    assertEquals(FaultPoints.HALT_STATUS, killedDriver.await(Duration.ofMinutes(5)), killedDriver.log());
    assertTrue(killedDriver.log().contains("[fault] halting at half-moved"), killedDriver.log());
    clock.lap("waiting for the child killed at events:half-moved");

    assertNoPartialHourVisible(view(warehouse, KILL_HOUR), beforeKill, clean, "killed on S3 at events:half-moved");
    Run rerun = cliOnceTheLeaseIsFree(ingest(KILL_HOUR, options(uri(DIRECT, "kill/rawB"), warehouse, state)));
    assertEquals(0, rerun.code(), rerun.all());
    assertLikeCleanRun(view(warehouse, KILL_HOUR), clean, "killed on S3 at events:half-moved, then re-run");
    List<RunRow> runs = runsOf(state, KILL_HOUR);
    assertEquals(List.of(RunRow.SUCCEEDED, RunRow.FAILED, RunRow.SUCCEEDED), runs.stream().map(RunRow::status).toList());
    assertEquals(JdbcRunLedger.LEASE_EXPIRED, runs.get(1).error());
    clock.lap("checks and re-run");
  }

  /**
   * Both writers, as each uploads differently: the direct write's files go up in one PUT each when closed, the
   * magic committer's in parts. (The direct write with {@code fs.s3a.fast.upload.buffer = bytebuffer} failed
   * here once: S3A retried a PUT whose buffer the first attempt had released; see README, S3.)
   */
  @ParameterizedTest
  @EnumSource(TableWriter.class)
  void throttlingAndServerErrorsOnAShareOfRequestsAreRetriedThroughAndTheOutputIsExact(TableWriter writer) {
    Hour h = Hour.parse(writer == TableWriter.DIRECT ? "2026-11-21T05" : "2026-11-21T06");
    String name = writer.name().toLowerCase(java.util.Locale.ROOT);
    String prefix = "retry-" + name;
    String writerSet = "datasets.web_events.writer=" + name;
    FaultHarness.Clock clock = new FaultHarness.Clock("S3 retries, " + writerSet);
    String raw = uri(FLAKY, prefix + "/raw");
    generate(conf, raw, h, 400, 3, 21);
    clock.lap("input");
    Run reference = cli(ingest(h, options(raw, uri(FLAKY, prefix + "/clean"), dir.resolve(prefix + "-clean-state"), "--set", writerSet)));
    clock.lap("a clean run");
    assertEquals(0, reference.code(), reference.all());
    HourView clean = view(uri(FLAKY, prefix + "/clean"), h);
    assertEquals(writer == TableWriter.DIRECT ? "direct" : "magic", clean.requireManifest().output().committer());
    clock.lap("reading it");

    // One request in five answered 503 SlowDown or 500 InternalError, at most 40 of them, for at most 3 minutes.
    String warehouse = uri(FLAKY, prefix + "/wh");
    long before = proxy.requests();
    proxy.inject(0.2, 0, 40, Duration.ofMinutes(3));
    Run run;
    long faults;
    try {
      run = cli(ingest(h, options(raw, warehouse, dir.resolve(prefix + "-state"), "--set", writerSet)));
    } finally {
      faults = proxy.faults();
      proxy.heal();
    }
    long requests = proxy.requests() - before;
    clock.lap("the run with " + faults + " faults in " + requests + " requests");

    assertEquals(0, run.code(), faults + " faults in " + requests + " requests: " + run.all());
    assertTrue(faults >= 20, "faults were injected: " + faults + " in " + requests + " requests");
    assertLikeCleanRun(view(warehouse, h), clean, faults + " S3 errors retried through");
    assertEquals(List.of(RunRow.SUCCEEDED), runsOf(dir.resolve(prefix + "-state"), h).stream().map(RunRow::status).toList());
  }

  @Test
  void anEndpointFailingEveryRequestMidRunFailsTheRunCleanlyAndAReRunIsClean() {
    Hour h = Hour.parse("2026-11-21T07");
    FaultHarness.Clock clock = new FaultHarness.Clock("S3 failing");
    String raw = uri(FRAGILE, "fail/raw");
    generate(conf, raw, h, 300, 2, 31);
    long before = proxy.requests();
    Run reference = cli(ingest(h, options(raw, uri(FRAGILE, "fail/clean"), dir.resolve("fail-clean-state"))));
    assertEquals(0, reference.code(), reference.all());
    long requestsOfACleanRun = proxy.requests() - before;
    HourView clean = view(uri(FRAGILE, "fail/clean"), h);
    clock.lap("input and clean reference (" + requestsOfACleanRun + " requests)");

    // Half-way through the run (by its requests) the endpoint starts failing every request, for at most 2 minutes.
    String warehouse = uri(FRAGILE, "fail/wh");
    Path state = dir.resolve("fail-state");
    proxy.inject(1.0, requestsOfACleanRun / 2, 100_000, Duration.ofMinutes(2));
    Run failed;
    long faults;
    try {
      failed = cli(ingest(h, options(raw, warehouse, state)));
    } finally {
      faults = proxy.faults();
      proxy.heal();
    }
    clock.lap("the failing run (" + faults + " faults)");
    assertEquals(1, failed.code(), failed.all());
    assertTrue(faults > 0, "faults were injected");
    assertEquals(1, failed.verdict().size(), failed.all());
    assertTrue(failed.verdict().get(0).startsWith("hourglass: run failed: "), failed.all());
    assertNoPartialHourVisible(view(warehouse, h), null, clean, "after the failed run");

    Run rerun = cliOnceTheLeaseIsFree(ingest(h, options(raw, warehouse, state)));
    assertEquals(0, rerun.code(), rerun.all());
    assertLikeCleanRun(view(warehouse, h), clean, "re-run after the S3 failures");
    clock.lap("checks and re-run");
    List<RunRow> runs = runsOf(state, h);
    assertEquals(List.of(RunRow.FAILED, RunRow.SUCCEEDED), runs.stream().map(RunRow::status).toList());
    assertFalse(runs.get(0).error().isBlank(), runs.get(0).toString());
  }
}
