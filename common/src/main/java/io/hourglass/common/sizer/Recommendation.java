package io.hourglass.common.sizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A sizing rendered for where the run is launched: spark-submit arguments, an EMR add-steps JSON, or
 * AWS Glue StartJobRun worker settings.
 *
 * @param executors executors to run with
 * @param coresPerExecutor cores per executor
 * @param executorMemoryGb memory per executor in GB, from config (spark-submit and EMR only: a Glue
 *     worker type fixes its own)
 */
public record Recommendation(int executors, int coresPerExecutor, int executorMemoryGb) {

  /** What an EMR step does when the run fails: the next hour's step should still run. */
  public static final String EMR_ACTION_ON_FAILURE = "CONTINUE";

  public Recommendation {
    if (executors < 1) {
      throw new IllegalArgumentException("Executors must be at least 1, cannot be: " + executors);
    }
    if (coresPerExecutor < 1) {
      throw new IllegalArgumentException("Cores per executor must be at least 1, cannot be: " + coresPerExecutor);
    }
    if (executorMemoryGb < 1) {
      throw new IllegalArgumentException("Executor memory must be at least 1 GB, cannot be: " + executorMemoryGb);
    }
  }

  public static Recommendation of(SizingDecision decision, int executorMemoryGb) {
    return new Recommendation(decision.executors(), decision.coresPerExecutor(), executorMemoryGb);
  }

  /**
   * {@code --num-executors N --executor-cores C --executor-memory XG --conf spark.dynamicAllocation.maxExecutors=N}.
   * With dynamic allocation on (EMR's default) {@code --num-executors} is the initial count and the
   * maximum caps it, so the run neither starts small nor grows past the plan.
   */
  public List<String> sparkSubmitArgs() {
    return List.of(
        "--num-executors", Integer.toString(executors),
        "--executor-cores", Integer.toString(coresPerExecutor),
        "--executor-memory", executorMemoryGb + "G",
        "--conf", "spark.dynamicAllocation.maxExecutors=" + executors);
  }

  /** The spark-submit arguments as one shell line. */
  public String sparkSubmitLine() {
    return String.join(" ", sparkSubmitArgs());
  }

  /**
   * A JSON file for {@code aws emr add-steps --cluster-id j-... --steps file://step.json}: one Spark
   * step (cluster deploy mode) with the sized arguments, then the jar and the job's own arguments.
   */
  public String emrAddStepsJson(String stepName, String jarUri, String mainClass, List<String> jobArgs) {
    List<String> args = new ArrayList<>(List.of("--deploy-mode", "cluster", "--class", mainClass));
    args.addAll(sparkSubmitArgs());
    args.add(jarUri);
    args.addAll(jobArgs);
    StringBuilder json = new StringBuilder("[\n  {\n");
    json.append("    \"Type\": \"Spark\",\n");
    json.append("    \"Name\": ").append(Json.string(stepName)).append(",\n");
    json.append("    \"ActionOnFailure\": \"").append(EMR_ACTION_ON_FAILURE).append("\",\n");
    json.append("    \"Args\": [");
    for (int i = 0; i < args.size(); i++) {
      json.append(i == 0 ? "" : ", ").append(Json.string(args.get(i)));
    }
    return json.append("]\n  }\n]\n").toString();
  }

  /**
   * Glue workers for this size: enough workers of {@code type} for executors × cores vCPUs (one
   * executor per worker), plus one for the driver. With G.1X and 4-core executors that is executors + 1.
   */
  public int glueWorkers(GlueWorkerType type) {
    long cores = (long) executors * coresPerExecutor;
    long executorWorkers = (cores + type.vcpus() - 1) / type.vcpus();
    return (int) Math.max(2, executorWorkers + 1); // Glue runs a Spark job on at least 2 workers
  }

  /** {@code --worker-type G.1X --number-of-workers N}, for {@code aws glue start-job-run}. */
  public List<String> glueArgs(GlueWorkerType type) {
    return List.of("--worker-type", type.apiName(), "--number-of-workers", Integer.toString(glueWorkers(type)));
  }

  /** The request body of Glue's StartJobRun: job name, worker type and count, and the job's arguments. */
  public String glueStartJobRunJson(String jobName, GlueWorkerType type, Map<String, String> arguments) {
    StringBuilder json = new StringBuilder("{\n");
    json.append("  \"JobName\": ").append(Json.string(jobName)).append(",\n");
    json.append("  \"WorkerType\": \"").append(type.apiName()).append("\",\n");
    json.append("  \"NumberOfWorkers\": ").append(glueWorkers(type));
    if (!arguments.isEmpty()) {
      json.append(",\n  \"Arguments\": {");
      int i = 0;
      for (Map.Entry<String, String> e : arguments.entrySet()) {
        json.append(i++ == 0 ? "\n" : ",\n").append("    ").append(Json.string(e.getKey())).append(": ")
            .append(Json.string(e.getValue()));
      }
      json.append("\n  }");
    }
    return json.append("\n}\n").toString();
  }

  /** JSON string literals, enough for argument lists (no JSON library in this pure package). */
  static final class Json {
    private Json() {}

    static String string(String s) {
      StringBuilder out = new StringBuilder("\"");
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> out.append("\\\"");
          case '\\' -> out.append("\\\\");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> {
            if (c < 0x20) {
              out.append(String.format("\\u%04x", (int) c));
            } else {
              out.append(c);
            }
          }
        }
      }
      return out.append('"').toString();
    }
  }
}
