package dev.ferry.image.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** .trivyignore (plain and YAML) and .grype.yaml ignore rules, read as Ferry ignores. */
class IgnoreFileTest {

  static final LocalDate TODAY = LocalDate.of(2026, 12, 1);

  @TempDir
  Path dir;

  private List<ScanPolicy.Ignore> read(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return IgnoreFile.read(file);
  }

  private static Verdict judge(List<ScanPolicy.Ignore> entries, String fixture) throws Exception {
    ScanPolicy policy = new ScanPolicy(null, Severity.UNKNOWN, false, List.of(), List.of(),
        new ScanPolicy.KindRule(true, Severity.UNKNOWN), new ScanPolicy.KindRule(true, Severity.UNKNOWN), List.of())
        .withIgnores(entries);
    return policy.evaluate(ReportReader.read(ReportReaderTest.fixture(fixture)), null, TODAY);
  }

  private static List<String> ignoredIds(Verdict v) {
    return v.decisions().stream().filter(d -> d.outcome() == Verdict.Outcome.IGNORED)
        .map(d -> d.finding().id() + "@" + d.finding().where()).toList();
  }

  @Test
  void aPlainTrivyignoreListsIdsWithCommentsAndOptionalExpiry() throws Exception {
    List<ScanPolicy.Ignore> entries = read(".trivyignore", """
        # accepted by the platform team
        CVE-2024-2511
        DS-0002 exp:2027-01-31   # until the base image runs as non-root

        aws-access-key-id exp:2026-11-30
        """);
    assertThat(entries).extracting(ScanPolicy.Ignore::id).containsExactly("CVE-2024-2511", "DS-0002", "aws-access-key-id");
    assertThat(entries.get(0).reason()).isEqualTo("listed in " + dir.resolve(".trivyignore") + ":2");
    Verdict v = judge(entries, "trivy-secrets-misconfig.json");
    assertThat(ignoredIds(v)).containsExactly("CVE-2024-2511@registry.example.com/shop/web:1.4.2 (debian 12.5)",
        "DS-0002@Dockerfile:1");
    // expired: it no longer applies, says so, and does not by itself fail the scan as a policy entry does
    assertThat(v.lapsedIgnores()).extracting(ScanPolicy.Ignore::id).containsExactly("aws-access-key-id");
    assertThat(v.expiredIgnores()).isEmpty();
    assertThat(v.blocking()).extracting(d -> d.finding().id()).containsExactly("aws-access-key-id", "slack-web-hook");
  }

  @Test
  void aTrivyignoreYamlScopesEntriesByKindPathAndPurl() throws Exception {
    List<ScanPolicy.Ignore> entries = read(".trivyignore.yaml", """
        vulnerabilities:
          - id: CVE-2024-5535
            purls: ["pkg:deb/debian/libssl3@3.0.11-1~deb12u2"]
            statement: libssl3 is only used by curl in the build stage
          - id: GHSA-jjjh-jjxp-wpff
            paths: ["app/legacy.jar"]
            expired_at: 2027-03-01
        secrets:
          - id: CVE-2023-45853
        misconfigurations:
          - id: AVD-DS-0002
            paths: ["Dockerfile"]
        """);
    Verdict v = judge(entries, "trivy-vex.json");
    assertThat(ignoredIds(v)).containsExactly("CVE-2024-5535@registry.example.com/shop/web:1.4.2 (debian 12.5)",
        "GHSA-jjjh-jjxp-wpff@app/legacy.jar");
    assertThat(v.decisions().get(0).why()).isEqualTo("ignored: libssl3 is only used by curl in the build stage");
    assertThat(v.decisions().get(6).why()).startsWith("ignored until 2027-03-01: listed in ");
    // the misconfiguration entry matches by Trivy's AVD id, an alias of DS-0002
    assertThat(ignoredIds(judge(entries, "trivy-secrets-misconfig.json"))).containsExactly("DS-0002@Dockerfile:1");
  }

  @Test
  void grypeIgnoreRulesMatchByVulnerabilityPackageAndFixState() throws Exception {
    List<ScanPolicy.Ignore> entries = read(".grype.yaml", """
        output: json
        fail-on-severity: high
        ignore:
          - vulnerability: CVE-2024-5535
            package:
              name: libssl3
              version: 3.0.11-1~deb12u2
          - vulnerability: CVE-2024-0001
            package:
              name: libfoo
              version: "9.9"
          - fix-state: wont-fix
            reason: the vendor will not fix these; tracked in SEC-12
          - vulnerability: GHSA-jjjh-jjxp-wpff
            package:
              type: java-archive
              location: "/app/**"
        """);
    assertThat(entries).hasSize(4);
    Verdict v = judge(entries, "grype.json");
    assertThat(v.decisions()).extracting(d -> d.finding().id(), Verdict.Decision::outcome).containsExactly(
        org.assertj.core.groups.Tuple.tuple("CVE-2024-5535", Verdict.Outcome.IGNORED),
        org.assertj.core.groups.Tuple.tuple("CVE-2023-45853", Verdict.Outcome.IGNORED),
        org.assertj.core.groups.Tuple.tuple("GHSA-jjjh-jjxp-wpff", Verdict.Outcome.IGNORED),
        // libfoo 1.1, not the 9.9 the rule names
        org.assertj.core.groups.Tuple.tuple("CVE-2024-0001", Verdict.Outcome.BLOCKING));
    assertThat(v.decisions().get(1).why()).isEqualTo("ignored: the vendor will not fix these; tracked in SEC-12");
  }

