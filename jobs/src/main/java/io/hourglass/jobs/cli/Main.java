package io.hourglass.jobs.cli;

import io.hourglass.common.BuildInfo;
import io.hourglass.common.RunFailedException;
import io.hourglass.common.config.BadConfigException;
import io.hourglass.common.spark.SparkSessions;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code hourglass} command. Exit codes: 0 success, 1 a failed run, 2 bad usage or configuration
 * (one line naming what is wrong).
 */
@Command(name = "hourglass", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Hourly Spark jobs: raw behaviour logs in, partitioned tables out, on time.",
    subcommands = {IngestCommand.class, GenerateCommand.class, DemoCommand.class, DdlCommand.class, CatalogCommand.class, BackfillCommand.class,
        StatusCommand.class, SizeCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
  public static final int OK = 0;
  public static final int RUN_FAILED = 1;
  public static final int BAD_USAGE = 2;
  /** Refused: another run holds the hour (double fire). */
  public static final int ALREADY_RUNNING = 3;
  /** The sizer found no allowed size that meets the deadline. */
  public static final int NO_SIZE_MEETS_DEADLINE = 4;

  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;

  @Spec
  CommandSpec spec;

  /**
   * @param env the process environment (secrets are read from it, never from files)
   */
  public Main(Map<String, String> env, PrintStream out, PrintStream err) {
    this.env = Map.copyOf(env);
    this.out = out;
    this.err = err;
  }

  static {
    // picocli looks for Groovy's Closure class when it starts; we use no Groovy, and a class that is not there is
    // looked for in every jar of Spark's classpath. (The property's name follows picocli's package, which the job
    // jar relocates.)
    String noClosures = CommandLine.class.getPackageName() + ".disable.closures";
    if (System.getProperty(noClosures) == null) {
      System.setProperty(noClosures, "true");
    }
  }

  public static void main(String[] args) {
    int code = new Main(System.getenv(), System.out, System.err).execute(args);
    SparkSessions.stopIfStarted();
    System.exit(code);
  }

  /** Runs one command line and returns its exit code; never calls System.exit. */
  public int execute(String... args) {
    CommandLine cli = new CommandLine(this);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> report(e));
    cli.setParameterExceptionHandler((e, args2) -> {
      // One line naming what is wrong, and where to look: not a page of usage.
      err.println("hourglass: " + usageProblem(e) + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
      return BAD_USAGE;
    });
    try {
      return cli.execute(GlueArgs.normalize(args, cli));
    } catch (BadConfigException e) {
      err.println("hourglass: " + e.getMessage());
      return BAD_USAGE;
    }
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(err);
    return BAD_USAGE;
  }

  Map<String, String> env() {
    return env;
  }

  PrintStream out() {
    return out;
  }

  PrintStream err() {
    return err;
  }

  private int report(Exception e) {
    if (e instanceof BadConfigException) {
      err.println("hourglass: " + e.getMessage());
      return BAD_USAGE;
    }
    if (e instanceof io.hourglass.common.ledger.AlreadyRunningException) {
      err.println("hourglass: refused: " + e.getMessage());
      return ALREADY_RUNNING;
    }
    if (e instanceof io.hourglass.common.ledger.LedgerUnavailableException) {
      err.println("hourglass: " + e.getMessage());
      return RUN_FAILED;
    }
    if (e instanceof RunFailedException) {
      err.println("hourglass: run failed: " + e.getMessage());
      return RUN_FAILED;
    }
    // Unexpected: the trace for whoever debugs it, then the one line last, where a reader of the job's log looks
    // first (Spark's own task-failure logs come before both).
    e.printStackTrace(err);
    err.println("hourglass: run failed: " + oneLine(e));
    return RUN_FAILED;
  }

  /**
   * What is wrong with a command line, in one line. Arguments nothing matched are named by their option names only:
   * a job parameter such as {@code --LEDGER_PASSWORD s3cret}, mistaken for a way to pass a secret, must not put the
   * secret in the job's log.
   */
  static String usageProblem(CommandLine.ParameterException e) {
    if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      Map<String, CommandLine> commands = e.getCommandLine().getSubcommands();
      String first = u.getUnmatched().get(0);
      if (!commands.isEmpty() && !first.startsWith("-") && first.matches("[A-Za-z][A-Za-z0-9_-]{0,40}")) {
        // A misspelt command word, not a value: naming it is what helps (values after it stay hidden).
        // picocli's suggestions are loose ('frobnicate' got 'catalog'): only a near miss is offered.
        List<String> close = u.getSuggestions().stream()
            .filter(c -> org.apache.commons.text.similarity.LevenshteinDistance.getDefaultInstance().apply(c, first)
                <= Math.max(2, first.length() / 3))
            .toList();
        return "unknown command '" + first + "'" + (close.isEmpty() ? "" : ", did you mean '" + close.get(0) + "'?")
            + " (commands: " + String.join(", ", commands.keySet().stream().filter(c -> !c.equals("help")).toList()) + ")";
      }
      if (!commands.isEmpty() && first.startsWith("-")) {
        // "backfill --dataset ...": the options of a subcommand given before the subcommand.
        String name = e.getCommandLine().getParent() == null ? "a command" : "'" + e.getCommandLine().getCommandName() + "'";
        return name + " needs a subcommand before its options: " + String.join(", ",
            commands.keySet().stream().filter(c -> !c.equals("help")).toList());
      }
      List<String> shown = new ArrayList<>();
      int values = 0;
      for (String arg : u.getUnmatched()) {
        if (arg.startsWith("-")) {
          int eq = arg.indexOf('=');
          shown.add("'" + (eq < 0 ? arg : arg.substring(0, eq + 1) + "...") + "'");
        } else {
          values++;
        }
      }
      String what = shown.isEmpty() ? "" : (shown.size() == 1 ? "unknown option " : "unknown options ") + String.join(", ", shown);
      String rest = values == 0 ? "" : values + (values == 1 ? " unexpected value" : " unexpected values") + " (not shown)";
      return what.isEmpty() ? rest : rest.isEmpty() ? what : what + " and " + rest;
    }
    return e.getMessage().lines().findFirst().orElse("bad usage");
  }

  /** The exception and its causes on one line: the root cause usually names the file. */
  static String oneLine(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null && sb.length() < 2000; t = t.getCause() == t ? null : t.getCause()) {
      String m = t.getMessage() == null ? "" : t.getMessage().lines().findFirst().orElse("");
      sb.append(sb.length() == 0 ? "" : " <- ").append(t.getClass().getSimpleName()).append(m.isEmpty() ? "" : ": " + m);
    }
    return sb.toString();
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"hourglass " + BuildInfo.version()};
    }
  }
}
