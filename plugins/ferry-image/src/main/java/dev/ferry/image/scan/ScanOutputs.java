package dev.ferry.image.scan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.image.report.JUnitXml;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files a scan writes for people and tools: SARIF 2.1.0 for GitHub code scanning, JUnit XML
 * for CI test reports, and a Markdown summary for job summaries and pull requests.
 *
 * <pre>{@code String sarif = ScanOutputs.sarif(verdict, "Dockerfile");}</pre>
 */
public final class ScanOutputs {

  static final String SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ScanOutputs() {
  }

  /**
   * A SARIF 2.1.0 log with one run: a rule per vulnerability (with {@code security-severity}, which
   * GitHub uses to rank alerts) and a result per finding at {@code artifactUri} (a path in the
   * repository, such as the Dockerfile, because code scanning only shows results with a location).
   * Blocking findings are errors, others warnings or notes; ignored ones carry a suppression with
   * the reason.
   */
  public static String sarif(Verdict verdict, String artifactUri) {
    ObjectNode root = JSON.createObjectNode();
    root.put("$schema", SARIF_SCHEMA);
    root.put("version", "2.1.0");
    ObjectNode run = root.putArray("runs").addObject();
    ObjectNode driver = run.putObject("tool").putObject("driver");
    driver.put("name", "ferry-scan");
    driver.put("informationUri", "https://github.com/ferry-dev/ferry");
    ArrayNode rules = driver.putArray("rules");
    Map<String, Integer> ruleIndex = new LinkedHashMap<>();
    ArrayNode results = run.putArray("results");
    for (Verdict.Decision d : verdict.decisions()) {
      Finding f = d.finding();
      Integer index = ruleIndex.get(f.id());
      if (index == null) {
        index = ruleIndex.size();
        ruleIndex.put(f.id(), index);
        ObjectNode rule = rules.addObject();
        rule.put("id", f.id());
        rule.put("name", f.id().replaceAll("[^A-Za-z0-9]", ""));
        rule.putObject("shortDescription").put("text", f.title().isEmpty() ? f.id() : f.title());
        rule.putObject("fullDescription").put("text", f.title().isEmpty() ? f.id() : f.title());
        rule.putObject("defaultConfiguration").put("level", level(f.severity()));
        ObjectNode props = rule.putObject("properties");
        // the report's own CVSS score where it gave one; a band's representative score otherwise
        props.put("security-severity", f.score() != null ? String.format(java.util.Locale.ROOT, "%.1f", f.score())
            : f.severity().score());
        props.putArray("tags").add("security").add(f.kind().word()).add(f.severity().name());
      }
      ObjectNode result = results.addObject();
      result.put("ruleId", f.id());
      result.put("ruleIndex", index);
      result.put("level", d.outcome() == Verdict.Outcome.BLOCKING ? "error" : level(f.severity()));
      String ferry = "\nFerry: " + d.outcome().name().toLowerCase(java.util.Locale.ROOT) + " (" + d.why() + ")";
      if (f.kind() == Finding.Kind.VULNERABILITY) {
        result.putObject("message").put("text", "Package: " + f.packageName()
            + "\nInstalled Version: " + f.installedVersion()
            + "\nVulnerability " + f.id()
            + "\nSeverity: " + f.severity()
            + "\nFixed Version: " + (f.fixedVersion() == null ? "" : f.fixedVersion())
            + ferry);
      } else {
        // the rule, title and place only: never the secret's text
        result.putObject("message").put("text", (f.kind() == Finding.Kind.SECRET ? "Secret " : "Misconfiguration ")
            + f.id() + (f.title().isEmpty() ? "" : ": " + f.title())
            + "\nTarget: " + f.target()
            + "\nLine: " + f.line()
            + "\nSeverity: " + f.severity()
            + ferry);
      }
      ObjectNode location = result.putArray("locations").addObject();
      ObjectNode physical = location.putObject("physicalLocation");
      physical.putObject("artifactLocation").put("uri", artifactUri);
      physical.putObject("region").put("startLine", 1);
      if (verdict.image() != null) {
        location.putObject("message").put("text", verdict.image() + ": " + (f.kind() == Finding.Kind.VULNERABILITY
            ? f.packageName() + "@" + f.installedVersion() : f.where()));
      }
      if (d.outcome() == Verdict.Outcome.IGNORED) {
        result.putArray("suppressions").addObject().put("kind", "external").put("justification", d.why());
      } else if (d.outcome() == Verdict.Outcome.SUPPRESSED) {
        ObjectNode suppression = result.putArray("suppressions").addObject();
        suppression.put("kind", "external").put("status", "accepted").put("justification", d.why());
        ObjectNode vex = suppression.putObject("properties").putObject("vex");
        vex.put("status", d.vex().status().word());
        vex.put("justification", d.vex().justification());
        vex.put("document", d.vex().document());
      }
    }
    return write(root);
  }

  private static String level(Severity s) {
    return switch (s) {
      case CRITICAL, HIGH -> "error";
      case MEDIUM -> "warning";
      default -> "note";
    };
  }

