/**
 * The sizer's evaluation harness: a simulated year of hourly workloads run against a hidden "true"
 * cluster, with the sizer deciding each hour from its own past runs only. Not used by any job; run
 * it with {@code bench/sizer-eval.sh}.
 */
package io.hourglass.common.sizer.sim;
