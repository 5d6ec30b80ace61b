package io.hourglass.jobs.status;

import io.hourglass.common.config.Hour;
import io.hourglass.common.ledger.RunRow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The state of each hour of a range from the ledger's runs: pure, so the grid and the JSON are tested
 * without a database.
 */
public final class HourStatus {
  /**
   * What the latest run of an hour says. DEAD: recorded as running, but its lease has run out, so its driver is gone
   * (killed, lost with its container) without recording an outcome; the next run of the hour takes it over.
   */
  public enum State { OK, FAILED, RUNNING, DEAD, EMPTY, MISSING }

  /**
   * @param late done after the SLA (OK/EMPTY), or not done and the SLA has passed (MISSING/FAILED/RUNNING)
   */
  public record Cell(Hour hour, State state, boolean late, String runId, int attempt, Instant endedAt, String error) {}

  /**
   * @param completeThrough the last hour H such that every hour of the range up to H is OK or EMPTY
   * @param lag now minus the end of {@code completeThrough}
   */
  public record Report(Hour from, Hour to, List<Cell> cells, Optional<Hour> completeThrough, Optional<Duration> lag) {}

  private HourStatus() {}

  /**
   * @param leases the ledger's leases of the range: run id to the instant it runs out
   */
  public static Report of(Hour from, Hour to, List<RunRow> runs, Map<String, Instant> leases, Duration sla, Instant now) {
    Map<Instant, RunRow> latest = new HashMap<>();
    for (RunRow r : runs) {
      RunRow seen = latest.get(r.key().hourStart());
      if (seen == null || r.startedAt().isAfter(seen.startedAt())) {
        latest.put(r.key().hourStart(), r);
      }
    }
    List<Cell> cells = new ArrayList<>();
    Optional<Hour> complete = Optional.empty();
    boolean contiguous = true;
    for (Hour h = from; h.compareTo(to) <= 0; h = h.plusHours(1)) {
      Instant due = h.start().plus(sla);
      RunRow r = latest.get(h.start());
      Cell c;
      if (r == null) {
        c = new Cell(h, State.MISSING, now.isAfter(due), null, 0, null, null);
      } else {
        State s = switch (r.status()) {
          case "succeeded" -> State.OK;
          case "empty" -> State.EMPTY;
          case "running" -> leases.getOrDefault(r.runId(), Instant.MIN).isAfter(now) ? State.RUNNING : State.DEAD;
          default -> State.FAILED;
        };
        boolean done = s == State.OK || s == State.EMPTY;
        boolean late = done ? r.endedAt() != null && r.endedAt().isAfter(due) : now.isAfter(due);
        c = new Cell(h, s, late, r.runId(), r.attempt(), r.endedAt(), r.error());
      }
      cells.add(c);
      if (contiguous && (c.state() == State.OK || c.state() == State.EMPTY)) {
        complete = Optional.of(h);
      } else {
        contiguous = false;
      }
    }
    Optional<Duration> lag = complete.map(h -> Duration.between(h.end(), now));
    return new Report(from, to, cells, complete, lag);
  }

  /** The grid: one row per day, one column per hour. */
  public static String grid(String title, Report report) {
    StringBuilder sb = new StringBuilder(title).append('\n');
    sb.append("            ");
    for (int h = 0; h < 24; h++) {
      sb.append(String.format("%3d", h));
    }
    sb.append('\n');
    String day = null;
    for (Cell c : report.cells()) {
      String d = c.hour().toString().substring(0, 10);
      if (!d.equals(day)) {
        if (day != null) {
          sb.append('\n');
        }
        day = d;
        sb.append(d).append("  ");
        int hourOfDay = Integer.parseInt(c.hour().toString().substring(11, 13));
        sb.append("   ".repeat(hourOfDay));
      }
      sb.append("  ").append(symbol(c));
    }
    sb.append('\n');
    sb.append("legend: O ok, E empty, F failed, R running, D driver dead (lease ran out), . missing; lower case (o e f r d) or !"
        + " = past the SLA\n");
    sb.append(report.completeThrough()
        .map(h -> "complete through " + h + " (lag " + human(report.lag().orElseThrow()) + ")")
        .orElse("no complete hour at the start of the range"));
    sb.append('\n');
    lastFailure(report)
        .ifPresent(c -> sb.append("last failure: ").append(c.hour()).append(" (run ").append(c.runId()).append("): ")
            .append(c.error()).append('\n'));
    return sb.toString();
  }

  /** The latest hour of the range whose run failed, if any. */
  public static Optional<Cell> lastFailure(Report report) {
    return report.cells().stream().filter(c -> c.state() == State.FAILED).reduce((a, b) -> b);
  }

  static char symbol(Cell c) {
    char s = switch (c.state()) {
      case OK -> 'O';
      case EMPTY -> 'E';
      case FAILED -> 'F';
      case RUNNING -> 'R';
      case DEAD -> 'D';
      case MISSING -> '.';
    };
    if (!c.late()) {
      return s;
    }
    return c.state() == State.MISSING ? '!' : Character.toLowerCase(s);
  }

  static String human(Duration d) {
    long m = d.toMinutes();
    return m >= 60 ? (m / 60) + "h" + String.format("%02d", m % 60) + "m" : m + "m";
  }
}
