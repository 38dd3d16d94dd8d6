package dev.ferry.image.scan;

/**
 * One vulnerability in one package of an image, as a scanner reported it.
 *
 * @param id the vulnerability, e.g. {@code CVE-2024-3094}
 * @param packageName the affected package
 * @param installedVersion the version in the image
 * @param fixedVersion the version that fixes it, or null when none is known
 * @param fix whether a fix exists, as far as the report tells
 * @param severity how severe
 * @param title a one-line description, may be empty
 * @param target where the scanner found the package (an OS layer, a lock file), may be empty
 */
public record Finding(String id, String packageName, String installedVersion, String fixedVersion,
    Fix fix, Severity severity, String title, String target) {

  /** Whether a fixed version exists. Reports that do not say are {@code UNKNOWN}. */
  public enum Fix { FIXED, NOT_FIXED, UNKNOWN }

  public Finding {
    packageName = packageName == null ? "" : packageName;
    installedVersion = installedVersion == null ? "" : installedVersion;
    title = title == null ? "" : title;
    target = target == null ? "" : target;
  }

  /**
   * Whether upgrading could remove it. Unknown counts as fixable: a report that does not say must
   * not let a finding through.
   */
  public boolean fixable() {
    return fix != Fix.NOT_FIXED;
  }

  /** {@code CVE-… in openssl 3.0.2 (HIGH, fixed in 3.0.7)}. */
  public String describe() {
    String where = packageName.isEmpty() ? "" : " in " + packageName
        + (installedVersion.isEmpty() ? "" : " " + installedVersion);
    String fixText = switch (fix) {
      case FIXED -> fixedVersion == null || fixedVersion.isEmpty() ? ", fix available" : ", fixed in " + fixedVersion;
      case NOT_FIXED -> ", no fix yet";
      case UNKNOWN -> "";
    };
    return id + where + " (" + severity + fixText + ")";
  }
}
