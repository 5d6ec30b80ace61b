package io.hourglass.jobs.bench;

import io.hourglass.common.config.Hour;
import io.hourglass.common.ledger.JdbcRunLedger;
import io.hourglass.common.ledger.LedgerSettings;
import io.hourglass.common.ledger.RunRow;
import io.hourglass.common.sizer.Observation;
import io.hourglass.common.sizer.RuntimeModel;
import io.hourglass.common.sizer.SizerInput;
import io.hourglass.jobs.sizing.IngestSizing;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The sizer on real runs (not a test): ingests generated hours of several sizes with 1 and 2 cores,
 * each run a fresh {@code ./hourglass ingest} process recorded in the ledger, fits the runtime model on
 * some runs and reports its prediction error on the others.
 *
 * <p>Usage: {@code bench/sizer-real.sh [records...]} (default 25000 50000 100000 200000).
 */
public final class SizerRealBench {
  private SizerRealBench() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(System.getProperty("hourglass.home", ".")).toAbsolutePath().normalize();
    Path work = Files.createTempDirectory("hourglass-sizer-bench");
    long[] sizes = args.length == 0 ? new long[] {25_000, 50_000, 100_000, 200_000}
        : java.util.Arrays.stream(args).mapToLong(Long::parseLong).toArray();
    Hour base = Hour.parse("2026-11-20T00");
    List<String> common = List.of("--raw-root", work.resolve("raw").toString(), "--warehouse", work.resolve("wh").toString(),
        "--set", "state-dir=" + work.resolve("state"), "--set", "datasets.web_events.max-reject-rate=0.5");
    int slot = 0;
    System.out.printf("work folder %s%n", work);
    for (int cores : new int[] {1, 2}) {
      for (long records : sizes) {
        Hour h = base.plusHours(slot++);
        run(root, work, concat(List.of("generate", "--hour", h.toString(), "--records", String.valueOf(records), "--files", "4",
            "--seed", String.valueOf(slot)), common));
        long t0 = System.nanoTime();
        run(root, work, concat(List.of("ingest", "--dataset", "web_events", "--hour", h.toString(),
            "--set", "spark.master=local[" + cores + "]"), common));
        System.out.printf("ran %s: %d records on %d core(s) in %.1f s (process)%n", h, records, cores, (System.nanoTime() - t0) / 1e9);
      }
    }
    List<RunRow> rows;
    try (JdbcRunLedger ledger = JdbcRunLedger.open(LedgerSettings.embedded(work.resolve("state"), Duration.ofMinutes(1)))) {
      rows = ledger.recentSucceeded("ingest", "web_events", 1000);
    }
    List<Observation> all = IngestSizing.observations(rows);
    // Fit on every other run (both core counts, alternating sizes), predict the rest.
    List<Observation> train = new ArrayList<>();
    List<Observation> test = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      (i % 2 == 0 ? train : test).add(all.get(i));
    }
    RuntimeModel model = RuntimeModel.fit(train, false);
    System.out.printf("%nmodel fitted on %d runs: theta0 %.1f s, %.2f MiB/s per core, fit MAPE %.1f%%%n", train.size(), model.theta0(),
        model.mibPerCoreSecond(), 100 * model.mape());
    System.out.println("| input MiB | files | cores | actual s | predicted s | error |");
    System.out.println("| --- | --- | --- | --- | --- | --- |");
    double sumErr = 0;
    for (Observation o : test) {
      double p = model.predictSeconds(new SizerInput(o.inputBytes(), o.fileCount(), o.largestFileBytes(), false), o.executors(),
          o.coresPerExecutor());
      double err = Math.abs(p - o.wallSeconds()) / o.wallSeconds();
      sumErr += err;
      System.out.printf("| %.1f | %d | %d | %.1f | %.1f | %.1f%% |%n", o.inputBytes() / 1048576.0, o.fileCount(),
          o.executors() * o.coresPerExecutor(), o.wallSeconds(), p, 100 * err);
    }
    System.out.printf("held-out MAPE: %.1f%% over %d runs%n", 100 * sumErr / Math.max(1, test.size()), test.size());
  }

  private static void run(Path root, Path work, List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(root.resolve("hourglass").toString());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(new File(work.resolve("bench.log").toString())));
    pb.environment().putIfAbsent("HOURGLASS_HMAC_KEY", "bench-only-key-0123456789abcdef");
    // Without the launcher's class-data archive: the sizer is for spark-submit and Glue, which have none, and the
    // run that would write it is slower than the rest.
    pb.environment().putIfAbsent("HOURGLASS_CDS", "off");
    int code = pb.start().waitFor();
    if (code != 0) {
      throw new IllegalStateException("hourglass " + args + " exited " + code + "; see " + work.resolve("bench.log"));
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
