package io.hourglass.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hourglass.common.config.Hour;
import io.hourglass.common.io.ManifestStore;
import io.hourglass.common.io.RunManifest;
import io.hourglass.common.testing.SparkTestSession;
import io.hourglass.jobs.generate.WebEventsGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as users and schedulers call it: exit codes, one-line errors, Glue arguments, the demo. */
class MainTest {
  private static final String KEY_ENV = "HOURGLASS_HMAC_KEY";
  private static final String KEY = "a-test-key-that-is-long-enough-0123";
  private static final Hour H = Hour.parse("2026-11-20T10");

  @TempDir
  Path dir;

  record Run(int code, String out, String err) {
    String errLines() {
      return err.lines().filter(l -> l.startsWith("hourglass:")).reduce("", (a, b) -> a + b + "\n");
    }
  }

  @BeforeAll
  static void spark() {
    SparkTestSession.get(); // the CLI reuses the test JVM's session instead of making its own
  }

  private static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new Main(env, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
        .execute(args);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Run run(String... args) {
    return run(Map.of(KEY_ENV, KEY), args);
  }

  private String[] ingestArgs(String... extra) {
    List<String> a = new ArrayList<>(List.of("ingest", "--dataset", "web_events", "--hour", H.toString(),
        "--raw-root", dir.resolve("raw").toString(), "--warehouse", dir.resolve("wh").toString(),
        "--set", "state-dir=" + dir.resolve("state")));
    a.addAll(Arrays.asList(extra));
    return a.toArray(String[]::new);
  }

  private void generate(long records, boolean dirty) throws IOException {
    new WebEventsGenerator(new Configuration()).generate(H.start(), dir.resolve("raw").toString(), "web-events", records, 2, dirty, 1);
  }

  /** Every command's help renders clean: picocli warns on System.err about a description it cannot format. */
  @Test
  void everyCommandsHelpPrintsWithoutWarnings() {
    List<List<String>> commands = new ArrayList<>();
    commands.add(List.of());
    new picocli.CommandLine(new Main(Map.of(), System.out, System.err)).getSubcommands().forEach((name, sub) -> {
      commands.add(List.of(name));
      sub.getSubcommands().keySet().forEach(child -> commands.add(List.of(name, child)));
    });
    assertTrue(commands.size() >= 8, "the commands: " + commands);
    PrintStream stderr = System.err;
    ByteArrayOutputStream picocli = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(picocli, true, StandardCharsets.UTF_8));
      for (List<String> command : commands) {
        List<String> args = new ArrayList<>(command);
        args.add("--help");
        Run r = run(args.toArray(String[]::new));
        assertEquals(0, r.code(), args + ": " + r.err());
        assertTrue(r.out().contains("Usage: hourglass"), args + ": " + r.out());
        assertEquals("", r.err(), args.toString());
      }
      for (List<String> command : commands) { // every command that offers -V answers it
        if (command.contains("help")) {
          continue; // picocli's help command: "help --version" is help about a command named --version
        }
        List<String> args = new ArrayList<>(command);
        args.add("--version");
        Run r = run(args.toArray(String[]::new));
        assertEquals(0, r.code(), args + ": " + r.err());
        assertTrue(r.out().startsWith("hourglass "), args + " printed '" + r.out() + "'");
      }
    } finally {
      System.setErr(stderr);
    }
    assertEquals("", picocli.toString(StandardCharsets.UTF_8));
  }

  @Test
  void ingestSucceedsAndPrintsBalancedAccounts() throws IOException {
    generate(500, false);
    Run r = run(ingestArgs());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("ingest web_events 2026-11-20T10: succeeded"), r.out());
    RunManifest m = new ManifestStore(new Configuration()).read(dir.resolve("wh/events").toUri().toString(), H).orElseThrow();
    assertTrue(r.out().contains("read " + m.records().read() + " = written " + m.records().written()), r.out());
  }

  @Test
  void badSettingExitsTwoWithOneLineNamingKeyAndValue() {
    Run r = run(ingestArgs("--set", "datasets.web_events.format=orc"));
    assertEquals(2, r.code());
    assertEquals("hourglass: hourglass.datasets.web_events.format = 'orc': must be one of parquet | avro | delta\n", r.err());
  }

  @Test
  void aLocationNoFileSystemServesExitsTwoInOneLineAndRecordsNothing() throws IOException {
    generate(100, false);
    String hint = "no file system serves 's3:' in this run (s3:// is EMR's and Glue's own; elsewhere write s3a://)\n";
    Run warehouse = run("ingest", "--dataset", "web_events", "--hour", H.toString(), "--raw-root", dir.resolve("raw").toString(),
        "--warehouse", "s3://bucket/wh", "--set", "state-dir=" + dir.resolve("state"));
    assertEquals(2, warehouse.code(), warehouse.err());
    assertEquals("hourglass: hourglass.warehouse = 's3://bucket/wh': " + hint, warehouse.errLines());
    Run raw = run("ingest", "--dataset", "web_events", "--hour", H.toString(), "--raw-root", "s3://bucket/raw",
        "--warehouse", dir.resolve("wh").toString(), "--set", "state-dir=" + dir.resolve("state"));
    assertEquals(2, raw.code(), raw.err());
    assertEquals("hourglass: hourglass.raw-root = 's3://bucket/raw': " + hint, raw.errLines());
    Run backfill = run("backfill", "ingest", "--dataset", "web_events", "--from", H.toString(), "--to", H.toString(),
        "--raw-root", "s3://bucket/raw", "--warehouse", dir.resolve("wh").toString(), "--set", "state-dir=" + dir.resolve("state"));
    assertEquals(2, backfill.code(), backfill.err());
    assertEquals("hourglass: hourglass.raw-root = 's3://bucket/raw': " + hint, backfill.errLines());
    Run generate = run("generate", "--hour", H.toString(), "--raw-root", "s3://bucket/raw");
    assertEquals(2, generate.code(), generate.err());
    assertEquals("hourglass: hourglass.raw-root = 's3://bucket/raw': " + hint, generate.errLines());
    // Refused before the hour was claimed: the ledger holds no run of it, so the next good run is the first.
    Run status = run("status", "--dataset", "web_events", "--from", H.toString(), "--to", H.toString(), "--json",
        "--set", "state-dir=" + dir.resolve("state"));
    assertEquals(0, status.code(), status.err());
    assertEquals("MISSING", new ObjectMapper().readTree(status.out()).get("hours").get(0).get("state").asText(), status.out());
    assertEquals(0, run(ingestArgs()).code());
  }

  @Test
  void badHourAndMissingOptionExitTwo() {
    Run bad = run("ingest", "--dataset", "web_events", "--hour", "2026-13-01T10");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("'2026-13-01T10' is not an hour"), bad.err());
    assertEquals(1, bad.err().lines().count(), bad.err());
    Run missing = run("ingest", "--dataset", "web_events");
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("--hour"), missing.err());
  }

  @Test
  void missingHmacKeyFailsClearlyBeforeAnyWork() throws IOException {
    generate(100, false);
    Run r = run(Map.of(), ingestArgs());
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("hourglass: environment variable HOURGLASS_HMAC_KEY is not set"), r.err());
    assertTrue(r.err().contains("pii.email = drop"), r.err());
    assertFalse(Files.exists(dir.resolve("wh")), "nothing written");

    Run dropped = run(Map.of(), ingestArgs("--set", "datasets.web_events.pii.email=drop"));
    assertEquals(0, dropped.code(), dropped.err());
  }

  @Test
  void theKeyNeverAppearsInOutput() throws IOException {
    generate(200, true);
    Run r = run(ingestArgs("--set", "datasets.web_events.max-reject-rate=0.5"));
    assertEquals(0, r.code(), r.err());
    assertFalse(r.out().contains(KEY) || r.err().contains(KEY));
  }

  @Test
  void truncatedGzipExitsOneNamingTheFile() throws IOException {
    generate(400, false);
    Path folder = dir.resolve("raw/web-events").resolve(H.folder());
    Path victim;
    try (var files = Files.list(folder)) {
      victim = files.sorted().findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(victim);
    Files.write(victim, Arrays.copyOf(bytes, bytes.length - 40));
    Run r = run(ingestArgs());
    assertEquals(1, r.code());
    String line = r.errLines().strip();
    assertTrue(line.startsWith("hourglass: run failed: corrupt input file "), r.err());
    assertTrue(line.contains(victim.getFileName().toString()), line);
    assertEquals(1, line.lines().count(), line);
  }

  @Test
  void glueStyleArgumentsAreAccepted() throws IOException {
    generate(300, false);
    Run r = run("--JOB_ID", "j_1", "--JOB_RUN_ID", "jr_1", "--JOB_NAME", "hourglass-ingest", "--TempDir", "s3://tmp/x",
        "--job-bookmark-option", "job-bookmark-disable", "--enable-metrics", "true",
        "--command", "ingest", "--dataset", "web_events", "--hour", H.toString(),
        "--raw-root", dir.resolve("raw").toString(), "--warehouse", dir.resolve("wh").toString(),
        "--set", "state-dir=" + dir.resolve("state"), "--datasets.web_events.table", "events_glue");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("succeeded"), r.out());
    // A job parameter named by a setting's key is that setting (Glue's map holds one --set at most).
    assertTrue(Files.isDirectory(dir.resolve("wh/events_glue")), "--datasets.web_events.table events_glue was taken");

    // Glue gives every job parameter a value: an on/off option comes as "true" or "false"; Glue's --conf is its own.
    Run status = run("--JOB_NAME", "x", "--command", "status", "--dataset", "web_events", "--json", "true",
        "--conf", "spark.sql.shuffle.partitions=10", "--set", "state-dir=" + dir.resolve("state"));
    assertEquals(0, status.code(), status.err());
    assertTrue(status.out().trim().startsWith("{"), "--json true gives JSON: " + status.out());
    Run text = run("--JOB_NAME", "x", "--command", "status", "--dataset", "web_events", "--json", "false",
        "--hourglass.state-dir", dir.resolve("state").toString()); // as size --target glue writes a top-level setting
    assertEquals(0, text.code(), text.err());
    assertFalse(text.out().trim().startsWith("{"), "--json false gives the grid: " + text.out());
    assertFalse(text.err().contains("no run ledger"), "--hourglass.state-dir was taken as the setting: " + text.err());

    Run noCommand = run("--JOB_NAME", "x", "--dataset", "web_events");
    assertEquals(2, noCommand.code());
    assertTrue(noCommand.err().contains("--command"), noCommand.err());
  }

  @Test
  void badGeneratorCountsExitTwoInOneLine() {
    Run records = run("generate", "--hour", H.toString(), "--records", "-5", "--raw-root", dir.resolve("raw").toString());
    assertEquals(2, records.code(), records.err());
    assertEquals("hourglass: --records = '-5': must be at least 0\n", records.err());
    Run files = run("generate", "--hour", H.toString(), "--files", "0", "--raw-root", dir.resolve("raw").toString());
    assertEquals(2, files.code(), files.err());
    assertEquals("hourglass: --files = '0': must be at least 1\n", files.err());
  }

  @Test
  void anUnknownOptionIsNamedButItsValueNeverShown() {
    Run glue = run("--JOB_NAME", "x", "--command", "status", "--dataset", "web_events", "--HOURGLASS_LEDGER_PASSWORD", "s3cretpw");
    assertEquals(2, glue.code(), glue.err());
    assertEquals("hourglass: unknown option '--HOURGLASS_LEDGER_PASSWORD' and 1 unexpected value (not shown) "
        + "(see 'hourglass status --help')\n", glue.err());
    Run inline = run("status", "--dataset", "web_events", "--hmac-key=k-0123456789abcdef");
    assertEquals(2, inline.code(), inline.err());
    assertFalse(inline.err().contains("0123456789"), inline.err());
    assertTrue(inline.err().contains("unknown option '--hmac-key=...'"), inline.err());
  }

  @Test
  void aMisspeltCommandIsNamed() {
    Run top = run("ingset", "--dataset", "web_events", "--hour", "2026-11-20T10");
    assertEquals(2, top.code(), top.err());
    assertTrue(top.err().startsWith("hourglass: unknown command 'ingset', did you mean 'ingest'? (commands: ingest, generate,"),
        top.err());
    assertEquals(1, top.err().lines().count(), top.err());
    Run sub = run("backfill", "injest", "--dataset", "web_events");
    assertEquals(2, sub.code(), sub.err());
    assertTrue(sub.err().startsWith("hourglass: unknown command 'injest'"), sub.err());
    Run far = run("frobnicate");
    assertEquals(2, far.code(), far.err());
    assertTrue(far.err().startsWith("hourglass: unknown command 'frobnicate' (commands: "), "no far-off guess: " + far.err());
    Run noSub = run("backfill", "--dataset", "web_events", "--from", "2026-11-20T10", "--to", "2026-11-20T11");
    assertEquals(2, noSub.code(), noSub.err());
    assertEquals("hourglass: 'backfill' needs a subcommand before its options: ingest (see 'hourglass backfill --help')\n",
        noSub.err());
  }

  @Test
  void generateWritesTheFirehoseLayout() throws IOException {
    Run r = run("generate", "--hour", H.toString(), "--records", "120", "--files", "3", "--dirty",
        "--raw-root", dir.resolve("raw").toString());
    assertEquals(0, r.code(), r.err());
    try (var files = Files.list(dir.resolve("raw/web-events/2026/11/20/10"))) {
      assertEquals(3, files.filter(p -> p.getFileName().toString().matches("web-events-1-2026-11-20-10-\\d\\d-\\d\\d-.+\\.gz")).count());
    }
  }

  @Test
  void generateIntoAnHourThatHoldsObjectsIsRefusedUnlessReplaced() throws IOException {
    String raw = dir.resolve("raw").toString();
    Path folder = dir.resolve("raw/web-events/2026/11/20/10");
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("_SUCCESS"), ""); // hidden: the ingest skips it, so generate neither counts nor deletes it
    assertEquals(0, run("generate", "--hour", H.toString(), "--records", "90", "--files", "3", "--raw-root", raw).code());
    Run again = run("generate", "--hour", H.toString(), "--records", "40", "--files", "2", "--raw-root", raw);
    assertEquals(2, again.code(), again.err());
    assertTrue(again.err().startsWith("hourglass: file://" + raw + "/web-events/2026/11/20/10/ already holds 3 objects"
        + " (e.g. web-events-1-"), again.err());
    assertTrue(again.err().contains("add --replace to delete them first"), again.err());
    assertEquals(1, again.err().lines().count(), again.err());
    try (var files = Files.list(folder)) {
      assertEquals(4, files.count(), "a refused generate writes nothing");
    }
    Run replaced = run("generate", "--hour", H.toString(), "--records", "40", "--files", "2", "--raw-root", raw, "--replace");
    assertEquals(0, replaced.code(), replaced.err());
    assertTrue(replaced.out().startsWith("deleted the 3 objects that were in the hour's folder (--replace)"), replaced.out());
    try (var files = Files.list(folder)) {
      assertEquals(3, files.count(), "only the new hour's objects (and the hidden marker) are left");
    }
  }

  @Test
  void ddlNamesTheCatalogsDatabaseUnlessToldOtherwise() {
    Run hive = run("ddl", "--dataset", "web_events", "--dialect", "hive", "--set", "catalog.database=analytics");
    assertEquals(0, hive.code(), hive.err());
    assertTrue(hive.out().contains("`analytics`.`events`"), hive.out());
    Run named = run("ddl", "--dataset", "web_events", "--dialect", "hive", "--database", "other");
    assertEquals(0, named.code(), named.err());
    assertTrue(named.out().contains("`other`.`events`"), named.out());
    Run redshift = run("ddl", "--dataset", "web_events", "--dialect", "redshift", "--set", "catalog.database=analytics",
        "--warehouse", "s3a://bucket/wh");
    assertEquals(0, redshift.code(), redshift.err());
    assertTrue(redshift.out().contains("\"spectrum\".\"events\""), "Redshift's external schema is its own: " + redshift.out());
  }

  @Test
  void demoRunsEndToEndAndExplainsItself() {
    Run r = run(Map.of(), "demo", "--dir", dir.resolve("demo").toString(), "--records", "3000");
    assertEquals(0, r.code(), r.err());
    for (String part : List.of("== 1. generate", "== 2. ingest", "succeeded", "records     read", "rejects", "== 3. query",
        "== 4. quarantine", "malformed_json", "too_late", "manifest")) {
      assertTrue(r.out().contains(part), "demo output lacks '" + part + "':\n" + r.out());
    }
    RunManifest m = new ManifestStore(new Configuration())
        .read(dir.resolve("demo/warehouse/events").toUri().toString(), H).orElseThrow();
    assertTrue(m.records().balanced());
    assertTrue(m.records().quarantined() > 0 && m.records().duplicates() > 0 && m.records().blankLines() > 0);
  }

  @Test
  void demoTouchesNothingButItsOwnFolder() throws IOException {
    Run roots = run("demo", "--dir", dir.resolve("demo").toString(), "--raw-root", dir.resolve("raw").toString());
    assertEquals(2, roots.code(), roots.err());
    assertTrue(roots.err().contains("takes no --raw-root or --warehouse"), roots.err());
    Run state = run("demo", "--dir", dir.resolve("demo").toString(), "--set", "hourglass.state-dir=" + dir.resolve("elsewhere"));
    assertEquals(2, state.code(), state.err());
    assertTrue(state.err().contains("takes no --set state-dir"), state.err());
    assertFalse(Files.exists(dir.resolve("elsewhere")) || Files.exists(dir.resolve("demo")), "nothing written");

    // --dir data: where local runs keep their real raw data by default. The demo deletes <dir>/raw first: refused.
    Path real = dir.resolve("data/raw/web-events/2026/11/20/09/web-events-1.gz");
    Files.createDirectories(real.getParent());
    Files.writeString(real, "not the demo's");
    Run data = run("demo", "--dir", dir.resolve("data").toString(), "--records", "100");
    assertEquals(2, data.code(), data.err());
    assertTrue(data.err().contains(real.toString()) && data.err().contains("is not a demo object"), data.err());
    assertTrue(Files.exists(real), "the real object is left alone");
    assertFalse(Files.exists(dir.resolve("data/warehouse")), "nothing written");
  }

  /**
   * A command that needs no Spark does not load it, not even as the process exits (where Main stops a session a
   * command started): asking Spark for its default session initialised its utilities, 0.4 s of every such command.
   */
  @Test
  void aCommandWithoutSparkNeverInitialisesSpark() throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xlog:class+init=info:stdout", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--version"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    assertTrue(out.contains("hourglass "), out);
    assertTrue(out.contains("io.hourglass.jobs.cli.Main"), "the class-initialisation log is there to read: " + out);
    assertFalse(out.contains("org.apache.spark."), "Spark initialised:\n"
        + out.lines().filter(l -> l.contains("org.apache.spark.")).limit(5).reduce("", (a, b) -> a + b + "\n"));
  }
}
