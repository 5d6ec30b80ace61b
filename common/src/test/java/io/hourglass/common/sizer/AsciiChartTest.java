package io.hourglass.common.sizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class AsciiChartTest {

  private static SortedMap<Integer, Double> curve(int from, int to) {
    SortedMap<Integer, Double> c = new TreeMap<>();
    for (int n = from; n <= to; n++) {
      c.put(n, 120 + 60_000.0 / n + 2 * n);
    }
    return c;
  }

  @Test
  void drawsTheCurveTheDeadlineAndTheAxes() {
    String chart = AsciiChart.render(curve(2, 60), 3600, 59, 12);
    String[] lines = chart.split("\n");
    assertEquals(12 + 3, lines.length, chart);
    assertTrue(lines[0].contains("deadline 1h 00m"), lines[0]);
    long deadlineRows = java.util.Arrays.stream(lines).filter(l -> l.contains("|---")).count();
    assertEquals(1, deadlineRows, chart);
    assertTrue(lines[lines.length - 1].trim().startsWith("2"), "x axis starts at the first executor count");
    assertTrue(lines[lines.length - 1].contains("60 executors"), lines[lines.length - 1]);
    for (int r = 1; r <= 12; r++) {
      assertTrue(lines[r].contains("|"), lines[r]);
    }
    // One mark per column: 59 columns for 59 executor counts.
    assertEquals(59, plot(chart).chars().filter(c -> c == '*' || c == '^').count(), chart);
  }

  @Test
  void valuesAboveTheTopAreClippedAndTheChosenSizeIsMarked() {
    String chart = AsciiChart.render(curve(1, 40), 3600, 20, 30, 8);
    assertTrue(plot(chart).contains("^"), "n = 1 predicts 16 h, far above the chart: " + chart);
    assertEquals(1, plot(chart).chars().filter(c -> c == 'o').count(), chart);
    assertTrue(chart.contains("o chosen: 20"), chart);
  }

  @Test
  void wideCurvesAreSampledToTheWidth() {
    String chart = AsciiChart.render(curve(1, 1000), 3600, 40, 6);
    for (String line : plot(chart).split("\n")) {
      assertEquals(40, line.length(), "plot width: " + line);
    }
  }

  /** The plot area: the lines between the title and the x axis, from the '|' on. */
  private static String plot(String chart) {
    StringBuilder s = new StringBuilder();
    for (String line : chart.split("\n")) {
      if (line.contains(" |")) {
        s.append(line.substring(line.indexOf(" |") + 2)).append('\n');
      }
    }
    return s.toString();
  }

  @Test
  void rejectsUnusableArguments() {
    assertThrows(IllegalArgumentException.class, () -> AsciiChart.render(new TreeMap<>(), 3600, 40, 10));
    assertThrows(IllegalArgumentException.class, () -> AsciiChart.render(curve(1, 5), 3600, 5, 10));
    assertThrows(IllegalArgumentException.class, () -> AsciiChart.render(curve(1, 5), 0, 40, 10));
  }
}