  /** JUnit XML: one test case per finding; blocking ones fail, ignored ones are skipped. */
  public static String junit(Verdict verdict) {
    List<JUnitXml.TestCase> cases = new ArrayList<>();
    for (Verdict.Decision d : verdict.decisions()) {
      Finding f = d.finding();
      String className = f.kind() != Finding.Kind.VULNERABILITY ? "scan." + f.kind().word()
          : "scan." + (f.packageName().isEmpty() ? "image" : f.packageName());
      String name = f.kind() != Finding.Kind.VULNERABILITY ? f.id() + " at " + f.where()
          : f.id() + " in " + f.packageName() + " " + f.installedVersion();
      cases.add(switch (d.outcome()) {
        case BLOCKING -> JUnitXml.TestCase.failed(className, name, f.severity().name(), f.describe() + ": " + d.why());
        case IGNORED, SUPPRESSED -> JUnitXml.TestCase.skipped(className, name, d.why());
        case ALLOWED -> JUnitXml.TestCase.passed(className, name);
      });
    }
    for (ScanPolicy.Ignore e : verdict.expiredIgnores()) {
      cases.add(JUnitXml.TestCase.failed("scan.policy", "ignore entry " + e.id() + " at " + e.location(),
          "expired", "expired on " + e.expires() + ": renew it with a new reason or remove it"));
    }
    return JUnitXml.render("ferry scan" + (verdict.image() == null ? "" : " " + verdict.image()), cases);
  }

  /** A Markdown summary: the verdict, the blocking findings, and counts by outcome and severity. */
  public static String markdown(Verdict verdict) {
    StringBuilder md = new StringBuilder();
    md.append("## Vulnerability scan").append(verdict.image() == null ? "" : ": `" + verdict.image() + "`").append("\n\n");
    md.append(verdict.passed() ? "**Passed**" : "**Blocked**")
        .append(": ").append(verdict.count(Verdict.Outcome.BLOCKING)).append(" blocking, ")
        .append(verdict.count(Verdict.Outcome.ALLOWED)).append(" allowed, ")
        .append(verdict.count(Verdict.Outcome.IGNORED)).append(" ignored")
        .append(verdict.count(Verdict.Outcome.SUPPRESSED) == 0 ? ""
            : ", " + verdict.count(Verdict.Outcome.SUPPRESSED) + " suppressed by VEX")
        .append(" (policy: ")
        .append(verdict.failOn()).append(" and above").append(verdict.onlyFixable() ? ", fixable only" : "")
        .append("; report: ").append(verdict.format()).append(")\n\n");
    if (!verdict.blocking().isEmpty()) {
      md.append("### Blocking\n\n| Vulnerability | Package | Installed | Fixed in | Severity |\n|---|---|---|---|---|\n");
      for (Verdict.Decision d : verdict.blocking()) {
        Finding f = d.finding();
        if (f.kind() != Finding.Kind.VULNERABILITY) {
          md.append("| ").append(cell(f.id())).append(" (").append(f.kind().word()).append(") | ")
              .append(cell(f.where())).append(" |  |  | ").append(f.severity()).append(" |\n");
          continue;
        }
        md.append("| ").append(cell(f.id())).append(" | ").append(cell(f.packageName())).append(" | ")
            .append(cell(f.installedVersion())).append(" | ")
            .append(cell(f.fixedVersion() == null ? "" : f.fixedVersion())).append(" | ")
            .append(f.severity()).append(" |\n");
      }
      md.append('\n');
    }
    if (!verdict.expiredIgnores().isEmpty()) {
      md.append("### Expired ignore entries\n\n");
      for (ScanPolicy.Ignore e : verdict.expiredIgnores()) {
        md.append("- ").append(cell(e.id())).append(" (").append(e.location()).append("): expired on ")
            .append(e.expires()).append("\n");
      }
      md.append('\n');
    }
    if (!verdict.lapsedIgnores().isEmpty()) {
      md.append("### Ignore file entries that expired (no longer applied)\n\n");
      for (ScanPolicy.Ignore e : verdict.lapsedIgnores()) {
        md.append("- ").append(cell(e.describe())).append(" (").append(e.location()).append("): expired on ")
            .append(e.expires()).append("\n");
      }
      md.append('\n');
    }
    if (!verdict.suppressed().isEmpty()) {
      md.append("### Suppressed by VEX\n\n");
      for (Verdict.Decision d : verdict.suppressed()) {
        md.append("- ").append(cell(d.finding().id())).append(" in ").append(cell(d.finding().packageName()))
            .append(": ").append(cell(d.vex().describe())).append('\n');
      }
      md.append('\n');
    }
    if (!verdict.notJudged().isEmpty()) {
      md.append(notJudged(verdict)).append("\n\n");
    }
    List<Verdict.Decision> ignored = verdict.decisions().stream()
        .filter(d -> d.outcome() == Verdict.Outcome.IGNORED).toList();
    if (!ignored.isEmpty()) {
      md.append("### Ignored\n\n");
      for (Verdict.Decision d : ignored) {
        md.append("- ").append(cell(d.finding().id())).append(" in ").append(cell(d.finding().packageName()))
            .append(": ").append(cell(d.why())).append('\n');
      }
      md.append('\n');
    }
    md.append("| Severity | Findings |\n|---|---|\n");
    for (int i = Severity.values().length - 1; i >= 0; i--) {
      Severity s = Severity.values()[i];
      long n = verdict.decisions().stream().filter(d -> d.finding().severity() == s).count();
      if (n > 0) {
        md.append("| ").append(s).append(" | ").append(n).append(" |\n");
      }
    }
    return md.toString();
  }

  /**
   * {@code 1 misconfiguration not judged: the policy leaves misconfigurations off
   * (misconfigurations: {failOn: HIGH} turns them on)}; empty when every finding was judged.
   */
  public static String notJudged(Verdict verdict) {
    List<String> parts = new ArrayList<>();
    for (Finding.Kind kind : Finding.Kind.values()) {
      long n = verdict.notJudged().stream().filter(f -> f.kind() == kind).count();
      if (n > 0) {
        String plural = kind.word() + "s";
        parts.add(n + " " + (n == 1 ? kind.word() : plural) + " not judged: the policy leaves " + plural
            + " off (" + plural + ": {failOn: HIGH} turns them on)");
      }
    }
    return String.join("; ", parts);
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }

  private static String write(ObjectNode node) {
    try {
      return JSON.writeValueAsString(node) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
