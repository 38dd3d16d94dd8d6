package dev.ferry.image.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.core.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** OpenVEX and CycloneDX VEX statements: which suppress which finding, and how the outputs record them. */
class VexTest {

  static final LocalDate TODAY = LocalDate.of(2026, 12, 1);

  @TempDir
  Path dir;

  static ScanReport report() throws Exception {
    return ReportReader.read(ReportReaderTest.fixture("trivy-vex.json"));
  }

  static List<VexStatement> openVex() throws Exception {
    return Vex.read(ReportReaderTest.fixture("web.openvex.json"), 0);
  }

  static List<VexStatement> cycloneDx() throws Exception {
    return Vex.read(ReportReaderTest.fixture("web.cdx-vex.json"), 100);
  }

  private static List<org.assertj.core.groups.Tuple> outcomes(Verdict v) {
    return v.decisions().stream().map(d -> tuple(d.finding().id(), d.finding().installedVersion(),
        d.finding().packageName(), d.outcome())).toList();
  }

  @Test
  void notAffectedAndFixedSuppressWhileUnderInvestigationAndAffectedDoNot() throws Exception {
    Verdict v = ScanPolicy.defaults().withVex(openVex()).evaluate(report(), null, TODAY);
    assertThat(outcomes(v)).containsExactly(
        // the image by digest, limited to the libssl3 subcomponent: openssl keeps the same CVE
        tuple("CVE-2024-5535", "3.0.11-1~deb12u2", "libssl3", Verdict.Outcome.SUPPRESSED),
        tuple("CVE-2024-5535", "3.0.11-1~deb12u2", "openssl", Verdict.Outcome.BLOCKING),
        // under_investigation does not suppress
        tuple("CVE-2024-2511", "3.0.11-1~deb12u2", "openssl", Verdict.Outcome.BLOCKING),
        // a later 'affected' statement replaces the earlier 'not_affected'
        tuple("CVE-2023-45853", "1:1.2.13.dfsg-1", "zlib1g", Verdict.Outcome.BLOCKING),
        // a package product: its purl's version must be the installed one
        tuple("GHSA-jjjh-jjxp-wpff", "2.13.4", "com.fasterxml.jackson.core:jackson-databind", Verdict.Outcome.SUPPRESSED),
        tuple("CVE-2022-42004", "2.13.4", "com.fasterxml.jackson.core:jackson-databind", Verdict.Outcome.BLOCKING),
        tuple("GHSA-jjjh-jjxp-wpff", "2.13.2", "com.fasterxml.jackson.core:jackson-databind", Verdict.Outcome.BLOCKING));
    Verdict.Decision libssl = v.decisions().get(0);
    assertThat(libssl.vex().status()).isEqualTo(VexStatement.Status.NOT_AFFECTED);
    assertThat(libssl.vex().justification()).isEqualTo("vulnerable_code_not_in_execute_path");
    assertThat(libssl.why()).isEqualTo("VEX: not_affected (vulnerable_code_not_in_execute_path) in "
        + ReportReaderTest.fixture("web.openvex.json") + " statements[0] (https://vex.example.com/shop/web-2026-11)");
    assertThat(v.decisions().get(4).vex().status()).isEqualTo(VexStatement.Status.FIXED);
  }

  @Test
  void aStatementPinnedToADigestDoesNotMatchAnImageWhoseDigestIsUnknown() throws Exception {
    ScanReport r = report();
    ScanReport withoutDigest = new ScanReport(r.format(), r.image(), r.findings(), null);
    Verdict v = ScanPolicy.defaults().withVex(openVex()).evaluate(withoutDigest, null, TODAY);
    assertThat(v.decisions().get(0).outcome()).isEqualTo(Verdict.Outcome.BLOCKING);
    // a statement about the package itself does not depend on the image
    assertThat(v.decisions().get(4).outcome()).isEqualTo(Verdict.Outcome.SUPPRESSED);
  }

  @Test
  void cycloneDxAnalysisStatesSuppressByTheAffectedComponentAndMatchAliases() throws Exception {
    Verdict v = ScanPolicy.defaults().withVex(cycloneDx()).evaluate(report(), null, TODAY);
    assertThat(v.suppressed()).extracting(d -> d.finding().id(), d -> d.vex().status())
        .containsExactly(tuple("CVE-2023-45853", VexStatement.Status.NOT_AFFECTED),
            // GHSA-rgv9-q543-rqg4 is the finding's alias; the ref is a BOM-Link to the image
            tuple("CVE-2022-42004", VexStatement.Status.FIXED));
    assertThat(v.suppressed().get(0).vex().justification()).isEqualTo("code_not_reachable");
    assertThat(v.decisions()).filteredOn(d -> d.finding().id().equals("CVE-2024-2511"))
        .extracting(Verdict.Decision::outcome).containsOnly(Verdict.Outcome.BLOCKING);
  }

  @Test
  void acrossDocumentsTheLatestStatementDecides() throws Exception {
    // CycloneDX says not_affected on 2026-11-21; the OpenVEX says affected on 2026-11-25
    Verdict v = ScanPolicy.defaults().withVex(cycloneDx()).withVex(openVex()).evaluate(report(), null, TODAY);
    assertThat(v.decisions()).filteredOn(d -> d.finding().id().equals("CVE-2023-45853"))
        .extracting(Verdict.Decision::outcome).containsExactly(Verdict.Outcome.BLOCKING);
  }

