package io.hourglass.jobs.bench;

import io.hourglass.common.config.Hour;
import io.hourglass.common.io.ManifestStore;
import io.hourglass.common.io.RunManifest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * The ingest benchmark of issue 7 (not a test: timings depend on the machine). One deterministic
 * hour is generated once and cached, then three engines turn it into Parquet partitioned by event
 * date and hour, each run a fresh child process under GNU time, interleaved round by round so that
 * a busy machine slows all of them alike:
 * <ol>
 *   <li>ours: {@code ./hourglass ingest} (validation, dedup, quarantine, manifest, email hashed);</li>
 *   <li>stock Spark: {@link StockSparkIngest}, explicit-schema JSON reader straight to Parquet;</li>
 *   <li>DuckDB: {@link DuckDbIngest}, one {@code COPY ... TO ... (FORMAT PARQUET, PARTITION_BY ...)}.</li>
 * </ol>
 * Reports medians of wall time, throughput per core, peak RSS and the ratios against the issue's
 * targets as Markdown. Run it through {@code bench/ingest-bench.sh}, which builds what it needs and
 * passes the JVM flags and DuckDB's classpath in.
 */
public final class IngestBench {
  /** The arrival hour every benchmark hour is generated for (any hour would do; fixed, so the cache is reusable). */
  static final String HOUR = "2026-11-20T10";
  private static final String BENCH_KEY = "bench-only-hmac-key-not-a-secret-0123456789";
  private static final double MB = 1e6;
  /** The JVM's class-data-sharing warnings (classes it cannot keep) are not the engine's output; as in ./hourglass. */
  private static final List<String> QUIET_CDS = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");
  /** The archive mapped where it was written, not relocated at every start: as ./hourglass maps ours. */
  private static final List<String> MAP_CDS = List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0");

  enum Engine {
    OURS("ours", "ours: ./hourglass ingest", true),
    SPARK("spark", "stock Spark 3.5: read.schema().json -> partitionBy.parquet", true),
    DUCKDB("duckdb", "DuckDB: COPY (read_json) TO PARQUET PARTITION_BY", false),
    /** Ours with the launcher's class-data archive off ({@code HOURGLASS_CDS=off}): what the archive saves, side by side. */
    OURS_NO_CDS("ours-nocds", "ours, no class-data archive", false),
    /** Stock Spark without its class-data archive. */
    SPARK_NO_CDS("spark-nocds", "stock Spark, no class-data archive", false),
    /** Ours with Spark's DataFrame writer in place of the direct one ({@code writer = spark}): what it saves, side by side. */
    OURS_SPARK_WRITER("ours-sparkwriter", "ours, Spark's DataFrame writer (writer = spark)", true);

    final String id;
    final String label;
    /** The JVM maps a class-data archive of the classes this engine loads (both Spark engines, unless -nocds). */
    final boolean cds;

    Engine(String id, String label, boolean cds) {
      this.id = id;
      this.label = label;
      this.cds = cds;
    }

    boolean ours() {
      return this == OURS || this == OURS_NO_CDS || this == OURS_SPARK_WRITER;
    }

    static Engine of(String id) {
      return Arrays.stream(values()).filter(e -> e.id.equals(id)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("Unknown engine '" + id + "'; expected ours, spark, duckdb,"
              + " ours-nocds, spark-nocds or ours-sparkwriter"));
    }
  }

  record Options(List<Long> records, int files, int repeat, long seed, boolean dirty, double repeats, double rejects, int cores,
      List<Engine> engines, Optional<Duration> timeout, Path cache, Path work, boolean keep, boolean stages, Optional<Path> report) {
    Options {
      if (!(repeats >= 0 && repeats < 1) || dirty && repeats > 0) {
        throw new IllegalArgumentException("--repeats must be a share of records, at least 0 and below 1, and not with --dirty"
            + " (which repeats 2% anyway), cannot be: " + repeats);
      }
      if (!(rejects >= 0 && rejects < 1) || dirty && rejects > 0) {
        throw new IllegalArgumentException("--rejects must be a share of records, at least 0 and below 1, and not with --dirty"
            + " (which rejects 10% anyway), cannot be: " + rejects);
      }
      if (records.isEmpty() || records.stream().anyMatch(r -> r < 1)) {
        throw new IllegalArgumentException("--records must be one or more counts of at least 1, cannot be: " + records);
      }
      if (files < 1 || cores < 1 || repeat < (stages ? 0 : 1)) {
        throw new IllegalArgumentException(String.format("--files and --cores must be at least 1 and --repeat at least 1"
            + " (0 only with --stages), cannot be: %d, %d, %d", files, cores, repeat));
      }
    }

    Duration timeoutFor(long n) {
      // Generous: 5 minutes plus 5 per million records (ours took 2.5 to 3.5 minutes for a million on a busy 2-core box).
      return timeout.orElse(Duration.ofSeconds(300 + 300 * Math.max(1, n / 1_000_000)));
    }
  }

  /** One generated hour, as cached: where it is and how big it is compressed and raw. */
  record Data(long records, int files, long seed, boolean dirty, double repeats, double rejects, Path rawRoot, Path hourDir, long gzBytes, long rawBytes, long lines) {}

  /** What a finished run wrote, read back from the Parquet footers (outside the timed process). */
  record Output(long rows, int files, long bytes, int directories) {
    static final Output NONE = new Output(-1, 0, 0, 0);
  }

  /** A line the child printed, and when (seconds after it was started). */
  record Mark(double atS, String line) {}

  record Run(Engine engine, int round, String failure, double wallS, double workS, double cpuS, long rssKb, Output output,
      List<Mark> marks, Map<String, String> result) {
    boolean ok() {
      return failure == null;
    }
  }

