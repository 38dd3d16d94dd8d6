package dev.ferry.image.test;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryListener;
import dev.ferry.core.image.ImageRef;
import dev.ferry.core.image.RegistryClient;
import dev.ferry.image.report.JUnitXml;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Tests an image in a registry against an {@link ImageSpec}, reading its configuration and layers
 * with the registry client: no container runtime. Used once: set what applies, then {@link #call()}.
 *
 * <pre>{@code
 * ImageTest.Result result = new ImageTest(new RegistryClient(access))
 *     .image(ImageRef.parse("registry.example.com/shop/web:1.4.2"))
 *     .spec(ImageSpec.read(Path.of("image-test.yaml")))
 *     .call();
 * }</pre>
 */
public final class ImageTest {

  /** One check: what was checked, whether it passed, and what was found. */
  public record Check(String name, boolean passed, String detail) { }

  /**
   * @param image the image tested, with its digest
   * @param checks every check, in spec order
   */
  public record Result(String image, List<Check> checks) {
    public boolean passed() {
      return checks.stream().allMatch(Check::passed);
    }

    public List<Check> failed() {
      return checks.stream().filter(c -> !c.passed()).toList();
    }
  }

  private final RegistryClient registry;
  private ImageRef image;
  private ImageSpec spec;
  private String os = "linux";
  private String architecture = "amd64";
  private Path junit;
  private FerryListener listener = FerryListener.NONE;

  public ImageTest(RegistryClient registry) {
    this.registry = registry;
  }

  public ImageTest image(ImageRef value) {
    this.image = value;
    return this;
  }

  public ImageTest spec(ImageSpec value) {
    this.spec = value;
    return this;
  }

  /** Which entry of a multi-platform image to test (default linux/amd64). */
  public ImageTest platform(String osName, String arch) {
    this.os = osName;
    this.architecture = arch;
    return this;
  }

  public ImageTest junit(Path file) {
    this.junit = file;
    return this;
  }

  public ImageTest listener(FerryListener value) {
    this.listener = value;
    return this;
  }

  /** Reads the image, runs every check, writes the JUnit file when asked. */
  public Result call() {
    Set<String> wanted = new HashSet<>();
    for (ImageSpec.FileCheck f : spec.files()) {
      if (!f.contains().isEmpty() || !f.excludes().isEmpty()) {
        wanted.add(f.path());
      }
    }
    wanted.add("/etc/passwd");
    listener.on(FerryEvent.progress("test-image", "reading " + image + " from the registry"));
    ImageContents contents = ImageContents.read(registry, image, os, architecture, wanted);
    List<Check> checks = new ArrayList<>();
    metadata(contents, checks);
    for (ImageSpec.FileCheck f : spec.files()) {
      file(contents, f, checks);
    }
    String tested = image.digest() != null ? image.toString() : image.withDigest(contents.digest()).toString();
    Result result = new Result(tested, List.copyOf(checks));
    if (junit != null) {
      JUnitXml.write(junit, "ferry test-image " + tested, checks.stream()
          .map(c -> c.passed() ? JUnitXml.TestCase.passed("test-image", c.name())
              : JUnitXml.TestCase.failed("test-image", c.name(), "check", c.detail()))
          .toList());
    }
    return result;
  }

  private void metadata(ImageContents contents, List<Check> checks) {
    ImageSpec.Metadata m = spec.metadata();
    JsonNode config = contents.config();
    String user = config.path("User").asText("");
    if (Boolean.TRUE.equals(m.notRoot())) {
      Optional<Long> uid = uidOf(user, contents);
      boolean root = user.isEmpty() || uid.map(u -> u == 0).orElse(false);
      checks.add(new Check("user is not root", !root, user.isEmpty() ? "no user is set, so it runs as root"
          : root ? "user '" + user + "' is root (uid 0)"
          : "user '" + user + "'" + uid.map(u -> " (uid " + u + ")").orElse("")));
    }
    if (m.user() != null) {
      checks.add(new Check("user is " + m.user(), m.user().equals(user), "user is '" + user + "'"));
    }
    List<String> exposed = new ArrayList<>();
    config.path("ExposedPorts").fieldNames().forEachRemaining(exposed::add);
    if (m.exposedPorts() != null) {
      for (String p : m.exposedPorts()) {
        checks.add(new Check("port " + p + " is exposed", exposed.contains(p), "exposed: " + list(exposed)));
      }
    }
    if (m.unexposedPorts() != null) {
      for (String p : m.unexposedPorts()) {
        checks.add(new Check("port " + p + " is not exposed", !exposed.contains(p), "exposed: " + list(exposed)));
      }
    }
    if (m.labels() != null) {
      for (Map.Entry<String, Pattern> e : m.labels().entrySet()) {
        JsonNode value = config.path("Labels").path(e.getKey());
        boolean present = value.isTextual();
        checks.add(new Check("label " + e.getKey() + " matches " + e.getValue().pattern(),
            present && e.getValue().matcher(value.asText()).matches(),
            present ? "label is '" + value.asText() + "'" : "label is not set"));
      }
    }
    if (m.env() != null) {
      for (Map.Entry<String, Pattern> e : m.env().entrySet()) {
        Optional<String> value = env(config, e.getKey());
        checks.add(new Check("env " + e.getKey() + " matches " + e.getValue().pattern(),
            value.map(v -> e.getValue().matcher(v).matches()).orElse(false),
            value.map(v -> e.getKey() + "=" + v).orElse(e.getKey() + " is not set")));
      }
    }
    if (m.entrypoint() != null) {
      List<String> actual = strings(config.path("Entrypoint"));
      checks.add(new Check("entrypoint is " + m.entrypoint(), actual.equals(m.entrypoint()), "entrypoint is " + actual));
    }
    if (m.cmd() != null) {
      List<String> actual = strings(config.path("Cmd"));
      checks.add(new Check("cmd is " + m.cmd(), actual.equals(m.cmd()), "cmd is " + actual));
    }
    if (m.workdir() != null) {
      String actual = config.path("WorkingDir").asText("");
      checks.add(new Check("workdir is " + m.workdir(), actual.equals(m.workdir()), "workdir is '" + actual + "'"));
    }
  }

  private void file(ImageContents contents, ImageSpec.FileCheck f, List<Check> checks) {
    Optional<ImageFile> found = contents.file(f.path());
    if (!f.exists()) {
      checks.add(new Check(f.path() + " does not exist", found.isEmpty(),
          found.map(x -> "it exists (" + x.permissions() + ")").orElse("absent")));
      return;
    }
    checks.add(new Check(f.path() + " exists", found.isPresent(), found.isPresent() ? "present" : "absent"));
    if (found.isEmpty()) {
      return;
    }
    ImageFile file = found.get();
    if (f.permissions() != null) {
      boolean octal = Character.isDigit(f.permissions().charAt(0));
      String actual = octal ? file.octalMode() : file.permissions();
      String expected = octal ? String.format("%04o", Integer.parseInt(f.permissions(), 8)) : f.permissions();
      checks.add(new Check(f.path() + " has permissions " + f.permissions(), actual.equals(expected),
          "permissions are " + actual));
    }
    if (f.uid() != null) {
      checks.add(new Check(f.path() + " is owned by uid " + f.uid(), file.uid() == f.uid(), "uid is " + file.uid()));
    }
    if (f.gid() != null) {
      checks.add(new Check(f.path() + " has gid " + f.gid(), file.gid() == f.gid(), "gid is " + file.gid()));
    }
    if (!f.contains().isEmpty() || !f.excludes().isEmpty()) {
      if (file.content() == null) {
        checks.add(new Check(f.path() + " content", false, "it is a " + file.type().name().toLowerCase(java.util.Locale.ROOT)
            + ", not a regular file"));
        return;
      }
      String text = new String(file.content(), StandardCharsets.UTF_8);
      for (Pattern p : f.contains()) {
        checks.add(new Check(f.path() + " contains /" + p.pattern() + "/", p.matcher(text).find(),
            p.matcher(text).find() ? "found" : "not found in " + file.size() + " bytes"));
      }
      for (Pattern p : f.excludes()) {
        java.util.regex.Matcher matcher = p.matcher(text);
        boolean hit = matcher.find();
        checks.add(new Check(f.path() + " does not contain /" + p.pattern() + "/", !hit,
            hit ? "found at line " + (text.substring(0, matcher.start()).split("\n", -1).length) : "not found"));
      }
    }
  }

  /** A numeric user, or a name looked up in the image's /etc/passwd. */
  private static Optional<Long> uidOf(String user, ImageContents contents) {
    String name = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
    if (name.matches("\\d+")) {
      return Optional.of(Long.parseLong(name));
    }
    if (name.equals("root")) {
      return Optional.of(0L);
    }
    return contents.file("/etc/passwd").map(ImageFile::content).flatMap(bytes -> {
      for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
        String[] parts = line.split(":");
        if (parts.length > 2 && parts[0].equals(name) && parts[2].matches("\\d+")) {
          return Optional.of(Long.parseLong(parts[2]));
        }
      }
      return Optional.empty();
    });
  }

  private static Optional<String> env(JsonNode config, String name) {
    for (JsonNode e : config.path("Env")) {
      String s = e.asText();
      if (s.startsWith(name + "=")) {
        return Optional.of(s.substring(name.length() + 1));
      }
    }
    return Optional.empty();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static String list(List<String> items) {
    return items.isEmpty() ? "none" : String.join(", ", items);
  }
}
