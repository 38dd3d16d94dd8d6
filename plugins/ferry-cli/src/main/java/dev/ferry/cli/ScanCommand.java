package dev.ferry.cli;

import dev.ferry.core.InputException;
import dev.ferry.core.image.ImageRef;
import dev.ferry.image.scan.Finding;
import dev.ferry.image.scan.Scan;
import dev.ferry.image.scan.ScanPolicy;
import dev.ferry.image.scan.Severity;
import dev.ferry.image.scan.Verdict;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ferry scan}: judges an image's vulnerabilities with a policy. Exit 1 when it blocks.
 *
 * <pre>
 * ferry scan --report trivy.json --policy scan-policy.yaml --sarif scan.sarif --junit scan.xml
 * ferry scan --image registry.example.com/shop/web:1.4.2 --fail-on CRITICAL
 * </pre>
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
    description = "Scan an image with Trivy, or read a Trivy/Grype/SARIF report, and apply a policy. Exit 1 when it blocks.")
final class ScanCommand implements Callable<Integer> {

  @Spec
  CommandLine.Model.CommandSpec spec;
  @Mixin
  CommonOptions common;

  @Option(names = "--image", paramLabel = "IMAGE", description = "The image: scanned with Trivy when no --report is given.")
  String image;
  @Option(names = "--report", paramLabel = "FILE", description = "A scanner's report: Trivy JSON, Grype JSON or SARIF 2.1.0.")
  Path report;
  @Option(names = "--policy", paramLabel = "FILE", description = "The policy (YAML). Default: block CRITICAL and HIGH findings that have a fix.")
  Path policy;
  @Option(names = "--fail-on", paramLabel = "SEVERITY", description = "Block findings at or above SEVERITY (CRITICAL, HIGH, MEDIUM, LOW).")
  String failOn;
  @Option(names = "--sarif", paramLabel = "FILE", description = "Write SARIF 2.1.0 (GitHub code scanning).")
  Path sarif;
  @Option(names = "--sarif-location", paramLabel = "PATH", defaultValue = "Dockerfile",
      description = "The repository file SARIF results point at (default: Dockerfile).")
  String sarifLocation;
  @Option(names = "--junit", paramLabel = "FILE", description = "Write JUnit XML: one test case per finding.")
  Path junit;
  @Option(names = "--markdown", paramLabel = "FILE", description = "Write a Markdown summary.")
  Path markdown;
  @Option(names = "--vex", paramLabel = "FILE",
      description = "An OpenVEX or CycloneDX VEX document: its not_affected and fixed statements suppress findings (repeatable).")
  List<Path> vex = new java.util.ArrayList<>();
  @Option(names = "--ignore-file", paramLabel = "FILE",
      description = "A .trivyignore, .trivyignore.yaml or .grype.yaml whose entries Ferry applies as ignores (repeatable).")
  List<Path> ignoreFiles = new java.util.ArrayList<>();
  @Option(names = "--insecure-registry", description = "The image's registry serves plain HTTP (for Trivy).")
  boolean insecure;

  @Override
  public Integer call() {
    Console console = Console.of(spec.commandLine());
    ImageRef ref = image == null ? null : ImageRef.parse(image);
    ScanPolicy rules = policy == null ? ScanPolicy.defaults() : ScanPolicy.read(policy);
    if (failOn != null) {
      rules = rules.withFailOn(Severity.of(failOn).orElseThrow(() -> new InputException(
          "--fail-on '" + failOn + "' is not a severity (valid: CRITICAL, HIGH, MEDIUM, LOW, NEGLIGIBLE, UNKNOWN)")));
    }
    Verdict v = new Scan()
        .image(image)
        .report(report)
        .policy(rules)
        .sarif(sarif)
        .sarifArtifact(sarifLocation)
        .junit(junit)
        .markdown(markdown)
        .vex(vex)
        .ignoreFiles(ignoreFiles)
        .access(ImageOptions.access(ref, insecure))
        .listener(console)
        .call();
    console.result(json(v), human(v));
    if (!v.passed()) {
      console.say("ferry: scan blocked " + (v.image() == null ? "the image" : v.image()) + ": "
          + v.blocking().size() + " blocking finding(s)"
          + (v.expiredIgnores().isEmpty() ? "" : ", " + v.expiredIgnores().size() + " expired ignore entry(ies)"));
      return 1;
    }
    return 0;
  }

