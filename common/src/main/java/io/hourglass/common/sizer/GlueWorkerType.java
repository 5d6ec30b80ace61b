package io.hourglass.common.sizer;

import java.util.Locale;

/**
 * AWS Glue worker types for Spark jobs. 1 DPU = 4 vCPU and 16 GB; each worker runs one executor
 * (with all its vCPUs as cores), and one worker of the run is the driver.
 */
public enum GlueWorkerType {
  G_1X(1),
  G_2X(2),
  G_4X(4),
  G_8X(8);

  private final int dpu;

  GlueWorkerType(int dpu) {
    this.dpu = dpu;
  }

  public int dpu() {
    return dpu;
  }

  public int vcpus() {
    return 4 * dpu;
  }

  public int memoryGb() {
    return 16 * dpu;
  }

  /** As Glue spells it: {@code G.1X}. */
  public String apiName() {
    return "G." + dpu + "X";
  }

  /** Parses {@code G.1X} (also {@code g.1x}, {@code G_1X}). */
  public static GlueWorkerType parse(String text) {
    String t = text == null ? "" : text.trim().toUpperCase(Locale.ROOT).replace('_', '.');
    for (GlueWorkerType type : values()) {
      if (type.apiName().equals(t)) {
        return type;
      }
    }
    throw new IllegalArgumentException("Glue worker type must be one of G.1X | G.2X | G.4X | G.8X, cannot be: " + text);
  }
}
