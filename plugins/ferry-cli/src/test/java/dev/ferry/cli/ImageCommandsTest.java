package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.core.image.ImageRef;
import dev.ferry.core.image.RegistryAccess;
import dev.ferry.core.image.RegistryClient;
import dev.ferry.testing.LocalRegistry;
import dev.ferry.testing.TestImages;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ferry build, scan and test-image end to end through Main, against the real registry on loopback. */
class ImageCommandsTest {

  @TempDir
  static Path dir;
  static LocalRegistry registry;

  static final String TRIVY = """
      {"SchemaVersion": 2, "ArtifactName": "registry.example.com/shop/web:1.4.2", "ArtifactType": "container_image",
       "Results": [{"Target": "registry.example.com/shop/web:1.4.2 (debian 12.5)", "Class": "os-pkgs", "Type": "debian",
         "Vulnerabilities": [
           {"VulnerabilityID": "CVE-2024-5535", "PkgName": "libssl3", "InstalledVersion": "3.0.11-1~deb12u2",
            "FixedVersion": "3.0.13-1~deb12u1", "Status": "fixed", "Severity": "CRITICAL", "Title": "openssl: overread"},
           {"VulnerabilityID": "CVE-2023-50495", "PkgName": "libtinfo6", "InstalledVersion": "6.4-4",
            "Status": "affected", "Severity": "HIGH", "Title": "ncurses"}]}]}
      """;

  record Run(int exit, String out, String err) {
    JsonNode json() throws Exception {
      return new ObjectMapper().readTree(out);
    }
  }

  static Run ferry(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(exit, out.toString(), err.toString());
  }

  @BeforeAll
  static void start() throws Exception {
    registry = LocalRegistry.start(dir.resolve("registry"));
    TestImages.image().file("app/run", "#!/bin/sh\n", 0755).user("10001").exposedPort("8080/tcp")
        .push(registry.host(), "shop/web", "1.4.2");
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  @Test
  void scanBlocksAFixableCriticalFindingWithExitOne() throws Exception {
    Path report = dir.resolve("trivy.json");
    Files.writeString(report, TRIVY);
    Run r = ferry("scan", "--report", report.toString(), "--json", "--junit", dir.resolve("scan.xml").toString());
    assertThat(r.exit()).isEqualTo(1);
    JsonNode json = r.json();
    assertThat(json.path("passed").asBoolean()).isFalse();
    assertThat(json.path("blocking").get(0).path("id").asText()).isEqualTo("CVE-2024-5535");
    assertThat(json.path("blocking")).hasSize(1);
    assertThat(json.path("counts").path("allowed").asInt()).isEqualTo(1);
    assertThat(r.err()).contains("ferry: scan blocked registry.example.com/shop/web:1.4.2: 1 blocking finding(s)");
    assertThat(Files.readString(dir.resolve("scan.xml"))).contains("failures=\"1\"");
  }

  @Test
  void scanPassesWhenTheThresholdIsAboveEveryFinding() throws Exception {
    Path report = dir.resolve("trivy2.json");
    Files.writeString(report, TRIVY.replace("CRITICAL", "MEDIUM"));
    Run r = ferry("scan", "--report", report.toString(), "--fail-on", "critical");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("PASSED: 0 blocking, 2 allowed, 0 ignored (CRITICAL and above, fixable only)");
  }

  @Test
  void anUnknownReportIsExitTwoNamingTheFile() throws Exception {
    Path report = dir.resolve("other.json");
    Files.writeString(report, "{\"issues\": []}");
    Run r = ferry("scan", "--report", report.toString(), "--json");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.json().path("error").path("message").asText())
        .contains(report.toString()).contains("expected a Trivy JSON report");
  }

  @Test
  void testImagePrintsEachCheckAndFailsWithExitOne() throws Exception {
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, """
        metadata:
          notRoot: true
          exposedPorts: [8080/tcp, 9090/tcp]
        files:
          - path: /app/run
            permissions: -rwxr-xr-x
        """);
    Run r = ferry("test-image", "--image", registry.host() + "/shop/web:1.4.2", "--spec", spec.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("PASS user is not root\n", "PASS port 8080/tcp is exposed\n",
        "FAIL port 9090/tcp is exposed: exposed: 8080/tcp\n", "PASS /app/run has permissions -rwxr-xr-x\n",
        "4 of 5 checks passed");
  }

  @Test
  void testImageOfAMissingImageIsExitOneWithTheMessage() throws Exception {
    Path spec = dir.resolve("spec2.yaml");
    Files.writeString(spec, "metadata:\n  notRoot: true\n");
    Run r = ferry("test-image", "--image", registry.host() + "/shop/web:9", "--spec", spec.toString(), "--json");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.json().path("error").path("message").asText())
        .isEqualTo("image " + registry.host() + "/shop/web:9 does not exist");
  }

  @Test
  void buildWithJibPrintsTheDigestTheRegistryHas() throws Exception {
    Path context = Files.createDirectories(dir.resolve("ctx"));
    Files.writeString(context.resolve("index.html"), "<h1>shop</h1>\n");
    String image = registry.host() + "/shop/site:3.1";
    Run r = ferry("build", "--builder", "jib", "--context", context.toString(), "--image", image, "--json",
        "--entrypoint", "/bin/httpd", "--expose", "8080");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode json = r.json();
    String digest = new RegistryClient(RegistryAccess.anonymous()).resolveDigest(ImageRef.parse(image));
    assertThat(json.path("digest").asText()).isEqualTo(digest);
    assertThat(json.path("image").asText()).isEqualTo(image + "@" + digest);
    assertThat(json.path("size").asLong()).isPositive();
    assertThat(json.path("builder").asText()).isEqualTo("jib");
  }

  @Test
  void buildRefusesJibOptionsForADockerfileBuild() {
    Run r = ferry("build", "--builder", "buildah", "--image", registry.host() + "/shop/x:1", "--jar", "a.jar");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("apply to --builder jib");
  }
}
