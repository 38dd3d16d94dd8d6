package dev.ferry.image.scan;

import java.util.List;

/**
 * What a policy decided about each finding of a report.
 *
 * @param image the image the verdict is about, or null when unknown
 * @param format the report's format
 * @param decisions one per finding, in report order
 * @param expiredIgnores ignore entries past their expiry date: each fails the scan
 * @param failOn the threshold that applied
 * @param onlyFixable whether only fixable findings blocked
 */
public record Verdict(String image, String format, List<Decision> decisions,
    List<ScanPolicy.Ignore> expiredIgnores, Severity failOn, boolean onlyFixable) {

  /** How one finding was judged. */
  public enum Outcome { BLOCKING, ALLOWED, IGNORED }

  /**
   * @param finding the finding
   * @param outcome blocking, allowed (below the threshold or not fixable), or ignored by an entry
   * @param why a short reason, for reports
   */
  public record Decision(Finding finding, Outcome outcome, String why) { }

  public Verdict {
    decisions = List.copyOf(decisions);
    expiredIgnores = List.copyOf(expiredIgnores);
  }

  public List<Decision> blocking() {
    return decisions.stream().filter(d -> d.outcome() == Outcome.BLOCKING).toList();
  }

  public long count(Outcome outcome) {
    return decisions.stream().filter(d -> d.outcome() == outcome).count();
  }

  /** Whether the image may pass: nothing blocks and no ignore entry has expired. */
  public boolean passed() {
    return blocking().isEmpty() && expiredIgnores.isEmpty();
  }
}
