package io.hourglass.common.sizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Predicted runtime against executors as a terminal chart, with the deadline as a dashed line.
 *
 * <pre>
 *  runtime  predicted runtime by executors (* predicted, - deadline 1h 00m, o chosen: 14)
 *   2h 30m |^^*
 *          |   **
 *   1h 00m |-----****o--------------------
 *          |             ****************
 *        0 |
 *          +------------------------------
 *           2             16            31 executors
 * </pre>
 */
public final class AsciiChart {
  private static final int LABEL = 8;

  private AsciiChart() {}

  /** The chart of {@code curve} (executors -> predicted seconds) in a plot area of width x height characters. */
  public static String render(SortedMap<Integer, Double> curve, double deadlineSeconds, int width, int height) {
    return render(curve, deadlineSeconds, -1, width, height);
  }

  /** As {@link #render(SortedMap, double, int, int)}, marking the chosen executor count with {@code o}. */
  public static String render(SortedMap<Integer, Double> curve, double deadlineSeconds, int chosen, int width,
      int height) {
    if (curve == null || curve.isEmpty()) {
      throw new IllegalArgumentException("Cannot chart an empty curve");
    }
    if (width < 10 || height < 4) {
      throw new IllegalArgumentException(String.format(
          "Chart must be at least 10 x 4 characters, cannot be: %d x %d", width, height));
    }
    if (!(deadlineSeconds > 0) || Double.isInfinite(deadlineSeconds)) {
      throw new IllegalArgumentException("Deadline must be positive seconds, cannot be: " + deadlineSeconds);
    }
    int first = curve.firstKey();
    int last = curve.lastKey();
    int columns = Math.min(width, last - first + 1);
    double worst = curve.values().stream().mapToDouble(Double::doubleValue).max().orElse(deadlineSeconds);
    // Keep the deadline in the upper part of the chart; values above the top are drawn as '^'.
    double top = Math.max(deadlineSeconds * 1.15, Math.min(worst, deadlineSeconds * 2.5));

    char[][] grid = new char[height][columns];
    for (char[] row : grid) {
      Arrays.fill(row, ' ');
    }
    int deadlineRow = rowOf(deadlineSeconds, top, height);
    Arrays.fill(grid[deadlineRow], '-');

    for (int c = 0; c < columns; c++) {
      int n = executorsAt(c, columns, first, last);
      Map.Entry<Integer, Double> point = nearest(curve, n);
      double t = point.getValue();
      boolean mark = chosen >= 0 && covers(c, columns, first, last, chosen);
      if (t > top) {
        grid[0][c] = mark ? 'o' : '^';
      } else {
        grid[rowOf(t, top, height)][c] = mark ? 'o' : '*';
      }
    }

    List<String> lines = new ArrayList<>();
    lines.add(pad("runtime", LABEL) + "  predicted runtime by executors (* predicted, - deadline "
        + Fmt.duration(deadlineSeconds) + (chosen >= 0 ? ", o chosen: " + chosen : "") + ")");
    for (int r = 0; r < height; r++) {
      String label = "";
      if (r == deadlineRow) {
        label = Fmt.duration(deadlineSeconds);
      } else if (r == 0) {
        label = Fmt.duration(top);
      } else if (r == height - 1) {
        label = "0";
      }
      lines.add(pad(label, LABEL) + " |" + new String(grid[r]));
    }
    lines.add(" ".repeat(LABEL) + " +" + "-".repeat(columns));
    lines.add(" ".repeat(LABEL) + "  " + axis(first, last, columns) + " executors");
    return String.join("\n", lines) + "\n";
  }

  private static int rowOf(double seconds, double top, int height) {
    int fromBottom = (int) Math.floor(seconds / top * height);
    return Math.max(0, Math.min(height - 1, height - 1 - fromBottom));
  }

  private static int executorsAt(int column, int columns, int first, int last) {
    return columns == 1 ? first : first + (int) Math.round(column * (double) (last - first) / (columns - 1));
  }

  private static boolean covers(int column, int columns, int first, int last, int n) {
    if (n < first || n > last) {
      return false;
    }
    double pos = columns == 1 ? 0 : (n - first) * (double) (columns - 1) / (last - first);
    return (int) Math.round(pos) == column;
  }

  private static Map.Entry<Integer, Double> nearest(SortedMap<Integer, Double> curve, int n) {
    SortedMap<Integer, Double> tail = curve.tailMap(n);
    return tail.isEmpty() ? Map.entry(curve.lastKey(), curve.get(curve.lastKey())) : tail.entrySet().iterator().next();
  }

  private static String axis(int first, int last, int columns) {
    char[] line = new char[columns + 8];
    Arrays.fill(line, ' ');
    put(line, 0, Integer.toString(first));
    if (columns >= 20) {
      int mid = columns / 2;
      put(line, mid, Integer.toString(executorsAt(mid, columns, first, last)));
    }
    String end = Integer.toString(last);
    put(line, Math.max(0, columns - end.length()), end);
    return new String(line).stripTrailing();
  }

  private static void put(char[] line, int at, String text) {
    for (int i = 0; i < text.length() && at + i < line.length; i++) {
      line[at + i] = text.charAt(i);
    }
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
  }
}