  private static Map<String, Object> json(Verdict v) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("image", v.image());
    root.put("format", v.format());
    root.put("passed", v.passed());
    root.put("failOn", v.failOn().name());
    root.put("onlyFixable", v.onlyFixable());
    root.put("blocking", v.blocking().stream().map(d -> finding(d.finding(), d.why())).toList());
    root.put("suppressed", v.suppressed().stream().map(d -> {
      Map<String, Object> m = finding(d.finding(), d.why());
      Map<String, Object> statement = new LinkedHashMap<>();
      statement.put("status", d.vex().status().word());
      statement.put("justification", d.vex().justification());
      statement.put("document", d.vex().document());
      m.put("vex", statement);
      return m;
    }).toList());
    root.put("expiredIgnores", v.expiredIgnores().stream().map(e -> Map.of(
        "id", e.describe(), "expires", e.expires().toString(), "location", e.location().toString())).toList());
    if (!v.lapsedIgnores().isEmpty()) {
      root.put("lapsedIgnores", v.lapsedIgnores().stream().map(e -> Map.of(
          "id", e.describe(), "expires", e.expires().toString(), "location", e.location().toString())).toList());
    }
    if (!v.notJudged().isEmpty()) {
      Map<String, Long> off = new LinkedHashMap<>();
      for (Finding.Kind k : Finding.Kind.values()) {
        long n = v.notJudged().stream().filter(f -> f.kind() == k).count();
        if (n > 0) {
          off.put(k.word() + "s", n);
        }
      }
      root.put("notJudged", off);
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    for (Verdict.Outcome o : Verdict.Outcome.values()) {
      counts.put(o.name().toLowerCase(java.util.Locale.ROOT), v.count(o));
    }
    root.put("counts", counts);
    return root;
  }

  private static Map<String, Object> finding(Finding f, String why) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", f.kind().word());
    m.put("id", f.id());
    if (f.kind() != Finding.Kind.VULNERABILITY) {
      // the rule and the place only: a secret's match text is never read, so never printed
      m.put("title", f.title());
      m.put("target", f.target());
      m.put("line", f.line());
      m.put("severity", f.severity().name());
      m.put("why", why);
      return m;
    }
    m.put("package", f.packageName());
    m.put("installedVersion", f.installedVersion());
    m.put("fixedVersion", f.fixedVersion());
    m.put("severity", f.severity().name());
    m.put("fix", f.fix().name().toLowerCase(java.util.Locale.ROOT));
    if (!f.aliases().isEmpty()) {
      m.put("aliases", f.aliases());
    }
    if (f.score() != null) {
      m.put("score", f.score());
    }
    m.put("why", why);
    return m;
  }

  private static String human(Verdict v) {
    StringBuilder s = new StringBuilder();
    s.append(v.passed() ? "PASSED" : "BLOCKED").append(": ")
        .append(v.count(Verdict.Outcome.BLOCKING)).append(" blocking, ")
        .append(v.count(Verdict.Outcome.ALLOWED)).append(" allowed, ")
        .append(v.count(Verdict.Outcome.IGNORED)).append(" ignored")
        .append(v.count(Verdict.Outcome.SUPPRESSED) == 0 ? "" : ", " + v.count(Verdict.Outcome.SUPPRESSED) + " suppressed")
        .append(" (")
        .append(v.failOn()).append(" and above").append(v.onlyFixable() ? ", fixable only" : "").append(")\n");
    List<Verdict.Decision> blocking = v.blocking();
    for (Verdict.Decision d : blocking) {
      s.append("  blocking: ").append(d.finding().describe()).append('\n');
    }
    // findings the vendor will never fix pass under onlyFixable: say so, they need another remedy
    for (Verdict.Decision d : v.decisions()) {
      if (d.outcome() == Verdict.Outcome.ALLOWED && (d.finding().fix() == dev.ferry.image.scan.Finding.Fix.WONT_FIX
          || d.finding().fix() == dev.ferry.image.scan.Finding.Fix.END_OF_LIFE) && d.finding().severity().atLeast(v.failOn())) {
        s.append("  allowed, ").append(d.why()).append(": ").append(d.finding().describe()).append('\n');
      }
    }
    for (Verdict.Decision d : v.suppressed()) {
      s.append("  suppressed by VEX: ").append(d.finding().describe()).append(": ").append(d.vex().describe()).append('\n');
    }
    v.expiredIgnores().forEach(e -> s.append("  expired ignore entry: ").append(e.describe()).append(" at ")
        .append(e.location()).append(" (expired on ").append(e.expires()).append("; renew or remove it)\n"));
    v.lapsedIgnores().forEach(e -> s.append("  ignore entry no longer applies: ").append(e.describe()).append(" at ")
        .append(e.location()).append(" (expired on ").append(e.expires()).append(")\n"));
    if (!v.notJudged().isEmpty()) {
      s.append("  ").append(dev.ferry.image.scan.ScanOutputs.notJudged(v)).append('\n');
    }
    return s.toString();
  }
}