  @Test
  void aGrypeRuleMatchesAliasesOnlyWithIncludeAliasesAsGrypeDoes() throws Exception {
    Path report = dir.resolve("grype-aliases.json");
    Files.writeString(report, """
        {"matches": [
          {"vulnerability": {"id": "CVE-2023-28755", "severity": "High", "fix": {"versions": ["3.0.6-r0"], "state": "fixed"}},
           "artifact": {"name": "ruby-3.0", "version": "3.0.4-r1", "type": "apk"}},
          {"vulnerability": {"id": "GHSA-hv5j-3h9f-99c2", "severity": "High", "fix": {"versions": ["0.10.2"], "state": "fixed"}},
           "relatedVulnerabilities": [{"id": "CVE-2023-28755"}],
           "artifact": {"name": "uri", "version": "0.10.1", "type": "gem"}}],
         "source": {"target": {"userInput": "cgr.dev/chainguard/ruby:latest"}}}
        """);
    ScanReport r = ReportReader.read(report);
    ScanPolicy policy = ScanPolicy.defaults();
    Verdict exact = policy.withIgnores(read(".grype.yaml", "ignore:\n  - vulnerability: CVE-2023-28755\n"))
        .evaluate(r, null, TODAY);
    assertThat(exact.decisions()).extracting(Verdict.Decision::outcome)
        .containsExactly(Verdict.Outcome.IGNORED, Verdict.Outcome.BLOCKING);
    Verdict aliases = policy.withIgnores(read(".grype.yaml",
        "ignore:\n  - vulnerability: CVE-2023-28755\n    include-aliases: true\n")).evaluate(r, null, TODAY);
    assertThat(aliases.decisions()).extracting(Verdict.Decision::outcome)
        .containsExactly(Verdict.Outcome.IGNORED, Verdict.Outcome.IGNORED);
  }

  @Test
  void theFormatIsDetectedByContentWhenTheNameDoesNotSay() throws Exception {
    assertThat(IgnoreFile.detect("scan/ignores.yaml", "ignore:\n  - vulnerability: CVE-1\n")).isEqualTo(IgnoreFile.Format.GRYPE);
    assertThat(IgnoreFile.detect("scan/ignores.yaml", "secrets:\n  - id: x\n")).isEqualTo(IgnoreFile.Format.TRIVY_YAML);
    assertThat(IgnoreFile.detect("scan/ignores.txt", "CVE-1\nCVE-2 exp:2027-01-01\n")).isEqualTo(IgnoreFile.Format.TRIVY_PLAIN);
    assertThat(IgnoreFile.detect("ci/.trivyignore", "vulnerabilities: x\n")).isEqualTo(IgnoreFile.Format.TRIVY_PLAIN);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      ".trivyignore|CVE-1\\nCVE-2 exp:2027-13-01|2|'2027-13-01' is not a date of the form YYYY-MM-DD",
      ".trivyignore|CVE-1 until-fixed|1|'until-fixed' after the id CVE-1 is neither a comment (#) nor exp:YYYY-MM-DD",
      ".trivyignore.yaml|vulnerabilities:\\n  - id: CVE-1\\n    expired_at: soon|3|'soon' is not a date",
      ".trivyignore.yaml|vulnerabilities:\\n  - id: CVE-1\\n    reason: x|3|unknown key 'reason' in an entry of 'vulnerabilities' (valid: id, paths, purls, expired_at, statement)",
      ".trivyignore.yaml|secrets:\\n  - paths: [a]|2|an entry of 'secrets' needs 'id'",
      ".trivyignore.yaml|secrets:\\n  - id: x\\n    purls: [pkg:npm/a]|3|'purls' applies to vulnerabilities only",
      ".trivyignore.yaml|ignore: []|1|unknown key 'ignore' in a .trivyignore.yaml file",
      ".grype.yaml|ignore:\\n  - vulnerability: CVE-1\\n    namespace: nvd|3|unknown key 'namespace' in a Grype ignore rule",
      ".grype.yaml|ignore:\\n  - reason: everything|2|has no condition, so it would ignore every finding",
      ".grype.yaml|ignore:\\n  - fix-state: maybe|2|unknown fix-state 'maybe'",
      ".grype.yaml|output: json|1|the Grype configuration has no 'ignore:' rules",
      "ignores.yaml|other: 1|1|neither Grype's 'ignore:' nor Trivy's",
  })
  void badEntriesNameTheFileAndLine(String name, String text, int line, String message) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text.replace("\\n", "\n") + "\n");
    assertThatThrownBy(() -> IgnoreFile.read(file)).isInstanceOf(InputException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((InputException) e).location()).get().satisfies(l -> {
          assertThat(l.file()).isEqualTo(file.toString());
          assertThat(l.line()).isEqualTo(line);
        }));
  }

  @Test
  void aMissingIgnoreFileNamesIt() {
    Path file = dir.resolve(".trivyignore");
    assertThatThrownBy(() -> IgnoreFile.read(file)).isInstanceOf(InputException.class)
        .hasMessage("the ignore file " + file + " does not exist");
  }
}
