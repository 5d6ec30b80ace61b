package io.hourglass.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hourglass.common.config.Hour;
import io.hourglass.common.ledger.JdbcRunLedger;
import io.hourglass.common.ledger.LedgerSettings;
import io.hourglass.common.ledger.RunClaim;
import io.hourglass.common.ledger.RunKey;
import io.hourglass.common.ledger.RunMetrics;
import io.hourglass.common.sizer.Observation;
import io.hourglass.common.sizer.Sizer;
import io.hourglass.jobs.generate.GeneratedHour;
import io.hourglass.jobs.generate.WebEventsGenerator;
import io.hourglass.jobs.sizing.IngestSizing;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The size command: listing only, history from the ledger, arguments per target, the no-size answer. */
class SizeCommandTest {
  private static final Hour H = Hour.parse("2026-11-20T10");

  @TempDir
  Path dir;

  record Run(int code, String out, String err) {}

  private Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(List.of("--raw-root", dir.resolve("raw").toString(), "--warehouse", dir.resolve("wh").toString(),
        "--set", "state-dir=" + dir.resolve("state")));
    int code = new Main(Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
        .execute(all.toArray(String[]::new));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Records {@code n} past runs: each hour had {@code bytes} in 8 files and took seconds = 60 + bytes/(slots * mibPerSec). */
  private void history(int n, long bytes, double mibPerCoreSecond) {
    try (JdbcRunLedger ledger = JdbcRunLedger.open(LedgerSettings.embedded(dir.resolve("state"), Duration.ofMinutes(1)))) {
      for (int i = 0; i < n; i++) {
        int executors = 1 + i % 4;
        int cores = executors * 4;
        long b = bytes + i * 1_000_000L;
        double seconds = 60 + b / (1024.0 * 1024) / (Math.min(cores, 8) * mibPerCoreSecond);
        Hour h = H.plusHours(-n - 1 + i);
        RunClaim c = ledger.claim(new RunKey("ingest", "web_events", h.start()), "run-" + i, Instant.now());
        ledger.succeeded(c, new RunMetrics(8, b, b / 8, 1000, 900, 50, 50, 0, executors, cores, "yarn", "test", 1,
            (long) (seconds * 1000), 20_000), Instant.now());
      }
    }
  }

  private GeneratedHour generate() throws IOException {
    return new WebEventsGenerator(new Configuration()).generate(H.start(), dir.resolve("raw").toString(), "web-events", 2000, 4, false, 1);
  }

  @Test
  void sizesFromTheListingAndHistoryAndPrintsArgumentsForEachTarget() throws IOException {
    GeneratedHour g = generate();
    history(12, 500L * 1024 * 1024, 1.0);

    Run submit = run("size", "--dataset", "web_events", "--hour", H.toString(), "--explain", "--png", dir.resolve("c.png").toString());
    assertEquals(0, submit.code(), submit.err());
    assertTrue(submit.out().contains("4 files"), submit.out());
    assertTrue(submit.out().contains("12 runs of history"), submit.out());
    assertTrue(submit.out().contains("--num-executors 1 "), "a tiny hour needs the minimum: " + submit.out());
    assertTrue(submit.out().contains("model (FITTED"), submit.out());
    assertTrue(submit.out().contains("the latest 5 of the 12 runs of history"), submit.out());
    assertEquals(5, submit.out().lines().filter(l -> l.matches("    [0-9.]+ MiB, \\d+ files, .*")).count(), submit.out());
    byte[] png = Arrays.copyOf(Files.readAllBytes(dir.resolve("c.png")), 4);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, png);

    Run badPng = run("size", "--dataset", "web_events", "--hour", H.toString(), "--png", dir.resolve("no/such/c.png").toString());
    assertEquals(2, badPng.code(), badPng.err());
    assertEquals(1, badPng.err().lines().count(), badPng.err());
    assertTrue(badPng.err().startsWith("hourglass: --png = '" + dir.resolve("no/such/c.png") + "': no folder"), badPng.err());

    Run glue = run("size", "--dataset", "web_events", "--hour", H.toString(), "--target", "glue");
    assertEquals(0, glue.code(), glue.err());
    assertTrue(glue.out().contains("\"WorkerType\"") && glue.out().contains("\"NumberOfWorkers\""), glue.out());
    assertTrue(glue.out().contains("\"--raw-root\"") && glue.out().contains("\"--warehouse\""), "the roots go to the job: " + glue.out());
    // A top-level setting goes with its prefix: the job takes only a dotted parameter as a setting.
    assertTrue(glue.out().contains("\"--hourglass.state-dir\""), glue.out());
    assertFalse(glue.out().contains("\"--state-dir\""), glue.out());

    // The settings sized with go to the job too: on Glue each as a parameter of its own, on EMR as --set.
    Run dropGlue = run("size", "--dataset", "web_events", "--hour", H.toString(), "--target", "glue",
        "--set", "datasets.web_events.pii.email=drop", "--set", "datasets.web_events.format=delta");
    assertEquals(0, dropGlue.code(), dropGlue.err());
    assertTrue(dropGlue.out().matches("(?s).*\"--datasets\\.web_events\\.pii\\.email\"\\s*:\\s*\"drop\".*"), dropGlue.out());
    assertTrue(dropGlue.out().matches("(?s).*\"--datasets\\.web_events\\.format\"\\s*:\\s*\"delta\".*"), dropGlue.out());
    assertTrue(dropGlue.out().contains("\"--datalake-formats\""), "a Delta table needs Glue's Delta jars: " + dropGlue.out());
    Run dropEmr = run("size", "--dataset", "web_events", "--hour", H.toString(), "--target", "emr",
        "--set", "datasets.web_events.pii.email=drop");
    assertEquals(0, dropEmr.code(), dropEmr.err());
    assertTrue(dropEmr.out().matches("(?s).*\"--set\",\\s*\"datasets\\.web_events\\.pii\\.email=drop\".*"), dropEmr.out());
    assertTrue(g.totalBytes() > 0);
  }

