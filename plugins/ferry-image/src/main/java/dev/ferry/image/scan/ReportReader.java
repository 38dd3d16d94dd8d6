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
  private static final Pattern MESSAGE_FIELD = Pattern.compile("(?m)^(Package|Installed Version|Fixed Version|Severity):[ \\t]*(.*)$");

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
      JsonNode vulns = result.path("Vulnerabilities");
      if (!vulns.isMissingNode() && !vulns.isNull() && !vulns.isArray()) {
        throw malformed(file, "Trivy", "Results[" + r + "].Vulnerabilities must be a list");
      }
      int v = 0;
      for (JsonNode vuln : vulns) {
        String id = vuln.path("VulnerabilityID").asText("");
        if (id.isEmpty()) {
          throw malformed(file, "Trivy", "Results[" + r + "].Vulnerabilities[" + v + "] has no VulnerabilityID");
        }
        String fixed = vuln.path("FixedVersion").asText("");
        String status = vuln.path("Status").asText("");
        Finding.Fix fix = !fixed.isEmpty() ? Finding.Fix.FIXED
            : status.isEmpty() ? Finding.Fix.NOT_FIXED
            : status.equals("fixed") ? Finding.Fix.FIXED : Finding.Fix.NOT_FIXED;
        findings.add(new Finding(id, vuln.path("PkgName").asText(""), vuln.path("InstalledVersion").asText(""),
            fixed.isEmpty() ? null : fixed, fix,
            Severity.of(vuln.path("Severity").asText()).orElse(Severity.UNKNOWN),
            vuln.path("Title").asText(""), result.path("Target").asText("")));
        v++;
      }
      r++;
    }
    String image = root.path("ArtifactName").asText("");
    return new ScanReport("trivy", image.isEmpty() ? null : image, findings);
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
      String state = fixNode.path("state").asText("unknown");
      Finding.Fix fix = switch (state) {
        case "fixed" -> Finding.Fix.FIXED;
        case "not-fixed", "wont-fix" -> Finding.Fix.NOT_FIXED;
        default -> versions.isEmpty() ? Finding.Fix.UNKNOWN : Finding.Fix.FIXED;
      };
      JsonNode artifact = match.path("artifact");
      List<String> locations = new ArrayList<>();
      artifact.path("locations").forEach(l -> locations.add(l.path("path").asText()));
      findings.add(new Finding(id, artifact.path("name").asText(""), artifact.path("version").asText(""),
          versions.isEmpty() ? null : String.join(", ", versions), fix,
          Severity.of(vuln.path("severity").asText()).orElse(Severity.UNKNOWN),
          vuln.path("description").asText(""), String.join(", ", locations)));
      i++;
    }
    String image = root.path("source").path("target").path("userInput").asText("");
    return new ScanReport("grype", image.isEmpty() ? null : image, findings);
  }

  private static ScanReport sarif(String file, JsonNode root) {
    if (!root.path("runs").isArray()) {
      throw malformed(file, "SARIF", "\"runs\" must be a list");
    }
    List<Finding> findings = new ArrayList<>();
    int runIndex = 0;
    for (JsonNode run : root.path("runs")) {
      Map<String, JsonNode> rules = new HashMap<>();
      for (JsonNode rule : run.path("tool").path("driver").path("rules")) {
        rules.put(rule.path("id").asText(), rule);
      }
      int i = 0;
      for (JsonNode result : run.path("results")) {
        String ruleId = result.path("ruleId").asText("");
        if (ruleId.isEmpty()) {
          throw malformed(file, "SARIF", "runs[" + runIndex + "].results[" + i + "] has no ruleId");
        }
        JsonNode rule = rules.getOrDefault(ruleId, JSON.createObjectNode());
        String message = result.path("message").path("text").asText("");
        Map<String, String> fields = new HashMap<>();
        Matcher m = MESSAGE_FIELD.matcher(message);
        while (m.find()) {
          fields.put(m.group(1), m.group(2).trim());
        }
        Severity severity = severity(rule, result, fields);
        String fixed = fields.get("Fixed Version");
        Finding.Fix fix = fixed == null ? Finding.Fix.UNKNOWN
            : fixed.isEmpty() ? Finding.Fix.NOT_FIXED : Finding.Fix.FIXED;
        String title = rule.path("shortDescription").path("text").asText("");
        String target = result.path("locations").path(0).path("physicalLocation")
            .path("artifactLocation").path("uri").asText("");
        findings.add(new Finding(ruleId, fields.getOrDefault("Package", ""),
            fields.getOrDefault("Installed Version", ""), fixed == null || fixed.isEmpty() ? null : fixed,
            fix, severity, title.isEmpty() ? firstLine(message) : title, target));
        i++;
      }
      runIndex++;
    }
    return new ScanReport("sarif", null, findings);
  }

  private static Severity severity(JsonNode rule, JsonNode result, Map<String, String> fields) {
    String score = rule.path("properties").path("security-severity").asText("");
    if (score.isEmpty()) {
      score = result.path("properties").path("security-severity").asText("");
    }
    if (!score.isEmpty()) {
      try {
        return Severity.ofScore(Double.parseDouble(score));
      } catch (NumberFormatException ignored) {
        // fall through to the other signals
      }
    }
    if (fields.containsKey("Severity")) {
      return Severity.of(fields.get("Severity")).orElse(Severity.UNKNOWN);
    }
    String level = result.path("level").asText(rule.path("defaultConfiguration").path("level").asText("warning"));
    return switch (level) {
      case "error" -> Severity.HIGH;
      case "warning" -> Severity.MEDIUM;
      case "note" -> Severity.LOW;
      default -> Severity.UNKNOWN;
    };
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
