/**
 * The pure sizing model: an hour's input size plus the dataset's run history give the number of
 * executors (or Glue workers) that finishes the run inside its deadline.
 *
 * <p>No Spark, no Hadoop, no I/O: {@link io.hourglass.common.sizer.Sizer#size} is a function of
 * its arguments. The {@code size} command measures the input and reads the history from the
 * ledger; this package only decides and renders.
 *
 * <p>Runtime model (Ernest, Venkataraman et al., NSDI 2016), fitted by non-negative least squares:
 * <pre>
 *   T(n) = θ0 + θ1 · W(n) + θ2 · ln(n) + θ3 · n
 *   W(n) = MiB of input per task slot on the critical path:
 *          gzip (unsplittable):  max(bytes / min(n·c, files), largestFile)
 *          splittable:           bytes / min(n·c, tasks),  tasks = max(files, ceil(bytes / 128 MiB))
 * </pre>
 * θ0 is the fixed cost (start-up, commit), θ1 the seconds per MiB on one core, θ2 tree-shaped
 * coordination (broadcast, aggregation), θ3 per-executor cost.
 */
package io.hourglass.common.sizer;
