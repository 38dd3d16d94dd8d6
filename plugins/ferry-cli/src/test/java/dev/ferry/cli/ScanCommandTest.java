package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ferry scan through Main: secrets, VEX and ignore files in the JSON and human outputs and exit codes. */
class ScanCommandTest {

  static final String TRIVY = """
      {"SchemaVersion": 2, "ArtifactName": "registry.example.com/shop/web:1.4.2", "ArtifactType": "container_image",
       "Metadata": {"RepoDigests": ["registry.example.com/shop/web@sha256:5d0da3dc976460b72c77d94c8a1ad043720b0416bfc16c52c45d4847e53fadb6"]},
       "Results": [
        {"Target": "registry.example.com/shop/web:1.4.2 (debian 12.5)", "Class": "os-pkgs", "Type": "debian",
         "Vulnerabilities": [
           {"VulnerabilityID": "CVE-2024-5535", "PkgName": "libssl3", "InstalledVersion": "3.0.11-1~deb12u2",
            "PkgIdentifier": {"PURL": "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64"},
            "FixedVersion": "3.0.13-1~deb12u1", "Status": "fixed", "Severity": "CRITICAL"}]},
        {"Target": "app/.env", "Class": "secret",
         "Secrets": [{"RuleID": "github-pat", "Category": "GitHub", "Severity": "CRITICAL", "Title": "GitHub Personal Access Token",
           "StartLine": 2, "EndLine": 2, "Match": "GITHUB_TOKEN=ghp_FERRYTESTSECRETVALUE",
           "Code": {"Lines": [{"Number": 2, "Content": "GITHUB_TOKEN=ghp_FERRYTESTSECRETVALUE", "IsCause": true}]}}]},
        {"Target": "Dockerfile", "Class": "config", "Type": "dockerfile",
         "Misconfigurations": [{"ID": "DS-0002", "Title": "Image user should not be 'root'", "Severity": "HIGH", "Status": "FAIL",
           "CauseMetadata": {"StartLine": 1}}]}]}
      """;

  static final String OPENVEX = """
      {"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://vex.example.com/web",
       "timestamp": "2026-11-20T09:00:00Z",
       "statements": [{"vulnerability": {"name": "CVE-2024-5535"},
         "products": [{"@id": "pkg:oci/web@sha256:5d0da3dc976460b72c77d94c8a1ad043720b0416bfc16c52c45d4847e53fadb6?repository_url=registry.example.com/shop/web"}],
         "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"}]}
      """;

  @TempDir
  Path dir;

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

  private Path write(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  @Test
  void aCriticalSecretBlocksAndTheJsonNamesItsRuleAndPlaceButNeverItsText() throws Exception {
    Path report = write("trivy.json", TRIVY);
    Path sarif = dir.resolve("scan.sarif");
    Run r = ferry("scan", "--report", report.toString(), "--json", "--sarif", sarif.toString());
    assertThat(r.exit()).isEqualTo(1);
    JsonNode secret = r.json().path("blocking").path(1);
    assertThat(secret.path("kind").asText()).isEqualTo("secret");
    assertThat(secret.path("id").asText()).isEqualTo("github-pat");
    assertThat(secret.path("title").asText()).isEqualTo("GitHub Personal Access Token");
    assertThat(secret.path("target").asText()).isEqualTo("app/.env");
    assertThat(secret.path("line").asInt()).isEqualTo(2);
    assertThat(r.json().path("notJudged").path("misconfigurations").asInt()).isEqualTo(1);
    assertThat(r.out() + r.err() + Files.readString(sarif)).doesNotContain("FERRYTESTSECRETVALUE");

    Run human = ferry("scan", "--report", report.toString());
    assertThat(human.out()).contains("blocking: secret github-pat (GitHub Personal Access Token) at app/.env:2 (CRITICAL)")
        .contains("1 misconfiguration not judged: the policy leaves misconfigurations off");
    assertThat(human.out() + human.err()).doesNotContain("FERRYTESTSECRETVALUE");
  }

  @Test
  void vexAndIgnoreFilesSuppressAndIgnoreWithTheStatementRecorded() throws Exception {
    Path report = write("trivy.json", TRIVY);
    Path vex = write("web.openvex.json", OPENVEX);
    Path ignore = write(".trivyignore", "# rotated on 2026-11-30, history rewritten\ngithub-pat exp:2026-12-31\n");
    Run r = ferry("scan", "--report", report.toString(), "--vex", vex.toString(), "--ignore-file", ignore.toString(),
        "--json");
    assertThat(r.exit()).as(r.err()).isEqualTo(0);
    JsonNode json = r.json();
    assertThat(json.path("counts").path("suppressed").asInt()).isEqualTo(1);
    assertThat(json.path("counts").path("ignored").asInt()).isEqualTo(1);
    JsonNode suppressed = json.path("suppressed").path(0);
    assertThat(suppressed.path("id").asText()).isEqualTo("CVE-2024-5535");
    assertThat(suppressed.path("vex").path("status").asText()).isEqualTo("not_affected");
    assertThat(suppressed.path("vex").path("justification").asText()).isEqualTo("vulnerable_code_not_in_execute_path");
    assertThat(suppressed.path("vex").path("document").asText()).isEqualTo(vex + " statements[0] (https://vex.example.com/web)");
  }

  @Test
  void anExpiredTrivyignoreEntryNoLongerAppliesAndSaysSo() throws Exception {
    Path report = write("trivy.json", TRIVY);
    Path ignore = write(".trivyignore", "github-pat exp:2025-01-31\nCVE-2024-5535\n");
    Run r = ferry("scan", "--report", report.toString(), "--ignore-file", ignore.toString(), "--json");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.json().path("blocking")).extracting(n -> n.path("id").asText()).containsExactly("github-pat");
    assertThat(r.json().path("lapsedIgnores").path(0).path("location").asText()).isEqualTo(ignore + ":1:1");
    assertThat(r.err()).contains("ignore entry for github-pat at " + ignore + ":1:1 expired on 2025-01-31, so it no"
        + " longer applies");
  }

  @Test
  void badVexOrIgnoreFilesAreExitTwoNamingTheFile() throws Exception {
    Path report = write("trivy.json", TRIVY);
    Path vex = write("bad.openvex.json", "{\"statements\": [{\"vulnerability\": \"CVE-1\", \"products\": [\"x\"]}]}");
    Run r = ferry("scan", "--report", report.toString(), "--vex", vex.toString(), "--json");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains(vex + " is malformed at statements[0].status");
    Path ignore = write(".grype.yaml", "ignore:\n  - vulnerability: CVE-1\n    match-type: exact-direct-match\n");
    Run g = ferry("scan", "--report", report.toString(), "--ignore-file", ignore.toString());
    assertThat(g.exit()).isEqualTo(2);
    assertThat(g.err()).contains(ignore + ":3:5").contains("unknown key 'match-type' in a Grype ignore rule");
  }
}
