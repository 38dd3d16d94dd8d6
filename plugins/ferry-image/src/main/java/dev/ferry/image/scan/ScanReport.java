package dev.ferry.image.scan;

import java.util.List;

/**
 * The findings of one scan, whichever scanner wrote them.
 *
 * @param format the report's format: {@code trivy}, {@code grype} or {@code sarif}
 * @param image the scanned image as the report names it, or null
 * @param findings every finding: vulnerabilities, secrets, misconfigurations
 * @param digest the scanned image's digest ({@code sha256:...}) as the report gives it, or null
 */
public record ScanReport(String format, String image, List<Finding> findings, String digest) {
  public ScanReport {
    findings = List.copyOf(findings);
  }

  public ScanReport(String format, String image, List<Finding> findings) {
    this(format, image, findings, null);
  }
}
