package io.hourglass.jobs.cli;

import io.hourglass.common.config.BadConfigException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Accepts AWS Glue's argument style. Glue calls the job with {@code --JOB_NAME name --key value ...}
 * plus its own system arguments; the subcommand comes from the job parameter {@code --command}
 * (e.g. {@code --command ingest}, or {@code --command "backfill ingest"}). Glue's own arguments are
 * dropped; everything else is passed on as options of that subcommand.
 */
final class GlueArgs {
  private static final Pattern GLUE_OWN = Pattern.compile(
      "--(JOB_[A-Z_]+|TempDir|RedshiftTempDir|job-[a-z-]+|enable-[a-z-]+|extra-[a-z-]+|additional-python-modules"
          + "|python-modules-installer-option|user-jars-first|datalake-formats|spark-event-logs-path|continuous-log-[a-zA-Z-]+"
          + "|encryption-type|scriptLocation|class|auto-scale-[a-z-]+|executor-cores|glue-[a-z-]+)");

  private GlueArgs() {}

  static boolean isGlue(String[] args) {
    return Arrays.asList(args).contains("--JOB_NAME");
  }

  static String[] normalize(String[] args) {
    if (!isGlue(args)) {
      return args;
    }
    List<String> rest = new ArrayList<>();
    String command = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
      if (a.equals("--command")) {
        if (!hasValue) {
          throw new BadConfigException("--command needs a value, e.g. --command ingest");
        }
        command = args[++i];
      } else if (GLUE_OWN.matcher(a).matches()) {
        if (hasValue) {
          i++;
        }
      } else {
        rest.add(a);
      }
    }
    if (command == null || command.isBlank()) {
      throw new BadConfigException("a Glue job needs the job parameter --command (ingest, generate, ...), got none");
    }
    List<String> out = new ArrayList<>(Arrays.asList(command.trim().split("\\s+")));
    out.addAll(rest);
    return out.toArray(String[]::new);
  }
}
