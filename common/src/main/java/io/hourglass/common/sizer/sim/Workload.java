package io.hourglass.common.sizer.sim;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Hourly input volumes of a Firehose-fed dataset over a year: a daily cycle (trough at 04:00 UTC,
 * peak at 16:00), quieter weekends, 30% growth over the year, log-normal hour-to-hour noise,
 * sudden x5 spikes (about three a month, 1-3 hours each) and, about twice a month, one giant gzip
 * object (a backfilled dump; median 3 GiB) among the regular ones. Hour h is the same for a given
 * seed whoever asks, and whatever was asked before.
 */
final class Workload {
  static final double MIB = 1024.0 * 1024.0;
  static final double GIB = 1024.0 * MIB;

  /** Weekday-peak volume at the start of the year. */
  static final double PEAK_BYTES = 560 * GIB;
  static final double TROUGH_SHARE = 0.35;
  static final double GROWTH_PER_YEAR = 0.30;
  static final double VOLUME_NOISE_SIGMA = 0.12;
  static final double SPIKES_PER_MONTH = 3;
  static final double SPIKE_FACTOR = 5.0;
  static final double GIANT_FILES_PER_MONTH = 2;
  static final double GIANT_MEDIAN_BYTES = 3 * GIB;
  static final double GIANT_SIGMA = 0.45;
  /** Regular objects: log-normal around 96 MiB. */
  static final double FILE_MEDIAN_BYTES = 96 * MIB;
  static final double FILE_SIGMA = 0.35;

  private static final double HOURS_PER_MONTH = 730;

  private final long seed;
  private final boolean[] spikeHour;

  Workload(long seed, int hours) {
    this.seed = seed;
    // Spikes last 1-3 hours, so they are laid out up front (hour h may be the tail of a spike at h-2).
    this.spikeHour = new boolean[hours + 3];
    SplittableRandom r = new SplittableRandom(seed * 31 + 7);
    for (int h = 0; h < hours; h++) {
      if (r.nextDouble() < SPIKES_PER_MONTH / HOURS_PER_MONTH) {
        int len = 1 + r.nextInt(3);
        for (int k = 0; k < len; k++) {
          spikeHour[h + k] = true;
        }
      }
    }
  }

  SimHour hour(int h) {
    SplittableRandom r = Rng.forHour(seed, h, 1);
    int hourOfDay = h % 24;
    int dayOfWeek = (h / 24) % 7; // day 0 is a Monday
    double daily = TROUGH_SHARE + (1 - TROUGH_SHARE)
        * Math.pow(0.5 - 0.5 * Math.cos(2 * Math.PI * (hourOfDay - 4) / 24.0), 1.3);
    double weekly = dayOfWeek == 5 ? 0.70 : dayOfWeek == 6 ? 0.65 : 1.0;
    double growth = 1 + GROWTH_PER_YEAR * h / 8760.0;
    boolean spike = h < spikeHour.length && spikeHour[h];
    double bytes = PEAK_BYTES * daily * weekly * growth * Math.exp(VOLUME_NOISE_SIGMA * Rng.gaussian(r))
        * (spike ? SPIKE_FACTOR : 1.0);

    int files = Math.max(1, (int) Math.round(bytes / (FILE_MEDIAN_BYTES * Math.exp(FILE_SIGMA * FILE_SIGMA / 2))));
    boolean giant = r.nextDouble() < GIANT_FILES_PER_MONTH / HOURS_PER_MONTH;
    long[] sizes = new long[files + (giant ? 1 : 0)];
    for (int i = 0; i < files; i++) {
      sizes[i] = Math.max(1, (long) (FILE_MEDIAN_BYTES * Math.exp(FILE_SIGMA * Rng.gaussian(r))));
    }
    if (giant) {
      sizes[files] = (long) (GIANT_MEDIAN_BYTES * Math.exp(GIANT_SIGMA * Rng.gaussian(r)));
    }
    Arrays.sort(sizes);
    for (int i = 0, j = sizes.length - 1; i < j; i++, j--) { // largest first
      long t = sizes[i];
      sizes[i] = sizes[j];
      sizes[j] = t;
    }
    return new SimHour(h, sizes, spike, giant);
  }
}
