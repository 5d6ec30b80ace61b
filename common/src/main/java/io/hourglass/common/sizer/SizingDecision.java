package io.hourglass.common.sizer;

import java.util.SortedMap;

/**
 * What the sizer decided for one run, and why.
 *
 * @param outcome whether an allowed size meets the deadline, and if not, what stands in the way
 * @param executors the chosen executor count; when the deadline cannot be met, the allowed count
 *     with the shortest predicted runtime (the best a run can still do)
 * @param coresPerExecutor cores per executor
 * @param predictedSeconds predicted wall seconds at {@code executors}, without the margin
 * @param margin safety factor on the prediction (>= 1)
 * @param deadlineSeconds the deadline the decision was made for
 * @param model the runtime model used (θs, runs fitted, MAPE)
 * @param curve predicted seconds (without margin) for every allowed executor count, for charts
 * @param reason one human sentence: the plan, or why no allowed size works and what would help
 */
public record SizingDecision(
    Outcome outcome,
    int executors,
    int coresPerExecutor,
    double predictedSeconds,
    double margin,
    double deadlineSeconds,
    RuntimeModel model,
    SortedMap<Integer, Double> curve,
    String reason) {

  /** Whether the deadline can be met. */
  public enum Outcome {
    /** {@code executors} meets the deadline with the margin. */
    FITS,
    /** Even the maximum executor count is predicted too slow: more executors or a later deadline would help. */
    TOO_MUCH_INPUT,
    /** The largest unsplittable (gzip) file alone takes longer than the deadline: no executor count helps. */
    FILE_TOO_BIG,
    /** A run's fixed cost (start-up, listing, commit) alone takes longer than the deadline: no executor count helps. */
    DEADLINE_TOO_SHORT
  }

  public boolean fits() {
    return outcome == Outcome.FITS;
  }

  /** Predicted seconds times the margin: what is held against the deadline. */
  public double plannedSeconds() {
    return predictedSeconds * margin;
  }
}
