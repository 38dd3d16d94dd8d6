package dev.ferry.image.scan;

import dev.ferry.core.InputException;
import dev.ferry.core.SourceLocation;
import dev.ferry.image.yaml.YamlDocument;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the ignore files Trivy and Grype users already keep, as Ferry ignore entries:
 * <ul>
 *   <li>{@code .trivyignore}: one id a line, {@code #} comments, an optional {@code exp:YYYY-MM-DD};</li>
 *   <li>{@code .trivyignore.yaml}: {@code vulnerabilities}, {@code secrets}, {@code misconfigurations}
 *       lists of {@code id}, {@code paths}, {@code purls}, {@code expired_at}, {@code statement};</li>
 *   <li>{@code .grype.yaml}: its {@code ignore:} rules ({@code vulnerability}, {@code fix-state},
 *       {@code package: {name, version, type, location}}, {@code reason}); the rest of Grype's
 *       configuration is not Ferry's and is left alone.</li>
 * </ul>
 * The format is chosen by the file's name, else by its content. As in Trivy, an expired entry does
 * not apply; unlike the policy's own entries it does not fail the scan (the verdict lists it).
 *
 * <pre>{@code List<ScanPolicy.Ignore> entries = IgnoreFile.read(Path.of(".trivyignore"));}</pre>
 */
public final class IgnoreFile {

  /** The formats read. */
  public enum Format { TRIVY_PLAIN, TRIVY_YAML, GRYPE }

  private IgnoreFile() {
  }

  /**
   * Reads {@code file}.
   *
   * @throws InputException when it is missing, or an entry is malformed, naming the file, line and field
   */
  public static List<ScanPolicy.Ignore> read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new InputException("the ignore file " + file + " does not exist");
    } catch (IOException e) {
      throw new InputException("cannot read the ignore file " + file + ": " + e.getMessage());
    }
    return parse(file.toString(), text);
  }

  /** Parses an ignore file's text, naming {@code file} in errors. */
  public static List<ScanPolicy.Ignore> parse(String file, String text) {
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    return switch (detect(file, text)) {
      case TRIVY_PLAIN -> plain(file, text);
      case TRIVY_YAML -> trivyYaml(YamlDocument.parse(file, text));
      case GRYPE -> grype(YamlDocument.parse(file, text));
    };
  }

  /** By name ({@code .trivyignore}, {@code *.trivyignore.yaml}, {@code *grype*.yaml}); else by content. */
  static Format detect(String file, String text) {
    String name = Path.of(file).getFileName().toString().toLowerCase(Locale.ROOT);
    boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
    if (name.equals(".trivyignore") || name.endsWith(".trivyignore") && !yaml) {
      return Format.TRIVY_PLAIN;
    }
    if (yaml && name.contains("trivyignore")) {
      return Format.TRIVY_YAML;
    }
    if (yaml && name.contains("grype")) {
      return Format.GRYPE;
    }
    try {
      YamlDocument.Value root = YamlDocument.parse(file, text);
      if (root.isMapping()) {
        Map<String, YamlDocument.Value> keys = root.entries("the ignore file");
        if (keys.containsKey("ignore")) {
          return Format.GRYPE;
        }
        if (keys.containsKey("vulnerabilities") || keys.containsKey("secrets") || keys.containsKey("misconfigurations")) {
          return Format.TRIVY_YAML;
        }
        if (yaml) {
          throw root.error("the ignore file has neither Grype's 'ignore:' nor Trivy's 'vulnerabilities:', 'secrets:'"
              + " or 'misconfigurations:'");
        }
      }
    } catch (InputException e) {
      if (yaml) {
        throw e;
      }
      // not YAML: a plain list of ids
    }
    return Format.TRIVY_PLAIN;
  }

  private static List<ScanPolicy.Ignore> plain(String file, String text) {
    List<ScanPolicy.Ignore> out = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash);
      }
      line = line.strip();
      if (line.isEmpty()) {
        continue;
      }
      SourceLocation at = SourceLocation.of(file, i + 1, 1);
      String[] fields = line.split("\\s+");
      LocalDate expires = null;
      for (int f = 1; f < fields.length; f++) {
        if (!fields[f].startsWith("exp:")) {
          throw new InputException("'" + fields[f] + "' after the id " + fields[0] + " is neither a comment (#) nor"
              + " exp:YYYY-MM-DD", at);
        }
        expires = date(fields[f].substring(4), at);
      }
      out.add(new ScanPolicy.Ignore(fields[0], null, "listed in " + at.file() + ":" + at.line(), expires, at,
          ScanPolicy.Scope.ANY, false));
    }
    return out;
  }

  private static List<ScanPolicy.Ignore> trivyYaml(YamlDocument.Value root) {
    root.allowKeys("a .trivyignore.yaml file", "vulnerabilities", "secrets", "misconfigurations", "licenses");
    List<ScanPolicy.Ignore> out = new ArrayList<>();
    for (Map.Entry<String, Finding.Kind> section : List.of(
        Map.entry("vulnerabilities", Finding.Kind.VULNERABILITY),
        Map.entry("secrets", Finding.Kind.SECRET),
        Map.entry("misconfigurations", Finding.Kind.MISCONFIGURATION))) {
      for (YamlDocument.Value v : root.get(section.getKey()).map(YamlDocument.Value::items).orElse(List.of())) {
        String what = "an entry of '" + section.getKey() + "'";
        v.allowKeys(what, "id", "paths", "purls", "expired_at", "statement");
        String id = v.require("id", what).text();
        Optional<YamlDocument.Value> exp = v.get("expired_at");
        LocalDate expires = exp.map(e -> date(e.text(), e.location())).orElse(null);
        List<String> purls = v.get("purls").map(YamlDocument.Value::texts).orElse(List.of());
        if (!purls.isEmpty() && section.getValue() != Finding.Kind.VULNERABILITY) {
          throw v.get("purls").get().error("'purls' applies to vulnerabilities only, not " + section.getKey());
        }
        String statement = v.get("statement").map(YamlDocument.Value::text).orElse("");
        SourceLocation at = v.location();
        out.add(new ScanPolicy.Ignore(id, null,
            statement.isBlank() ? "listed in " + at.file() + ":" + at.line() : statement, expires, at,
            new ScanPolicy.Scope(section.getValue(), v.get("paths").map(YamlDocument.Value::texts).orElse(List.of()),
                purls, null, null, null, null, false), false));
      }
    }
    return out;
  }

  private static List<ScanPolicy.Ignore> grype(YamlDocument.Value root) {
    List<ScanPolicy.Ignore> out = new ArrayList<>();
    YamlDocument.Value list = root.get("ignore").orElseThrow(() -> root.error("the Grype configuration has no"
        + " 'ignore:' rules"));
    for (YamlDocument.Value v : list.items()) {
      // a condition Ferry cannot check would make the rule ignore more than Grype does: refused
      v.allowKeys("a Grype ignore rule", "vulnerability", "fix-state", "package", "reason", "include-aliases");
      String id = v.get("vulnerability").map(YamlDocument.Value::text).orElse(null);
      String fixState = v.get("fix-state").map(YamlDocument.Value::text).orElse(null);
      if (fixState != null && !List.of("fixed", "not-fixed", "wont-fix", "unknown").contains(fixState)) {
        throw v.get("fix-state").get().error("unknown fix-state '" + fixState
            + "' (valid: fixed, not-fixed, wont-fix, unknown)");
      }
      String name = null;
      String version = null;
      String type = null;
      String location = null;
      Optional<YamlDocument.Value> pkg = v.get("package");
      if (pkg.isPresent()) {
        pkg.get().allowKeys("a Grype ignore rule's package", "name", "version", "type", "location");
        name = pkg.get().get("name").map(YamlDocument.Value::text).orElse(null);
        version = pkg.get().get("version").map(YamlDocument.Value::text).orElse(null);
        type = pkg.get().get("type").map(YamlDocument.Value::text).orElse(null);
        location = pkg.get().get("location").map(YamlDocument.Value::text).orElse(null);
      }
      if (id == null && fixState == null && name == null && version == null && type == null && location == null) {
        throw v.error("this Grype ignore rule has no condition, so it would ignore every finding; give"
            + " 'vulnerability', 'fix-state' or 'package'");
      }
      // as Grype: a rule's id matches related ids (GHSA of a CVE) only with include-aliases: true
      boolean aliases = v.get("include-aliases").map(YamlDocument.Value::bool).orElse(false);
      SourceLocation at = v.location();
      String reason = v.get("reason").map(YamlDocument.Value::text).orElse("");
      out.add(new ScanPolicy.Ignore(id, name, reason.isBlank() ? "listed in " + at.file() + ":" + at.line() : reason,
          null, at, new ScanPolicy.Scope(Finding.Kind.VULNERABILITY, List.of(), List.of(), version, type, location,
              fixState, !aliases), false));
    }
    return out;
  }

  private static LocalDate date(String text, SourceLocation at) {
    try {
      return LocalDate.parse(text.length() > 10 && text.charAt(10) == 'T' ? text.substring(0, 10) : text);
    } catch (DateTimeParseException e) {
      throw new InputException("'" + text + "' is not a date of the form YYYY-MM-DD", at);
    }
  }
}
