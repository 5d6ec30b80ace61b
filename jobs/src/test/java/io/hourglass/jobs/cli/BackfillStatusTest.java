package io.hourglass.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hourglass.common.config.Hour;
import io.hourglass.common.io.ManifestStore;
import io.hourglass.common.ledger.JdbcRunLedger;
import io.hourglass.common.ledger.LedgerSettings;
import io.hourglass.common.ledger.RunKey;
import io.hourglass.common.ledger.RunRow;
import io.hourglass.common.testing.SparkTestSession;
import io.hourglass.jobs.generate.GeneratedHour;
import io.hourglass.jobs.generate.WebEventsGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ledger-backed commands: double fire, backfill (skip rule, failures, kill and resume), status. */
class BackfillStatusTest {
  private static final Map<String, String> ENV = Map.of("HOURGLASS_HMAC_KEY", "backfill-test-key-0123456789abcdef");
  private static final Hour FROM = Hour.parse("2026-11-19T22");

  @TempDir
  Path dir;

  record Run(int code, String out, String err) {}

  @BeforeAll
  static void spark() {
    SparkTestSession.get();
  }

  private List<String> common(String... extra) {
    List<String> a = new ArrayList<>(List.of("--raw-root", dir.resolve("raw").toString(), "--warehouse", dir.resolve("wh").toString(),
        "--set", "state-dir=" + dir.resolve("state"), "--set", "ledger.lease=3s"));
    a.addAll(Arrays.asList(extra));
    return a;
  }

