package dev.ferry.image.scan;

import java.util.List;

/**
 * One finding in an image, as a scanner reported it: a vulnerability in a package, a secret in a
 * file, or a misconfiguration. A secret's finding never holds the secret itself (Trivy's
 * {@code Match} and {@code Code} carry it), only where it is.
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
 * @param kind what was found
 * @param line the line in {@code target} for secrets and misconfigurations, 0 when unknown
 * @param purl the package's purl where the report gives one, may be empty
 * @param packageType the package's type as the report writes it ({@code debian}, {@code npm}, {@code apk}), may be empty
 * @param fixState the scanner's own fix state word ({@code fixed}, {@code unknown}, ...), may be empty
 */
public record Finding(String id, String packageName, String installedVersion, String fixedVersion,
    Fix fix, Severity severity, String title, String target, List<String> aliases, Double score,
    Kind kind, int line, String purl, String packageType, String fixState) {

  /** What a finding is; each kind has its own switch in the policy. */
  public enum Kind {
    VULNERABILITY, SECRET, MISCONFIGURATION;

    /** {@code vulnerability}, {@code secret}, {@code misconfiguration}: the word outputs use. */
    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

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
    kind = kind == null ? Kind.VULNERABILITY : kind;
    purl = purl == null ? "" : purl;
    packageType = packageType == null ? "" : packageType;
    fixState = fixState == null ? "" : fixState;
  }

  /** A vulnerability. */
  public Finding(String id, String packageName, String installedVersion, String fixedVersion, Fix fix,
      Severity severity, String title, String target, List<String> aliases, Double score) {
    this(id, packageName, installedVersion, fixedVersion, fix, severity, title, target, aliases, score,
        Kind.VULNERABILITY, 0, "", "", "");
  }

  public Finding(String id, String packageName, String installedVersion, String fixedVersion, Fix fix,
      Severity severity, String title, String target) {
    this(id, packageName, installedVersion, fixedVersion, fix, severity, title, target, List.of(), null);
  }

  /**
   * A secret or misconfiguration found by rule {@code ruleId} at {@code target}:{@code line}. Its
   * fix is removing it, so it always counts as fixable.
   */
  public static Finding atLine(Kind kind, String ruleId, Severity severity, String title, String target, int line,
      List<String> aliases) {
    return new Finding(ruleId, "", "", null, Fix.FIXED, severity, title, target, aliases, null, kind, line, "", "", "");
  }

  /** {@code deploy.sh:3}, or the target alone when the line is unknown. */
  public String where() {
    return line > 0 ? target + ":" + line : target;
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

  /**
   * {@code CVE-… in openssl 3.0.2 (HIGH, fixed in 3.0.7)}; {@code secret aws-access-key-id (AWS
   * Access Key ID) at deploy.sh:3 (CRITICAL)}.
   */
  public String describe() {
    if (kind != Kind.VULNERABILITY) {
      return kind.word() + " " + id + (title.isEmpty() ? "" : " (" + title + ")")
          + (target.isEmpty() ? "" : " at " + where()) + " (" + severity + ")";
    }
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