  @Test
  void moreInputNeedsMoreExecutorsAndTooMuchGetsItsOwnExitCode() throws IOException {
    generate();
    // History says 0.002 MiB/s per core: the generated hour (about 0.1 MiB) is over a 1-minute deadline once the 60 s fixed cost is paid.
    history(12, 200_000, 0.002);
    Run tight = run("size", "--dataset", "web_events", "--hour", H.toString(), "--deadline", "1m");
    assertEquals(4, tight.code(), tight.out() + tight.err());
    assertTrue(tight.err().startsWith("hourglass: no allowed size meets the deadline: "), tight.err());
    assertEquals(1, tight.err().lines().count(), tight.err());
  }

  @Test
  void withoutALedgerItSizesFromTheDefaultModelAndCreatesNone() throws IOException {
    generate();
    Run r = run("size", "--dataset", "web_events", "--hour", H.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("0 runs of history"), r.out());
    assertEquals("hourglass: note: no run ledger at " + dir.resolve("state").resolve("ledger.mv.db")
        + " (nothing has run with this state folder): sizing without history", r.err().lines().findFirst().orElse(""));
    assertFalse(Files.exists(dir.resolve("state").resolve("ledger.mv.db")), "size only reads the ledger: a mistyped state folder gets none");
  }

  @Test
  void whenNothingFitsAWideMarginFromFewUnevenRunsIsNamed() throws IOException {
    generate();
    double[] uneven = {1.0, 6.0, 0.4, 9.0};
    try (JdbcRunLedger ledger = JdbcRunLedger.open(LedgerSettings.embedded(dir.resolve("state"), Duration.ofMinutes(1)))) {
      for (int i = 0; i < uneven.length; i++) {
        long b = 10_000_000L * (i + 1);
        RunClaim c = ledger.claim(new RunKey("ingest", "web_events", H.plusHours(-10 + i).start()), "u-" + i, Instant.now());
        ledger.succeeded(c, new RunMetrics(8, b, b / 8, 1000, 900, 50, 50, 0, 1 + i % 2, 4 * (1 + i % 2), "yarn", "test", 1,
            (long) (30_000 * uneven[i]), 2_000), Instant.now());
      }
    }
    Run r = run("size", "--dataset", "web_events", "--hour", H.toString(), "--deadline", "1m");
    assertEquals(4, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("(note the margin x") && r.err().contains("it comes from the spread of the recent runs"),
        r.err());
    assertEquals(1, r.err().lines().count(), r.err());
  }

