package io.hourglass.common.sizer;

import static io.hourglass.common.sizer.SyntheticHistory.GIB;
import static io.hourglass.common.sizer.SyntheticHistory.MIB;
import static io.hourglass.common.sizer.SyntheticHistory.TRUTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.sizer.SizingDecision.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SizerTest {
  private static final SizerLimits HOUR = SizerLimits.of(2, 100, 4, Duration.ofHours(1));
  private static final List<Observation> HISTORY = SyntheticHistory.runs(TRUTH, 200, 0.04, 7);

  @Test
  void sizesNeverFallAsInputGrows() {
    Random random = new Random(5);
    for (int trial = 0; trial < 300; trial++) {
      List<Observation> history = SyntheticHistory.runs(randomTruth(random), 3 + random.nextInt(120),
          0.08 * random.nextDouble(), random.nextLong());
      int min = 1 + random.nextInt(5);
      SizerLimits limits = new SizerLimits(min, min + random.nextInt(200), 1 + random.nextInt(8),
          Duration.ofMinutes(15 + random.nextInt(90)), 0.9 + 0.099 * random.nextDouble(), 0.5, 300);
      boolean splittable = random.nextBoolean();
      int files = 1 + random.nextInt(5000);
      long largest = (long) (MIB * (1 + random.nextDouble() * 500));
      long bytes = largest;
      int previous = 0;
      boolean infeasible = false;
      for (int step = 0; step < 40 && bytes <= largest * files; step++) {
        SizingDecision d = Sizer.size(new SizerInput(bytes, files, largest, splittable), history, limits);
        String where = "trial " + trial + ", " + bytes + " bytes: ";
        if (infeasible) {
          assertFalse(d.fits(), where + "fits again after more input did not");
        } else if (d.fits()) {
          assertTrue(d.executors() >= previous, where + d.executors() + " < " + previous);
          previous = d.executors();
        }
        infeasible = !d.fits();
        bytes = Math.min(largest * files, (long) (bytes * (1.05 + random.nextDouble())) + 1);
      }
    }
  }

  @Test
  void sizesNeverFallAsTheLargestFileGrows() {
    int previous = 0;
    for (long largest = 820 * MIB; largest <= 20 * GIB; largest += 100 * MIB) { // 50 files must hold 40 GiB
      SizingDecision d = Sizer.size(SizerInput.gzip(40 * GIB, 50, largest), HISTORY, HOUR);
      if (!d.fits()) {
        assertEquals(Outcome.FILE_TOO_BIG, d.outcome());
        previous = Integer.MAX_VALUE;
        continue;
      }
      assertTrue(d.executors() >= previous, largest + ": " + d.executors() + " < " + previous);
      previous = d.executors();
    }
  }

  @Test
  void capsAndFloorsHold() {
    Random random = new Random(11);
    for (int trial = 0; trial < 500; trial++) {
      int min = 1 + random.nextInt(10);
      int max = min + random.nextInt(60);
      SizerLimits limits = SizerLimits.of(min, max, 4, Duration.ofMinutes(60));
      long bytes = (long) (Math.pow(10, 6 + 7 * random.nextDouble()));
      int files = (int) Math.max(1, bytes / (100 * MIB));
      long largest = Math.max(bytes / files + 1, Math.min(bytes, 150 * MIB));
      SizingDecision d = Sizer.size(SizerInput.gzip(bytes, files, Math.min(bytes, largest)), HISTORY, limits);
      assertTrue(d.executors() >= min && d.executors() <= max, d.executors() + " outside [" + min + ", " + max + "]");
      assertEquals(max - min + 1, d.curve().size());
      if (d.fits()) {
        assertTrue(d.plannedSeconds() <= limits.deadlineSeconds());
      }
    }
  }

  @Test
  void smallInputGetsTheFloor() {
    SizingDecision d = Sizer.size(SizerInput.gzip(100 * MIB, 1, 100 * MIB), HISTORY, HOUR);
    assertEquals(Outcome.FITS, d.outcome());
    assertEquals(2, d.executors());
  }

  @Test
  void emptyHourGetsTheFloor() {
    SizingDecision d = Sizer.size(SizerInput.gzip(0, 0, 0), HISTORY, HOUR);
    assertEquals(Outcome.FITS, d.outcome());
    assertEquals(2, d.executors());
  }

  @Test
  void tooMuchInputSaysHowManyExecutorsWouldDo() {
    SizingDecision d = Sizer.size(SizerInput.gzip(3000 * GIB, 30_000, 110 * MIB), HISTORY, HOUR);
    assertEquals(Outcome.TOO_MUCH_INPUT, d.outcome());
    assertTrue(d.executors() <= 100);
    assertTrue(d.reason().contains("raise the maximum executors from 100 to "), d.reason());
    assertTrue(d.reason().contains("raise the deadline to at least"), d.reason());
    int needed = Integer.parseInt(d.reason().replaceAll(".*from 100 to (\\d+).*", "$1"));
    SizerLimits more = SizerLimits.of(2, needed, 4, Duration.ofHours(1));
    SizingDecision enough = Sizer.size(SizerInput.gzip(3000 * GIB, 30_000, 110 * MIB), HISTORY, more);
    assertEquals(Outcome.FITS, enough.outcome(), enough.reason());
    assertEquals(needed, enough.executors());
  }

  @Test
  void oneGiantGzipFileIsFileTooBigWhateverTheMaximum() {
    // 8 GiB in one gzip file at ~0.8 s/MiB is ~1h 50m on one core: no executor count helps.
    SizerInput giant = SizerInput.gzip(20 * GIB, 121, 8 * GIB);
    for (int max : new int[] {2, 10, 100, 1000, 10_000}) {
      SizingDecision d = Sizer.size(giant, HISTORY, SizerLimits.of(1, max, 4, Duration.ofHours(1)));
      assertEquals(Outcome.FILE_TOO_BIG, d.outcome(), "max " + max);
      assertTrue(d.reason().contains("8.0 GiB"), d.reason());
      assertTrue(d.reason().contains("split or recompress"), d.reason());
      assertTrue(d.reason().contains("raise the deadline to at least"), d.reason());
      assertTrue(d.predictedSeconds() >= d.model().largestFileSeconds(giant));
    }
  }

  @Test
  void theSameBytesSplittableAreNotFileTooBig() {
    SizingDecision d = Sizer.size(new SizerInput(20 * GIB, 121, 8 * GIB, true), HISTORY, HOUR);
    assertEquals(Outcome.FITS, d.outcome(), d.reason());
  }

  @Test
  void executorsBeyondCeilFilesOverCoresAreNeverChosen() {
    Random random = new Random(13);
    for (int trial = 0; trial < 300; trial++) {
      int files = 1 + random.nextInt(40);
      int cores = 1 + random.nextInt(8);
      long largest = (long) ((200 + random.nextDouble() * 1500) * MIB);
      long bytes = Math.max(largest, (long) (largest * files * (0.5 + 0.5 * random.nextDouble())));
      SizerLimits limits = SizerLimits.of(1, 500, cores, Duration.ofMinutes(20 + random.nextInt(100)));
      SizingDecision d = Sizer.size(SizerInput.gzip(bytes, files, largest), HISTORY, limits);
      int useful = (files + cores - 1) / cores;
      assertTrue(d.executors() <= useful, "trial " + trial + ": " + d.executors() + " > ceil(" + files + "/" + cores
          + ")");
    }
  }

  @Test
  void floorWinsOverUsefulExecutors() {
    SizingDecision d = Sizer.size(SizerInput.gzip(200 * MIB, 2, 100 * MIB), HISTORY,
        SizerLimits.of(5, 50, 4, Duration.ofHours(1)));
    assertEquals(5, d.executors(), "the floor is configuration: it holds even when 1 executor would do");
  }

  @Test
  void choosesTheSmallestSizeThatMeetsTheDeadlineWithTheMargin() {
    SizingDecision d = Sizer.size(SizerInput.gzip(300 * GIB, 3000, 130 * MIB), HISTORY, HOUR);
    assertEquals(Outcome.FITS, d.outcome());
    assertTrue(d.curve().get(d.executors()) * d.margin() <= 3600);
    assertTrue(d.curve().get(d.executors() - 1) * d.margin() > 3600);
    assertEquals(d.curve().get(d.executors()), d.predictedSeconds());
    assertTrue(d.reason().startsWith(d.executors() + " executors x 4 cores: predicted "), d.reason());
    // Near the truth, and the margin of a 4%-noise history is modest.
    double truth = TRUTH.predictSeconds(SizerInput.gzip(300 * GIB, 3000, 130 * MIB), d.executors(), 4);
    assertEquals(truth, d.predictedSeconds(), truth * 0.03);
    assertTrue(d.margin() > 1.05 && d.margin() < 1.2, "margin " + d.margin());
    assertEquals(RuntimeModel.Source.FITTED, d.model().source());
    assertEquals(200, d.model().observations());
  }

  @Test
  void coldStartUsesTheDocumentedDefault() {
    // 100 GiB in 1000 gzip files, 4 cores: T(n) = 300 s + 2 s/MiB × 102400 MiB / (4n) <= 3600 s  =>  n >= 15.5.
    SizerInput in = SizerInput.gzip(100 * GIB, 1000, 110 * MIB);
    for (List<Observation> history : List.of(List.<Observation>of(), HISTORY.subList(0, 2))) {
      SizingDecision d = Sizer.size(in, history, HOUR);
      assertEquals(RuntimeModel.Source.COLD_START, d.model().source());
      assertEquals(1.0, d.margin());
      assertEquals(16, d.executors());
      assertEquals(300 + 2.0 * 102400 / 64, d.predictedSeconds(), 1e-9);
    }
    assertFalse(Sizer.size(in, HISTORY.subList(0, 3), HOUR).model().source() == RuntimeModel.Source.COLD_START,
        "three runs are enough to fit");
  }

  @Test
  void aDeadlineShorterThanARunsFixedCostIsSaidSoNotBlamedOnTheFiles() {
    // Cold start: 300 s of fixed cost; a 4-minute deadline cannot hold it, whatever the input (60 KiB here).
    SizingDecision d = Sizer.size(SizerInput.gzip(60 * 1024, 1, 60 * 1024), List.of(), SizerLimits.of(1, 10, 4, Duration.ofMinutes(4)));
    assertEquals(Outcome.DEADLINE_TOO_SHORT, d.outcome());
    assertTrue(d.reason().startsWith("Every run costs about 5m 00s before its input counts (start-up, listing, commit; the"
        + " cold-start default until 3 runs are recorded)"), d.reason());
    assertTrue(d.reason().contains("raise the deadline to at least"), d.reason());
    // With the deadline past the fixed cost, the same input fits.
    assertTrue(Sizer.size(SizerInput.gzip(60 * 1024, 1, 60 * 1024), List.of(), SizerLimits.of(1, 10, 4, Duration.ofMinutes(6))).fits());
  }

  @Test
  void noiselessHistoryNeedsNoMargin() {
    SizingDecision d = Sizer.size(SizerInput.gzip(100 * GIB, 1000, 110 * MIB),
        SyntheticHistory.runs(TRUTH, 100, 0.0, 17), HOUR);
    assertEquals(1.0, d.margin(), 1e-6);
  }

  @Test
  void marginCoversTheSpreadOfRecentOutOfSampleErrors() {
    Sizer.Calibration cal = Sizer.calibrate(HISTORY, false, HOUR);
    assertEquals(Sizer.MARGIN_WINDOW, cal.recentRatios().size());
    List<Double> sorted = new ArrayList<>(cal.recentRatios());
    Collections.sort(sorted);
    assertTrue(cal.margin() >= sorted.get((int) (0.99 * sorted.size())), "margin below the 99th ratio");
    assertTrue(cal.margin() < sorted.get(sorted.size() - 1) * 1.1, "margin far above the worst ratio");
  }

  @Test
  void marginIsFlooredAtOne() {
    List<Double> fast = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      fast.add(0.8 + 0.001 * (i % 50)); // every run faster than predicted
    }
    assertEquals(1.0, Sizer.margin(fast, 0.99));
    assertEquals(1.0, Sizer.margin(List.of(), 0.99));
  }

  @Test
  void marginIsTheQuantileOfTheRatiosAndWiderWhenFewAreKnown() {
    Random random = new Random(19);
    List<Double> many = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      many.add(Math.exp(0.05 * random.nextGaussian()));
    }
    double m = Sizer.margin(many, 0.99);
    assertEquals(Math.exp(0.05 * 2.326), m, 0.02, "log-normal 99th percentile");
    double few = Sizer.margin(many.subList(0, 5), 0.99);
    double sdFew = Stats.sd(many.subList(0, 5).stream().mapToDouble(Math::log).toArray(),
        many.subList(0, 5).stream().mapToDouble(Math::log).average().orElseThrow());
    assertTrue(Math.log(few) > 3 * sdFew, "5 ratios: Student's t, not the normal quantile");
    // A heavy tail the log-normal misses is still covered by the empirical quantile.
    List<Double> tailed = new ArrayList<>(Collections.nCopies(95, 1.0));
    tailed.addAll(List.of(1.5, 1.5, 1.5, 1.5, 1.5));
    assertTrue(Sizer.margin(tailed, 0.99) >= 1.5 - 1e-9);
  }

  @Test
  void aBiasedRecentPastRaisesTheMargin() {
    // The cluster got 15% slower for the last 20 runs: the out-of-sample ratios show it.
    List<Observation> history = new ArrayList<>(SyntheticHistory.runs(TRUTH, 150, 0.02, 23));
    for (Observation o : SyntheticHistory.runs(TRUTH, 20, 0.02, 29)) {
      history.add(new Observation(o.inputBytes(), o.fileCount(), o.largestFileBytes(), o.executors(),
          o.coresPerExecutor(), o.wallSeconds() * 1.15, o.startupSeconds()));
    }
    double before = Sizer.calibrate(history.subList(0, 150), false, HOUR).margin();
    double after = Sizer.calibrate(history, false, HOUR).margin();
    assertTrue(after > before + 0.05, before + " -> " + after);
  }

  @Test
  void decisionIsDeterministic() {
    SizerInput in = SizerInput.gzip(250 * GIB, 2500, 120 * MIB);
    assertEquals(Sizer.size(in, HISTORY, HOUR), Sizer.size(in, HISTORY, HOUR));
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> SizerLimits.of(0, 10, 4, Duration.ofHours(1)));
    assertThrows(IllegalArgumentException.class, () -> SizerLimits.of(5, 4, 4, Duration.ofHours(1)));
    assertThrows(IllegalArgumentException.class, () -> SizerLimits.of(1, 4, 0, Duration.ofHours(1)));
    assertThrows(IllegalArgumentException.class, () -> SizerLimits.of(1, 4, 4, Duration.ZERO));
    assertThrows(IllegalArgumentException.class,
        () -> new SizerLimits(1, 4, 4, Duration.ofHours(1), 1.0, 0.5, 300));
    assertThrows(IllegalArgumentException.class, () -> SizerInput.gzip(10, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> SizerInput.gzip(10, 1, 11));
    assertThrows(IllegalArgumentException.class, () -> SizerInput.gzip(100, 2, 10));
    assertThrows(IllegalArgumentException.class, () -> new Observation(10, 1, 10, 0, 4, 100, 10));
    assertThrows(IllegalArgumentException.class, () -> new Observation(10, 1, 10, 1, 4, 100, 101));
    assertThrows(IllegalArgumentException.class,
        () -> Sizer.decide(SizerInput.gzip(10, 1, 10), TRUTH, 0.9, HOUR));
  }

  private static RuntimeModel randomTruth(Random random) {
    return new RuntimeModel(20 + 300 * random.nextDouble(), 0.1 + 3 * random.nextDouble(), 10 * random.nextDouble(),
        2 * random.nextDouble(), 0, Double.NaN, RuntimeModel.Source.FITTED);
  }
}
