package io.hourglass.common.sizer.sim;

import java.util.SplittableRandom;

/** Deterministic random streams: one per (seed, hour, purpose), independent of the order of use. */
final class Rng {
  private Rng() {}

  static SplittableRandom forHour(long seed, int hour, int purpose) {
    long s = seed * 0x9E3779B97F4A7C15L + hour * 0xBF58476D1CE4E5B9L + purpose * 0x94D049BB133111EBL;
    return new SplittableRandom(s);
  }

  /** A standard normal draw (Java 17's ziggurat {@code RandomGenerator.nextGaussian}). */
  static double gaussian(SplittableRandom r) {
    return r.nextGaussian();
  }
}
