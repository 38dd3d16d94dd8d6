package dev.ferry.bench;

import java.util.Map;

/**
 * One row of the benchmark table.
 *
 * @param scenario what was measured
 * @param unit the unit of {@code ferry} and {@code baseline}, e.g. {@code edits/s} or {@code ms}
 * @param higherIsBetter whether a bigger number is better (throughput) or worse (latency)
 * @param ferry Ferry's figure
 * @param baseline the baseline's figure
 * @param notes what the baseline is and how it was measured
 */
public record Result(String scenario, String unit, boolean higherIsBetter, double ferry, double baseline,
    Map<String, Object> notes) {

  /** ferry / baseline. */
  public double ratio() {
    return baseline == 0 ? Double.NaN : ferry / baseline;
  }
}
