package io.hourglass.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hourglass.common.config.BadConfigException;
import io.hourglass.common.config.DatasetSettings;
import io.hourglass.common.config.Hour;
import io.hourglass.common.config.HourglassConfig;
import io.hourglass.common.config.Settings;
import io.hourglass.common.ledger.JdbcRunLedger;
import io.hourglass.jobs.ingest.RecordedIngest;
import io.hourglass.jobs.status.HourStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code hourglass status --dataset D [--from H --to H] [--json]}: what ran, what is missing, how fresh. */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "A grid of days x hours from the run ledger (OK / FAILED / RUNNING / EMPTY / MISSING, late marks) and freshness.")
final class StatusCommand implements Callable<Integer> {
  @ParentCommand
  Main main;

  @Mixin
  CommonOptions common;

  @Option(names = "--dataset", required = true, description = "Dataset name, e.g. web_events.")
  String dataset;

  @Option(names = "--from", converter = HourConverter.class, paramLabel = "YYYY-MM-DDTHH",
      description = "First hour (default: 23 hours before --to).")
  HourArg from;

  @Option(names = "--to", converter = HourConverter.class, paramLabel = "YYYY-MM-DDTHH",
      description = "Last hour (default, or 'last': the latest hour whose folder has settled).")
  HourArg to;

  @Option(names = "--json", description = "Machine-readable output.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    HourglassConfig config = common.load(Optional.of(dataset));
    Settings settings = config.settings();
    DatasetSettings ds = config.dataset(dataset);
    Instant now = Instant.now();
    Hour last = (to != null ? to : HourArg.LAST).resolve(ds, now);
    Hour first = from != null ? from.resolve(ds, now) : last.plusHours(-23);
    Hour current = Hour.of(now);
    if (last.compareTo(current) > 0) { // a typo such as 2099 would print a grid of decades of hours that cannot have run
      throw new BadConfigException("--to " + last + " has not begun (the current hour is " + current + ")");
    }
    if (last.compareTo(first) < 0) {
      throw new BadConfigException("--to " + last + " is before --from " + first);
    }
    Optional<JdbcRunLedger> opened = Ledgers.openToRead(config, settings, main.env());
    HourStatus.Report report;
    if (opened.isEmpty()) {
      main.err().println("hourglass: note: no run ledger at " + Ledgers.embeddedFile(settings) + ": nothing has run with "
          + "hourglass.state-dir = " + settings.stateDir() + " (is it the folder the runs use?); every hour shows as never run");
      report = HourStatus.of(first, last, List.of(), Map.of(), ds.sla(), now);
    } else {
      try (JdbcRunLedger ledger = opened.get()) {
        report = HourStatus.of(first, last, ledger.history(RecordedIngest.JOB, dataset, first.start(), last.end()),
            ledger.leases(RecordedIngest.JOB, dataset, first.start(), last.end()), ds.sla(), now);
      }
    }
    if (json) {
      main.out().println(toJson(report));
    } else {
      main.out().print(HourStatus.grid(String.format("%s ingest, %s .. %s (UTC), SLA %s after the hour starts",
          dataset, first, last, ds.sla().toMinutes() + "m"), report));
    }
    return Main.OK;
  }

  private String toJson(HourStatus.Report report) throws Exception {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("dataset", dataset);
    root.put("from", report.from().toString());
    root.put("to", report.to().toString());
    root.put("complete_through", report.completeThrough().map(Hour::toString).orElse(null));
    root.put("lag_seconds", report.lag().map(java.time.Duration::toSeconds).orElse(null));
    List<Map<String, Object>> hours = new java.util.ArrayList<>();
    for (HourStatus.Cell c : report.cells()) {
      Map<String, Object> h = new LinkedHashMap<>();
      h.put("hour", c.hour().toString());
      h.put("state", c.state().name());
      h.put("late", c.late());
      h.put("run_id", c.runId());
      h.put("attempt", c.attempt());
      h.put("ended_at", c.endedAt() == null ? null : c.endedAt().toString());
      h.put("error", c.error());
      hours.add(h);
    }
    root.put("hours", hours);
    root.put("last_failure", HourStatus.lastFailure(report).map(c -> {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("hour", c.hour().toString());
      f.put("run_id", c.runId());
      f.put("error", c.error());
      return f;
    }).orElse(null));
    return new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
  }
}
