package dev.ferry.image.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.ferry.core.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReportReaderTest {

  @TempDir
  Path dir;

  static Path fixture(String name) throws Exception {
    return Path.of(ReportReaderTest.class.getResource(name).toURI());
  }

  @Test
  void readsTrivyJson() throws Exception {
    ScanReport report = ReportReader.read(fixture("trivy.json"));
    assertThat(report.format()).isEqualTo("trivy");
    assertThat(report.image()).isEqualTo("registry.example.com/shop/web:1.4.2");
    assertThat(report.findings())
        .extracting(Finding::id, Finding::packageName, Finding::installedVersion, Finding::fixedVersion,
            Finding::fix, Finding::severity)
        .containsExactly(
            tuple("CVE-2024-5535", "libssl3", "3.0.11-1~deb12u2", "3.0.13-1~deb12u1", Finding.Fix.FIXED, Severity.CRITICAL),
            tuple("CVE-2023-50495", "libtinfo6", "6.4-4", null, Finding.Fix.NOT_FIXED, Severity.MEDIUM),
            tuple("CVE-2024-2511", "openssl", "3.0.11-1~deb12u2", "3.0.14-1~deb12u1", Finding.Fix.FIXED, Severity.HIGH),
            tuple("CVE-2023-45853", "zlib1g", "1:1.2.13.dfsg-1", null, Finding.Fix.WONT_FIX, Severity.CRITICAL),
            tuple("GHSA-jjjh-jjxp-wpff", "com.fasterxml.jackson.core:jackson-databind", "2.13.2",
                "2.12.7.1, 2.13.4.1", Finding.Fix.FIXED, Severity.HIGH),
            tuple("CVE-2022-1471", "org.yaml:snakeyaml", "1.30", "2.0", Finding.Fix.FIXED, Severity.LOW));
    assertThat(report.findings().get(4).target()).isEqualTo("app/app.jar");
  }

  @Test
  void readsGrypeJson() throws Exception {
    ScanReport report = ReportReader.read(fixture("grype.json"));
    assertThat(report.format()).isEqualTo("grype");
    assertThat(report.image()).isEqualTo("registry.example.com/shop/web:1.4.2");
    assertThat(report.findings())
        .extracting(Finding::id, Finding::packageName, Finding::fixedVersion, Finding::fix, Finding::severity)
        .containsExactly(
            tuple("CVE-2024-5535", "libssl3", "3.0.13-1~deb12u1", Finding.Fix.FIXED, Severity.CRITICAL),
            tuple("CVE-2023-45853", "zlib1g", null, Finding.Fix.WONT_FIX, Severity.CRITICAL),
            tuple("GHSA-jjjh-jjxp-wpff", "jackson-databind", "2.13.4.1", Finding.Fix.FIXED, Severity.HIGH),
            tuple("CVE-2024-0001", "libfoo", "1.2", Finding.Fix.FIXED, Severity.MEDIUM));
    assertThat(report.findings().get(0).target()).isEqualTo("/var/lib/dpkg/status");
  }

  @Test
  void readsSarifWithSecuritySeverityAndTrivyMessages() throws Exception {
    ScanReport report = ReportReader.read(fixture("trivy.sarif"));
    assertThat(report.format()).isEqualTo("sarif");
    assertThat(report.findings())
        .extracting(Finding::id, Finding::packageName, Finding::installedVersion, Finding::fixedVersion,
            Finding::fix, Finding::severity)
        .containsExactly(
            tuple("CVE-2024-5535", "libssl3", "3.0.11-1~deb12u2", "3.0.13-1~deb12u1", Finding.Fix.FIXED, Severity.CRITICAL),
            tuple("CVE-2023-50495", "libtinfo6", "6.4-4", null, Finding.Fix.NOT_FIXED, Severity.MEDIUM),
            tuple("CVE-2023-45853", "zlib1g", "1:1.2.13.dfsg-1", null, Finding.Fix.NOT_FIXED, Severity.CRITICAL));
    assertThat(report.findings().get(0).title()).isEqualTo("openssl: SSL_select_next_proto buffer overread");
  }

  @Test
  void sarifWithoutFixInformationCountsAsPossiblyFixable() {
    String sarif = """
        {"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[{"id":"R1"}]}},
         "results":[{"ruleId":"R1","level":"error","message":{"text":"bad"}}]}]}""";
    Finding f = ReportReader.parse("x.sarif", sarif.getBytes()).findings().get(0);
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(f.fix()).isEqualTo(Finding.Fix.UNKNOWN);
    assertThat(f.fixable()).isTrue();
  }

  @Test
  void malformedJsonNamesTheFileLineAndWhatWasExpected() throws Exception {
    Path file = dir.resolve("broken.json");
    Files.writeString(file, "{\n  \"Results\": [\n    {\"Target\": \"x\",,}\n");
    assertThatThrownBy(() -> ReportReader.read(file))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("not valid JSON")
        .hasMessageContaining("expected a Trivy JSON report")
        .satisfies(e -> {
          InputException ie = (InputException) e;
          assertThat(ie.location()).get().satisfies(l -> {
            assertThat(l.file()).isEqualTo(file.toString());
            assertThat(l.line()).isEqualTo(3);
          });
          assertThat(ie.exitCode()).isEqualTo(2);
        });
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"foo\": 1}|is not a known vulnerability report",
      "[1, 2]|is not a JSON object",
      "{\"version\": \"2.0.0\", \"runs\": []}|looks like SARIF but its version is '2.0.0'",
      "{\"Results\": {\"a\": 1}}|Trivy report",
      "{\"Results\": [{\"Vulnerabilities\": [{\"PkgName\": \"x\"}]}]}|Results[0].Vulnerabilities[0] has no VulnerabilityID",
      "{\"matches\": {}}|\"matches\" must be a list",
      "{\"matches\": [{\"vulnerability\": {}}]}|matches[0].vulnerability has no id",
      "{\"version\": \"2.1.0\", \"runs\": [{\"results\": [{\"level\": \"error\"}]}]}|runs[0].results[0] has no ruleId",
  })
  void unknownAndMalformedReportsAreBadInputNamingTheFile(String json, String message) throws Exception {
    Path file = dir.resolve("report.json");
    Files.writeString(file, json);
    assertThatThrownBy(() -> ReportReader.read(file))
        .isInstanceOf(InputException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining(message);
  }

  @Test
  void aMissingReportIsBadInput() {
    assertThatThrownBy(() -> ReportReader.read(dir.resolve("nope.json")))
        .isInstanceOf(InputException.class)
        .hasMessage("the report " + dir.resolve("nope.json") + " does not exist");
  }
}
