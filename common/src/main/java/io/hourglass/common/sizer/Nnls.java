package io.hourglass.common.sizer;

import java.util.Arrays;

/**
 * Non-negative least squares, Lawson and Hanson's active-set algorithm ("Solving Least Squares
 * Problems", 1974, ch. 23): minimise ||A x - b|| subject to x >= 0.
 *
 * <p>It runs on the normal equations (AᵀA, Aᵀb), which is all the algorithm needs: the gradient is
 * Aᵀb - AᵀA x and each passive-set subproblem is a small Cholesky solve. That makes refits cheap
 * (the sizer refits once per left-out run to measure its own out-of-sample error) and is accurate
 * enough for the sizer's four well-scaled columns: the Gram matrix is scaled to unit diagonal first.
 */
public final class Nnls {
  private Nnls() {}

  /** The non-negative x that minimises ||A x - b||; A is m x n (rows of equal length), b has m entries. */
  public static double[] solve(double[][] a, double[] b) {
    if (a.length == 0 || a.length != b.length) {
      throw new IllegalArgumentException(String.format(
          "A must have one row per entry of b (%d), cannot have: %d", b.length, a.length));
    }
    int n = a[0].length;
    double[][] gram = new double[n][n];
    double[] atb = new double[n];
    for (int i = 0; i < a.length; i++) {
      if (a[i].length != n) {
        throw new IllegalArgumentException(String.format("Row %d of A has %d columns, not %d", i, a[i].length, n));
      }
      accumulate(gram, atb, a[i], b[i], 1.0);
    }
    return solveNormal(gram, atb);
  }

  /** Adds sign · (row rowᵀ, row · target) to (gram, atb): a row enters the normal equations, or leaves them. */
  static void accumulate(double[][] gram, double[] atb, double[] row, double target, double sign) {
    for (int j = 0; j < row.length; j++) {
      atb[j] += sign * row[j] * target;
      for (int k = 0; k < row.length; k++) {
        gram[j][k] += sign * row[j] * row[k];
      }
    }
  }

  /** The non-negative x that minimises ||A x - b||, given only AᵀA (n x n) and Aᵀb. */
  public static double[] solveNormal(double[][] gram, double[] atb) {
    int n = atb.length;
    if (gram.length != n) {
      throw new IllegalArgumentException("AᵀA must be " + n + " x " + n + ", cannot be " + gram.length + " rows");
    }
    // Scale to unit diagonal (columns of A to unit norm): x >= 0 is unchanged by a positive scaling.
    double[] d = new double[n];
    boolean[] usable = new boolean[n];
    for (int j = 0; j < n; j++) {
      usable[j] = gram[j][j] > 0 && Double.isFinite(gram[j][j]);
      d[j] = usable[j] ? Math.sqrt(gram[j][j]) : 1.0;
    }
    double[][] g = new double[n][n];
    double[] h = new double[n];
    for (int j = 0; j < n; j++) {
      h[j] = usable[j] ? atb[j] / d[j] : 0.0;
      for (int k = 0; k < n; k++) {
        g[j][k] = usable[j] && usable[k] ? gram[j][k] / (d[j] * d[k]) : 0.0;
      }
    }
    double[] y = lawsonHanson(g, h, usable);
    double[] x = new double[n];
    for (int j = 0; j < n; j++) {
      x[j] = usable[j] ? y[j] / d[j] : 0.0;
    }
    return x;
  }

  private static double[] lawsonHanson(double[][] g, double[] h, boolean[] usable) {
    int n = h.length;
    double[] x = new double[n];
    boolean[] passive = new boolean[n];
    boolean[] blocked = new boolean[n];
    double tol = 1e-11 * n * Math.max(maxAbs(h), Double.MIN_NORMAL);
    int budget = 30 * n + 30;

    while (budget-- > 0) {
      double[] w = gradient(g, h, x);
      int enter = -1;
      for (int j = 0; j < n; j++) {
        if (usable[j] && !passive[j] && !blocked[j] && w[j] > tol && (enter < 0 || w[j] > w[enter])) {
          enter = j;
        }
      }
      if (enter < 0) {
        break;
      }
      passive[enter] = true;
      boolean moved = false;
      while (budget-- > 0) {
        double[] s = solvePassive(g, h, passive);
        if (s == null) { // the entering column is (numerically) in the span of the passive ones
          passive[enter] = false;
          blocked[enter] = true;
          break;
        }
        boolean allPositive = true;
        for (int j = 0; j < n; j++) {
          if (passive[j] && s[j] <= 0) {
            allPositive = false;
          }
        }
        if (allPositive) {
          x = s;
          moved = true;
          break;
        }
        // Step from x towards s as far as feasibility allows, then drop the variables that hit zero.
        double alpha = 1.0;
        for (int j = 0; j < n; j++) {
          if (passive[j] && s[j] <= 0) {
            alpha = Math.min(alpha, x[j] / (x[j] - s[j]));
          }
        }
        for (int j = 0; j < n; j++) {
          x[j] += alpha * (s[j] - x[j]);
          if (passive[j] && x[j] <= 1e-15 * Math.max(1.0, maxAbs(x))) {
            passive[j] = false;
            x[j] = 0.0;
          }
        }
        moved = moved || alpha > 0;
        if (!passive[enter] && alpha == 0) { // the entering column cannot grow: do not pick it again now
          blocked[enter] = true;
          break;
        }
      }
      if (moved) {
        Arrays.fill(blocked, false);
      }
    }
    return x;
  }

  private static double[] gradient(double[][] g, double[] h, double[] x) {
    int n = h.length;
    double[] w = new double[n];
    for (int j = 0; j < n; j++) {
      double v = h[j];
      for (int k = 0; k < n; k++) {
        v -= g[j][k] * x[k];
      }
      w[j] = v;
    }
    return w;
  }

  /** Unconstrained least squares on the passive columns (Cholesky of their Gram block); null if singular. */
  private static double[] solvePassive(double[][] g, double[] h, boolean[] passive) {
    int n = h.length;
    int[] idx = new int[n];
    int p = 0;
    for (int j = 0; j < n; j++) {
      if (passive[j]) {
        idx[p++] = j;
      }
    }
    double[][] l = new double[p][p];
    for (int i = 0; i < p; i++) {
      for (int k = 0; k <= i; k++) {
        double sum = g[idx[i]][idx[k]];
        for (int m = 0; m < k; m++) {
          sum -= l[i][m] * l[k][m];
        }
        if (i == k) {
          if (sum <= 1e-13) {
            return null;
          }
          l[i][i] = Math.sqrt(sum);
        } else {
          l[i][k] = sum / l[k][k];
        }
      }
    }
    double[] z = new double[p];
    for (int i = 0; i < p; i++) {
      double sum = h[idx[i]];
      for (int m = 0; m < i; m++) {
        sum -= l[i][m] * z[m];
      }
      z[i] = sum / l[i][i];
    }
    double[] s = new double[n];
    for (int i = p - 1; i >= 0; i--) {
      double sum = z[i];
      for (int m = i + 1; m < p; m++) {
        sum -= l[m][i] * s[idx[m]];
      }
      s[idx[i]] = sum / l[i][i];
    }
    return s;
  }

  private static double maxAbs(double[] v) {
    double m = 0;
    for (double e : v) {
      m = Math.max(m, Math.abs(e));
    }
    return m;
  }
}
