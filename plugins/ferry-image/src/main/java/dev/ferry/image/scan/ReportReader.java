package dev.ferry.image.scan;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.core.InputException;
import dev.ferry.core.SourceLocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a vulnerability report, detecting its format: Trivy JSON ({@code trivy image --format
 * json}), Grype JSON ({@code grype -o json}) or SARIF 2.1.0 (from either, or any scanner that
 * writes {@code security-severity}).
 *
 * <pre>{@code ScanReport report = ReportReader.read(Path.of("trivy.json"));}</pre>
 */
public final class ReportReader {

  static final String EXPECTED = "expected a Trivy JSON report (top-level \"Results\"), a Grype JSON"
      + " report (top-level \"matches\") or SARIF 2.1.0 (\"version\": \"2.1.0\" and \"runs\")";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern MESSAGE_FIELD = Pattern.compile("(?m)^(Package|Installed Version|Version|Fixed Version|Fix Version|Severity|Vulnerability|Target|Line)(?::[ \\t]*| )(.*)$");

  private ReportReader() {
  }

  /**
   * Reads {@code file}.
   *
   * @throws InputException when it cannot be read, is not JSON, or is none of the known formats,
   *     naming the file and what was expected
   */
  public static ScanReport read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InputException("the report " + file + " does not exist");
    } catch (IOException e) {
      throw new InputException("cannot read the report " + file + ": " + e.getMessage());
    }
    return parse(file.toString(), bytes);
  }

  /** Parses a report's bytes, naming {@code file} in errors. */
  public static ScanReport parse(String file, byte[] bytes) {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      JsonLocation l = e.getLocation();
      throw new InputException("the report is not valid JSON (" + e.getOriginalMessage() + "); " + EXPECTED,
          SourceLocation.of(file, l == null ? 0 : l.getLineNr(), l == null ? 0 : l.getColumnNr()), null, null);
    } catch (IOException e) {
      throw new InputException("cannot read the report " + file + ": " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InputException("the report " + file + " is not a JSON object; " + EXPECTED);
    }
    if (root.has("runs") && root.path("version").asText().equals("2.1.0")) {
      return sarif(file, root);
    }
    if (root.has("matches")) {
      return grype(file, root);
    }
    if (root.has("Results") || root.has("SchemaVersion") && root.has("ArtifactName")) {
      return trivy(file, root);
    }
    if (root.has("runs")) {
      throw new InputException("the report " + file + " looks like SARIF but its version is '"
          + root.path("version").asText() + "'; " + EXPECTED);
    }
    if (root.path("bomFormat").asText("").equals("CycloneDX")) {
      throw new InputException("the report " + file + " is a CycloneDX SBOM (a list of components), not a list of"
          + " vulnerabilities; " + EXPECTED, null, "scan the SBOM (trivy sbom FILE --format json, grype sbom:FILE -o json)"
          + " and pass that report; a CycloneDX VEX (analysis.state on its vulnerabilities) goes to --vex FILE", null);
    }
    throw new InputException("the report " + file + " is not a known vulnerability report; " + EXPECTED);
  }

  private static InputException malformed(String file, String format, String what) {
    return new InputException("the " + format + " report " + file + " is malformed: " + what);
  }

  private static ScanReport trivy(String file, JsonNode root) {
    JsonNode results = root.path("Results");
    if (!results.isMissingNode() && !results.isNull() && !results.isArray()) {
      throw malformed(file, "Trivy", "\"Results\" must be a list");
    }
    List<Finding> findings = new ArrayList<>();
    int r = 0;
    for (JsonNode result : results) {
      JsonNode vulns = list(file, result, "Vulnerabilities", r);
      String type = result.path("Type").asText("");
      int v = 0;
      for (JsonNode vuln : vulns) {
        String id = vuln.path("VulnerabilityID").asText("");
        if (id.isEmpty()) {
          throw malformed(file, "Trivy", "Results[" + r + "].Vulnerabilities[" + v + "] has no VulnerabilityID");
        }
        String fixed = vuln.path("FixedVersion").asText("");
        String status = vuln.path("Status").asText("");
        Finding.Fix fix = switch (status) {
          case "fixed" -> Finding.Fix.FIXED;
          case "will_not_fix" -> Finding.Fix.WONT_FIX;
          case "end_of_life" -> Finding.Fix.END_OF_LIFE;
          case "" -> fixed.isEmpty() ? Finding.Fix.NOT_FIXED : Finding.Fix.FIXED;
          // affected, fix_deferred, under_investigation, unknown: no fixed version to upgrade to
          default -> Finding.Fix.NOT_FIXED;
        };
        List<String> aliases = new ArrayList<>();
        vuln.path("VendorIDs").forEach(n -> aliases.add(n.asText()));
        findings.add(new Finding(id, vuln.path("PkgName").asText(""), vuln.path("InstalledVersion").asText(""),
            fixed.isEmpty() ? null : fixed, fix,
            Severity.of(vuln.path("Severity").asText()).orElse(Severity.UNKNOWN),
            vuln.path("Title").asText(""), result.path("Target").asText(""), aliases, trivyScore(vuln.path("CVSS")),
            Finding.Kind.VULNERABILITY, 0, vuln.path("PkgIdentifier").path("PURL").asText(""), type, status));
        v++;
      }
      // Match and Code carry the secret itself: only the rule, title and place are read
      int s = 0;
      for (JsonNode secret : list(file, result, "Secrets", r)) {
        String rule = secret.path("RuleID").asText("");
        if (rule.isEmpty()) {
          throw malformed(file, "Trivy", "Results[" + r + "].Secrets[" + s + "] has no RuleID");
        }
        findings.add(Finding.atLine(Finding.Kind.SECRET, rule,
            Severity.of(secret.path("Severity").asText()).orElse(Severity.UNKNOWN), secret.path("Title").asText(""),
            result.path("Target").asText(""), secret.path("StartLine").asInt(0), List.of()));
        s++;
      }
      int m = 0;
      for (JsonNode misconf : list(file, result, "Misconfigurations", r)) {
        String id = misconf.path("ID").asText("");
        if (id.isEmpty()) {
          throw malformed(file, "Trivy", "Results[" + r + "].Misconfigurations[" + m + "] has no ID");
        }
        // with --include-non-failures Trivy lists passed checks too: only failures are findings
        String status = misconf.path("Status").asText("FAIL");
        if (status.equals("FAIL")) {
          String avd = misconf.path("AVDID").asText("");
          findings.add(Finding.atLine(Finding.Kind.MISCONFIGURATION, id,
              Severity.of(misconf.path("Severity").asText()).orElse(Severity.UNKNOWN), misconf.path("Title").asText(""),
              result.path("Target").asText(""), misconf.path("CauseMetadata").path("StartLine").asInt(0),
              avd.isEmpty() || avd.equals(id) ? List.of() : List.of(avd)));
        }
        m++;
      }
      r++;
    }
    String image = root.path("ArtifactName").asText("");
    return new ScanReport("trivy", image.isEmpty() ? null : image, findings,
        digestOf(root.path("Metadata").path("RepoDigests").path(0).asText("")));
  }

  private static JsonNode list(String file, JsonNode result, String field, int r) {
    JsonNode list = result.path(field);
    if (!list.isMissingNode() && !list.isNull() && !list.isArray()) {
      throw malformed(file, "Trivy", "Results[" + r + "]." + field + " must be a list");
    }
    return list;
  }

  private static ScanReport grype(String file, JsonNode root) {
    JsonNode matches = root.path("matches");
    if (!matches.isArray()) {
      throw malformed(file, "Grype", "\"matches\" must be a list");
    }
    List<Finding> findings = new ArrayList<>();
    int i = 0;
    for (JsonNode match : matches) {
      JsonNode vuln = match.path("vulnerability");
      String id = vuln.path("id").asText("");
      if (id.isEmpty()) {
        throw malformed(file, "Grype", "matches[" + i + "].vulnerability has no id");
      }
      JsonNode fixNode = vuln.path("fix");
      List<String> versions = new ArrayList<>();
      fixNode.path("versions").forEach(n -> versions.add(n.asText()));
      String state = fixNode.path("state").asText("");
      // Grype's own --only-fixed keeps only "fixed"; "unknown" and an empty state are no fix to apply
      Finding.Fix fix = switch (state) {
        case "fixed" -> Finding.Fix.FIXED;
        case "wont-fix" -> Finding.Fix.WONT_FIX;
        default -> Finding.Fix.NOT_FIXED;
      };
      List<String> aliases = new ArrayList<>();
      match.path("relatedVulnerabilities").forEach(n -> {
        String alias = n.path("id").asText("");
        if (!alias.isEmpty() && !alias.equals(id) && !aliases.contains(alias)) {
          aliases.add(alias);
        }
      });
      JsonNode artifact = match.path("artifact");
      List<String> locations = new ArrayList<>();
      artifact.path("locations").forEach(l -> locations.add(l.path("path").asText()));
      findings.add(new Finding(id, artifact.path("name").asText(""), artifact.path("version").asText(""),
          versions.isEmpty() ? null : String.join(", ", versions), fix,
          Severity.of(vuln.path("severity").asText()).orElse(Severity.UNKNOWN),
          vuln.path("description").asText(""), String.join(", ", locations), aliases, grypeScore(vuln.path("cvss")),
          Finding.Kind.VULNERABILITY, 0, artifact.path("purl").asText(""), artifact.path("type").asText(""), state));
      i++;
    }
    JsonNode target = root.path("source").path("target");
    String image = target.path("userInput").asText("");
    String digest = digestOf(target.path("repoDigests").path(0).asText(""));
    return new ScanReport("grype", image.isEmpty() ? null : image, findings,
        digest != null ? digest : digestOf(target.path("manifestDigest").asText("")));
  }

  private static ScanReport sarif(String file, JsonNode root) {
    if (!root.path("runs").isArray()) {
      throw malformed(file, "SARIF", "\"runs\" must be a list");
    }
    List<Finding> findings = new ArrayList<>();
    int runIndex = 0;
    for (JsonNode run : root.path("runs")) {
      String tool = run.path("tool").path("driver").path("name").asText("").toLowerCase(java.util.Locale.ROOT);
      Map<String, JsonNode> rules = new HashMap<>();
      List<JsonNode> ruleList = new ArrayList<>();
      run.path("tool").path("driver").path("rules").forEach(ruleList::add);
      // CodeQL 2.x keeps its query rules in the extensions (query packs), not the driver
      run.path("tool").path("extensions").forEach(ext -> ext.path("rules").forEach(ruleList::add));
      for (JsonNode rule : ruleList) {
        rules.putIfAbsent(rule.path("id").asText(), rule);
      }
      int i = 0;
      for (JsonNode result : run.path("results")) {
        String ruleId = result.path("ruleId").asText("");
        if (ruleId.isEmpty()) {
          ruleId = result.path("rule").path("id").asText("");
        }
        if (ruleId.isEmpty()) {
          throw malformed(file, "SARIF", "runs[" + runIndex + "].results[" + i + "] has no ruleId");
        }
        JsonNode rule = rules.getOrDefault(ruleId, JSON.createObjectNode());
        String message = result.path("message").path("text").asText("");
        // Trivy and Ferry write the finding's fields into the message, Grype into the rule's help text
        Map<String, String> fields = new HashMap<>();
        for (String text : List.of(rule.path("help").path("text").asText(""), message)) {
          Matcher m = MESSAGE_FIELD.matcher(text);
          while (m.find()) {
            fields.put(m.group(1), m.group(2).trim());
          }
        }
        String id = vulnerabilityId(tool, ruleId, fields);
        Double score = score(rule, result);
        Severity severity = severity(rule, result, fields, score);
        String fixed = fields.containsKey("Fixed Version") ? fields.get("Fixed Version") : fields.get("Fix Version");
        Finding.Fix fix = fixed == null ? Finding.Fix.UNKNOWN
            : fixed.isEmpty() ? Finding.Fix.NOT_FIXED : Finding.Fix.FIXED;
        String title = rule.path("shortDescription").path("text").asText("");
        String target = result.path("locations").path(0).path("physicalLocation")
            .path("artifactLocation").path("uri").asText("");
        String installed = fields.containsKey("Installed Version") ? fields.get("Installed Version")
            : fields.getOrDefault("Version", "");
        Finding.Kind kind = kind(rule);
        if (kind != Finding.Kind.VULNERABILITY) {
          // Trivy's own SARIF quotes the secret's match in the message: only the rule and the place are kept
          JsonNode region = result.path("locations").path(0).path("physicalLocation").path("region");
          int line = fields.containsKey("Line") ? parseLine(fields.get("Line")) : region.path("startLine").asInt(0);
          findings.add(Finding.atLine(kind, id, severity, rule.path("shortDescription").path("text").asText(""),
              fields.getOrDefault("Target", target), line, List.of()));
          i++;
          continue;
        }
        findings.add(new Finding(id, fields.getOrDefault("Package", ""), installed,
            fixed == null || fixed.isEmpty() ? null : fixed,
            fix, severity, title.isEmpty() ? firstLine(message) : title, target, List.of(), score));
        i++;
      }
      runIndex++;
    }
    return new ScanReport("sarif", null, findings);
  }

  /**
   * The vulnerability id as each producer writes it: Grype's rule ids are {@code <id>-<package>}
   * and its help text starts {@code Vulnerability <id>}; Trivy, Ferry and other tools use the rule id.
   */
  private static String vulnerabilityId(String tool, String ruleId, Map<String, String> fields) {
    String named = fields.get("Vulnerability");
    if (named != null && !named.isEmpty() && ruleId.startsWith(named)) {
      return named;
    }
    if (tool.equals("grype")) {
      String pkg = fields.get("Package");
      if (pkg != null && !pkg.isEmpty() && ruleId.endsWith("-" + pkg)) {
        return ruleId.substring(0, ruleId.length() - pkg.length() - 1);
      }
    }
    return ruleId;
  }

  /** Trivy and Ferry tag their SARIF rules {@code secret} or {@code misconfiguration}. */
  private static Finding.Kind kind(JsonNode rule) {
    for (JsonNode tag : rule.path("properties").path("tags")) {
      switch (tag.asText("")) {
        case "secret" -> {
          return Finding.Kind.SECRET;
        }
        case "misconfiguration" -> {
          return Finding.Kind.MISCONFIGURATION;
        }
        default -> { }
      }
    }
    return Finding.Kind.VULNERABILITY;
  }

  private static int parseLine(String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static Double score(JsonNode rule, JsonNode result) {
    for (JsonNode props : List.of(result.path("properties"), rule.path("properties"))) {
      String text = props.path("security-severity").asText("");
      if (!text.isEmpty()) {
        try {
          return Double.parseDouble(text);
        } catch (NumberFormatException ignored) {
          // not a score: the other signals decide
        }
      }
    }
    return null;
  }

  /**
   * The scanner's own severity where the SARIF carries it ({@code Severity:} in the message or the
   * rule's help, as Trivy, Grype and Ferry write it); else the {@code security-severity} score in
   * GitHub's bands; else the result's level (error HIGH, warning MEDIUM, note LOW).
   */
  private static Severity severity(JsonNode rule, JsonNode result, Map<String, String> fields, Double score) {
    Optional<Severity> own = Severity.of(fields.get("Severity"));
    if (own.isPresent()) {
      return own.get();
    }
    if (score != null) {
      return Severity.ofScore(score);
    }
    String level = result.path("level").asText(rule.path("defaultConfiguration").path("level").asText("warning"));
    return switch (level) {
      case "error" -> Severity.HIGH;
      case "warning" -> Severity.MEDIUM;
      case "note" -> Severity.LOW;
      default -> Severity.UNKNOWN;
    };
  }

  /** Trivy's CVSS: the NVD v3 score, else the first source's v3 (or v2) score. */
  private static Double trivyScore(JsonNode cvss) {
    JsonNode nvd = cvss.path("nvd");
    if (nvd.path("V3Score").isNumber()) {
      return nvd.path("V3Score").asDouble();
    }
    for (JsonNode source : cvss) {
      if (source.path("V3Score").isNumber()) {
        return source.path("V3Score").asDouble();
      }
    }
    for (JsonNode source : cvss) {
      if (source.path("V2Score").isNumber()) {
        return source.path("V2Score").asDouble();
      }
    }
    return null;
  }

  /** Grype's CVSS: the highest base score of version 3, else of any version. */
  private static Double grypeScore(JsonNode cvss) {
    Double best = null;
    Double any = null;
    for (JsonNode c : cvss) {
      JsonNode base = c.path("metrics").path("baseScore");
      if (base.isNumber()) {
        double v = base.asDouble();
        any = any == null ? v : Math.max(any, v);
        if (c.path("version").asText("").startsWith("3")) {
          best = best == null ? v : Math.max(best, v);
        }
      }
    }
    return best != null ? best : any;
  }

  /** The {@code sha256:...} of {@code repo@sha256:...} or of a bare digest; null when there is none. */
  private static String digestOf(String text) {
    int at = text.indexOf("sha256:");
    return at < 0 ? null : text.substring(at);
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