  private Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new Main(ENV, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
        .execute(args);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Run backfill(Hour from, Hour to, String... extra) {
    List<String> a = new ArrayList<>(List.of("backfill", "ingest", "--dataset", "web_events", "--from", from.toString(),
        "--to", to.toString()));
    a.addAll(common(extra));
    return run(a.toArray(String[]::new));
  }

  private GeneratedHour generate(Hour h, long seed) throws IOException {
    return new WebEventsGenerator(new Configuration()).generate(h.start(), dir.resolve("raw").toString(), "web-events", 300, 2, false, seed);
  }

  private JdbcRunLedger ledger() {
    return JdbcRunLedger.open(LedgerSettings.embedded(dir.resolve("state"), Duration.ofSeconds(3)));
  }

  @Test
  void backfillRunsEveryHourRecordsEmptyOnesAndSkipsWhatIsDoneOnTheSecondRun() throws IOException {
    Hour to = FROM.plusHours(3);
    for (int i = 0; i < 3; i++) {
      generate(FROM.plusHours(i), i);
    }
    // FROM+3 has no input folder: an empty hour, not a failure.
    Run first = backfill(FROM, to, "--parallelism", "2");
    assertEquals(0, first.code(), first.out() + first.err());
    assertTrue(first.out().contains("4 hours: 3 succeeded, 1 empty, 0 skipped (already done), 0 failed"), first.out());
    assertTrue(first.err().contains("[backfill] 4 hours, 0 already done"), first.err());
    assertTrue(first.err().contains("ETA"), first.err());

    Run second = backfill(FROM, to, "--parallelism", "2");
    assertEquals(0, second.code());
    assertTrue(second.out().contains("4 hours: 0 succeeded, 1 empty, 3 skipped (already done), 0 failed"), second.out());

    Run forced = backfill(FROM, to, "--force");
    assertTrue(forced.out().contains("3 succeeded, 1 empty, 0 skipped"), forced.out());

    try (JdbcRunLedger ledger = ledger()) {
      List<RunRow> rows = ledger.history("ingest", "web_events", FROM.start(), to.end());
      assertEquals(9, rows.size(), "4 first runs + the empty hour again + 4 forced; got " + rows.stream()
          .map(x -> x.key() + " " + x.status() + (x.error() == null ? "" : " (" + x.error() + ")")).toList()
          + "\n" + first.err() + second.err() + forced.err());
      RunRow r = ledger.latest("ingest", "web_events", FROM.start()).orElseThrow();
      assertEquals("succeeded", r.status());
      assertEquals(2, r.attempt());
      assertTrue(r.metrics().inputBytes() > 0 && r.metrics().recordsWritten() > 0 && r.metrics().wallMs() > 0, r.toString());
      // Two hours at once shared the session's cores: recorded, so the sizer leaves these runs out.
      assertEquals(List.of(2), rows.stream().filter(x -> x.key().hourStart().equals(FROM.start()) && x.attempt() == 1)
          .map(x -> x.metrics().concurrentHours()).toList());
    }
    Run alone = backfill(FROM, FROM, "--force"); // --parallelism 2 by default, but one hour shares nothing
    assertEquals(0, alone.code(), alone.out() + alone.err());
    try (JdbcRunLedger ledger = ledger()) {
      assertEquals(1, ledger.latest("ingest", "web_events", FROM.start()).orElseThrow().metrics().concurrentHours());
    }

    Run status = run(concat(List.of("status", "--dataset", "web_events", "--from", FROM.toString(), "--to", to.toString(), "--json"),
        common()));
    assertEquals(0, status.code(), status.err());
    JsonNode json = new ObjectMapper().readTree(status.out());
    assertEquals(to.toString(), json.get("complete_through").asText());
    assertEquals(List.of("OK", "OK", "OK", "EMPTY"), states(json));

    Run grid = run(concat(List.of("status", "--dataset", "web_events", "--from", FROM.toString(), "--to", to.plusHours(1).toString()),
        common()));
    assertTrue(grid.out().contains("2026-11-19" + " ".repeat(70) + "o  o"), grid.out());
    assertTrue(grid.out().contains("2026-11-20    o  e  !"), grid.out());
    assertTrue(grid.out().contains("complete through " + to), grid.out());
  }

  @Test
  void aFailingHourIsListedNotRetriedAndTheRestSucceed() throws IOException {
    generate(FROM, 1);
    GeneratedHour bad = generate(FROM.plusHours(1), 2);
    Path victim = Paths.get(java.net.URI.create(bad.files().get(0)));
    byte[] bytes = Files.readAllBytes(victim);
    Files.write(victim, Arrays.copyOf(bytes, bytes.length / 2));

    Run r = backfill(FROM, FROM.plusHours(1));

    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("1 succeeded, 0 empty, 0 skipped (already done), 1 failed"), r.out() + r.err());
    // stderr too: a retry's reason is there ("attempt 1 failed (...); retrying").
    assertTrue(r.out().contains("failed " + FROM.plusHours(1) + " after 1 attempt(s): corrupt input file"), r.out() + r.err());
    try (JdbcRunLedger ledger = ledger()) {
      RunRow failed = ledger.latest("ingest", "web_events", FROM.plusHours(1).start()).orElseThrow();
      assertEquals("failed", failed.status());
      assertTrue(failed.error().startsWith("corrupt input file"), failed.error());
    }
    Run status = run(concat(List.of("status", "--dataset", "web_events", "--from", FROM.toString(), "--to",
        FROM.plusHours(1).toString(), "--json"), common()));
    var json = new ObjectMapper().readTree(status.out());
    assertEquals(FROM.plusHours(1).toString(), json.get("last_failure").get("hour").asText(), status.out());
    assertTrue(json.get("last_failure").get("error").asText().startsWith("corrupt input file"), status.out());
  }

