package dev.ferry.image.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class ScanOutputsTest {

  @TempDir
  Path dir;

  Verdict verdict() throws Exception {
    return ScanPolicyTest.policy().evaluate(ScanPolicyTest.trivy(), null, ScanPolicyTest.TODAY);
  }

  @Test
  void sarifHasTheStructureGitHubCodeScanningReads() throws Exception {
    JsonNode sarif = new ObjectMapper().readTree(ScanOutputs.sarif(verdict(), "Dockerfile"));
    assertThat(sarif.path("version").asText()).isEqualTo("2.1.0");
    assertThat(sarif.path("$schema").asText()).contains("sarif-2.1.0");
    JsonNode run = sarif.path("runs").get(0);
    JsonNode rules = run.path("tool").path("driver").path("rules");
    JsonNode results = run.path("results");
    assertThat(run.path("tool").path("driver").path("name").asText()).isEqualTo("ferry-scan");
    assertThat(results).hasSize(6);
    assertThat(rules).hasSize(6);
    for (JsonNode result : results) {
      JsonNode rule = rules.get(result.path("ruleIndex").asInt());
      assertThat(rule.path("id").asText()).isEqualTo(result.path("ruleId").asText());
      assertThat(rule.path("properties").path("security-severity").asText()).matches("\\d+\\.\\d");
      assertThat(result.path("message").path("text").asText()).isNotEmpty();
      assertThat(result.path("locations").get(0).path("physicalLocation").path("artifactLocation")
          .path("uri").asText()).isEqualTo("Dockerfile");
      assertThat(result.path("level").asText()).isIn("error", "warning", "note");
    }
    assertThat(results.get(0).path("level").asText()).isEqualTo("error");
    assertThat(results.get(2).path("suppressions").get(0).path("justification").asText())
        .contains("TLS 1.3 session resumption");
  }

  @Test
  void sarifThatFerryWritesReadsBackTheSameFindings() throws Exception {
    Verdict v = verdict();
    ScanReport again = ReportReader.parse("ferry.sarif", ScanOutputs.sarif(v, "Dockerfile").getBytes(StandardCharsets.UTF_8));
    assertThat(again.findings()).extracting(Finding::id, Finding::severity, Finding::fixedVersion)
        .containsExactlyElementsOf(v.decisions().stream()
            .map(d -> org.assertj.core.groups.Tuple.tuple(d.finding().id(), d.finding().severity(), d.finding().fixedVersion()))
            .toList());
  }

  @Test
  void junitHasOneTestCasePerFindingAndFailsTheBlockingOnes() throws Exception {
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(ScanOutputs.junit(verdict()).getBytes(StandardCharsets.UTF_8)));
    Element suite = (Element) doc.getElementsByTagName("testsuite").item(0);
    assertThat(suite.getAttribute("tests")).isEqualTo("6");
    assertThat(suite.getAttribute("failures")).isEqualTo("2");
    assertThat(suite.getAttribute("skipped")).isEqualTo("1");
    NodeList failures = doc.getElementsByTagName("failure");
    assertThat(((Element) failures.item(0).getParentNode()).getAttribute("name"))
        .isEqualTo("CVE-2024-5535 in libssl3 3.0.11-1~deb12u2");
    assertThat(((Element) failures.item(0)).getAttribute("type")).isEqualTo("CRITICAL");
  }

  @Test
  void markdownListsTheBlockingFindings() throws Exception {
    String md = ScanOutputs.markdown(verdict());
    assertThat(md).contains("**Blocked**: 2 blocking, 3 allowed, 1 ignored");
    assertThat(md).contains("| CVE-2024-5535 | libssl3 | 3.0.11-1~deb12u2 | 3.0.13-1~deb12u1 | CRITICAL |");
    assertThat(md).contains("| GHSA-jjjh-jjxp-wpff | com.fasterxml.jackson.core:jackson-databind | 2.13.2 | 2.12.7.1, 2.13.4.1 | HIGH |");
    assertThat(md).contains("- CVE-2024-2511 in openssl: ignored until 2026-12-31");
  }

  @Test
  void aScanWritesEveryRequestedFile() throws Exception {
    Verdict v = new Scan()
        .report(ReportReaderTest.fixture("grype.json"))
        .sarif(dir.resolve("out/scan.sarif"))
        .junit(dir.resolve("out/scan.xml"))
        .markdown(dir.resolve("out/scan.md"))
        .clock(Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC))
        .call();
    assertThat(v.blocking()).extracting(d -> d.finding().id()).containsExactly("CVE-2024-5535", "GHSA-jjjh-jjxp-wpff");
    assertThat(Files.readString(dir.resolve("out/scan.sarif"))).contains("\"version\" : \"2.1.0\"");
    assertThat(Files.readString(dir.resolve("out/scan.xml"))).contains("<testsuite name=\"ferry scan registry.example.com/shop/web:1.4.2\"");
    assertThat(Files.readString(dir.resolve("out/scan.md"))).contains("**Blocked**");
  }
}
