package io.hourglass.common.sizer;

import static io.hourglass.common.sizer.SyntheticHistory.GIB;
import static io.hourglass.common.sizer.SyntheticHistory.MIB;
import static io.hourglass.common.sizer.SyntheticHistory.TRUTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuntimeModelTest {

  @Test
  void fitRecoversKnownThetasFromNoiselessHistory() {
    RuntimeModel fit = RuntimeModel.fit(SyntheticHistory.runs(TRUTH, 60, 0.0, 1), false);
    assertEquals(RuntimeModel.Source.FITTED, fit.source());
    assertEquals(90, fit.theta0(), 1e-6);
    assertEquals(0.8, fit.theta1(), 1e-9);
    assertEquals(4, fit.theta2(), 1e-6);
    assertEquals(0.5, fit.theta3(), 1e-8);
    assertEquals(60, fit.observations());
    assertEquals(0.0, fit.mape(), 1e-9);
  }

  @Test
  void fitRecoversKnownThetasWithinToleranceFromFivePercentNoise() {
    RuntimeModel fit = RuntimeModel.fit(SyntheticHistory.runs(TRUTH, 300, 0.05, 2), false);
    assertEquals(0.8, fit.theta1(), 0.8 * 0.03, "θ1 (the throughput) within 3%");
    assertTrue(fit.mape() < 0.05, "MAPE of the fit " + fit.mape());
    // θ0, θ2, θ3 trade off against each other under noise; what matters is the runtime they predict.
    for (int executors : new int[] {5, 20, 60}) {
      for (long gib : new long[] {50, 200, 400}) {
        SizerInput in = SizerInput.gzip(gib * GIB, (int) (gib * 10), 140 * MIB);
        double want = TRUTH.predictSeconds(in, executors, 4);
        double got = fit.predictSeconds(in, executors, 4);
        assertEquals(want, got, want * 0.03, gib + " GiB on " + executors + " executors");
      }
    }
  }

  @Test
  void shortHistoryFitsOnlyFixedCostAndThroughput() {
    RuntimeModel fit = RuntimeModel.fit(SyntheticHistory.runs(TRUTH, 6, 0.0, 3), false);
    assertEquals(RuntimeModel.Source.FITTED_LINEAR, fit.source());
    assertEquals(0.0, fit.theta2());
    assertEquals(0.0, fit.theta3());
  }

  @Test
  void historyWithOneInputPerSlotStillChargesForInput() {
    // Every run had the same MiB per slot (as after a cold start): θ0 and θ1 cannot be told apart.
    // Without the start-up prior NNLS may explain everything with θ0, a model in which input is free.
    List<Observation> runs = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      long bytes = i * 40 * GIB;
      runs.add(new Observation(bytes, i * 400, 110 * MIB, i * 10, 4, 1800, 60));
    }
    RuntimeModel fit = RuntimeModel.fit(runs, false);
    assertEquals(60, fit.theta0(), 1.0, "θ0 anchored at the start-up");
    assertEquals((1800 - 60) / (40.0 * 1024 / 40), fit.theta1(), 0.01, "the rest is input");
  }

  @Test
  void gzipWorkIsTheLargerOfAnEvenShareAndTheLargestFile() {
    SizerInput in = SizerInput.gzip(10 * GIB, 20, 2 * GIB);
    // 20 files, 4 cores: 2 executors = 8 slots, even share 1.25 GiB < largest 2 GiB.
    assertEquals(2048, RuntimeModel.workMib(in, 2, 4), 1e-9);
    // 1 executor = 4 slots: 2.5 GiB each.
    assertEquals(2560, RuntimeModel.workMib(in, 1, 4), 1e-9);
    // Beyond ceil(20 / 4) = 5 executors nothing changes: at most 20 slots get a task.
    assertEquals(20, RuntimeModel.effectiveSlots(in, 50, 4));
    assertEquals(5, RuntimeModel.usefulExecutors(in, 4));
  }

  @Test
  void splittableInputIsCutInto128MibTasks() {
    SizerInput in = new SizerInput(10 * GIB, 1, 10 * GIB, true);
    assertEquals(80, RuntimeModel.tasks(in));
    assertEquals(10 * 1024 / 40.0, RuntimeModel.workMib(in, 10, 4), 1e-9);
  }

  @Test
  void predictionOfAGzipRunIsNeverBelowItsLargestFile() {
    SizerInput in = SizerInput.gzip(12 * GIB, 3, 10 * GIB);
    for (int n = 1; n <= 100; n++) {
      assertTrue(TRUTH.predictSeconds(in, n, 4) >= TRUTH.largestFileSeconds(in));
    }
    assertEquals(90 + 0.8 * 10 * 1024, TRUTH.largestFileSeconds(in), 1e-9);
  }

  @Test
  void coldStartModelUsesTheDocumentedDefaults() {
    RuntimeModel cold = RuntimeModel.coldStart(SizerLimits.of(1, 10, 4, java.time.Duration.ofHours(1)));
    assertEquals(RuntimeModel.Source.COLD_START, cold.source());
    assertEquals(300.0, cold.theta0());
    assertEquals(2.0, cold.theta1(), "1 / 0.5 MiB/s per core");
    assertEquals(0.5, cold.mibPerCoreSecond(), 1e-12);
    assertEquals(0, cold.observations());
  }

  @Test
  void rejectsNegativeCoefficients() {
    assertThrows(IllegalArgumentException.class,
        () -> new RuntimeModel(-1, 1, 0, 0, 0, 0, RuntimeModel.Source.FITTED));
  }
}
