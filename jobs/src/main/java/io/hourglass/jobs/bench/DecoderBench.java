package io.hourglass.jobs.bench;

import io.hourglass.common.config.DatasetSettings;
import io.hourglass.common.config.Hour;
import io.hourglass.common.config.HourglassConfig;
import io.hourglass.common.config.PiiMode;
import io.hourglass.common.schema.TableSchema;
import io.hourglass.jobs.ingest.WebEventDecoder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * The decoder alone ({@code bench/decoder-bench.sh}): one thread decodes the same records round after round,
 * and each round's CPU time per record is reported (the thread's own CPU time, so a busy machine disturbs it
 * far less than wall time). The early rounds are the JIT warming up; the median of the later half is the
 * steady cost per record on one core, the part of the ingest this project writes itself (the rest is gunzip
 * and Spark's Parquet writer). No Spark session: the decoder is plain Java.
 *
 * <p>Usage: {@code DecoderBench --input FILE[.gz] [--rounds R] [--hour YYYY-MM-DDTHH] [--email hash|drop]}.
 */
public final class DecoderBench {
  private static final String KEY = "bench-only-hmac-key-not-a-secret-0123456789";

  private DecoderBench() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> opts = BenchArgs.parse(args, "--input", "--rounds", "--hour", "--email");
    Path input = Path.of(BenchArgs.required(opts, "--input"));
    int rounds = Integer.parseInt(opts.getOrDefault("--rounds", "12"));
    if (rounds < 2) {
      throw new IllegalArgumentException("--rounds must be at least 2 (the first half warms the JIT up)");
    }
    Hour hour = Hour.parse(opts.getOrDefault("--hour", "2026-11-20T10"));
    PiiMode email = PiiMode.valueOf(opts.getOrDefault("--email", "hash").toUpperCase(java.util.Locale.ROOT));

    List<String> lines = new ArrayList<>();
    long bytes = 0;
    try (InputStream raw = Files.newInputStream(input);
        InputStream in = input.toString().endsWith(".gz") ? new GZIPInputStream(raw, 64 * 1024) : raw;
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 256 * 1024)) {
      for (String line; (line = reader.readLine()) != null; ) {
        lines.add(line);
        bytes += line.getBytes(StandardCharsets.UTF_8).length + 1;
      }
    }
    if (lines.isEmpty()) {
      throw new IllegalArgumentException(input + " has no records");
    }
    DatasetSettings dataset = HourglassConfig.load(Optional.of("web_events"), Optional.empty(), List.of()).dataset("web_events");
    TableSchema raw = TableSchema.load(dataset.rawSchema());
    TableSchema table = TableSchema.load(dataset.tableSchema());
    String file = input.toUri().toString();

    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    double[] nsPerRecord = new double[rounds];
    long accepted = 0;
    for (int round = 0; round < rounds; round++) {
      // A new decoder each round, as each task gets its own (its caches start empty).
      WebEventDecoder decoder = new WebEventDecoder(WebEventDecoder.Output.TABLE, raw, table, hour, dataset.late(),
          dataset.future(), email, email == PiiMode.HASH ? Optional.of(KEY.getBytes(StandardCharsets.UTF_8)) : Optional.empty());
      long ok = 0;
      long start = cpu.getCurrentThreadCpuTime();
      for (int i = 0; i < lines.size(); i++) {
        InternalRow row = decoder.decode(file, i + 1, 0, lines.get(i), null);
        ok += row == null ? 0 : 1;
      }
      nsPerRecord[round] = (cpu.getCurrentThreadCpuTime() - start) / (double) lines.size();
      accepted = ok;
      System.out.printf("round %2d: %,7.0f ns of CPU a record%n", round + 1, nsPerRecord[round]);
    }
    double[] warm = Arrays.copyOfRange(nsPerRecord, rounds / 2, rounds);
    Arrays.sort(warm);
    double median = warm.length % 2 == 1 ? warm[warm.length / 2] : (warm[warm.length / 2 - 1] + warm[warm.length / 2]) / 2;
    double bytesPerRecord = bytes / (double) lines.size();
    System.out.printf("bench-result engine=decoder records=%d accepted=%d bytes_per_record=%.0f rounds=%d"
            + " warm_median_ns=%.0f warm_min_ns=%.0f mb_per_cpu_s=%.1f%n",
        lines.size(), accepted, bytesPerRecord, rounds, median, warm[0], bytesPerRecord / median * 1e3);
    System.out.printf("%nDecoder, warm (median of rounds %d-%d): %,.0f ns of CPU a record (min %,.0f), %.1f MB of raw JSON"
            + " per CPU second, on %,d records of %s (%,d accepted)%n",
        rounds / 2 + 1, rounds, median, warm[0], bytesPerRecord / median * 1e3, lines.size(), input, accepted);
  }
}