  /** A child's end: its exit, timings from GNU time, and what it printed. */
  record Child(int exit, boolean timedOut, double wallS, double cpuS, long rssKb, List<Mark> marks) {}

  private final Options options;
  private final Path root;
  private final Path javaBin;
  private final List<String> jvmFlags;
  private final List<String> heap;
  private final String sparkClasspath;
  private final String duckdbClasspath;
  private final PrintWriter out;
  private final StringBuilder report = new StringBuilder();

  IngestBench(Options options, Path root, List<String> jvmFlags, List<String> heap, String sparkClasspath, String duckdbClasspath) {
    this.options = options;
    this.root = root;
    this.javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    this.jvmFlags = jvmFlags;
    this.heap = heap;
    this.sparkClasspath = sparkClasspath;
    this.duckdbClasspath = duckdbClasspath;
    this.out = new PrintWriter(System.out, true);
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("ingest-bench: " + e.getMessage());
      System.exit(2);
      return;
    }
    Path root = Path.of(System.getProperty("hourglass.home", ".")).toAbsolutePath().normalize();
    List<String> flags = lines(System.getenv().getOrDefault("HOURGLASS_BENCH_JVM_FLAGS", ""));
    // The engines' JVM options: bench/ingest-bench.sh sets them (the caller's, or ./hourglass's default from
    // conf/java-opts.sh), so that this class keeps no copy of the default.
    String javaOpts = System.getenv().getOrDefault("HOURGLASS_JAVA_OPTS", "");
    if (javaOpts.isBlank()) {
      System.err.println("ingest-bench: HOURGLASS_JAVA_OPTS is not set (the engines' JVM options); run through bench/ingest-bench.sh");
      System.exit(2);
      return;
    }
    List<String> heap = Arrays.stream(javaOpts.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    Path jar = root.resolve("jobs/target/hourglass.jar");
    String sparkCp = jar + ":" + Files.readString(root.resolve("jobs/target/launcher-classpath.txt")).trim();
    String duckCp = jar + ":" + System.getProperty("bench.duckdb.classpath", "");
    if (options.engines().contains(Engine.DUCKDB) && System.getProperty("bench.duckdb.classpath", "").isBlank()) {
      System.err.println("ingest-bench: DuckDB's jar is not known (-Dbench.duckdb.classpath); run through bench/ingest-bench.sh");
      System.exit(2);
    }
    if (!Files.isExecutable(Path.of("/usr/bin/time"))) {
      System.err.println("ingest-bench: GNU time (/usr/bin/time) is needed for peak RSS: apt-get install -y time");
      System.exit(2);
    }
    try {
      boolean ok = new IngestBench(options, root, flags, heap, sparkCp, duckCp).run(String.join(" ", args));
      System.exit(ok ? 0 : 1);
    } catch (IllegalStateException e) {
      System.err.println("ingest-bench: " + e.getMessage());
      System.exit(1);
    }
  }

  boolean run(String argsLine) throws Exception {
    Files.createDirectories(options.work());
    Machine machine = Machine.describe();
    heading("# Ingest benchmark (issue 7)");
    line("");
    line("Command: `bench/ingest-bench.sh " + argsLine + "`" + (argsLine.isEmpty() ? " (defaults)" : ""));
    line("");
    line("Machine: " + machine.markdown());
    line("");
    line(String.format("Each run is a fresh child process (JVM `%s`), %d core(s): `spark.master=local[%d]` for both Spark engines,"
            + " `SET threads=%d` for DuckDB; both Spark engines map a class-data archive of the classes they load (JVM class"
            + " data sharing; each written beforehand by one untimed run; the `-nocds` engines run without); rounds"
            + " interleave the engines; medians over %d run(s). Work folder `%s`.",
        String.join(" ", heap), options.cores(), options.cores(), options.cores(), options.repeat(), options.work()));
    boolean allOk = true;
    List<Summary> summaries = new ArrayList<>();
    for (long n : options.records()) {
      Data data = prepare(n);
      if (summaries.isEmpty()) {
        prepareArchives(data);
      }
      Summary s = measure(data);
      summaries.add(s);
      allOk &= s.allOk();
    }
    if (summaries.size() > 1 && options.repeat() > 0) {
      scaling(summaries);
    }
    line("");
    line("Load average at the end: " + Machine.loadAverage());
    Path saved = options.work().resolve("report.md");
    Files.writeString(saved, report);
    if (options.report().isPresent()) {
      Files.writeString(options.report().get(), report);
    }
    System.err.println("ingest-bench: report saved to " + saved + options.report().map(p -> " and " + p).orElse("")
        + "; per-run logs under " + options.work().resolve("logs"));
    return allOk;
  }

  // ---------------------------------------------------------------- data

