package dev.ferry.image.scan;

import java.util.List;

/**
 * The findings of one scan, whichever scanner wrote them.
 *
 * @param format the report's format: {@code trivy}, {@code grype} or {@code sarif}
 * @param image the scanned image as the report names it, or null
 * @param findings every vulnerability found
 */
public record ScanReport(String format, String image, List<Finding> findings) {
  public ScanReport {
    findings = List.copyOf(findings);
  }
}
