package io.hourglass.common.sizer.sim;

import io.hourglass.common.sizer.SizerInput;

/**
 * One simulated hour of input: the gzip objects the listing would show, largest first, and the events
 * that shaped it (what the evaluation reports on; the sizer sees only {@link #input()}).
 *
 * @param index hour of the simulated year, from 0
 * @param fileBytes sizes of the hour's objects, largest first
 * @param spike a sudden x5 burst of traffic
 * @param giantFile one unusually large gzip object arrived this hour
 */
record SimHour(int index, long[] fileBytes, boolean spike, boolean giantFile) {

  long totalBytes() {
    long s = 0;
    for (long b : fileBytes) {
      s += b;
    }
    return s;
  }

  SizerInput input() {
    return SizerInput.gzip(totalBytes(), fileBytes.length, fileBytes.length == 0 ? 0 : fileBytes[0]);
  }
}
