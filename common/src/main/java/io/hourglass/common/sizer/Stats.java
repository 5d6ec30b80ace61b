package io.hourglass.common.sizer;

/** The few statistics the sizer needs. */
final class Stats {
  private Stats() {}

  static double mean(double[] v) {
    double s = 0;
    for (double e : v) {
      s += e;
    }
    return s / v.length;
  }

  /** Sample standard deviation (n - 1). */
  static double sd(double[] v, double mean) {
    if (v.length < 2) {
      return 0.0;
    }
    double s = 0;
    for (double e : v) {
      s += (e - mean) * (e - mean);
    }
    return Math.sqrt(s / (v.length - 1));
  }

  /** Quantile q of sorted values, linear between order statistics (Hyndman and Fan type 7, R's default). */
  static double quantileSorted(double[] sorted, double q) {
    if (sorted.length == 1) {
      return sorted[0];
    }
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  /**
   * The standard normal quantile (inverse CDF), Acklam's rational approximation (relative error
   * below 1.2e-9 over (0, 1)).
   */
  static double normalQuantile(double p) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("Probability must be in (0, 1), cannot be: " + p);
    }
    double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
        -3.066479806614716e+01, 2.506628277459239e+00};
    double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
        -1.328068155288572e+01};
    double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
        4.374664141464968e+00, 2.938163982698783e+00};
    double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
    double low = 0.02425;
    if (p < low) {
      double q = Math.sqrt(-2 * Math.log(p));
      return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - low) {
      return -normalQuantile(1 - p);
    }
    double q = p - 0.5;
    double r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }

  /**
   * Quantile p of Student's t with nu degrees of freedom: exact for nu = 1 and 2, otherwise the
   * Cornish-Fisher expansion around the normal quantile (Abramowitz and Stegun 26.7.5), within
   * 0.5% for nu >= 3 and p <= 0.999.
   */
  static double studentQuantile(double p, int nu) {
    if (nu < 1) {
      throw new IllegalArgumentException("Degrees of freedom must be at least 1, cannot be: " + nu);
    }
    if (nu == 1) {
      return Math.tan(Math.PI * (p - 0.5));
    }
    if (nu == 2) {
      return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
    }
    double z = normalQuantile(p);
    double z3 = z * z * z;
    double z5 = z3 * z * z;
    double z7 = z5 * z * z;
    double z9 = z7 * z * z;
    double n = nu;
    return z + (z3 + z) / (4 * n) + (5 * z5 + 16 * z3 + 3 * z) / (96 * n * n)
        + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * n * n * n)
        + (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * n * n * n * n);
  }
}