  @Test
  void anHoursWarningReachesTheBackfillsOutput() throws IOException {
    GeneratedHour bad = generate(FROM, 2);
    Path victim = Paths.get(java.net.URI.create(bad.files().get(0)));
    byte[] bytes = Files.readAllBytes(victim);
    Files.write(victim, Arrays.copyOf(bytes, bytes.length / 2));

    Run r = backfill(FROM, FROM, "--set", "datasets.web_events.input.on-corrupt-file=skip");

    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("[backfill] warning: skipping the rest of corrupt input file ")
        && r.err().contains(victim.getFileName().toString()), r.err());
  }

  @Test
  void aFailedSparkJobIsRecordedAsFailedReleasesItsHourAndIsCountedByTheBackfill() throws IOException {
    generate(FROM, 4);
    generate(FROM.plusHours(1), 5);
    // A codec this classpath lacks: the write tasks fail, and Spark reports it as SparkException, a checked exception
    // that no Java signature declares.
    String[] brotli = {"--set", "spark.conf.\"spark.sql.parquet.compression.codec\"=brotli"};
    List<String> one = new ArrayList<>(List.of("ingest", "--dataset", "web_events", "--hour", FROM.toString()));
    one.addAll(common());

    Run single;
    Run r;
    try {
      single = run(concat(one, List.of(brotli)));
      r = backfill(FROM, FROM.plusHours(1), concat(List.of("--retries", "0"), List.of(brotli)));
    } finally {
      // In-process runs share one Spark session, whose SQL settings outlive a run: put the codec back.
      SparkTestSession.get().conf().unset("spark.sql.parquet.compression.codec");
    }
    assertEquals(1, single.code(), single.out() + single.err());
    List<String> errLines = single.err().lines().toList();
    String last = errLines.get(errLines.size() - 1);
    assertTrue(last.startsWith("hourglass: run failed: ") && last.contains("BrotliCodec"), "the verdict comes last: " + single.err());
    try (JdbcRunLedger ledger = ledger()) {
      RunRow row = ledger.latest("ingest", "web_events", FROM.start()).orElseThrow();
      assertEquals("failed", row.status(), row.toString());
      assertTrue(row.error().contains("BrotliCodec"), row.toString());
    }

    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("2 hours: 0 succeeded, 0 empty, 0 skipped (already done), 2 failed"), r.out() + r.err());

    // Nothing holds the hour: with the setting put right, the same hour runs at once (no "already running").
    Run again = run(one.toArray(String[]::new));
    assertEquals(0, again.code(), again.out() + again.err());
    try (JdbcRunLedger ledger = ledger()) {
      assertEquals("succeeded", ledger.latest("ingest", "web_events", FROM.start()).orElseThrow().status());
    }
  }

  @Test
  void aBackfillIntoHoursThatHaveNotBegunIsRefusedBeforeAnyWork() {
    Hour current = Hour.of(Instant.now());
    Run r = backfill(FROM, current.plusHours(2));
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().startsWith("hourglass: --to " + current.plusHours(2) + " has not begun (the current hour is "), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(!Files.exists(dir.resolve("state")), "nothing recorded");
  }

  @Test
  void anHourWhoseFolderHasNotSettledIsRefusedAndLastIsTheLatestThatHas() throws IOException {
    // settle 2h: the hour before the current one has ended but not settled, whatever the minute of the test.
    String[] settle = {"--set", "datasets.web_events.settle=2h", "--set", "datasets.web_events.sla=4h"};
    Instant now = Instant.now();
    Hour previous = Hour.of(now).plusHours(-1);
    Run ingest = run(concat(List.of("ingest", "--dataset", "web_events", "--hour", previous.toString()), common(settle)));
    assertEquals(2, ingest.code(), ingest.out() + ingest.err());
    assertTrue(ingest.err().startsWith("hourglass: --hour " + previous + " has not settled: objects may land in its folder until "
        + previous.end().plus(Duration.ofHours(2)) + " ("), ingest.err());
    assertTrue(ingest.err().contains("hourglass.datasets.web_events.settle = 2h); run it then, or use --hour last"), ingest.err());
    assertEquals(1, ingest.err().lines().count(), ingest.err());
    Run backfill = backfill(previous.plusHours(-1), previous, settle);
    assertEquals(2, backfill.code(), backfill.out() + backfill.err());
    assertTrue(backfill.err().startsWith("hourglass: --to " + previous + " has not settled"), backfill.err());
    assertTrue(!Files.exists(dir.resolve("state")), "nothing recorded");

    Run status = run(concat(List.of("status", "--dataset", "web_events", "--to", "last", "--json"), common(settle)));
    assertEquals(0, status.code(), status.err());
    Run future = run(concat(List.of("status", "--dataset", "web_events", "--to", "2099-01-01T00"), common(settle)));
    assertEquals(2, future.code(), future.out() + future.err());
    assertTrue(future.err().startsWith("hourglass: --to 2099-01-01T00 has not begun (the current hour is "), future.err());
    assertTrue(!Files.exists(dir.resolve("state")), "status only reads: it made no ledger in a state folder nothing ran with");
    assertTrue(status.err().startsWith("hourglass: note: no run ledger at " + dir.resolve("state").resolve("ledger.mv.db")),
        status.err());
    String to = new ObjectMapper().readTree(status.out()).get("to").asText();
    Hour before = Hour.of(now.minus(Duration.ofHours(2))).plusHours(-1);
    Hour after = Hour.of(Instant.now().minus(Duration.ofHours(2))).plusHours(-1);
    assertTrue(to.equals(before.toString()) || to.equals(after.toString()), "last with settle 2h is " + before + ", got " + to);
  }

  @Test
  void aBackfillRewritesHoursWrittenInAnotherFormatThanTheDatasetsNow() throws IOException {
    generate(FROM, 1);
    generate(FROM.plusHours(1), 2);
    assertEquals(0, backfill(FROM, FROM.plusHours(1)).code());
    Run avro = backfill(FROM, FROM.plusHours(1), "--set", "datasets.web_events.format=avro");
    assertEquals(0, avro.code(), avro.out() + avro.err());
    assertTrue(avro.err().contains(FROM + ": written as parquet, the dataset now writes avro; running it again"), avro.err());
    assertTrue(avro.out().contains("2 hours: 2 succeeded"), avro.out());
    try (var walk = Files.walk(dir.resolve("wh/events"))) {
      List<String> data = walk.map(Path::toString).filter(f -> f.endsWith(".parquet") || f.endsWith(".avro")).toList();
      assertTrue(!data.isEmpty() && data.stream().allMatch(f -> f.endsWith(".avro")), "only Avro left: " + data);
    }
    // An hour whose raw objects were partly removed since (a retention rule) is not rewritten from less.
    GeneratedHour third = generate(FROM.plusHours(2), 3);
    assertEquals(0, backfill(FROM.plusHours(2), FROM.plusHours(2), "--set", "datasets.web_events.format=avro").code());
    Files.delete(Paths.get(java.net.URI.create(third.files().get(0))));
    Run parquet = backfill(FROM.plusHours(2), FROM.plusHours(2));
    assertEquals(0, parquet.code(), parquet.out() + parquet.err());
    assertTrue(parquet.err().contains(FROM.plusHours(2) + ": written as avro, the dataset now writes parquet, but 1 object(s)"
        + " its run read are gone from its folder"), parquet.err());
    assertTrue(parquet.out().contains("1 hours: 0 succeeded, 0 empty, 1 skipped") || parquet.out().contains("1 skipped"), parquet.out());
  }

  @Test
  void aCatalogTableOfAnotherFormatIsRefusedBeforeAnyHourIsClaimed() throws IOException {
    generate(FROM, 1);
    String db = "--set";
    String catalog = "catalog.database=hg_backfill_" + Math.abs(dir.hashCode());
    assertEquals(0, backfill(FROM, FROM, "--set", "catalog.enabled=true", db, catalog).code());
    Run avro = backfill(FROM, FROM, "--force", "--set", "catalog.enabled=true", db, catalog,
        "--set", "datasets.web_events.format=avro");
    assertEquals(2, avro.code(), avro.out() + avro.err());
    assertTrue(avro.err().contains("is parquet at") && avro.err().contains("but the dataset writes avro at"), avro.err());
    Run ingest = run(concat(List.of("ingest", "--dataset", "web_events", "--hour", FROM.toString()),
        common("--set", "catalog.enabled=true", db, catalog, "--set", "datasets.web_events.format=avro")));
    assertEquals(2, ingest.code(), ingest.out() + ingest.err());
    try (JdbcRunLedger ledger = ledger()) {
      assertEquals(List.of("succeeded"), ledger.history("ingest", "web_events", FROM.start(), FROM.end()).stream()
          .map(RunRow::status).toList(), "the refusals recorded nothing: the hour stays done");
    }
  }

  @Test
  void aRawRootWithoutTheStreamsFolderIsRefusedNotTakenForEmptyHours() throws IOException {
    Run backfill = backfill(FROM, FROM.plusHours(2)); // nothing generated: dir/raw does not exist
    assertEquals(2, backfill.code(), backfill.out() + backfill.err());
    assertTrue(backfill.err().startsWith("hourglass: no folder file://" + dir.resolve("raw").resolve("web-events")
        + " at all: check the raw root (--raw-root, hourglass.raw-root) and the dataset's stream;"), backfill.err());
    assertTrue(!Files.exists(dir.resolve("state")), "nothing recorded");
    Run ingest = run(concat(List.of("ingest", "--dataset", "web_events", "--hour", FROM.toString()), common()));
    assertEquals(2, ingest.code(), ingest.out() + ingest.err());
    assertTrue(ingest.err().contains("no folder file://" + dir.resolve("raw").resolve("web-events") + " at all"), ingest.err());
    try (JdbcRunLedger ledger = ledger()) {
      assertEquals("failed", ledger.latest("ingest", "web_events", FROM.start()).orElseThrow().status(), "shown F, not an empty hour");
    }
    Files.createDirectories(dir.resolve("raw").resolve("web-events"));
    Run empty = backfill(FROM, FROM.plusHours(2));
    assertEquals(0, empty.code(), empty.out() + empty.err());
    assertTrue(empty.out().contains("3 hours: 0 succeeded, 3 empty"), empty.out());
  }

  @Test
  void aBackfillTakesInObjectsThatLandedAfterAnHoursRunButNeverShrinksAnHour() throws IOException {
    GeneratedHour g = generate(FROM, 1);
    Run first = backfill(FROM, FROM);
    assertEquals(0, first.code(), first.out() + first.err());
    long readBefore;
    try (JdbcRunLedger ledger = ledger()) {
      readBefore = ledger.latest("ingest", "web_events", FROM.start()).orElseThrow().metrics().recordsRead();
    }
    // A Firehose object of the hour written after its run: another generation's file, under a name of its own.
    GeneratedHour other = new WebEventsGenerator(new Configuration()).generate(FROM.start(), dir.resolve("later").toString(),
        "web-events", 100, 1, false, 99);
    Path folder = Paths.get(java.net.URI.create(g.files().get(0))).getParent();
    Files.move(Paths.get(java.net.URI.create(other.files().get(0))), folder.resolve("web-events-late.gz"));

    Run again = backfill(FROM, FROM);
    assertEquals(0, again.code(), again.out() + again.err());
    assertTrue(again.out().contains("1 hours: 1 succeeded, 0 empty, 0 skipped"), again.out());
    assertTrue(again.err().contains(FROM + ": 1 object(s) arrived in its folder after its run (web-events-late.gz, ...);"
        + " running it again"), again.err());
    try (JdbcRunLedger ledger = ledger()) {
      RunRow r = ledger.latest("ingest", "web_events", FROM.start()).orElseThrow();
      assertEquals(readBefore + 100, r.metrics().recordsRead(), r.toString());
      assertEquals(3, r.metrics().inputFiles());
    }
    Run settled = backfill(FROM, FROM);
    assertTrue(settled.out().contains("1 hours: 0 succeeded, 0 empty, 1 skipped"), settled.out() + settled.err());

    // A retention rule removes one of the objects: the hour is not replaced by less.
    Files.delete(Paths.get(java.net.URI.create(g.files().get(0))));
    Run shrunk = backfill(FROM, FROM);
    assertEquals(0, shrunk.code(), shrunk.out() + shrunk.err());
    assertTrue(shrunk.out().contains("1 hours: 0 succeeded, 0 empty, 1 skipped"), shrunk.out());
    assertTrue(shrunk.err().contains(FROM + ": 1 object(s) its run read are gone from its folder ("), shrunk.err());
    try (JdbcRunLedger ledger = ledger()) {
      assertEquals(2, ledger.history("ingest", "web_events", FROM.start(), FROM.end()).size(), "the first run and the one that took the late object in, no other");
    }
  }

  @Test
  void statusTellsARunningHourFromOneWhoseDriverDied() throws IOException {
    Instant now = Instant.now();
    try (JdbcRunLedger ledger = ledger()) {
      ledger.claim(new RunKey("ingest", "web_events", FROM.start()), "live-driver", now); // lease 3 s from now
      ledger.claim(new RunKey("ingest", "web_events", FROM.plusHours(1).start()), "dead-driver", now.minusSeconds(60));
    }
    Run status = run(concat(List.of("status", "--dataset", "web_events", "--from", FROM.toString(), "--to",
        FROM.plusHours(1).toString(), "--json"), common()));
    assertEquals(0, status.code(), status.err());
    assertEquals(List.of("RUNNING", "DEAD"), states(new ObjectMapper().readTree(status.out())), status.out());
    Run grid = run(concat(List.of("status", "--dataset", "web_events", "--from", FROM.toString(), "--to",
        FROM.plusHours(1).toString()), common()));
    assertTrue(grid.out().contains("2026-11-19" + " ".repeat(70) + "r  d"), grid.out());
  }

  @Test
  void aSecondRunOfAnHourThatIsRunningIsRefusedWithItsOwnExitCode() throws IOException {
    generate(FROM, 3);
    try (JdbcRunLedger ledger = ledger()) {
      ledger.claim(new RunKey("ingest", "web_events", FROM.start()), "other-driver", Instant.now());
      List<String> a = new ArrayList<>(List.of("ingest", "--dataset", "web_events", "--hour", FROM.toString()));
      a.addAll(common());
      Run r = run(a.toArray(String[]::new));
      assertEquals(3, r.code(), r.err());
      assertTrue(r.err().startsWith("hourglass: refused: "), r.err());
      assertTrue(r.err().contains("other-driver"), r.err());
      assertEquals(1, r.err().lines().count(), r.err());
    }
  }

  @Test
  void aKilledBackfillResumesAndEndsLikeACleanOne() throws Exception {
    Hour to = FROM.plusHours(3);
    Map<Hour, GeneratedHour> generated = new HashMap<>();
    for (int i = 0; i < 4; i++) {
      generated.put(FROM.plusHours(i), generate(FROM.plusHours(i), 10 + i));
    }
    // The backfill in a child JVM, killed (SIGKILL) once its first hour is recorded as succeeded.
    List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(List.of(System.getProperty("surefire.argLine.opens", "").split(" ")).stream().filter(s -> !s.isBlank()).toList());
    cmd.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), "io.hourglass.jobs.cli.Main",
        "backfill", "ingest", "--dataset", "web_events", "--from", FROM.toString(), "--to", to.toString(), "--parallelism", "1"));
    cmd.addAll(common("--set", "spark.master=local[1]"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile());
    pb.environment().putAll(ENV);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process child = pb.start();
    Instant deadline = Instant.now().plusSeconds(240);
    boolean killed = false;
    while (Instant.now().isBefore(deadline) && child.isAlive()) {
      if (Files.exists(dir.resolve("state/ledger.mv.db"))) {
        try (JdbcRunLedger ledger = ledger()) {
          if (ledger.history("ingest", "web_events", FROM.start(), to.end()).stream().anyMatch(r -> r.status().equals("succeeded"))) {
            child.destroyForcibly();
            killed = true;
            break;
          }
        }
      }
      Thread.sleep(200);
    }
    child.waitFor(30, TimeUnit.SECONDS);
    assertTrue(killed, "the child was killed mid-backfill; its log:\n" + Files.readString(dir.resolve("child.log")));

    Thread.sleep(3500); // the dead driver's lease (3 s) runs out
    String before;
    try (JdbcRunLedger ledger = ledger()) {
      before = ledger.history("ingest", "web_events", FROM.start(), to.end()).toString();
    }
    Run resumed = backfill(FROM, to);
    assertEquals(0, resumed.code(), resumed.out() + resumed.err());
    assertTrue(resumed.out().matches("(?s).*4 hours: [0-3] succeeded, 0 empty, [1-4] skipped.*"), resumed.out() + "\nledger before: " + before);

    ManifestStore manifests = new ManifestStore(new Configuration());
    String table = dir.resolve("wh/events").toUri().toString();
    for (Map.Entry<Hour, GeneratedHour> e : generated.entrySet()) {
      var m = manifests.read(table, e.getKey()).orElseThrow();
      assertEquals(e.getValue().validRecords(), m.records().written(), e.getKey().toString());
      long rows = SparkTestSession.get().read().parquet(table).where("ingest_hour = '" + e.getKey().id() + "'").count();
      assertEquals(e.getValue().validRecords(), rows, "rows on storage for " + e.getKey());
    }
  }

  private static String[] concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all.toArray(String[]::new);
  }

  private static List<String> states(JsonNode json) {
    List<String> out = new ArrayList<>();
    json.get("hours").forEach(h -> out.add(h.get("state").asText()));
    return out;
  }
}
