package dev.ferry.image.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.InputException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each scanner's own semantics: fix states, ids, aliases and severities as the producer writes them. */
class ScannerSemanticsTest {

  static ScanReport parse(String json) {
    return ReportReader.parse("report.json", json.getBytes(StandardCharsets.UTF_8));
  }

  static String grypeMatch(String id, String severity, String state, String versions, String related) {
    return "{\"vulnerability\": {\"id\": \"" + id + "\", \"severity\": \"" + severity + "\", \"fix\": {\"versions\": ["
        + versions + "], \"state\": \"" + state + "\"}, \"cvss\": [{\"version\": \"3.1\", \"metrics\": {\"baseScore\": 7.5}}]},"
        + " \"relatedVulnerabilities\": [" + related + "], \"artifact\": {\"name\": \"uri\", \"version\": \"0.10.1\"}}";
  }

  @Test
  void grypeCountsOnlyFixedAsFixable() {
    ScanReport r = parse("{\"matches\": [" + grypeMatch("CVE-1", "High", "fixed", "\"1.1\"", "") + ", "
        + grypeMatch("CVE-2", "High", "unknown", "", "") + ", " + grypeMatch("CVE-3", "High", "", "", "") + ", "
        + grypeMatch("CVE-4", "High", "not-fixed", "", "") + ", " + grypeMatch("CVE-5", "High", "wont-fix", "", "") + "]}");
    assertThat(r.findings()).extracting(Finding::fixable).containsExactly(true, false, false, false, false);
    assertThat(r.findings().get(4).fix()).isEqualTo(Finding.Fix.WONT_FIX);
    assertThat(r.findings().get(0).score()).isEqualTo(7.5);
    Verdict v = ScanPolicy.defaults().evaluate(r, "img", LocalDate.of(2026, 1, 1));
    assertThat(v.count(Verdict.Outcome.BLOCKING)).isEqualTo(1);
  }

  @Test
  void trivyWillNotFixAndEndOfLifeAreNotFixableAndSaySo() {
    ScanReport r = parse("{\"SchemaVersion\": 2, \"ArtifactName\": \"img\", \"Results\": [{\"Target\": \"os\","
        + " \"Vulnerabilities\": [{\"VulnerabilityID\": \"CVE-1\", \"PkgName\": \"a\", \"Severity\": \"CRITICAL\","
        + " \"Status\": \"will_not_fix\"}, {\"VulnerabilityID\": \"CVE-2\", \"PkgName\": \"b\", \"Severity\": \"CRITICAL\","
        + " \"Status\": \"end_of_life\"}, {\"VulnerabilityID\": \"CVE-3\", \"PkgName\": \"c\", \"Severity\": \"CRITICAL\","
        + " \"FixedVersion\": \"2.0\", \"Status\": \"fixed\", \"CVSS\": {\"nvd\": {\"V3Score\": 9.8}}}]}]}");
    Verdict v = ScanPolicy.defaults().evaluate(r, null, LocalDate.of(2026, 1, 1));
    assertThat(v.decisions()).extracting(Verdict.Decision::why).containsExactly(
        "not fixable: the vendor will not fix it", "not fixable: the release is past its end of life",
        "CRITICAL with a fix available");
    assertThat(r.findings().get(1).describe()).isEqualTo("CVE-2 in b (CRITICAL, no fix: end of life)");
    assertThat(r.findings().get(2).score()).isEqualTo(9.8);
  }

