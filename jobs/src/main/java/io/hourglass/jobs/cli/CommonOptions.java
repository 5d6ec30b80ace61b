package io.hourglass.jobs.cli;

import io.hourglass.common.config.HourglassConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options every command takes. They are sugar for {@code --set}: the last word is the configuration's. */
final class CommonOptions {
  @Option(names = "--raw-root", paramLabel = "URI", description = "Raw root: a path, file:, s3a:// (s3:// on EMR/Glue).")
  String rawRoot;

  @Option(names = "--warehouse", paramLabel = "URI", description = "Warehouse root for tables, quarantine and manifests.")
  String warehouse;

  @Option(names = "--conf", paramLabel = "FILE", description = "A HOCON file layered over the defaults.")
  Path conf;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one setting (repeatable), e.g. "
      + "--set datasets.web_events.format=delta. The hourglass. prefix is optional.")
  List<String> sets = new ArrayList<>();

  HourglassConfig load(Optional<String> dataset) {
    List<String> overrides = new ArrayList<>(sets);
    if (rawRoot != null) {
      overrides.add("hourglass.raw-root=" + rawRoot);
    }
    if (warehouse != null) {
      overrides.add("hourglass.warehouse=" + warehouse);
    }
    return HourglassConfig.load(dataset, Optional.ofNullable(conf), overrides);
  }
}
