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
 * @param lapsedIgnores entries of ignore files past their expiry: they no longer apply, and do not fail the scan
 * @param notJudged findings of a kind the policy leaves off (misconfigurations by default)
 */
public record Verdict(String image, String format, List<Decision> decisions,
    List<ScanPolicy.Ignore> expiredIgnores, Severity failOn, boolean onlyFixable,
    List<ScanPolicy.Ignore> lapsedIgnores, List<Finding> notJudged) {

  /** How one finding was judged. */
  public enum Outcome { BLOCKING, ALLOWED, IGNORED, SUPPRESSED }

  /**
   * @param finding the finding
   * @param outcome blocking, allowed (below the threshold or not fixable), ignored by an entry, or
   *     suppressed by a VEX statement
   * @param why a short reason, for reports
   * @param vex the statement that suppressed it, or null
   */
  public record Decision(Finding finding, Outcome outcome, String why, VexStatement vex) {
    public Decision(Finding finding, Outcome outcome, String why) {
      this(finding, outcome, why, null);
    }
  }

  public Verdict {
    decisions = List.copyOf(decisions);
    expiredIgnores = List.copyOf(expiredIgnores);
    lapsedIgnores = List.copyOf(lapsedIgnores);
    notJudged = List.copyOf(notJudged);
  }

  public Verdict(String image, String format, List<Decision> decisions, List<ScanPolicy.Ignore> expiredIgnores,
      Severity failOn, boolean onlyFixable) {
    this(image, format, decisions, expiredIgnores, failOn, onlyFixable, List.of(), List.of());
  }

  public List<Decision> suppressed() {
    return decisions.stream().filter(d -> d.outcome() == Outcome.SUPPRESSED).toList();
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