  /** The hour for {@code n} records, generated once into the cache (keyed by records, files, seed, dirt). */
  Data prepare(long n) throws Exception {
    String key = String.format(Locale.ROOT, "r%d-f%d-s%d%s%s%s", n, options.files(), options.seed(), options.dirty() ? "-dirty" : "",
        options.repeats() > 0 ? "-repeats" + options.repeats() : "", options.rejects() > 0 ? "-rejects" + options.rejects() : "");
    Path dir = options.cache().resolve(key);
    Path meta = dir.resolve("hour.properties");
    Path rawRoot = dir.resolve("raw");
    Path hourDir = rawRoot.resolve("web-events/" + Hour.parse(HOUR).folder());
    if (!Files.isRegularFile(meta)) {
      progress("generating %d records in %d files (seed %d%s) into %s", n, options.files(), options.seed(),
          (options.dirty() ? ", dirty" : "") + (options.repeats() > 0 ? ", " + options.repeats() + " of them repeated" : "")
              + (options.rejects() > 0 ? ", " + options.rejects() + " of them rejected" : ""), dir);
      deleteTree(dir);
      Files.createDirectories(dir);
      List<String> cmd = new ArrayList<>(List.of(root.resolve("hourglass").toString(), "generate", "--hour", HOUR,
          "--records", String.valueOf(n), "--files", String.valueOf(options.files()), "--seed", String.valueOf(options.seed()),
          "--raw-root", rawRoot.toString()));
      if (options.dirty()) {
        cmd.add("--dirty");
      }
      if (options.repeats() > 0) {
        cmd.addAll(List.of("--repeats", String.valueOf(options.repeats())));
      }
      if (options.rejects() > 0) {
        cmd.addAll(List.of("--rejects", String.valueOf(options.rejects())));
      }
      Path log = dir.resolve("generate.log");
      Child c = runChild(cmd, Map.of(), dir, log, options.timeoutFor(n));
      if (c.exit() != 0) {
        throw new IllegalStateException("generating the benchmark hour failed (exit " + c.exit() + (c.timedOut() ? ", timed out" : "")
            + "); see " + log + "\n" + tail(c, 10));
      }
      long gz = 0;
      long raw = 0;
      long lines = 0;
      for (Path f : gzFiles(hourDir)) {
        gz += Files.size(f);
        long[] counted = countRaw(f);
        raw += counted[0];
        lines += counted[1];
      }
      Properties p = new Properties();
      p.setProperty("records", String.valueOf(n));
      p.setProperty("files", String.valueOf(options.files()));
      p.setProperty("seed", String.valueOf(options.seed()));
      p.setProperty("dirty", String.valueOf(options.dirty()));
      p.setProperty("repeats", String.valueOf(options.repeats()));
      p.setProperty("rejects", String.valueOf(options.rejects()));
      p.setProperty("hour", HOUR);
      p.setProperty("gz.bytes", String.valueOf(gz));
      p.setProperty("raw.bytes", String.valueOf(raw));
      p.setProperty("lines", String.valueOf(lines));
      try (var w = Files.newBufferedWriter(meta)) { // written last: a cache folder without it is regenerated
        p.store(w, "ingest-bench hour; delete the folder to regenerate");
      }
    } else {
      progress("reusing the cached hour %s", dir);
    }
    Properties p = new Properties();
    try (var r = Files.newBufferedReader(meta)) {
      p.load(r);
    }
    Data data = new Data(n, options.files(), options.seed(), options.dirty(), options.repeats(), options.rejects(), rawRoot, hourDir,
        Long.parseLong(p.getProperty("gz.bytes")), Long.parseLong(p.getProperty("raw.bytes")), Long.parseLong(p.getProperty("lines")));
    warmPageCache(hourDir);
    return data;
  }

