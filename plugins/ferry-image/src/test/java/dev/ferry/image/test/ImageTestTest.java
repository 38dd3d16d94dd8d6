package dev.ferry.image.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.InputException;
import dev.ferry.core.RefusedException;
import dev.ferry.core.image.ImageRef;
import dev.ferry.core.image.RegistryAccess;
import dev.ferry.core.image.RegistryClient;
import dev.ferry.image.yaml.YamlDocument;
import dev.ferry.testing.LocalRegistry;
import dev.ferry.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests images pushed to the real registry on loopback, read back layer by layer. */
class ImageTestTest {

  @TempDir
  static Path dir;
  static LocalRegistry registry;
  static RegistryClient client;

  @BeforeAll
  static void start() throws Exception {
    registry = LocalRegistry.start(dir.resolve("registry"));
    client = new RegistryClient(RegistryAccess.anonymous());
    TestImages.image()
        .directory("etc", 0755)
        .file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:10001:10001::/app:/sbin/nologin\n")
        .directory("app", 0755)
        .file("app/run", "#!/bin/sh\nexec /app/server --port 8080\n", 0755)
        .file("app/config.yaml", "server:\n  port: 8080\n  password: hunter2\n", 0600)
        .file("app/old.txt", "to be deleted\n")
        .directory("cache", 0755)
        .file("cache/a", "a")
        .file("cache/b", "b")
        .symlink("app/start", "run")
        .layer()
        .delete("app/old.txt")
        .file("cache/.wh..wh..opq", "")
        .file("cache/c", "c")
        .file("app/" + "x".repeat(60) + "/" + "y".repeat(60) + ".txt", "deep\n")
        .user("app")
        .exposedPort("8080/tcp")
        .label("org.opencontainers.image.source", "https://github.com/shop/web")
        .env("MODE", "prod")
        .entrypoint("/app/run")
        .cmd("--verbose")
        .workingDir("/app")
        .push(registry.host(), "shop/web", "1.4.2");
    TestImages.image().file("hello", "hi").push(registry.host(), "shop/rootly", "1");
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  private ImageTest.Result run(String image, String spec) {
    return new ImageTest(client)
        .image(ImageRef.parse(registry.host() + "/" + image))
        .spec(ImageSpec.parse("spec.yaml", YamlDocument.parse("spec.yaml", spec)))
        .call();
  }

  private static Map<String, Boolean> outcomes(ImageTest.Result r) {
    return r.checks().stream().collect(Collectors.toMap(ImageTest.Check::name, ImageTest.Check::passed,
        (a, b) -> a, java.util.LinkedHashMap::new));
  }

  @Test
  void layersAreAppliedWithWhiteoutsAndOpaqueDirectories() {
    ImageContents c = ImageContents.read(client, ImageRef.parse(registry.host() + "/shop/web:1.4.2"),
        "linux", "amd64", Set.of("/app/run"));
    assertThat(c.files()).containsKeys("/app/run", "/app/config.yaml", "/cache/c", "/app/start",
        "/app/" + "x".repeat(60) + "/" + "y".repeat(60) + ".txt");
    assertThat(c.files()).doesNotContainKeys("/app/old.txt", "/cache/a", "/cache/b", "/app/.wh.old.txt",
        "/cache/.wh..wh..opq");
    assertThat(c.file("/app/run").orElseThrow().permissions()).isEqualTo("-rwxr-xr-x");
    assertThat(new String(c.file("/app/run").orElseThrow().content())).startsWith("#!/bin/sh");
    assertThat(c.file("/app/config.yaml").orElseThrow().content()).isNull(); // not asked for
    assertThat(c.file("/app/start").orElseThrow().linkTarget()).isEqualTo("run");
  }

  @Test
  void aGoodImagePassesEveryCheck() {
    ImageTest.Result r = run("shop/web:1.4.2", """
        metadata:
          notRoot: true
          user: app
          exposedPorts: [8080/tcp]
          unexposedPorts: [22]
          labels:
            org.opencontainers.image.source: https://github\\.com/.*
          env:
            MODE: prod
          entrypoint: [/app/run]
          cmd: [--verbose]
          workdir: /app
        files:
          - path: /app/run
            permissions: -rwxr-xr-x
            uid: 0
            contains: ["^#!/bin/sh", "--port 8080"]
          - path: /app/config.yaml
            permissions: "0600"
          - path: /app/old.txt
            exists: false
          - path: /cache/a
            exists: false
        """);
    assertThat(r.failed()).isEmpty();
    assertThat(r.passed()).isTrue();
    assertThat(r.checks()).hasSize(18);
    assertThat(r.image()).startsWith(registry.host() + "/shop/web:1.4.2@sha256:");
    assertThat(r.checks().get(0).detail()).isEqualTo("user 'app' (uid 10001)");
  }

  @Test
  void eachMismatchFailsItsCheckWithWhatWasFound() {
    ImageTest.Result r = run("shop/web:1.4.2", """
        metadata:
          exposedPorts: [9090/tcp]
          labels:
            org.opencontainers.image.revision: .+
          env:
            MODE: dev
          entrypoint: [/bin/sh]
        files:
          - path: /app/run
            permissions: "0700"
          - path: /app/config.yaml
            excludes: ["password:"]
          - path: /app/missing
          - path: /app/start
            exists: false
        """);
    assertThat(outcomes(r)).containsExactly(
        Map.entry("port 9090/tcp is exposed", false),
        Map.entry("label org.opencontainers.image.revision matches .+", false),
        Map.entry("env MODE matches dev", false),
        Map.entry("entrypoint is [/bin/sh]", false),
        Map.entry("/app/run exists", true),
        Map.entry("/app/run has permissions 0700", false),
        Map.entry("/app/config.yaml exists", true),
        Map.entry("/app/config.yaml does not contain /password:/", false),
        Map.entry("/app/missing exists", false),
        Map.entry("/app/start does not exist", false));
    assertThat(r.failed()).extracting(ImageTest.Check::detail).containsExactly(
        "exposed: 8080/tcp", "label is not set", "MODE=prod", "entrypoint is [/app/run]",
        "permissions are 0755", "found at line 3", "absent", "it exists (lrwxrwxrwx)");
  }

  @Test
  void anImageWithoutAUserRunsAsRoot() {
    ImageTest.Result r = run("shop/rootly:1", "metadata:\n  notRoot: true\n");
    assertThat(r.passed()).isFalse();
    assertThat(r.checks().get(0).detail()).isEqualTo("no user is set, so it runs as root");
  }

  @Test
  void writesJUnitWithOneTestCasePerCheck() throws Exception {
    Path junit = dir.resolve("reports/image.xml");
    new ImageTest(client).image(ImageRef.parse(registry.host() + "/shop/rootly:1"))
        .spec(ImageSpec.parse("s.yaml", YamlDocument.parse("s.yaml", "metadata:\n  notRoot: true\nfiles:\n  - path: /hello\n")))
        .junit(junit).call();
    String xml = Files.readString(junit);
    assertThat(xml).contains("tests=\"2\"").contains("failures=\"1\"")
        .contains("<testcase classname=\"test-image\" name=\"user is not root\">")
        .contains("no user is set, so it runs as root");
  }

  @Test
  void aMissingImageIsRefused() {
    assertThatThrownBy(() -> run("shop/web:0.0.0", "metadata:\n  notRoot: true\n"))
        .isInstanceOf(RefusedException.class)
        .hasMessage("image " + registry.host() + "/shop/web:0.0.0 does not exist");
  }

  @Test
  void specErrorsPointAtTheLine() throws Exception {
    Path spec = dir.resolve("bad.yaml");
    Files.writeString(spec, "metadata:\n  notRoot: true\nfiles:\n  - path: app/run\n");
    assertThatThrownBy(() -> ImageSpec.read(spec))
        .isInstanceOf(InputException.class)
        .hasMessage("the path 'app/run' must be absolute (start with /)")
        .satisfies(e -> assertThat(((InputException) e).location().orElseThrow().toString())
            .isEqualTo(spec + ":4:11"));
    Files.writeString(spec, "metadata:\n  ports: [80]\n");
    assertThatThrownBy(() -> ImageSpec.read(spec))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("unknown key 'ports' in metadata (valid: notRoot, user, exposedPorts");
    Files.writeString(spec, "files:\n  - path: /x\n    contains: ['(unclosed']\n");
    assertThatThrownBy(() -> ImageSpec.read(spec))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("is not a valid regular expression");
  }
}
