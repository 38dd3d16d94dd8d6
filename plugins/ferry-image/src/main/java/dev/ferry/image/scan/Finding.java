package dev.ferry.image.scan;

import java.util.List;

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
 * @param aliases other ids of the same vulnerability (a GHSA's CVE, a CVE's GHSA), may be empty
 * @param score the CVSS score the report gives, or null
 */
public record Finding(String id, String packageName, String installedVersion, String fixedVersion,
    Fix fix, Severity severity, String title, String target, List<String> aliases, Double score) {

  /**
   * Whether a fixed version exists, in the scanner's own terms. A report that does not say is
   * {@code UNKNOWN} (SARIF of tools that carry no fix data); a scanner that says it does not know
   * (Grype's {@code unknown}) is {@code NOT_FIXED}, as that scanner's own {@code --only-fixed} treats it.
   */
  public enum Fix {
    FIXED, NOT_FIXED, UNKNOWN,
    /** The vendor will not fix it (Trivy {@code will_not_fix}, Grype {@code wont-fix}). */
    WONT_FIX,
    /** The package's release is past its end of life (Trivy {@code end_of_life}). */
    END_OF_LIFE
  }

  public Finding {
    packageName = packageName == null ? "" : packageName;
    installedVersion = installedVersion == null ? "" : installedVersion;
    title = title == null ? "" : title;
    target = target == null ? "" : target;
    aliases = aliases == null ? List.of() : List.copyOf(aliases);
  }

  public Finding(String id, String packageName, String installedVersion, String fixedVersion, Fix fix,
      Severity severity, String title, String target) {
    this(id, packageName, installedVersion, fixedVersion, fix, severity, title, target, List.of(), null);
  }

  /**
   * Whether upgrading could remove it. A report that does not say counts as fixable: silence must
   * not let a finding through.
   */
  public boolean fixable() {
    return fix == Fix.FIXED || fix == Fix.UNKNOWN;
  }

  /** Whether {@code vulnerabilityId} names this finding, by its id or one of its aliases. */
  public boolean isKnownAs(String vulnerabilityId) {
    return id.equalsIgnoreCase(vulnerabilityId) || aliases.stream().anyMatch(a -> a.equalsIgnoreCase(vulnerabilityId));
  }

  /** {@code CVE-… in openssl 3.0.2 (HIGH, fixed in 3.0.7)}. */
  public String describe() {
    String where = packageName.isEmpty() ? "" : " in " + packageName
        + (installedVersion.isEmpty() ? "" : " " + installedVersion);
    String fixText = switch (fix) {
      case FIXED -> fixedVersion == null || fixedVersion.isEmpty() ? ", fix available" : ", fixed in " + fixedVersion;
      case NOT_FIXED -> ", no fix yet";
      case WONT_FIX -> ", will not be fixed";
      case END_OF_LIFE -> ", no fix: end of life";
      case UNKNOWN -> "";
    };
    return id + where + " (" + severity + fixText + ")";
  }
}