  @ParameterizedTest
  @CsvSource({
      "registry.example.com/shop/web:1.4.2, registry.example.com/shop/web:1.4.2, true",
      "registry.example.com/shop/web:1.4.2, registry.example.com/shop/web:1.4.3, false",
      "registry.example.com/shop/web, registry.example.com/shop/web:1.4.3, true",
      "registry.example.com/shop/api, registry.example.com/shop/web:1.4.2, false",
      "docker.io/library/nginx, nginx:1.27, true",
      "pkg:oci/web?repository_url=registry.example.com/shop/web&tag=1.4.2, registry.example.com/shop/web:1.4.2, true",
      "pkg:oci/web?repository_url=registry.example.com/shop/web&tag=1.4.2, registry.example.com/shop/web:1.5.0, false",
      "pkg:oci/web?repository_url=registry.example.com/other/web, registry.example.com/shop/web:1.4.2, false",
      "pkg:oci/web, registry.example.com/shop/web:1.4.2, true",
  })
  void theImageIsMatchedByRepositoryTagAndDigest(String product, String image, boolean matches) {
    assertThat(VexStatement.namesImage(product, image, null)).isEqualTo(matches);
  }

  @Test
  void theOutputsRecordTheStatementOfEachSuppressedFinding() throws Exception {
    Verdict v = ScanPolicy.defaults().withVex(openVex()).evaluate(report(), null, TODAY);
    JsonNode sarif = new ObjectMapper().readTree(ScanOutputs.sarif(v, "Dockerfile"));
    JsonNode first = sarif.path("runs").path(0).path("results").path(0);
    JsonNode suppression = first.path("suppressions").path(0);
    assertThat(suppression.path("status").asText()).isEqualTo("accepted");
    assertThat(suppression.path("properties").path("vex").path("status").asText()).isEqualTo("not_affected");
    assertThat(suppression.path("properties").path("vex").path("document").asText()).contains("web.openvex.json statements[0]");
    assertThat(ScanOutputs.junit(v)).contains("skipped=\"2\"");
    assertThat(ScanOutputs.markdown(v)).contains("2 suppressed by VEX").contains("### Suppressed by VEX");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"statements\": [{\"vulnerability\": {\"name\": \"CVE-1\"}, \"products\": [{\"@id\": \"x\"}]}]}"
          + "|statements[0].status: missing (valid: not_affected, affected, fixed, under_investigation)",
      "{\"statements\": [{\"vulnerability\": {\"name\": \"CVE-1\"}, \"products\": [{\"@id\": \"x\"}], \"status\": \"safe\"}]}"
          + "|statements[0].status: 'safe' is unknown",
      "{\"statements\": [{\"products\": [{\"@id\": \"x\"}], \"status\": \"fixed\"}]}|statements[0].vulnerability: needs",
      "{\"statements\": [{\"vulnerability\": \"CVE-1\", \"status\": \"fixed\"}]}|statements[0].products: needs at least one",
      "{\"statements\": [{\"vulnerability\": \"CVE-1\", \"products\": [\"x\"], \"status\": \"fixed\", \"timestamp\": \"yesterday\"}]}"
          + "|statements[0].timestamp: 'yesterday' is not an RFC 3339 time",
      "{\"bomFormat\": \"CycloneDX\", \"components\": []}|has no \"vulnerabilities\": it is an SBOM, not a VEX",
      "{\"bomFormat\": \"CycloneDX\", \"vulnerabilities\": [{\"id\": \"CVE-1\", \"analysis\": {\"state\": \"safe\"}}]}"
          + "|vulnerabilities[0].analysis.state: 'safe' is unknown",
      "{\"bomFormat\": \"CycloneDX\", \"vulnerabilities\": [{\"id\": \"CVE-1\", \"analysis\": {\"state\": \"resolved\"}}]}"
          + "|vulnerabilities[0].affects: needs at least one",
      "{\"matches\": []}|is not a known VEX format",
      "{\"bomFormat\": \"CycloneDX\", \"vulnerabilities\": [{\"id\": \"CVE-1\", \"ratings\": []}]}"
          + "|states nothing: none of its vulnerabilities has an analysis.state",
  })
  void badVexIsInputNamingTheFileAndField(String json, String message) throws Exception {
    Path file = dir.resolve("bad.vex.json");
    Files.writeString(file, json);
    assertThatThrownBy(() -> Vex.read(file, 0)).isInstanceOf(InputException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining(message);
  }

  @Test
  void brokenVexJsonNamesTheLine() throws Exception {
    Path file = dir.resolve("broken.json");
    Files.writeString(file, "{\n  \"statements\": [\n    {\"status\": \n");
    assertThatThrownBy(() -> Vex.read(file, 0)).isInstanceOf(InputException.class)
        .satisfies(e -> assertThat(((InputException) e).location()).get()
            .satisfies(l -> assertThat(l.line()).isEqualTo(4)));
  }

  @Test
  void thePolicyNamesVexDocumentsBesideIt() throws Exception {
    Files.createDirectories(dir.resolve("vex"));
    Files.copy(ReportReaderTest.fixture("web.openvex.json"), dir.resolve("vex/web.openvex.json"));
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, "vex:\n  - vex/web.openvex.json\n");
    Verdict v = ScanPolicy.read(policy).evaluate(report(), null, TODAY);
    assertThat(v.suppressed()).extracting(d -> d.finding().id()).containsExactly("CVE-2024-5535", "GHSA-jjjh-jjxp-wpff");
  }
}
