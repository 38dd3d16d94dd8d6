package dev.ferry.image.scan;

import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryListener;
import dev.ferry.core.InputException;
import dev.ferry.core.image.ImageRef;
import dev.ferry.core.image.RegistryAccess;
import dev.ferry.image.report.JUnitXml;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Map;

/**
 * One scan: read a report (or run Trivy on an image), judge it with a policy, write the requested
 * files. Used once: set what applies, then {@link #call()}.
 *
 * <pre>{@code
 * Verdict verdict = new Scan()
 *     .report(Path.of("trivy.json"))
 *     .policy(ScanPolicy.read(Path.of("scan-policy.yaml")))
 *     .sarif(Path.of("scan.sarif"))
 *     .call();
 * if (!verdict.passed()) { ... }
 * }</pre>
 */
public final class Scan {

  private String image;
  private Path report;
  private ScanPolicy policy = ScanPolicy.defaults();
  private Path sarif;
  private String sarifArtifact = "Dockerfile";
  private Path junit;
  private Path markdown;
  private Clock clock = Clock.systemUTC();
  private FerryListener listener = FerryListener.NONE;
  private RegistryAccess access = RegistryAccess.anonymous();
  private Map<String, String> environment = System.getenv();
  private java.util.List<Path> vex = java.util.List.of();
  private java.util.List<Path> ignoreFiles = java.util.List.of();

  /** The image scanned (by Trivy when no report is given; else to name it and pick exceptions). */
  public Scan image(String value) {
    this.image = value;
    return this;
  }

  public Scan report(Path file) {
    this.report = file;
    return this;
  }

  public Scan policy(ScanPolicy value) {
    this.policy = value;
    return this;
  }

  public Scan sarif(Path file) {
    this.sarif = file;
    return this;
  }

  /** The repository path SARIF results point at (default {@code Dockerfile}). */
  public Scan sarifArtifact(String uri) {
    this.sarifArtifact = uri;
    return this;
  }

  public Scan junit(Path file) {
    this.junit = file;
    return this;
  }

  public Scan markdown(Path file) {
    this.markdown = file;
    return this;
  }

  public Scan clock(Clock value) {
    this.clock = value;
    return this;
  }

  public Scan listener(FerryListener value) {
    this.listener = value;
    return this;
  }

  public Scan access(RegistryAccess value) {
    this.access = value;
    return this;
  }

  /** VEX documents (OpenVEX, CycloneDX VEX) whose statements suppress findings, besides the policy's. */
  public Scan vex(java.util.List<Path> files) {
    this.vex = java.util.List.copyOf(files);
    return this;
  }

  /** {@code .trivyignore}, {@code .trivyignore.yaml} or {@code .grype.yaml} files, besides the policy's. */
  public Scan ignoreFiles(java.util.List<Path> files) {
    this.ignoreFiles = java.util.List.copyOf(files);
    return this;
  }

  /** Where to look for Trivy ({@code PATH}). */
  public Scan environment(Map<String, String> value) {
    this.environment = value;
    return this;
  }

  /**
   * Reads or makes the report, judges it and writes the files. The verdict says whether the image
   * passed; the caller decides how to end.
   *
   * @throws InputException for a missing, malformed or unknown report, or neither image nor report
   */
  public Verdict call() {
    ScanPolicy rules = policy;
    for (Path file : vex) {
      rules = rules.withVex(Vex.read(file, rules.vex().size()));
    }
    for (Path file : ignoreFiles) {
      rules = rules.withIgnores(IgnoreFile.read(file));
    }
    ScanReport scanned;
    if (report != null) {
      scanned = ReportReader.read(report);
      listener.on(FerryEvent.info("scan", "read " + scanned.findings().size() + " findings from " + report
          + " (" + scanned.format() + ")"));
    } else if (image != null) {
      ImageRef ref = ImageRef.parse(image);
      Trivy trivy = Trivy.onPath(environment).orElseThrow(() -> new InputException(
          "Trivy is not installed, so Ferry cannot scan " + image + " itself", null,
          "install trivy on the agent, or scan with another tool and pass its report with --report FILE"
              + " (Trivy JSON, Grype JSON or SARIF)", null));
      scanned = trivy.scan(ref, Trivy.scanners(rules), access, listener);
    } else {
      throw new InputException("give an image to scan (--image) or a scanner's report (--report)");
    }
    Verdict verdict = rules.evaluate(scanned, image, LocalDate.now(clock));
    for (ScanPolicy.Ignore e : verdict.expiredIgnores()) {
      listener.on(FerryEvent.warn("scan", "ignore entry for " + e.describe() + " at " + e.location()
          + " expired on " + e.expires() + ": renew it with a reason or remove it"));
    }
    for (ScanPolicy.Ignore e : verdict.lapsedIgnores()) {
      listener.on(FerryEvent.warn("scan", "ignore entry for " + e.describe() + " at " + e.location()
          + " expired on " + e.expires() + ", so it no longer applies"));
    }
    if (sarif != null) {
      JUnitXml.writeText(sarif, ScanOutputs.sarif(verdict, sarifArtifact));
    }
    if (junit != null) {
      JUnitXml.writeText(junit, ScanOutputs.junit(verdict));
    }
    if (markdown != null) {
      JUnitXml.writeText(markdown, ScanOutputs.markdown(verdict));
    }
    return verdict;
  }
}