  @Test
  void anIgnoreMatchesByIdAndByAlias() {
    ScanReport r = parse("{\"matches\": [" + grypeMatch("GHSA-aaaa-bbbb-cccc", "High", "fixed", "\"1.1\"",
        "{\"id\": \"CVE-2023-28755\"}") + ", " + grypeMatch("CVE-2023-9999", "High", "fixed", "\"1.1\"", "") + "]}");
    ScanPolicy policy = new ScanPolicy(null, Severity.HIGH, true, List.of(new ScanPolicy.Ignore("CVE-2023-28755", null,
        "not reachable", LocalDate.of(2099, 1, 1), null)), List.of());
    Verdict v = policy.evaluate(r, null, LocalDate.of(2026, 1, 1));
    assertThat(v.decisions()).extracting(Verdict.Decision::outcome)
        .containsExactly(Verdict.Outcome.IGNORED, Verdict.Outcome.BLOCKING);
  }

  static final String GRYPE_SARIF = "{\"version\": \"2.1.0\", \"runs\": [{\"tool\": {\"driver\": {\"name\": \"grype\","
      + " \"rules\": [{\"id\": \"CVE-1999-0002-libfoo\", \"shortDescription\": {\"text\": \"CVE-1999-0002 critical\"},"
      + " \"help\": {\"text\": \"Vulnerability CVE-1999-0002\\nSeverity: critical\\nPackage: libfoo\\nVersion: 2.2.2\\n"
      + "Fix Version: 2.3\\nType: deb\"}, \"properties\": {\"security-severity\": \"8.5\"}}]}},"
      + " \"results\": [{\"ruleId\": \"CVE-1999-0002-libfoo\", \"level\": \"error\", \"message\": {\"text\": \"A critical"
      + " vulnerability\"}}]}]}";

  @Test
  void grypeSarifGivesTheVulnerabilityIdAndGrypesOwnSeverityKeepingTheScore() {
    Finding f = parse(GRYPE_SARIF).findings().get(0);
    assertThat(f.id()).isEqualTo("CVE-1999-0002");
    assertThat(f.packageName()).isEqualTo("libfoo");
    assertThat(f.installedVersion()).isEqualTo("2.2.2");
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(f.fix()).isEqualTo(Finding.Fix.FIXED);
    assertThat(f.score()).isEqualTo(8.5);
  }

  @Test
  void ferrysOwnSarifCarriesRealScoresAndReadsBackNegligibleAsNegligible() {
    ScanReport r = parse("{\"matches\": [" + grypeMatch("CVE-1", "Negligible", "fixed", "\"1.1\"", "") + "]}");
    Verdict v = new ScanPolicy(null, Severity.UNKNOWN, false, List.of(), List.of()).evaluate(r, null, LocalDate.of(2026, 1, 1));
    String sarif = ScanOutputs.sarif(v, "Dockerfile");
    assertThat(sarif).contains("\"security-severity\" : \"7.5\"");
    Finding back = parse(sarif).findings().get(0);
    assertThat(back.severity()).isEqualTo(Severity.NEGLIGIBLE);
    assertThat(back.id()).isEqualTo("CVE-1");
  }

  @Test
  void codeqlRulesInExtensionsAreReadByTheLevelRule() {
    Finding f = parse("{\"version\": \"2.1.0\", \"runs\": [{\"tool\": {\"driver\": {\"name\": \"CodeQL\"}, \"extensions\":"
        + " [{\"name\": \"codeql/javascript-queries\", \"rules\": [{\"id\": \"js/unused-local-variable\","
        + " \"shortDescription\": {\"text\": \"Unused variable\"}}]}]}, \"results\": [{\"ruleId\":"
        + " \"js/unused-local-variable\", \"level\": \"note\", \"message\": {\"text\": \"Unused variable x.\"}}]}]}")
        .findings().get(0);
    assertThat(f.title()).isEqualTo("Unused variable");
    assertThat(f.severity()).isEqualTo(Severity.LOW);
  }

  @Test
  void aCycloneDxSbomIsRefusedNamingTheFormatsRead() {
    assertThatThrownBy(() -> parse("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\", \"components\": []}"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("is a CycloneDX SBOM")
        .hasMessageContaining("Trivy JSON report").hasMessageContaining("Grype JSON").hasMessageContaining("SARIF 2.1.0");
  }
}
