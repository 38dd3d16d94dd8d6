package dev.ferry.image.test;

import dev.ferry.core.SourceLocation;
import dev.ferry.image.yaml.YamlDocument;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What an image must look like, in the spirit of container-structure-test's metadata and file
 * checks, read from YAML. Every field is optional; each one present is a check.
 *
 * <pre>{@code
 * metadata:
 *   notRoot: true                  # the user is neither empty, root nor uid 0
 *   user: "10001"                  # exactly this user
 *   exposedPorts: [8080/tcp]
 *   unexposedPorts: [22/tcp]
 *   labels:                        # each value a regular expression matching the whole label
 *     org.opencontainers.image.source: https://github.com/.*
 *   env:                           # same, for environment variables
 *     JAVA_TOOL_OPTIONS: .*-XX:MaxRAMPercentage.*
 *   entrypoint: [java, -jar, /app/app.jar]
 *   cmd: []
 *   workdir: /app
 * files:
 *   - path: /app/app.jar
 *     permissions: -rw-r--r--      # or an octal mode: "0644"
 *     uid: 0
 *   - path: /app/config.yaml
 *     contains: ["^server:", "port: 8080"]   # regular expressions that must be found
 *     excludes: ["password:"]                 # ...and that must not
 *   - path: /bin/sh
 *     exists: false
 * }</pre>
 *
 * @param file the spec file, for messages
 * @param metadata checks on the image configuration
 * @param files checks on paths of the filesystem
 */
public record ImageSpec(String file, Metadata metadata, List<FileCheck> files) {

  /** Checks on the configuration; null fields are not checked. */
  public record Metadata(Boolean notRoot, String user, List<String> exposedPorts, List<String> unexposedPorts,
      Map<String, Pattern> labels, Map<String, Pattern> env, List<String> entrypoint, List<String> cmd,
      String workdir) {
  }

  /**
   * Checks on one path.
   *
   * @param path absolute path in the image
   * @param exists whether it must exist (true unless said otherwise)
   * @param permissions {@code -rwxr-xr-x} style, or an octal mode such as {@code 0755}, or null
   * @param uid owner, or null
   * @param gid group, or null
   * @param contains regular expressions that must be found in the content
   * @param excludes regular expressions that must not be found
   * @param location where the check is written
   */
  public record FileCheck(String path, boolean exists, String permissions, Long uid, Long gid,
      List<Pattern> contains, List<Pattern> excludes, SourceLocation location) {
  }

  /** Reads and validates a spec; every error names file:line:column. */
  public static ImageSpec read(Path path) {
    return parse(path.toString(), YamlDocument.read(path));
  }

  static ImageSpec parse(String file, YamlDocument.Value root) {
    root.allowKeys("the image test spec", "metadata", "files");
    Metadata metadata = root.get("metadata").map(ImageSpec::metadata).orElse(
        new Metadata(null, null, null, null, null, null, null, null, null));
    List<FileCheck> files = new ArrayList<>();
    for (YamlDocument.Value v : root.get("files").map(YamlDocument.Value::items).orElse(List.of())) {
      v.allowKeys("a file check", "path", "exists", "permissions", "uid", "gid", "contains", "excludes");
      YamlDocument.Value pathValue = v.require("path", "a file check");
      String p = pathValue.text();
      if (!p.startsWith("/")) {
        throw pathValue.error("the path '" + p + "' must be absolute (start with /)");
      }
      boolean exists = v.get("exists").map(YamlDocument.Value::bool).orElse(true);
      String permissions = v.get("permissions").map(ImageSpec::permissions).orElse(null);
      Long uid = v.get("uid").map(ImageSpec::number).orElse(null);
      Long gid = v.get("gid").map(ImageSpec::number).orElse(null);
      List<Pattern> contains = v.get("contains").map(ImageSpec::patterns).orElse(List.of());
      List<Pattern> excludes = v.get("excludes").map(ImageSpec::patterns).orElse(List.of());
      if (!exists && (permissions != null || uid != null || gid != null || !contains.isEmpty() || !excludes.isEmpty())) {
        throw v.error("the check for " + p + " says 'exists: false' and also checks what the file is like");
      }
      files.add(new FileCheck(p, exists, permissions, uid, gid, contains, excludes, v.location()));
    }
    return new ImageSpec(file, metadata, files);
  }

  private static Metadata metadata(YamlDocument.Value v) {
    v.allowKeys("metadata", "notRoot", "user", "exposedPorts", "unexposedPorts", "labels", "env", "entrypoint",
        "cmd", "workdir");
    return new Metadata(
        v.get("notRoot").map(YamlDocument.Value::bool).orElse(null),
        v.get("user").map(YamlDocument.Value::text).orElse(null),
        v.get("exposedPorts").map(ImageSpec::ports).orElse(null),
        v.get("unexposedPorts").map(ImageSpec::ports).orElse(null),
        v.get("labels").map(m -> patternMap(m, "labels")).orElse(null),
        v.get("env").map(m -> patternMap(m, "env")).orElse(null),
        v.get("entrypoint").map(ImageSpec::args).orElse(null),
        v.get("cmd").map(ImageSpec::args).orElse(null),
        v.get("workdir").map(YamlDocument.Value::text).orElse(null));
  }

  private static List<String> args(YamlDocument.Value v) {
    if (!v.isList()) {
      throw v.error("expected a list of arguments, e.g. [java, -jar, /app/app.jar]");
    }
    return v.texts();
  }

  private static List<String> ports(YamlDocument.Value v) {
    List<String> out = new ArrayList<>();
    for (YamlDocument.Value p : v.items()) {
      String t = p.text();
      if (!t.matches("\\d{1,5}(/(tcp|udp|sctp))?")) {
        throw p.error("'" + t + "' is not a port such as 8080 or 8080/tcp");
      }
      out.add(t.contains("/") ? t : t + "/tcp");
    }
    return out;
  }

  private static Map<String, Pattern> patternMap(YamlDocument.Value v, String what) {
    Map<String, Pattern> out = new LinkedHashMap<>();
    for (Map.Entry<String, YamlDocument.Value> e : v.entries(what).entrySet()) {
      out.put(e.getKey(), pattern(e.getValue()));
    }
    return out;
  }

  private static List<Pattern> patterns(YamlDocument.Value v) {
    return v.items().stream().map(ImageSpec::multiline).toList();
  }

  private static Pattern pattern(YamlDocument.Value v) {
    try {
      return Pattern.compile(v.text());
    } catch (PatternSyntaxException e) {
      throw v.error("'" + v.text() + "' is not a valid regular expression: " + e.getDescription());
    }
  }

  private static Pattern multiline(YamlDocument.Value v) {
    try {
      return Pattern.compile(v.text(), Pattern.MULTILINE);
    } catch (PatternSyntaxException e) {
      throw v.error("'" + v.text() + "' is not a valid regular expression: " + e.getDescription());
    }
  }

  private static String permissions(YamlDocument.Value v) {
    String t = v.text();
    if (!t.matches("[-dl][-r][-w][-xsS][-r][-w][-xsS][-r][-w][-xtT]|0?[0-7]{3,4}")) {
      throw v.error("'" + t + "' is not a permission such as -rwxr-xr-x or 0755");
    }
    return t;
  }

  private static Long number(YamlDocument.Value v) {
    try {
      return Long.parseLong(v.text());
    } catch (NumberFormatException e) {
      throw v.error("expected a number, not '" + v.text() + "'");
    }
  }
}
