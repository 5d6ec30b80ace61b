package io.hourglass.common.sizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NnlsTest {

  @Test
  void unconstrainedSolutionIsKeptWhenItIsNonNegative() {
    double[][] a = {{1, 0}, {0, 2}, {1, 1}};
    double[] b = {1, 4, 3}; // exactly x = (1, 2)
    assertArrayEquals(new double[] {1, 2}, Nnls.solve(a, b), 1e-12);
  }

  @Test
  void negativeComponentIsClampedAndTheRestRefitted() {
    // Unconstrained: x = (1, -1). With x >= 0 the second column leaves and x1 = b·a1/|a1|² = 1.
    double[][] a = {{1, 0}, {0, 1}};
    assertArrayEquals(new double[] {1, 0}, Nnls.solve(a, new double[] {1, -1}), 1e-12);
  }

  @Test
  void knownSmallCase() {
    // Lawson & Hanson style example: unconstrained LS gives (2.5, -0.5, ...); NNLS drops column 2.
    double[][] a = {{1, 1, 0}, {1, 0, 1}, {1, -1, 0}, {1, 0, -1}};
    double[] b = {2, 3, 3, 2};
    // Unconstrained: x0 = 2.5, x1 = -0.5, x2 = 0.5. NNLS: x1 = 0, then x0, x2 free: x0 = 2.5, x2 = 0.5.
    assertArrayEquals(new double[] {2.5, 0, 0.5}, Nnls.solve(a, b), 1e-12);
  }

  @Test
  void allNegativeCorrelationGivesZero() {
    double[][] a = {{1}, {2}};
    assertArrayEquals(new double[] {0}, Nnls.solve(a, new double[] {-1, -3}), 0);
  }

  @Test
  void matchesBruteForceOverAllActiveSets() {
    Random random = new Random(20260520L);
    for (int trial = 0; trial < 300; trial++) {
      int n = 1 + random.nextInt(5);
      int m = n + 1 + random.nextInt(8); // more rows than columns: the optimum is unique
      double[][] a = new double[m][n];
      double[] b = new double[m];
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          a[i][j] = random.nextGaussian() * Math.pow(10, random.nextInt(3) - 1);
        }
        b[i] = random.nextGaussian() * 3;
      }
      double[] x = Nnls.solve(a, b);
      double[] best = bruteForce(a, b);
      for (double v : x) {
        assertTrue(v >= 0, "negative component " + v);
      }
      double got = residual(a, b, x);
      double want = residual(a, b, best);
      assertEquals(want, got, 1e-9 * Math.max(1, want), "trial " + trial + ": residual");
      assertArrayEquals(best, x, 1e-6, "trial " + trial);
    }
  }

  @Test
  void collinearColumnsStillGiveAMinimiser() {
    double[][] a = {{1, 2}, {2, 4}, {3, 6}}; // column 2 = 2 × column 1
    double[] b = {2, 4, 6};
    double[] x = Nnls.solve(a, b);
    assertEquals(0.0, residual(a, b, x), 1e-9);
    assertTrue(x[0] >= 0 && x[1] >= 0);
  }

  @Test
  void rejectsMismatchedShapes() {
    assertThrows(IllegalArgumentException.class, () -> Nnls.solve(new double[][] {{1}}, new double[] {1, 2}));
    assertThrows(IllegalArgumentException.class, () -> Nnls.solve(new double[][] {{1, 2}, {1}}, new double[] {1, 2}));
  }

  /** The NNLS optimum by enumerating every passive set and keeping the best feasible least-squares solution. */
  private static double[] bruteForce(double[][] a, double[] b) {
    int n = a[0].length;
    double[] best = new double[n];
    double bestResidual = residual(a, b, best);
    for (int mask = 1; mask < (1 << n); mask++) {
      double[] x = leastSquares(a, b, mask);
      if (x == null) {
        continue;
      }
      boolean feasible = true;
      for (double v : x) {
        feasible &= v >= -1e-12;
      }
      double r = residual(a, b, x);
      if (feasible && r < bestResidual - 1e-12) {
        bestResidual = r;
        best = x;
      }
    }
    return best;
  }

  /** Least squares on the columns in mask, by Gaussian elimination of the normal equations. */
  private static double[] leastSquares(double[][] a, double[] b, int mask) {
    int n = a[0].length;
    int[] cols = java.util.stream.IntStream.range(0, n).filter(j -> (mask & (1 << j)) != 0).toArray();
    int p = cols.length;
    double[][] m = new double[p][p + 1];
    for (int r = 0; r < p; r++) {
      for (int c = 0; c < p; c++) {
        for (double[] row : a) {
          m[r][c] += row[cols[r]] * row[cols[c]];
        }
      }
      for (int i = 0; i < a.length; i++) {
        m[r][p] += a[i][cols[r]] * b[i];
      }
    }
    for (int c = 0; c < p; c++) {
      int pivot = c;
      for (int r = c + 1; r < p; r++) {
        if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) {
          pivot = r;
        }
      }
      double[] t = m[c];
      m[c] = m[pivot];
      m[pivot] = t;
      if (Math.abs(m[c][c]) < 1e-12) {
        return null;
      }
      for (int r = 0; r < p; r++) {
        if (r != c) {
          double f = m[r][c] / m[c][c];
          for (int k = c; k <= p; k++) {
            m[r][k] -= f * m[c][k];
          }
        }
      }
    }
    double[] x = new double[n];
    for (int r = 0; r < p; r++) {
      x[cols[r]] = m[r][p] / m[r][r];
    }
    return x;
  }

  private static double residual(double[][] a, double[] b, double[] x) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double r = -b[i];
      for (int j = 0; j < x.length; j++) {
        r += a[i][j] * x[j];
      }
      s += r * r;
    }
    return s;
  }
}