  @Test
  void observationsComeFromRecordedRunsOldestFirstSkippingIncompleteOnes() {
    var m = new RunMetrics(8, 8_000_000, 2_000_000, 1, 1, 0, 0, 0, 2, 8, "yarn", "v", 1, 120_000, 15_000);
    var none = new RunMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, "v", 1, 5, 0);
    var newest = new io.hourglass.common.ledger.RunRow("b", new RunKey("ingest", "d", H.start()), 1, "succeeded",
        Instant.now(), Instant.now(), m, null);
    var older = new io.hourglass.common.ledger.RunRow("a", new RunKey("ingest", "d", H.plusHours(-1).start()), 1, "succeeded",
        Instant.now(), Instant.now(), none, null);
    // An hour of a backfill run four at a time had a quarter of the cores it recorded: left out, not taken as slow.
    var shared = new io.hourglass.common.ledger.RunRow("c", new RunKey("ingest", "d", H.plusHours(-2).start()), 1, "succeeded",
        Instant.now(), Instant.now(), new RunMetrics(8, 8_000_000, 2_000_000, 1, 1, 0, 0, 0, 2, 8, "yarn", "v", 1, 480_000, 0)
            .sharedBy(4), null);
    List<Observation> obs = IngestSizing.observations(List.of(newest, older, shared));
    // The ledger's wall time is the job's (after the session started): the whole run is 120 s + 15 s of start-up.
    assertEquals(List.of(new Observation(8_000_000, 8, 2_000_000, 2, 4, 135.0, 15.0)), obs);
  }

  @Test
  void aBadSizerSettingExitsTwoInOneLineNamingIt() throws IOException {
    generate();
    Run worker = run("size", "--dataset", "web_events", "--hour", H.toString(), "--set", "sizer.glue-worker-type=G.3X");
    assertEquals(2, worker.code(), worker.err());
    assertEquals("hourglass: hourglass.sizer.glue-worker-type = 'G.3X': must be one of G.1X | G.2X | G.4X | G.8X\n", worker.err());
    Run history = run("size", "--dataset", "web_events", "--hour", H.toString(), "--set", "sizer.history=abc");
    assertEquals(2, history.code(), history.err());
    assertTrue(history.err().startsWith("hourglass: hourglass.sizer.history = 'abc': "), history.err());
    assertEquals(1, history.err().lines().count(), history.err());
    Run longer = run("size", "--dataset", "web_events", "--hour", H.toString(), "--set", "sizer.history=1000");
    assertEquals(2, longer.code(), longer.err());
    assertEquals("hourglass: hourglass.sizer.history = '1000': must be at most " + Sizer.FIT_WINDOW + ": the model is fitted to "
        + "the last " + Sizer.FIT_WINDOW + " runs (two weeks of hours) at most\n", longer.err());
    Run ledger = run("size", "--dataset", "web_events", "--hour", H.toString(), "--set", "ledger.url=jdbc:mysql://db/x?password=pw12345");
    assertEquals(2, ledger.code(), ledger.err());
    assertTrue(ledger.err().startsWith("hourglass: no JDBC driver on the classpath accepts the ledger URL"), ledger.err());
    assertEquals(1, ledger.err().lines().count(), ledger.err());
    assertFalse(ledger.err().contains("pw12345"), ledger.err());
    Run zero = run("size", "--dataset", "web_events", "--hour", H.toString(), "--deadline", "0s");
    assertEquals(2, zero.code(), zero.err());
    assertEquals("hourglass: --deadline = '0s': must be more than 0\n", zero.err());
    Run future = run("size", "--dataset", "web_events", "--hour", "2099-01-01T00");
    assertEquals(2, future.code(), future.out() + future.err());
    assertTrue(future.err().startsWith("hourglass: --hour 2099-01-01T00 has not settled"), future.err());
    assertEquals("", future.out(), "nothing sized, nothing called empty");
    Run bare = run("size", "--dataset", "web_events", "--hour", H.toString(), "--deadline", "60");
    assertEquals(2, bare.code(), bare.err());
    assertEquals("hourglass: --deadline = '60': give a unit, e.g. 6h, 90m, 30s (a bare number would be read as milliseconds)\n",
        bare.err());
  }

  @Test
  void jsonCarriesTheDecisionForSchedulersAlsoForAnEmptyHour() throws Exception {
    // No folder for the stream at all: a raw root with a typo, not an empty hour.
    Run noStream = run("size", "--dataset", "web_events", "--hour", H.toString(), "--json");
    assertEquals(2, noStream.code(), noStream.out() + noStream.err());
    assertTrue(noStream.err().startsWith("hourglass: no folder file://" + dir.resolve("raw").resolve("web-events")
        + " at all: check the raw root"), noStream.err());
    assertEquals(1, noStream.err().lines().count(), noStream.err());
    java.nio.file.Files.createDirectories(dir.resolve("raw").resolve("web-events"));
    Run empty = run("size", "--dataset", "web_events", "--hour", H.toString(), "--json");
    assertEquals(0, empty.code(), empty.err());
    JsonNode e = new ObjectMapper().readTree(empty.out());
    assertEquals("EMPTY", e.get("outcome").asText());
    assertEquals(0, e.get("input").get("files").asInt());
    assertTrue(e.get("history_runs").isNull(), "the ledger is not read for an empty hour: " + empty.out());
    assertFalse(e.has("spark_submit_args"), empty.out());

    GeneratedHour g = generate();
    history(12, 500L * 1024 * 1024, 1.0);
    Run sized = run("size", "--dataset", "web_events", "--hour", H.toString(), "--json", "--set", "sizer.glue-worker-type=G.2X");
    assertEquals(0, sized.code(), sized.err());
    JsonNode j = new ObjectMapper().readTree(sized.out());
    assertEquals("FITS", j.get("outcome").asText());
    assertEquals(H.toString(), j.get("hour").asText());
    assertEquals(4, j.get("input").get("files").asInt());
    assertEquals(g.totalBytes(), j.get("input").get("bytes").asLong());
    assertEquals(12, j.get("history_runs").asInt());
    assertEquals(3600, j.get("deadline_seconds").asInt());
    int executors = j.get("executors").asInt();
    List<String> args = new ArrayList<>();
    j.get("spark_submit_args").forEach(a -> args.add(a.asText()));
    assertEquals(List.of("--num-executors", Integer.toString(executors), "--executor-cores", j.get("cores_per_executor").asText(),
        "--executor-memory", j.get("executor_memory_gb").asText() + "G", "--conf",
        "spark.dynamicAllocation.maxExecutors=" + executors), args);
    assertEquals("G.2X", j.get("glue").get("worker_type").asText());
    assertTrue(j.get("glue").get("number_of_workers").asInt() >= 2, sized.out());
    assertTrue(j.get("planned_seconds").asDouble() <= 3600, sized.out());

    Run both = run("size", "--dataset", "web_events", "--hour", H.toString(), "--json", "--explain");
    assertEquals(2, both.code(), both.err());
    assertTrue(both.err().contains("--json and --explain cannot be used together"), both.err());
  }

  @Test
  void jsonWhenNoSizeFitsSaysWhyAndExitsFour() throws Exception {
    generate();
    history(12, 200_000, 0.002);
    Run tight = run("size", "--dataset", "web_events", "--hour", H.toString(), "--deadline", "1m", "--json");
    assertEquals(4, tight.code(), tight.out() + tight.err());
    JsonNode t = new ObjectMapper().readTree(tight.out());
    // The history's runs cost 60 s each before their input counts: a 1-minute deadline leaves nothing for the input.
    assertTrue(List.of("DEADLINE_TOO_SHORT", "TOO_MUCH_INPUT", "FILE_TOO_BIG").contains(t.get("outcome").asText()), tight.out());
    assertFalse(t.has("spark_submit_args"), tight.out());
    assertTrue(tight.err().startsWith("hourglass: no allowed size meets the deadline: "), tight.err());
    assertEquals(t.get("reason").asText(), tight.err().substring("hourglass: no allowed size meets the deadline: ".length()).strip());
  }

  @Test
  void anEmptyHourHasNothingToSize() throws IOException {
    java.nio.file.Files.createDirectories(dir.resolve("raw").resolve("web-events"));
    Run r = run("size", "--dataset", "web_events", "--hour", H.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("no input in"), r.out());
    Path png = dir.resolve("empty.png");
    Run chart = run("size", "--dataset", "web_events", "--hour", H.toString(), "--png", png.toString());
    assertEquals(0, chart.code(), chart.err());
    assertEquals("hourglass: note: no chart for an empty hour; " + png + " not written\n", chart.err());
    assertFalse(Files.exists(png));
  }
}
