package io.hourglass.common.sizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void normalQuantiles() {
    assertEquals(0.0, Stats.normalQuantile(0.5), 1e-9);
    assertEquals(1.959964, Stats.normalQuantile(0.975), 1e-6);
    assertEquals(2.326348, Stats.normalQuantile(0.99), 1e-6);
    assertEquals(2.575829, Stats.normalQuantile(0.995), 1e-6);
    assertEquals(-2.326348, Stats.normalQuantile(0.01), 1e-6);
  }

  @Test
  void studentQuantilesMatchTheTables() {
    assertEquals(31.821, Stats.studentQuantile(0.99, 1), 1e-3);
    assertEquals(6.965, Stats.studentQuantile(0.99, 2), 1e-3);
    assertEquals(4.541, Stats.studentQuantile(0.99, 3), 4.541 * 0.005);
    assertEquals(4.032, Stats.studentQuantile(0.995, 5), 4.032 * 0.005);
    assertEquals(2.462, Stats.studentQuantile(0.99, 29), 2.462 * 0.001);
    assertEquals(2.6056, Stats.studentQuantile(0.995, 167), 2.6056 * 0.001);
  }

  @Test
  void quantileInterpolatesBetweenOrderStatistics() {
    double[] v = {1, 2, 3, 4, 5};
    assertEquals(3.0, Stats.quantileSorted(v, 0.5));
    assertEquals(4.96, Stats.quantileSorted(v, 0.99), 1e-12);
    assertEquals(1.0, Stats.quantileSorted(v, 0.0));
  }
}
