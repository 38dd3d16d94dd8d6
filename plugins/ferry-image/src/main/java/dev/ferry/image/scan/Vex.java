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
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads VEX documents: OpenVEX ({@code "@context": "https://openvex.dev/ns/..."}, {@code statements[]})
 * and CycloneDX VEX ({@code "bomFormat": "CycloneDX"} with {@code vulnerabilities[]} and their
 * {@code analysis.state}). Statements are numbered from {@code firstOrder}, so that among documents
 * read in turn a later statement wins a timestamp tie.
 *
 * <pre>{@code List<VexStatement> statements = Vex.read(Path.of("web.openvex.json"), 0);}</pre>
 */
public final class Vex {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String EXPECTED = "expected an OpenVEX document (\"@context\": \"https://openvex.dev/ns/...\" and"
      + " \"statements\") or a CycloneDX VEX (\"bomFormat\": \"CycloneDX\" with \"vulnerabilities\")";

  private Vex() {
  }

  /**
   * Reads every statement of {@code file}.
   *
   * @throws InputException when the file is missing, not JSON, of neither format, or a statement
   *     lacks its vulnerability, product or status, naming the file and the field
   */
  public static List<VexStatement> read(Path file, int firstOrder) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InputException("the VEX document " + file + " does not exist");
    } catch (IOException e) {
      throw new InputException("cannot read the VEX document " + file + ": " + e.getMessage());
    }
    return parse(file.toString(), bytes, firstOrder);
  }

  /** Parses a VEX document's bytes, naming {@code file} in errors. */
  public static List<VexStatement> parse(String file, byte[] bytes, int firstOrder) {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      JsonLocation l = e.getLocation();
      throw new InputException("the VEX document is not valid JSON (" + e.getOriginalMessage() + "); " + EXPECTED,
          SourceLocation.of(file, l == null ? 0 : l.getLineNr(), l == null ? 0 : l.getColumnNr()), null, null);
    } catch (IOException e) {
      throw new InputException("cannot read the VEX document " + file + ": " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InputException("the VEX document " + file + " is not a JSON object; " + EXPECTED);
    }
    if (root.has("statements") || root.path("@context").asText("").contains("openvex")) {
      return openVex(file, root, firstOrder);
    }
    if (root.path("bomFormat").asText("").equals("CycloneDX")) {
      return cycloneDx(file, root, firstOrder);
    }
    throw new InputException("the VEX document " + file + " is not a known VEX format; " + EXPECTED);
  }

  private static InputException bad(String file, String field, String what) {
    return new InputException("the VEX document " + file + " is malformed at " + field + ": " + what);
  }

  private static List<VexStatement> openVex(String file, JsonNode root, int order) {
    JsonNode statements = root.path("statements");
    if (!statements.isArray()) {
      throw bad(file, "statements", "must be a list of statements");
    }
    Instant documentTime = time(file, "timestamp", root.path("timestamp"));
    String documentId = root.path("@id").asText("");
    List<VexStatement> out = new ArrayList<>();
    int i = 0;
    for (JsonNode s : statements) {
      String at = "statements[" + i + "]";
      JsonNode vuln = s.path("vulnerability");
      String id;
      List<String> aliases = new ArrayList<>();
      if (vuln.isTextual()) {
        id = vuln.asText(); // OpenVEX before 0.2.0
      } else {
        id = vuln.path("name").asText(vuln.path("@id").asText(""));
        vuln.path("aliases").forEach(a -> aliases.add(a.asText()));
      }
      if (id.isEmpty()) {
        throw bad(file, at + ".vulnerability", "needs the vulnerability's name (e.g. CVE-2024-3094)");
      }
      List<VexStatement.Product> products = new ArrayList<>();
      List<String> statementSubcomponents = new ArrayList<>();
      s.path("subcomponents").forEach(c -> statementSubcomponents.add(productId(c)));
      int p = 0;
      for (JsonNode product : s.path("products")) {
        String pid = productId(product);
        if (pid.isEmpty()) {
          throw bad(file, at + ".products[" + p + "]", "needs an @id (a purl or an image reference)");
        }
        List<String> subs = new ArrayList<>(statementSubcomponents);
        product.path("subcomponents").forEach(c -> subs.add(productId(c)));
        subs.removeIf(String::isEmpty);
        products.add(new VexStatement.Product(pid, subs));
        p++;
      }
      if (products.isEmpty()) {
        throw bad(file, at + ".products", "needs at least one product (the image, or a package in it)");
      }
      String statusText = s.path("status").asText("");
      VexStatement.Status status = switch (statusText) {
        case "not_affected" -> VexStatement.Status.NOT_AFFECTED;
        case "fixed" -> VexStatement.Status.FIXED;
        case "affected" -> VexStatement.Status.AFFECTED;
        case "under_investigation" -> VexStatement.Status.UNDER_INVESTIGATION;
        default -> throw bad(file, at + ".status", (statusText.isEmpty() ? "missing" : "'" + statusText + "' is unknown")
            + " (valid: not_affected, affected, fixed, under_investigation)");
      };
      Instant time = time(file, at + ".timestamp", s.path("timestamp"));
      String justification = s.path("justification").asText("");
      if (justification.isEmpty()) {
        justification = s.path("impact_statement").asText("");
      }
      out.add(new VexStatement(id, aliases, products, status, justification,
          file + " " + at + (documentId.isEmpty() ? "" : " (" + documentId + ")"),
          time != null ? time : documentTime, order + i));
      i++;
    }
    return out;
  }

  /** A product or subcomponent: {@code "@id"}, else {@code identifiers.purl}; a bare string in old OpenVEX. */
  private static String productId(JsonNode node) {
    if (node.isTextual()) {
      return node.asText();
    }
    String id = node.path("@id").asText("");
    return id.isEmpty() ? node.path("identifiers").path("purl").asText("") : id;
  }

  private static List<VexStatement> cycloneDx(String file, JsonNode root, int order) {
    JsonNode vulns = root.path("vulnerabilities");
    if (!vulns.isArray() || vulns.isEmpty()) {
      throw new InputException("the CycloneDX document " + file + " has no \"vulnerabilities\": it is an SBOM, not"
          + " a VEX; " + EXPECTED);
    }
    // affects[].ref names a component of this document by its bom-ref: the product is that component's purl
    Map<String, String> refs = new HashMap<>();
    collectComponents(root.path("metadata").path("component"), refs);
    root.path("components").forEach(c -> collectComponents(c, refs));
    Instant documentTime = time(file, "metadata.timestamp", root.path("metadata").path("timestamp"));
    List<VexStatement> out = new ArrayList<>();
    int i = 0;
    for (JsonNode v : vulns) {
      String at = "vulnerabilities[" + i + "]";
      String id = v.path("id").asText("");
      if (id.isEmpty()) {
        throw bad(file, at + ".id", "needs the vulnerability's id");
      }
      JsonNode analysis = v.path("analysis");
      String state = analysis.path("state").asText("");
      if (state.isEmpty()) {
        i++;
        continue; // no analysis: the document says nothing about this vulnerability's effect
      }
      VexStatement.Status status = switch (state) {
        case "not_affected", "false_positive" -> VexStatement.Status.NOT_AFFECTED;
        case "resolved", "resolved_with_pedigree" -> VexStatement.Status.FIXED;
        case "exploitable" -> VexStatement.Status.AFFECTED;
        case "in_triage" -> VexStatement.Status.UNDER_INVESTIGATION;
        default -> throw bad(file, at + ".analysis.state", "'" + state + "' is unknown (valid: not_affected,"
            + " false_positive, resolved, resolved_with_pedigree, exploitable, in_triage)");
      };
      List<VexStatement.Product> products = new ArrayList<>();
      int a = 0;
      for (JsonNode affects : v.path("affects")) {
        String ref = affects.path("ref").asText("");
        if (ref.isEmpty()) {
          throw bad(file, at + ".affects[" + a + "].ref", "needs the bom-ref or purl of the affected component");
        }
        String local = ref.startsWith("urn:cdx:") && ref.contains("#") ? ref.substring(ref.indexOf('#') + 1) : ref;
        products.add(new VexStatement.Product(refs.getOrDefault(local, local), List.of()));
        a++;
      }
      if (products.isEmpty()) {
        throw bad(file, at + ".affects", "needs at least one affected component");
      }
      List<String> aliases = new ArrayList<>();
      v.path("references").forEach(r -> aliases.add(r.path("id").asText("")));
      aliases.removeIf(String::isEmpty);
      Instant time = time(file, at + ".analysis.lastUpdated", analysis.path("lastUpdated"));
      String justification = analysis.path("justification").asText("");
      out.add(new VexStatement(id, aliases, products, status,
          justification.isEmpty() ? analysis.path("detail").asText("") : justification, file + " " + at,
          time != null ? time : documentTime, order + i));
      i++;
    }
    if (out.isEmpty()) {
      throw new InputException("the CycloneDX document " + file + " states nothing: none of its vulnerabilities has an"
          + " analysis.state, so it is a list of findings, not a VEX; " + EXPECTED);
    }
    return out;
  }

  private static void collectComponents(JsonNode c, Map<String, String> refs) {
    if (c.isMissingNode() || c.isNull()) {
      return;
    }
    String ref = c.path("bom-ref").asText("");
    String purl = c.path("purl").asText("");
    if (!ref.isEmpty()) {
      refs.put(ref, purl.isEmpty() ? c.path("name").asText(ref) : purl);
    }
    c.path("components").forEach(child -> collectComponents(child, refs));
  }

  private static Instant time(String file, String field, JsonNode node) {
    String text = node.asText("");
    if (text.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw bad(file, field, "'" + text + "' is not an RFC 3339 time (2026-11-30T12:00:00Z)");
    }
  }
}
