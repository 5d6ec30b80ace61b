package io.hourglass.jobs.cli;

import io.hourglass.common.config.BadConfigException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine;

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

  private static final Pattern SPARK_SETTING = Pattern.compile("spark\\.[^=\\s]+=.*");
  /**
   * A job parameter named by a setting's key ({@code --ledger.url}, {@code --datasets.web_events.pii.email}): Glue's
   * parameters are a map, so a job can hold one {@code --set} at most; each further setting is a parameter of its own.
   */
  private static final Pattern SETTING_PARAMETER = Pattern.compile("--[A-Za-z][A-Za-z0-9_-]*(\\.[A-Za-z0-9_\"-]+)+");
  private static final Pattern ON_OFF = Pattern.compile("(?i)true|false");

  private GlueArgs() {}

  static boolean isGlue(String[] args) {
    return Arrays.asList(args).contains("--JOB_NAME");
  }

  /**
   * The arguments as the subcommand takes them. Glue gives every job parameter a value, so an on/off option of the
   * subcommand ({@code --json}, {@code --force}, ...) arrives as {@code --force true}: {@code true} keeps the option,
   * {@code false} drops it. A {@code --conf spark.x=y} is Glue's own Spark setting, which Glue has applied: dropped
   * (hourglass's {@code --conf} names a file).
   */
  static String[] normalize(String[] args, CommandLine root) {
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
      } else if (a.equals("--conf") && hasValue && SPARK_SETTING.matcher(args[i + 1]).matches()) {
        i++;
      } else {
        rest.add(a);
      }
    }
    if (command == null || command.isBlank()) {
      throw new BadConfigException("a Glue job needs the job parameter --command (ingest, generate, ...), got none");
    }
    List<String> words = Arrays.asList(command.trim().split("\\s+"));
    List<String> out = new ArrayList<>(words);
    CommandLine sub = root;
    for (String w : words) {
      sub = sub == null ? null : sub.getSubcommands().get(w);
    }
    for (int i = 0; i < rest.size(); i++) {
      String a = rest.get(i);
      CommandLine.Model.OptionSpec option = sub == null || !a.startsWith("-") ? null : sub.getCommandSpec().findOption(a);
      boolean onOff = option != null && option.arity().max() == 0;
      if (option == null && SETTING_PARAMETER.matcher(a).matches() && i + 1 < rest.size()) {
        out.add("--set"); // --datasets.web_events.pii.email drop: one setting, as --set key=value
        out.add(a.substring(2) + "=" + rest.get(++i));
      } else if (onOff && i + 1 < rest.size() && ON_OFF.matcher(rest.get(i + 1)).matches()) {
        if (Boolean.parseBoolean(rest.get(++i).toLowerCase(java.util.Locale.ROOT))) {
          out.add(a);
        }
      } else {
        out.add(a);
      }
    }
    return out.toArray(String[]::new);
  }
}
