package io.hourglass.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HourglassConfigTest {
  private static final String CWD = System.getProperty("user.dir");
  private static final String WEB = "hourglass.datasets.web_events.";

  @TempDir
  Path tmp;

  private static HourglassConfig load(String... overrides) {
    return HourglassConfig.load(Optional.of("web_events"), Optional.empty(), List.of(overrides));
  }

  private static void assertBad(Supplier<?> call, String key, String value) {
    BadConfigException e = assertThrows(BadConfigException.class, call::get);
    String m = e.getMessage();
    assertTrue(m.contains(key), "message should name " + key + ": " + m);
    assertTrue(m.contains(value), "message should name the value " + value + ": " + m);
    assertFalse(m.contains("\n") || m.contains("\r"), "message should be one line: " + m);
  }

  private Path hocon(String name, String text) throws IOException {
    Path file = tmp.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  @Test
  void defaultsComeFromApplicationConf() {
    Settings s = HourglassConfig.load(Optional.empty(), Optional.empty(), List.of()).settings();
    assertEquals("file://" + CWD + "/data/raw", s.rawRoot());
    assertEquals("file://" + CWD + "/data/warehouse", s.warehouse());
    assertEquals("local[*]", s.spark().master());
    assertEquals(8, s.spark().shufflePartitions());
    assertEquals(Map.of(), s.spark().conf());
  }

  @Test
  void webEventsDefaultsComeFromItsDatasetFile() {
    DatasetSettings d = load().dataset("web_events");
    assertEquals("web_events", d.name());
    assertEquals("web-events", d.stream());
    assertEquals("events", d.table());
    assertEquals(TableFormat.PARQUET, d.format());
    assertEquals("web_events/raw-v1.avsc", d.rawSchema());
    assertEquals("web_events/events-v1.avsc", d.tableSchema());
    assertEquals(CorruptFilePolicy.FAIL, d.onCorruptFile());
    assertEquals(Duration.ofHours(6), d.late());
    assertEquals(Duration.ofMinutes(10), d.future());
    assertEquals(PiiMode.HASH, d.email());
    assertEquals("HOURGLASS_HMAC_KEY", d.hmacKeyEnv());
    assertEquals(0.05, d.maxRejectRate(), 0.0);
    assertEquals(Duration.ofMinutes(15), d.settle());
    assertEquals(Duration.ofMinutes(90), d.sla());
  }

  @Test
  void anHourSettlesItsSettleTimeAfterItEndsAndLastIsTheLatestThatHas() {
    DatasetSettings d = load().dataset("web_events"); // settle 15m
    Hour h = Hour.parse("2026-11-30T23");
    Instant settled = Instant.parse("2026-12-01T00:15:00Z");
    assertEquals(settled, d.settledAt(h));
    assertEquals(Hour.parse("2026-11-30T22"), d.lastSettled(settled.minusMillis(1)));
    assertEquals(h, d.lastSettled(settled));
    assertEquals(h, d.lastSettled(Instant.parse("2026-12-01T01:14:59Z")));
    d.requireSettled("--hour", h, settled); // exactly settled: runs
    BadConfigException e = assertThrows(BadConfigException.class, () -> d.requireSettled("--hour", h, settled.minusSeconds(1)));
    assertEquals("--hour 2026-11-30T23 has not settled: objects may land in its folder until 2026-12-01T00:15:00Z (Firehose"
        + " writes an object up to its buffer interval after its first record arrives; hourglass.datasets.web_events.settle"
        + " = 15m); run it then, or use --hour last (now 2026-11-30T22)", e.getMessage());
    DatasetSettings none = load("datasets.web_events.settle=0s").dataset("web_events");
    assertEquals(h, none.lastSettled(Instant.parse("2026-12-01T00:00:00Z")), "settle 0: an hour is ready as it ends");
    assertThrows(BadConfigException.class, () -> none.requireSettled("--to", h.plusHours(1), Instant.parse("2026-12-01T00:59:59Z")),
        "an hour that has not ended never is");
  }

  @Test
  void aNegativeSettleOrAnSlaThatLeavesNoTimeToRunIsBad() {
    assertBad(() -> load("datasets.web_events.table=web-events", "catalog.enabled=true").dataset("web_events"), WEB + "table",
        "'web-events'");
    assertBad(() -> load("datasets.web_events.settle=-1m").dataset("web_events"), WEB + "settle", "'-1m'");
    assertBad(() -> load("datasets.web_events.sla=75m").dataset("web_events"), WEB + "sla", "must be more than 1h + settle (15m)");
    assertEquals(Duration.ofMinutes(75), load("datasets.web_events.sla=75m", "datasets.web_events.settle=10m")
        .dataset("web_events").sla());
  }

  @Test
  void precedenceIsSetThenConfFileThenDatasetFileThenApplicationConf() throws IOException {
    Path conf = hocon("mine.conf", String.join("\n",
        "hourglass.raw-root = \"s3a://conf-bucket/raw/\"",
        "hourglass.warehouse = \"s3a://conf-bucket/wh\"",
        "hourglass.datasets.web_events.format = avro",
        "hourglass.datasets.web_events.window.late = 3h",
        "hourglass.spark.conf { \"spark.executor.memory\" = \"4g\" }"));
    HourglassConfig c = HourglassConfig.load(Optional.of("web_events"), Optional.of(conf),
        List.of("datasets.web_events.format=delta", "hourglass.warehouse=s3a://set-bucket/wh"));
    DatasetSettings d = c.dataset("web_events");
    Settings s = c.settings();
    assertEquals(TableFormat.DELTA, d.format(), "--set beats --conf");
    assertEquals("s3a://set-bucket/wh", s.warehouse(), "--set (with the prefix) beats --conf");
    assertEquals(Duration.ofHours(3), d.late(), "--conf beats the dataset file");
    assertEquals("s3a://conf-bucket/raw", s.rawRoot(), "--conf beats application.conf");
    assertEquals(Duration.ofMinutes(10), d.future(), "the dataset file fills what --conf leaves");
    assertEquals(8, s.spark().shufflePartitions(), "application.conf fills the rest");
    assertEquals(Map.of("spark.executor.memory", "4g"), s.spark().conf());
  }

  @Test
  void datasetFileBeatsApplicationConfAndConfFileBeatsDatasetFile() throws IOException {
    // A dataset file of our own, found the way the jar's files are: on the context class path.
    Path root = tmp.resolve("cp");
    Files.createDirectories(root.resolve("conf/datasets"));
    Files.writeString(root.resolve("conf/datasets/probe_ds.conf"), String.join("\n",
        "hourglass.spark.shuffle-partitions = 3",
        "hourglass.spark.master = \"local[1]\"",
        "hourglass.raw-root = \"s3a://dataset-file/raw\""));
    Path conf = hocon("over.conf", "hourglass.spark.master = \"local[4]\"");
    ClassLoader before = Thread.currentThread().getContextClassLoader();
    try (URLClassLoader cl = new URLClassLoader(new URL[] {root.toUri().toURL()}, before)) {
      Thread.currentThread().setContextClassLoader(cl);
      Settings s = HourglassConfig.load(Optional.of("probe_ds"), Optional.of(conf), List.of("raw-root=s3a://set/raw")).settings();
      assertEquals(3, s.spark().shufflePartitions(), "dataset file beats application.conf (8)");
      assertEquals("local[4]", s.spark().master(), "--conf beats the dataset file");
      assertEquals("s3a://set/raw", s.rawRoot(), "--set beats the dataset file");
      assertEquals("file://" + CWD + "/data/warehouse", s.warehouse(), "application.conf fills the rest");
    } finally {
      Thread.currentThread().setContextClassLoader(before);
    }
  }

  @Test
  void setWithoutPrefixGetsIt() {
    HourglassConfig c = load("raw-root=s3a://b/raw", "spark.shuffle-partitions=5", "datasets.web_events.window.late=90m");
    assertEquals("s3a://b/raw", c.settings().rawRoot());
    assertEquals(5, c.settings().spark().shufflePartitions());
    assertEquals(Duration.ofMinutes(90), c.dataset("web_events").late());
    assertEquals("s3a://b/raw", c.raw().getString("hourglass.raw-root"));
  }

  @Test
  void setKeepsEverythingAfterTheFirstEquals() {
    HourglassConfig c = load("spark.master=local[2]", "raw-root = s3a://b/k=v ");
    assertEquals("local[2]", c.settings().spark().master());
    assertEquals("s3a://b/k=v", c.settings().rawRoot());
  }

  @Test
  void setWithoutEqualsIsBadNamingTheArgument() {
    assertBad(() -> load("format"), "--set", "'format'");
    assertBad(() -> load("=parquet"), "--set", "'=parquet'");
  }

  @Test
  void unknownFormatIsBad() {
    assertBad(() -> load("datasets.web_events.format=orc").dataset("web_events"), WEB + "format", "'orc'");
  }

  @Test
  void formatIsCaseInsensitive() {
    assertEquals(TableFormat.AVRO, load("datasets.web_events.format=AVRO").dataset("web_events").format());
  }

  @Test
  void rejectRateAboveOneIsBad() {
    assertBad(() -> load("datasets.web_events.max-reject-rate=2").dataset("web_events"), WEB + "max-reject-rate", "2");
    assertBad(() -> load("datasets.web_events.max-reject-rate=-0.1").dataset("web_events"), WEB + "max-reject-rate", "-0.1");
    assertBad(() -> load("datasets.web_events.max-reject-rate=lots").dataset("web_events"), WEB + "max-reject-rate", "lots");
    assertEquals(1.0, load("datasets.web_events.max-reject-rate=1").dataset("web_events").maxRejectRate(), 0.0);
    assertEquals(0.0, load("datasets.web_events.max-reject-rate=0").dataset("web_events").maxRejectRate(), 0.0);
  }

  @Test
  void zeroShufflePartitionsIsBad() {
    assertBad(() -> load("spark.shuffle-partitions=0").settings(), "hourglass.spark.shuffle-partitions", "'0'");
    assertBad(() -> load("spark.shuffle-partitions=many").settings(), "hourglass.spark.shuffle-partitions", "many");
    assertEquals(1, load("spark.shuffle-partitions=1").settings().spark().shufflePartitions());
  }

  @Test
  void durationThatIsNotOneIsBad() {
    assertBad(() -> load("datasets.web_events.window.late=banana").dataset("web_events"), WEB + "window.late", "'banana'");
    assertBad(() -> load("datasets.web_events.window.future=-5m").dataset("web_events"), WEB + "window.future", "negative");
    assertEquals(Duration.ZERO, load("datasets.web_events.window.future=0s").dataset("web_events").future());
  }

  @Test
  void aConfFileSettingOutsideTheHourglassBlockIsRefusedNotIgnored() throws IOException {
    Path flat = hocon("flat.conf", "warehouse = \"/tmp/elsewhere\"\n");
    BadConfigException e = assertThrows(BadConfigException.class,
        () -> HourglassConfig.load(Optional.of("web_events"), Optional.of(flat), List.of()));
    assertEquals("--conf " + flat + ": 'warehouse' is outside the hourglass block and would not be read; write it as"
        + " hourglass.warehouse (or inside hourglass { ... })", e.getMessage());
    Path datasets = hocon("datasets.conf", "datasets.web_events.format = avro\n");
    e = assertThrows(BadConfigException.class, () -> HourglassConfig.load(Optional.of("web_events"), Optional.of(datasets), List.of()));
    assertTrue(e.getMessage().contains("'datasets' is outside the hourglass block"), e.getMessage());
    Path nothing = hocon("nothing.conf", "helper = 1\n");
    e = assertThrows(BadConfigException.class, () -> HourglassConfig.load(Optional.of("web_events"), Optional.of(nothing), List.of()));
    assertTrue(e.getMessage().startsWith("--conf " + nothing + ": sets nothing under hourglass"), e.getMessage());
    // A helper outside the block, used by a substitution, is fine.
    Path helper = hocon("helper.conf", "bucket = \"s3a://b\"\nhourglass.warehouse = ${bucket}\"/wh\"\n");
    assertEquals("s3a://b/wh", HourglassConfig.load(Optional.of("web_events"), Optional.of(helper), List.of()).settings().warehouse());
  }

  @Test
  void aSetForAnotherDatasetThanTheRunsIsRefused() {
    BadConfigException e = assertThrows(BadConfigException.class, () -> load("datasets.web_event.format=avro"));
    assertEquals("--set: hourglass.datasets.web_event is not this run's dataset (web_events), so it would change nothing;"
        + " name the dataset as --dataset does", e.getMessage());
    assertEquals(TableFormat.AVRO, load("datasets.web_events.format=avro").dataset("web_events").format());
  }

  @Test
  void aDurationWithoutAUnitIsBadNotMilliseconds() throws IOException {
    // HOCON reads a bare number as milliseconds: late = 6 meant as hours would be a 6 ms window.
    assertBad(() -> load("datasets.web_events.window.late=6").dataset("web_events"), WEB + "window.late", "give a unit");
    assertBad(() -> load("datasets.web_events.settle=15").dataset("web_events"), WEB + "settle", "'15'");
    assertBad(() -> load("sizer.deadline=60").durationSetting("hourglass.sizer.deadline"), "hourglass.sizer.deadline", "'60'");
    Path conf = hocon("bare.conf", "hourglass.ledger.lease = 30\n");
    assertBad(() -> HourglassConfig.load(Optional.of("web_events"), Optional.of(conf), List.of()).ledger(),
        "hourglass.ledger.lease", "'30'");
    assertBad(() -> HourglassConfig.duration("--deadline", "60"), "--deadline", "(a bare number would be read as milliseconds)");
    assertEquals(Duration.ofHours(6), load("datasets.web_events.window.late=6h").dataset("web_events").late());
    assertEquals(Duration.ZERO, load("datasets.web_events.window.future=0").dataset("web_events").future(), "0 is 0 in any unit");
  }

  @Test
  void unknownCorruptFilePolicyAndPiiModeAreBad() {
    assertBad(() -> load("datasets.web_events.input.on-corrupt-file=ignore").dataset("web_events"),
        WEB + "input.on-corrupt-file", "'ignore'");
    assertBad(() -> load("datasets.web_events.pii.email=keep").dataset("web_events"), WEB + "pii.email", "'keep'");
  }

  @Test
  void hashingNeedsAVariableNameButDroppingDoesNot() {
    String pasted = "k3Y+of/the=hash-0123456789abcdef"; // the key itself, pasted where its variable's name goes
    BadConfigException e = assertThrows(BadConfigException.class,
        () -> load("datasets.web_events.pii.hmac-key-env=" + pasted).dataset("web_events"));
    assertEquals(WEB + "pii.hmac-key-env must be the name of an environment variable (letters, digits, '_'), not the key"
        + " itself; the value given is not shown", e.getMessage());
    assertEquals(PiiMode.DROP,
        load("datasets.web_events.pii.email=drop", "datasets.web_events.pii.hmac-key-env=not a var").dataset("web_events").email());
  }

  @Test
  void namesAndWindowsAreValidated() {
    assertBad(() -> load("datasets.web_events.table=../etc").dataset("web_events"), WEB + "table", "'../etc'");
    assertBad(() -> load("datasets.web_events.stream=web events").dataset("web_events"), WEB + "stream", "'web events'");
    assertBad(() -> load("datasets.web_events.window.late=-1h").dataset("web_events"), WEB + "window.late", "negative");
    DatasetSettings ok = load("datasets.web_events.table=events_v2.x-1", "datasets.web_events.window.late=0s")
        .dataset("web_events");
    assertEquals("events_v2.x-1", ok.table());
    assertEquals(Duration.ZERO, ok.late());
  }

  @Test
  void badLocationIsBadNamingTheKey() {
    assertBad(() -> load("warehouse=gs://b/wh").settings(), "hourglass.warehouse", "'gs://b/wh'");
  }

  @Test
  void unknownDatasetIsBadNamingItAndTheDatasetMeant() throws IOException {
    BadConfigException far = assertThrows(BadConfigException.class,
        () -> HourglassConfig.load(Optional.of("nope"), Optional.empty(), List.of()).dataset("nope"));
    assertEquals("unknown dataset 'nope': no conf/datasets/nope.conf in the jar and no hourglass.datasets.nope in --conf",
        far.getMessage(), "no dataset is close enough to guess");
    BadConfigException typo = assertThrows(BadConfigException.class,
        () -> HourglassConfig.load(Optional.of("web_event"), Optional.empty(), List.of()).dataset("web_event"));
    assertEquals("unknown dataset 'web_event': no conf/datasets/web_event.conf in the jar and no "
        + "hourglass.datasets.web_event in --conf; did you mean --dataset web_events?", typo.getMessage());
    // A dataset the --conf file defines is a candidate too, and the closest one is named.
    Path conf = hocon("clicks.conf", "hourglass.datasets.clicks = " + wholeDatasetWithout(null, "stream = c, table = clicks"));
    BadConfigException near = assertThrows(BadConfigException.class,
        () -> HourglassConfig.load(Optional.of("click"), Optional.of(conf), List.of()).dataset("click"));
    assertTrue(near.getMessage().endsWith("; did you mean --dataset clicks?"), near.getMessage());
  }

  @Test
  void missingSettingIsBadNamingTheKey() {
    // A dataset made with --set alone (no file of its own): what it lacks is found when it is asked for.
    HourglassConfig c = HourglassConfig.load(Optional.of("other"), Optional.empty(), List.of("datasets.other.stream=s"));
    BadConfigException e = assertThrows(BadConfigException.class, () -> c.dataset("other"));
    assertTrue(e.getMessage().contains("hourglass.datasets.other.table"), e.getMessage());
    assertTrue(e.getMessage().contains("not set"), e.getMessage());
  }

  @Test
  void aConfFilesPartialDatasetThatTheJarDoesNotShipIsRefusedAsItIsRead() throws IOException {
    // Misspelt: the settings meant for web_events would silently not apply.
    Path typo = hocon("typo-dataset.conf", "hourglass.datasets.web_event { pii.email = drop }");
    BadConfigException e = assertThrows(BadConfigException.class,
        () -> HourglassConfig.load(Optional.of("web_events"), Optional.of(typo), List.of()));
    int settings = ConfigFactory.parseResources("conf/datasets/web_events.conf")
        .getConfig("hourglass.datasets.web_events").entrySet().size();
    assertEquals("--conf " + typo + ": hourglass.datasets.web_event is not a dataset the jar ships (did you mean "
        + "hourglass.datasets.web_events?); as a new dataset it sets 1 of the " + settings + " settings and lacks "
        + (settings - 1) + " (format, max-reject-rate, settle, sla, ...): a new dataset sets "
        + "them all (README, Configuration)", e.getMessage());
    // A new dataset named unlike any shipped one, set in part, gets no guess.
    Path partial = hocon("partial.conf", "hourglass.datasets.other { stream = s, format = parquet }");
    BadConfigException p = assertThrows(BadConfigException.class,
        () -> HourglassConfig.load(Optional.empty(), Optional.of(partial), List.of()));
    assertTrue(p.getMessage().contains("hourglass.datasets.other is not a dataset the jar ships; as a new dataset it sets 2 of"),
        p.getMessage());
    assertTrue(p.getMessage().contains("lacks 18 (max-reject-rate, settle, sla, table, ...)"), p.getMessage());
    // What a substitution gives counts (resolved, and checked, when the dataset runs), and so does a --set for it.
    Path helped = hocon("helped.conf", String.join("\n",
        "defaults.window { late = 2h, future = 5m }",
        "hourglass.datasets.clicks = " + wholeDatasetWithout("window", "stream = c, table = clicks")
            .replaceFirst("}$", ", \"window\": \\${defaults.window} }")));
    HourglassConfig h = HourglassConfig.load(Optional.of("clicks"), Optional.of(helped), List.of());
    assertEquals(Duration.ofHours(2), h.dataset("clicks").late());
    Path withoutTable = hocon("no-table.conf", "hourglass.datasets.clicks = " + wholeDatasetWithout("table", "stream = c"));
    assertThrows(BadConfigException.class,
        () -> HourglassConfig.load(Optional.of("clicks"), Optional.of(withoutTable), List.of()));
    assertEquals("clicks", HourglassConfig.load(Optional.of("clicks"), Optional.of(withoutTable),
        List.of("datasets.clicks.table=clicks")).dataset("clicks").table());
    // The shipped dataset, set in part, is fine: its file gives the rest.
    Path shipped = hocon("shipped.conf", "hourglass.datasets.web_events { pii.email = drop }");
    assertEquals(PiiMode.DROP,
        HourglassConfig.load(Optional.of("web_events"), Optional.of(shipped), List.of()).dataset("web_events").email());
  }

  @Test
  void aMisspeltSettingIsBadNamingItAndTheSettingMeant() throws IOException {
    BadConfigException top = assertThrows(BadConfigException.class, () -> load("warehose=s3a://prod/wh"));
    assertEquals("--set: hourglass.warehose is not a setting; did you mean hourglass.warehouse? (the settings and their "
        + "defaults: README, Configuration)", top.getMessage());
    BadConfigException nested = assertThrows(BadConfigException.class, () -> load("datasets.web_events.fromat=avro"));
    assertTrue(nested.getMessage().contains("hourglass.datasets.web_events.fromat is not a setting; did you mean "
        + "hourglass.datasets.web_events.format?"), nested.getMessage());
    BadConfigException far = assertThrows(BadConfigException.class, () -> load("ledger.passwd-variable=X"));
    assertTrue(far.getMessage().startsWith("--set: hourglass.ledger.passwd-variable is not a setting (the"), far.getMessage());
    Path conf = hocon("typo.conf", "hourglass { catalog { enabeld = true } }");
    BadConfigException inFile = assertThrows(BadConfigException.class,
        () -> HourglassConfig.load(Optional.empty(), Optional.of(conf), List.of()));
    assertTrue(inFile.getMessage().startsWith("--conf " + conf + ": hourglass.catalog.enabeld is not a setting; did you mean "
        + "hourglass.catalog.enabled?"), inFile.getMessage());
  }

  /** A whole new dataset's block: every setting the shipped dataset has, with {@code changes} over them. */
  private static String wholeDataset(String changes) {
    return wholeDatasetWithout(null, changes);
  }

  /** The same without the setting or block {@code left} (null: none). */
  private static String wholeDatasetWithout(String left, String changes) {
    Config shipped = ConfigFactory.parseResources("conf/datasets/web_events.conf").getConfig("hourglass.datasets.web_events");
    Config block = ConfigFactory.parseString(changes).withFallback(shipped);
    return (left == null ? block : block.withoutPath(left)).root().render(ConfigRenderOptions.concise());
  }

  @Test
  void sparksOwnKeysAndANewDatasetsKeysAreSettings() throws IOException {
    Path conf = hocon("new.conf", String.join("\n",
        "helper = 3", // outside hourglass: not ours to check
        "hourglass.datasets.clicks = " + wholeDataset("stream = c, table = clicks, format = avro, window.late = 2h, "
            + "input.csv.header = false")));
    HourglassConfig c = HourglassConfig.load(Optional.empty(), Optional.of(conf),
        List.of("spark.conf.\"spark.sql.anything.at.all\"=1"));
    assertEquals("1", c.settings().spark().conf().get("spark.sql.anything.at.all"));
    assertEquals("clicks", c.raw().getString("hourglass.datasets.clicks.table"));
  }

  @Test
  void aLedgerUrlThatIsNotJdbcIsBadWithoutItsPassword() {
    BadConfigException e = assertThrows(BadConfigException.class,
        () -> load("ledger.url=postgresql://bob:s3cretpw@db:5432/x").ledger());
    assertTrue(e.getMessage().contains("hourglass.ledger.url"), e.getMessage());
    assertTrue(e.getMessage().contains("bob:***@db"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cretpw"), e.getMessage());
    BadConfigException q = assertThrows(BadConfigException.class, () -> load("ledger.url=postgres://db/x?password=hunter22").ledger());
    assertFalse(q.getMessage().contains("hunter22"), q.getMessage());
  }

  @Test
  void missingConfFileIsBadNamingTheFile() {
    Path missing = tmp.resolve("nowhere.conf");
    BadConfigException e = assertThrows(BadConfigException.class,
        () -> HourglassConfig.load(Optional.empty(), Optional.of(missing), List.of()));
    assertTrue(e.getMessage().contains("--conf " + missing), e.getMessage());
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
  }

  @Test
  void confFileThatIsNotHoconIsBadInOneLine() throws IOException {
    Path broken = hocon("broken.conf", "hourglass {\n  raw-root = \n  spark {\n");
    BadConfigException e = assertThrows(BadConfigException.class,
        () -> HourglassConfig.load(Optional.empty(), Optional.of(broken), List.of()));
    assertTrue(e.getMessage().startsWith("--conf " + broken), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void durationHelperParsesAndNamesTheKey() {
    assertEquals(Duration.ofMinutes(60), HourglassConfig.duration("--deadline", "60m"));
    assertEquals(Duration.ofHours(1), HourglassConfig.duration("--deadline", "1h"));
    assertBad(() -> HourglassConfig.duration("--deadline", "soon"), "--deadline", "'soon'");
  }
}
