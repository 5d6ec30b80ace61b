package io.hourglass.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one Spark event log (JSON lines, as {@code spark.eventLog.enabled} writes it) into the jobs and
 * stages of the application with their times and task metrics, and how much of the application's wall
 * time no job covered (driver-side work: planning, listing, renames, session start and stop).
 */
record EventLogSummary(long appStart, long appEnd, List<Job> jobs) {
  record Job(int id, String description, long submitted, long completed, List<Stage> stages) {}

  record Stage(int id, String name, int tasks, long submitted, long completed, Map<String, Double> metrics) {
    double metric(String name) {
      return metrics.getOrDefault("internal.metrics." + name, 0.0);
    }
  }

  static EventLogSummary of(Path log) throws IOException {
    ObjectMapper json = new ObjectMapper();
    long appStart = -1;
    long last = -1;
    long appEnd = -1;
    Map<Integer, Job> jobs = new LinkedHashMap<>();
    Map<Integer, Integer> jobOfStage = new LinkedHashMap<>();
    Map<Integer, List<Stage>> stages = new LinkedHashMap<>();
    try (BufferedReader r = Files.newBufferedReader(log)) {
      for (String line; (line = r.readLine()) != null; ) {
        JsonNode e;
        try {
          e = json.readTree(line);
        } catch (IOException cut) {
          continue; // the last line of a log whose application did not stop cleanly
        }
        String event = e.path("Event").asText();
        switch (event) {
          case "SparkListenerApplicationStart" -> appStart = e.path("Timestamp").asLong();
          case "SparkListenerApplicationEnd" -> appEnd = e.path("Timestamp").asLong();
          case "SparkListenerJobStart" -> {
            int id = e.path("Job ID").asInt();
            JsonNode p = e.path("Properties");
            String desc = p.path("spark.job.description").asText(p.path("callSite.short").asText(""));
            jobs.put(id, new Job(id, desc, e.path("Submission Time").asLong(), -1, new ArrayList<>()));
            e.path("Stage IDs").forEach(s -> jobOfStage.put(s.asInt(), id));
            last = Math.max(last, e.path("Submission Time").asLong());
          }
          case "SparkListenerJobEnd" -> {
            int id = e.path("Job ID").asInt();
            Job j = jobs.get(id);
            if (j != null) {
              jobs.put(id, new Job(id, j.description(), j.submitted(), e.path("Completion Time").asLong(), j.stages()));
            }
            last = Math.max(last, e.path("Completion Time").asLong());
          }
          case "SparkListenerStageCompleted" -> {
            JsonNode s = e.path("Stage Info");
            Map<String, Double> metrics = new LinkedHashMap<>();
            for (JsonNode a : s.path("Accumulables")) {
              String name = a.path("Name").asText();
              JsonNode v = a.path("Value");
              if (name.startsWith("internal.metrics.") && (v.isNumber() || v.asText().matches("-?[0-9.]+"))) {
                metrics.put(name, v.asDouble());
              }
            }
            int id = s.path("Stage ID").asInt();
            stages.computeIfAbsent(jobOfStage.getOrDefault(id, -1), k -> new ArrayList<>()).add(new Stage(id,
                s.path("Stage Name").asText(), s.path("Number of Tasks").asInt(), s.path("Submission Time").asLong(),
                s.path("Completion Time").asLong(), metrics));
          }
          default -> {
            JsonNode t = e.path("time");
            if (t.isNumber()) {
              last = Math.max(last, t.asLong());
            }
          }
        }
      }
    }
    List<Job> out = new ArrayList<>();
    for (Job j : jobs.values()) {
      out.add(new Job(j.id(), j.description(), j.submitted(), j.completed(), stages.getOrDefault(j.id(), List.of())));
    }
    return new EventLogSummary(appStart, appEnd > 0 ? appEnd : last, out);
  }

  /** Milliseconds of the application that some job covered (jobs may overlap). */
  long coveredByJobs() {
    List<long[]> spans = jobs.stream().filter(j -> j.completed() > 0).map(j -> new long[] {j.submitted(), j.completed()})
        .sorted((a, b) -> Long.compare(a[0], b[0])).toList();
    long covered = 0;
    long end = Long.MIN_VALUE;
    for (long[] s : spans) {
      if (s[1] <= end) {
        continue;
      }
      covered += s[1] - Math.max(s[0], end);
      end = s[1];
    }
    return covered;
  }

  List<String> markdown() {
    List<String> md = new ArrayList<>();
    double app = (appEnd - appStart) / 1000.0;
    double covered = coveredByJobs() / 1000.0;
    md.add(String.format(Locale.ROOT, "Spark application: %.1f s from the session's start to its end; jobs running %.1f s of it;"
        + " %.1f s with no job running (driver: planning, listing, commits and renames, reading back, stopping).", app, covered,
        app - covered));
    md.add("");
    md.add("| job | at s | job s | stage | tasks | stage s | task run s | task CPU s | GC s | input MB | records in"
        + " | shuffle write MB | shuffle read MB | output MB | records out | spill MB | description / stage |");
    md.add("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    for (Job j : jobs) {
      String jobS = j.completed() > 0 ? String.format(Locale.ROOT, "%.2f", (j.completed() - j.submitted()) / 1000.0) : "?";
      md.add(String.format(Locale.ROOT, "| %d | %.1f | %s | | | | | | | | | | | | | | %s |", j.id(), (j.submitted() - appStart) / 1000.0,
          jobS, clean(j.description())));
      for (Stage s : j.stages()) {
        md.add(String.format(Locale.ROOT, "| | | | %d | %d | %.2f | %.1f | %.1f | %.1f | %.1f | %,.0f | %.1f | %.1f | %.1f | %,.0f | %.1f | %s |",
            s.id(), s.tasks(), (s.completed() - s.submitted()) / 1000.0,
            s.metric("executorRunTime") / 1000.0, s.metric("executorCpuTime") / 1e9, s.metric("jvmGCTime") / 1000.0,
            s.metric("input.bytesRead") / 1e6, s.metric("input.recordsRead"),
            s.metric("shuffle.write.bytesWritten") / 1e6,
            (s.metric("shuffle.read.localBytesRead") + s.metric("shuffle.read.remoteBytesRead")) / 1e6,
            s.metric("output.bytesWritten") / 1e6, s.metric("output.recordsWritten"),
            (s.metric("memoryBytesSpilled") + s.metric("diskBytesSpilled")) / 1e6, clean(s.name())));
      }
    }
    return md;
  }

  private static String clean(String s) {
    String one = s.replace("|", "/").replace("\n", " ");
    return one.length() > 90 ? one.substring(0, 87) + "..." : one;
  }
}