  /** Bytes and lines of one gzipped object, decompressed. */
  static long[] countRaw(Path gz) throws IOException {
    long bytes = 0;
    long lines = 0;
    byte[] buf = new byte[1 << 16];
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16)) {
      for (int r; (r = in.read(buf)) > 0; ) {
        bytes += r;
        for (int i = 0; i < r; i++) {
          if (buf[i] == '\n') {
            lines++;
          }
        }
      }
    }
    return new long[] {bytes, lines};
  }

  /** Every engine then starts with the input in the page cache, not only the ones that run after the first. */
  private static void warmPageCache(Path hourDir) throws IOException {
    byte[] buf = new byte[1 << 20];
    for (Path f : gzFiles(hourDir)) {
      try (InputStream in = Files.newInputStream(f)) {
        while (in.read(buf) > 0) {
          // just read
        }
      }
    }
  }

  private static List<Path> gzFiles(Path hourDir) throws IOException {
    try (Stream<Path> s = Files.list(hourDir)) {
      return s.filter(f -> f.getFileName().toString().endsWith(".gz")).sorted().toList();
    }
  }

  // ---------------------------------------------------------------- runs

  /** A size's runs, measured and reported. */
  record Summary(Data data, Map<Engine, List<Run>> runs) {
    boolean allOk() {
      return runs.values().stream().flatMap(List::stream).allMatch(Run::ok);
    }

    List<Run> ok(Engine e) {
      return runs.getOrDefault(e, List.of()).stream().filter(Run::ok).toList();
    }

    double medianWall(Engine e) {
      return median(ok(e).stream().mapToDouble(Run::wallS).toArray());
    }
  }

  Summary measure(Data data) throws Exception {
    Map<Engine, List<Run>> runs = new EnumMap<>(Engine.class);
    Map<Engine, String> failed = new EnumMap<>(Engine.class);
    for (int round = 1; round <= options.repeat(); round++) {
      for (Engine e : options.engines()) {
        if (failed.containsKey(e)) {
          continue; // a failing engine is not retried; the others go on
        }
        Run r = runEngine(e, data, round, false);
        runs.computeIfAbsent(e, k -> new ArrayList<>()).add(r);
        if (r.ok()) {
          progress("%s %,d records, round %d/%d: %.1f s wall, %.1f s CPU, peak RSS %d MB, %s rows out", e.id, data.records(), round,
              options.repeat(), r.wallS(), r.cpuS(), Math.round(r.rssKb() / 1024.0), r.output().rows() < 0 ? "?" : String.format("%,d", r.output().rows()));
        } else {
          failed.put(e, r.failure());
          System.err.println("ingest-bench: " + r.failure());
        }
      }
    }
    Summary s = new Summary(data, runs);
    if (options.repeat() > 0) {
      reportSize(s);
    } else {
      line("");
      heading(String.format("## %,d records (profiled runs only, --repeat 0)", data.records()));
    }
    if (options.stages()) {
      for (Engine e : List.of(Engine.OURS, Engine.SPARK)) {
        if (options.engines().contains(e) && !failed.containsKey(e)) {
          Run r = runEngine(e, data, 0, true);
          if (r.ok()) {
            stages(e, data, r);
          } else {
            line("");
            line(r.failure());
          }
        }
      }
    }
    return s;
  }

  /**
   * The class-data archives the Spark engines map (JVM class data sharing: about 14,000 classes parsed and verified
   * once, not in every run), each written by one untimed run when it is missing or older than the jar, so that no
   * timed run pays for writing one. Ours is {@code ./hourglass}'s own, written by the launcher in its first Spark
   * run after a build; stock Spark gets the same treatment, so the comparison stays like for like.
   */
  void prepareArchives(Data data) throws Exception {
    Path jar = root.resolve("jobs/target/hourglass.jar");
    Path cpFile = root.resolve("jobs/target/launcher-classpath.txt");
    Path ours = Optional.ofNullable(System.getenv("HOURGLASS_CDS_ARCHIVE")).map(Path::of)
        .orElse(root.resolve("jobs/target/hourglass-cds.jsa")); // where ./hourglass keeps it
    boolean oursMapsIt = options.engines().contains(Engine.OURS) || options.engines().contains(Engine.OURS_SPARK_WRITER);
    if (oursMapsIt && !newerThan(ours, jar, cpFile)) {
      Run r = runEngine(Engine.OURS, data, 0, false, ours);
      if (!r.ok() || !Files.isRegularFile(ours)) {
        throw new IllegalStateException(r.ok() ? "./hourglass wrote no class-data archive at " + ours
            + " (it writes none where the folder is read-only, nor with a flight recording or agent in the JVM options);"
            + " measure with --engines ours-nocds,spark-nocds,duckdb instead" : r.failure());
      }
    }
    Path stock = stockArchive();
    if (options.engines().contains(Engine.SPARK) && !newerThan(stock, jar, cpFile)) {
      Path tmp = stock.resolveSibling(stock.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      Run r = runEngine(Engine.SPARK, data, 0, false, tmp);
      if (!r.ok() || !Files.isRegularFile(tmp)) {
        throw new IllegalStateException(r.ok() ? "stock Spark wrote no class-data archive at " + tmp : r.failure());
      }
      Files.move(tmp, stock, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Stock Spark's class-data archive, next to the jar whose classpath it was written for. */
  Path stockArchive() {
    return root.resolve("jobs/target/bench-stock-spark-cds.jsa");
  }

  private static boolean newerThan(Path file, Path... others) throws IOException {
    if (!Files.isRegularFile(file)) {
      return false;
    }
    for (Path o : others) {
      if (Files.getLastModifiedTime(file).compareTo(Files.getLastModifiedTime(o)) <= 0) {
        return false;
      }
    }
    return true;
  }

  /** One run of one engine in a fresh folder; with {@code profiled} the Spark event log is on (not timed). */
  Run runEngine(Engine e, Data data, int round, boolean profiled) throws Exception {
    return runEngine(e, data, round, profiled, null);
  }

  /**
   * @param archive not null for the untimed run that writes a class-data archive: ours writes it where the launcher
   *     keeps it, stock Spark into this file
   */
  Run runEngine(Engine e, Data data, int round, boolean profiled, Path archive) throws Exception {
    String name = String.format("r%d-%s-%s", data.records(), e.id, profiled ? "profiled" : archive != null ? "archive" : "round" + round);
    Path dir = options.work().resolve("runs").resolve(name);
    deleteTree(dir);
    Files.createDirectories(dir);
    Path log = options.work().resolve("logs").resolve(name + ".log");
    Files.createDirectories(log.getParent());
    Path events = options.work().resolve("events").resolve(name);
    if (profiled) {
      deleteTree(events);
      Files.createDirectories(events);
    }
    Path outDir = e.ours() ? dir.resolve("wh") : dir.resolve("out");
    List<String> cmd = new ArrayList<>();
    Map<String, String> env = new LinkedHashMap<>();
    String master = "local[" + options.cores() + "]";
    switch (e) {
      case OURS, OURS_NO_CDS, OURS_SPARK_WRITER -> {
        cmd.addAll(List.of(root.resolve("hourglass").toString(), "ingest", "--dataset", "web_events", "--hour", HOUR,
            "--raw-root", data.rawRoot().toString(), "--warehouse", outDir.toString(),
            "--set", "state-dir=" + dir.resolve("state"), "--set", "spark.master=" + master,
            "--set", "datasets.web_events.pii.email=hash"));
        if (data.dirty()) {
          cmd.addAll(List.of("--set", "datasets.web_events.max-reject-rate=0.5"));
        }
        if (e == Engine.OURS_SPARK_WRITER) {
          cmd.addAll(List.of("--set", "datasets.web_events.writer=spark"));
        }
        if (profiled) {
          cmd.addAll(List.of("--set", "spark.conf.\"spark.eventLog.enabled\"=true",
              "--set", "spark.conf.\"spark.eventLog.dir\"=" + events.toUri())); // --set takes the value as it is
        }
        env.put("HOURGLASS_HMAC_KEY", System.getenv().getOrDefault("HOURGLASS_BENCH_HMAC_KEY", BENCH_KEY));
        env.put("HOURGLASS_CDS", e.cds ? "on" : "off");
      }
      case SPARK, SPARK_NO_CDS -> {
        cmd.add(javaBin.toString());
        cmd.addAll(heap);
        cmd.addAll(jvmFlags);
        if (archive != null) {
          cmd.add("-XX:ArchiveClassesAtExit=" + archive);
          cmd.addAll(QUIET_CDS);
        } else if (e.cds) {
          cmd.add("-XX:SharedArchiveFile=" + stockArchive());
          cmd.addAll(MAP_CDS);
          cmd.addAll(QUIET_CDS);
        }
        cmd.addAll(List.of("-Dlog4j2.configurationFile=" + root.resolve("conf/log4j2-local.properties"), "-Dlog4j2.disable.jmx=true",
            "-cp", sparkClasspath, StockSparkIngest.class.getName(),
            "--input", data.hourDir().toString(), "--output", outDir.toString(), "--master", master));
        if (profiled) {
          cmd.addAll(List.of("--event-log", events.toUri().toString()));
        }
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
      }
      case DUCKDB -> {
        cmd.add(javaBin.toString());
        cmd.addAll(heap);
        cmd.addAll(List.of("-cp", duckdbClasspath, DuckDbIngest.class.getName(),
            "--input", data.hourDir().resolve("*.gz").toString(), "--output", outDir.toString(),
            "--threads", String.valueOf(options.cores())));
        if (data.dirty()) {
          cmd.add("--ignore-errors");
        }
      }
    }
    progress("%s%s %,d records, %s: running", e.id, profiled ? " (profiled, event log on)" : "", data.records(),
        profiled ? "extra run" : archive != null ? "untimed run that writes the class-data archive" : "round " + round + "/" + options.repeat());
    Path jar = root.resolve("jobs/target/hourglass.jar");
    var jarBefore = Files.getLastModifiedTime(jar);
    Child c = runChild(cmd, env, dir, log, options.timeoutFor(data.records()));
    Map<String, String> result = benchResult(c.marks());
    String which = profiled ? e.id + " profiled run" : archive != null ? e.id + " archive run" : e.id + " run " + round;
    String failure = null;
    if (!Files.getLastModifiedTime(jar).equals(jarBefore)) {
      // ./hourglass rebuilds when the sources are newer than the jar (someone editing the tree): not a timing of the job.
      failure = String.format("%s: hourglass.jar was rebuilt during the run, so its time includes a build; run the bench"
          + " again (in a copy of the tree that nobody edits); log %s", which, log);
    } else if (c.timedOut()) {
      failure = String.format("%s timed out after %.0f s (raise --timeout); log %s%n%s", which, c.wallS(), log, tail(c, 15));
    } else if (c.exit() != 0) {
      failure = String.format("%s failed with exit %d after %.1f s; log %s%n%s", which, c.exit(), c.wallS(), log, tail(c, 15));
    }
    Output output = Output.NONE;
    double workS = Double.NaN;
    if (failure == null) {
      Path table = e.ours() ? outDir.resolve("events") : outDir;
      output = readBack(table);
      if (e.ours()) {
        Optional<RunManifest> m = new ManifestStore(new Configuration()).read(table.toString(), Hour.parse(HOUR));
        if (m.isEmpty()) {
          failure = which + " exited 0 but wrote no manifest under " + table + "; log " + log;
        } else {
          workS = m.get().durationMs() / 1000.0;
          result.put("written", String.valueOf(m.get().records().written()));
          result.put("quarantined", String.valueOf(m.get().records().quarantined()));
        }
      } else if (result.containsKey("work_ms")) {
        workS = Long.parseLong(result.get("work_ms")) / 1000.0;
      }
    }
    if (!options.keep()) {
      deleteTree(dir);
    }
    return new Run(e, round, failure, c.wallS(), workS, c.cpuS(), c.rssKb(), output, c.marks(), result);
  }

  /** Runs a command under GNU time in {@code dir}, its output time-stamped into {@code log}; kills it after {@code timeout}. */
  Child runChild(List<String> cmd, Map<String, String> env, Path dir, Path log, Duration timeout) throws Exception {
    Path timeFile = dir.resolve("time.txt");
    List<String> full = new ArrayList<>(List.of("/usr/bin/time", "-v", "-o", timeFile.toString()));
    full.addAll(cmd);
    ProcessBuilder pb = new ProcessBuilder(full).directory(root.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    List<Mark> marks = Collections.synchronizedList(new ArrayList<>());
    long t0 = System.nanoTime();
    Process p = pb.start();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
           PrintWriter w = new PrintWriter(Files.newBufferedWriter(log))) {
        w.println("$ " + String.join(" ", cmd));
        for (String l; (l = r.readLine()) != null; ) {
          double at = (System.nanoTime() - t0) / 1e9;
          w.printf(Locale.ROOT, "[%7.2fs] %s%n", at, l);
          marks.add(new Mark(at, l));
        }
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
    }, "child-output");
    reader.setDaemon(true);
    reader.start();
    boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    double wall = (System.nanoTime() - t0) / 1e9;
    if (!finished) {
      // GNU time does not pass signals on: end the JVM under it first, then time itself.
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    reader.join(10_000);
    int exit = finished ? p.exitValue() : -1;
    double cpu = Double.NaN;
    long rss = -1;
    if (Files.isRegularFile(timeFile)) {
      String t = Files.readString(timeFile);
      double user = number(t, "User time \\(seconds\\): ([0-9.]+)");
      double sys = number(t, "System time \\(seconds\\): ([0-9.]+)");
      cpu = user + sys;
      rss = (long) number(t, "Maximum resident set size \\(kbytes\\): ([0-9]+)");
      Files.writeString(log, "\n--- /usr/bin/time -v ---\n" + t, java.nio.file.StandardOpenOption.APPEND);
    }
    return new Child(exit, !finished, wall, cpu, rss, List.copyOf(marks));
  }

  private static double number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  /** The child's {@code bench-result key=value ...} line, if it printed one. */
  static Map<String, String> benchResult(List<Mark> marks) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Mark m : marks) {
      if (m.line().startsWith("bench-result ")) {
        for (String kv : m.line().substring("bench-result ".length()).trim().split("\\s+")) {
          int eq = kv.indexOf('=');
          if (eq > 0) {
            out.put(kv.substring(0, eq), kv.substring(eq + 1));
          }
        }
      }
    }
    return out;
  }

  /** Rows, files, bytes and partition directories of the Parquet under {@code table} (manifests, staging and quarantine aside). */
  static Output readBack(Path table) throws IOException {
    if (!Files.isDirectory(table)) {
      return new Output(0, 0, 0, 0);
    }
    List<Path> parts;
    try (Stream<Path> s = Files.walk(table)) {
      parts = s.filter(Files::isRegularFile)
          .filter(f -> f.getFileName().toString().endsWith(".parquet"))
          .filter(f -> Stream.of(table.relativize(f).toString().split("/")).noneMatch(seg -> seg.startsWith("_") || seg.startsWith(".")))
          .toList();
    }
    Configuration conf = new Configuration();
    long rows = 0;
    long bytes = 0;
    for (Path f : parts) {
      bytes += Files.size(f);
      try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(f.toUri()), conf))) {
        rows += r.getRecordCount();
      }
    }
    int dirs = (int) parts.stream().map(Path::getParent).distinct().count();
    return new Output(rows, parts.size(), bytes, dirs);
  }

  // ---------------------------------------------------------------- report

  void reportSize(Summary s) throws IOException {
    Data d = s.data();
    int cores = options.cores();
    line("");
    heading(String.format("## %,d records", d.records()));
    line("");
    line(String.format("Input: hour %s, %d gzipped files, %.1f MB gz, %.1f MB of raw JSON (%,d lines, %.0f bytes a line), seed %d, %s;"
            + " cached in `%s`.", HOUR, d.files(), d.gzBytes() / MB, d.rawBytes() / MB, d.lines(), (double) d.rawBytes() / Math.max(1, d.lines()),
        d.seed(), d.dirty() ? "dirty (about 2% of each kind of bad record)"
            : d.repeats() > 0 || d.rejects() > 0 ? "clean but for " + Stream.of(
                d.repeats() > 0 ? String.format(Locale.ROOT, "%.2f%% of the records delivered twice (a Firehose retry)", 100 * d.repeats()) : "",
                d.rejects() > 0 ? String.format(Locale.ROOT, "%.2f%% of the records bad (ours rejects them)", 100 * d.rejects()) : "")
                .filter(t -> !t.isEmpty()).collect(Collectors.joining(" and "))
            : "clean", d.rawRoot().getParent()));
    line("");
    line("| engine | wall s (median) | min | max | in-job s | CPU s | MB/s per core | MB per CPU s | records/s | peak RSS MB | rows out | files | out MB |");
    line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (Engine e : options.engines()) {
      List<Run> ok = s.ok(e);
      if (ok.isEmpty()) {
        line(String.format("| %s | failed | | | | | | | | | | | |", e.label));
        continue;
      }
      double wall = s.medianWall(e);
      double min = ok.stream().mapToDouble(Run::wallS).min().orElse(Double.NaN);
      double max = ok.stream().mapToDouble(Run::wallS).max().orElse(Double.NaN);
      double work = median(ok.stream().mapToDouble(Run::workS).toArray());
      double cpu = median(ok.stream().mapToDouble(Run::cpuS).toArray());
      double rss = median(ok.stream().mapToDouble(r -> r.rssKb() / 1024.0).toArray());
      Output o = ok.get(ok.size() - 1).output();
      line(String.format(Locale.ROOT, "| %s%s | **%.1f** | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f | %,.0f | %.0f | %,d | %d | %.1f |", e.label,
          ok.size() < s.runs().get(e).size() ? " (" + (s.runs().get(e).size() - ok.size()) + " failed)" : "",
          wall, min, max, work, cpu, d.rawBytes() / MB / wall / cores, d.rawBytes() / MB / cpu, d.records() / wall, rss, o.rows(),
          o.files(), o.bytes() / MB));
    }
    line("");
    line("wall: the whole child process, JVM start to exit. in-job: ours, the manifest's duration (IngestJob.run, without"
        + " JVM, Spark session and ledger); stock Spark, read+write after the session is up; DuckDB, the COPY statement."
        + " CPU: user+system seconds of the process (GNU time), median. MB/s per core: raw JSON MB (10^6 bytes, uncompressed)"
        + " / median wall / " + cores + " cores. MB per CPU s: raw JSON MB / median CPU seconds, which a busy machine disturbs"
        + " less than wall time. records/s: records / median wall. Peak RSS: GNU time's maximum resident set size, median of runs.");
    ratios(s);
    checkRows(s);
    perRun(s);
    timeline(s);
  }

  private void ratios(Summary s) {
    if (s.ok(Engine.OURS).isEmpty()) {
      return;
    }
    double ours = s.medianWall(Engine.OURS);
    line("");
    line("| ours against | throughput ratio (their median wall / ours) | issue 7 target |");
    line("| --- | ---: | --- |");
    if (!s.ok(Engine.SPARK).isEmpty()) {
      double r = s.medianWall(Engine.SPARK) / ours;
      line(String.format(Locale.ROOT, "| stock Spark | **%.2f×** | ≥ 3× (%s) |", r, r >= 3 ? "met" : "not met"));
    }
    if (!s.ok(Engine.DUCKDB).isEmpty()) {
      double r = s.medianWall(Engine.DUCKDB) / ours;
      line(String.format(Locale.ROOT, "| DuckDB | **%.2f×** | ≥ 1×, wall ≤ DuckDB's (%s) |", r, r >= 1 ? "met" : "not met"));
    }
    double rssMb = median(s.ok(Engine.OURS).stream().mapToDouble(r -> r.rssKb() / 1024.0).toArray());
    line(String.format(Locale.ROOT, "| peak RSS | %.0f MB | ≤ 1.5 GB (%s) |", rssMb, rssMb <= 1536 ? "met" : "not met"));
  }

  /** Engines should agree on the rows; a difference is reported, not fatal (a dirty hour differs by design). */
  private void checkRows(Summary s) {
    Map<Engine, Long> rows = new EnumMap<>(Engine.class);
    for (Engine e : options.engines()) {
      s.ok(e).stream().reduce((a, b) -> b).ifPresent(r -> rows.put(e, r.output().rows()));
    }
    if (rows.values().stream().distinct().count() > 1) {
      line("");
      line("Rows out differ between engines: " + rows.entrySet().stream().map(en -> en.getKey().id + " " + en.getValue())
          .collect(Collectors.joining(", ")) + (s.data().dirty() || s.data().repeats() > 0 || s.data().rejects() > 0
          ? " (expected on a dirty hour or one with repeats or rejects: ours quarantines and drops duplicates, the others keep or skip"
              + " what they can parse)."
          : " (unexpected on a clean hour: look at the logs)."));
    }
    s.ok(Engine.OURS).stream().reduce((a, b) -> b).ifPresent(r -> {
      if (r.result().containsKey("quarantined") && !"0".equals(r.result().get("quarantined"))) {
        line("");
        line("ours quarantined " + r.result().get("quarantined") + " records.");
      }
    });
  }

  private void perRun(Summary s) {
    line("");
    line("<details><summary>every run</summary>");
    line("");
    line("| engine | round | wall s | in-job s | CPU s | peak RSS MB | result |");
    line("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
    for (Engine e : options.engines()) {
      for (Run r : s.runs().getOrDefault(e, List.of())) {
        line(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %d | %s |", e.id, r.round(), r.wallS(), r.workS(), r.cpuS(),
            Math.round(r.rssKb() / 1024.0), r.ok() ? "ok" : r.failure().lines().findFirst().orElse("failed").replace("|", "/")));
      }
    }
    line("");
    line("</details>");
  }

  /** When each engine's own milestones came, in its median run: where the wall time goes, coarsely. */
  private void timeline(Summary s) {
    line("");
    line("Milestones of the median run (seconds after the process started):");
    line("");
    for (Engine e : options.engines()) {
      List<Run> ok = s.ok(e);
      if (ok.isEmpty()) {
        continue;
      }
      Run median = ok.stream().sorted(Comparator.comparingDouble(Run::wallS)).toList().get((ok.size() - 1) / 2);
      List<String> steps = new ArrayList<>();
      for (Mark m : median.marks()) {
        String l = m.line();
        if (e.ours() && l.startsWith("[ingest ")) {
          steps.add(String.format(Locale.ROOT, "%.1f %s", m.atS(), l.substring(l.indexOf(']') + 1).trim()));
        } else if (!e.ours() && l.startsWith("bench-result ")) {
          Map<String, String> r = benchResult(List.of(m));
          double start = Long.parseLong(r.getOrDefault("startup_ms", "0")) / 1000.0;
          double work = Long.parseLong(r.getOrDefault("work_ms", "0")) / 1000.0;
          steps.add(String.format(Locale.ROOT, "%.1f engine up (%.1f s to start it in-process)", m.atS() - work, start));
          steps.add(String.format(Locale.ROOT, "%.1f work done (%.1f s)", m.atS(), work));
        }
      }
      steps.add(String.format(Locale.ROOT, "%.1f process exited", median.wallS()));
      line("- " + e.id + ": " + String.join("; ", steps));
    }
  }

  /** Several sizes: how the cost grows with the input. */
  private void scaling(List<Summary> summaries) {
    line("");
    heading("## Scaling");
    line("");
    StringBuilder head = new StringBuilder("| records | raw MB |");
    StringBuilder rule = new StringBuilder("| ---: | ---: |");
    for (Engine e : options.engines()) {
      head.append(" ").append(e.id).append(" wall s | ").append(e.id).append(" MB/s/core | ").append(e.id).append(" RSS MB |");
      rule.append(" ---: | ---: | ---: |");
    }
    if (options.engines().contains(Engine.OURS)) {
      head.append(" ours/spark | ours/duckdb |");
      rule.append(" ---: | ---: |");
    }
    line(head.toString());
    line(rule.toString());
    for (Summary s : summaries) {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %,d | %.0f |", s.data().records(), s.data().rawBytes() / MB));
      for (Engine e : options.engines()) {
        if (s.ok(e).isEmpty()) {
          row.append(" failed | | |");
          continue;
        }
        double w = s.medianWall(e);
        double rss = median(s.ok(e).stream().mapToDouble(r -> r.rssKb() / 1024.0).toArray());
        row.append(String.format(Locale.ROOT, " %.1f | %.2f | %.0f |", w, s.data().rawBytes() / MB / w / options.cores(), rss));
      }
      if (options.engines().contains(Engine.OURS)) {
        double ours = s.medianWall(Engine.OURS);
        row.append(String.format(Locale.ROOT, " %s | %s |", ratio(s, Engine.SPARK, ours), ratio(s, Engine.DUCKDB, ours)));
      }
      line(row.toString());
    }
  }

  private String ratio(Summary s, Engine e, double ours) {
    return s.ok(e).isEmpty() || Double.isNaN(ours) ? "-" : String.format(Locale.ROOT, "%.2f×", s.medianWall(e) / ours);
  }

  /** The event log of a profiled run as a table of jobs and stages. */
  private void stages(Engine e, Data data, Run r) throws IOException {
    Path dir = options.work().resolve("events").resolve(String.format("r%d-%s-profiled", data.records(), e.id));
    line("");
    heading(String.format("### Where the time goes: %s (%,d records, one extra untimed run with the event log on, %.1f s wall)",
        e.id, data.records(), r.wallS()));
    line("");
    try (Stream<Path> files = Files.list(dir)) {
      Optional<Path> log = files.filter(Files::isRegularFile).findFirst();
      if (log.isEmpty()) {
        line("(no event log was written under " + dir + ")");
        return;
      }
      EventLogSummary.of(log.get()).markdown().forEach(this::line);
    }
  }

  // ---------------------------------------------------------------- helpers

  static double median(double[] xs) {
    double[] v = Arrays.stream(xs).filter(x -> !Double.isNaN(x)).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private void heading(String s) {
    line(s);
  }

  private void line(String s) {
    report.append(s).append('\n');
    out.println(s);
  }

  private static void progress(String fmt, Object... args) {
    System.err.printf("ingest-bench %s: %s%n", LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")),
        String.format(fmt, args));
  }

  /** The last lines the child printed, indented, for an error message. */
  private static String tail(Child c, int n) {
    List<Mark> all = c.marks();
    return all.subList(Math.max(0, all.size() - n), all.size()).stream().map(m -> "    " + m.line()).collect(Collectors.joining("\n"));
  }

  private static List<String> lines(String s) {
    return s.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  static Options parse(String[] args) {
    List<Long> records = List.of(1_000_000L);
    int files = 8;
    int repeat = 3;
    long seed = 42;
    boolean dirty = false;
    double repeats = 0;
    double rejects = 0;
    int cores = 2;
    List<Engine> engines = List.of(Engine.OURS, Engine.SPARK, Engine.DUCKDB);
    Optional<Duration> timeout = Optional.empty();
    Path root = Path.of(System.getProperty("hourglass.home", ".")).toAbsolutePath().normalize();
    Path cache = Optional.ofNullable(System.getenv("HOURGLASS_BENCH_CACHE")).map(Path::of).orElse(root.resolve("target/bench-data"));
    Path work = root.resolve("target/ingest-bench/" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    boolean keep = false;
    boolean stages = false;
    Optional<Path> report = Optional.empty();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--dirty" -> dirty = true;
        case "--keep" -> keep = true;
        case "--stages" -> stages = true;
        case "-h", "--help" -> throw new IllegalArgumentException(USAGE);
        default -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException(a + " needs a value\n" + USAGE);
          }
          String v = args[++i];
          try {
            switch (a) {
              case "--records" -> records = Arrays.stream(v.split(",")).map(String::trim).map(IngestBench::count).toList();
              case "--files" -> files = Integer.parseInt(v);
              case "--repeat" -> repeat = Integer.parseInt(v);
              case "--seed" -> seed = Long.parseLong(v);
              case "--repeats" -> repeats = Double.parseDouble(v);
              case "--rejects" -> rejects = Double.parseDouble(v);
              case "--cores" -> cores = Integer.parseInt(v);
              case "--engines" -> engines = Arrays.stream(v.split(",")).map(String::trim).map(Engine::of).distinct().toList();
              case "--timeout" -> timeout = Optional.of(Duration.ofSeconds(Long.parseLong(v)));
              case "--cache" -> cache = Path.of(v).toAbsolutePath();
              case "--work" -> work = Path.of(v).toAbsolutePath();
              case "--report" -> report = Optional.of(Path.of(v).toAbsolutePath());
              default -> throw new IllegalArgumentException("Unknown option '" + a + "'\n" + USAGE);
            }
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(a + " needs a number, cannot be: '" + v + "'");
          }
        }
      }
    }
    return new Options(records, files, repeat, seed, dirty, repeats, rejects, cores, engines, timeout, cache, work, keep, stages, report);
  }

  /** {@code 100000}, {@code 100k}, {@code 1M}, {@code 5m}. */
  static long count(String v) {
    String s = v.toLowerCase(Locale.ROOT).replace("_", "");
    if (s.endsWith("k")) {
      return Long.parseLong(s.substring(0, s.length() - 1)) * 1_000;
    }
    if (s.endsWith("m")) {
      return Long.parseLong(s.substring(0, s.length() - 1)) * 1_000_000;
    }
    return Long.parseLong(s);
  }

  static final String USAGE = """
      usage: bench/ingest-bench.sh [--records N[,N...]] [--files F] [--repeat R] [options]
        --records N[,N...]  records in the hour (default 1000000; 100k, 1M, 5M accepted); several sizes
                            run one after another and end with a scaling table, e.g. --records 100k,1M,5M
        --files F           gzipped objects in the hour (default 8)
        --repeat R          runs per engine, medians reported (default 3)
        --seed S            generator seed (default 42)
        --dirty             mix in the generator's bad records (default: a clean hour)
        --repeats RATE      a clean hour but for RATE of its records delivered twice, as a Firehose retry does
                            (e.g. 0.001; ours drops them, the others keep them)
        --rejects RATE      a clean hour but for RATE of its records bad (malformed, missing a field, a wrong type,
                            too late, in the future), e.g. 0.03; ours quarantines them, the others keep or skip them
        --cores C           cores for every engine: local[C], DuckDB threads (default 2)
        --engines LIST      any of ours,spark,duckdb (default all three), and ours-nocds, spark-nocds: the Spark
                            engines without their class-data archive (JVM class data sharing), side by side
        --timeout SECONDS   per run (default 300 + 300 per million records)
        --stages            one extra, untimed run of each Spark engine with the event log on: jobs and stages
                            (with --repeat 0, only those)
        --cache DIR         generated hours (default $HOURGLASS_BENCH_CACHE or target/bench-data)
        --work DIR          run folders, logs and report.md (default target/ingest-bench/<time>)
        --keep              keep each run's output (default: deleted once read back)
        --report FILE       also write the Markdown report to FILE""";
}
