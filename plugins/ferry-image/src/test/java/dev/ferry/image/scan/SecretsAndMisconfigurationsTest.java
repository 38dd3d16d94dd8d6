package dev.ferry.image.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trivy's secret and misconfiguration findings: read, judged by their own switches, written without the secret. */
class SecretsAndMisconfigurationsTest {

  static final LocalDate TODAY = LocalDate.of(2026, 12, 1);

  @TempDir
  Path dir;

  static ScanReport report() throws Exception {
    return ReportReader.read(ReportReaderTest.fixture("trivy-secrets-misconfig.json"));
  }

  private ScanPolicy policy(String yaml) throws Exception {
    Path file = dir.resolve("policy.yaml");
    Files.writeString(file, yaml);
    return ScanPolicy.read(file);
  }

  @Test
  void secretsAndFailedMisconfigurationsAreReadAsFindingsOfTheirOwnKind() throws Exception {
    ScanReport r = report();
    assertThat(r.findings()).extracting(Finding::kind, Finding::id, Finding::severity, Finding::where)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Finding.Kind.VULNERABILITY, "CVE-2024-2511", Severity.HIGH,
                "registry.example.com/shop/web:1.4.2 (debian 12.5)"),
            org.assertj.core.groups.Tuple.tuple(Finding.Kind.SECRET, "aws-access-key-id", Severity.CRITICAL, "app/deploy.sh:3"),
            org.assertj.core.groups.Tuple.tuple(Finding.Kind.SECRET, "slack-web-hook", Severity.LOW, "app/deploy.sh:9"),
            org.assertj.core.groups.Tuple.tuple(Finding.Kind.MISCONFIGURATION, "DS-0002", Severity.HIGH, "Dockerfile:1"));
    assertThat(r.findings().get(1).title()).isEqualTo("AWS Access Key ID");
    assertThat(r.findings().get(3).aliases()).containsExactly("AVD-DS-0002");
    assertThat(r.findings()).allSatisfy(f -> assertThat(f.toString()).doesNotContain("FERRYTESTSECRETVALUE"));
  }

  @Test
  void everySecretBlocksByDefaultAndMisconfigurationsAreCountedAsNotJudged() throws Exception {
    Verdict v = ScanPolicy.defaults().evaluate(report(), null, TODAY);
    assertThat(v.blocking()).extracting(d -> d.finding().id())
        .containsExactly("CVE-2024-2511", "aws-access-key-id", "slack-web-hook");
    assertThat(v.blocking().get(1).why()).isEqualTo("secret CRITICAL at app/deploy.sh:3");
    assertThat(v.notJudged()).extracting(Finding::id).containsExactly("DS-0002");
    assertThat(ScanOutputs.notJudged(v)).isEqualTo("1 misconfiguration not judged: the policy leaves misconfigurations"
        + " off (misconfigurations: {failOn: HIGH} turns them on)");
  }

  @Test
  void aCriticalSecretBlocksEvenWhenVulnerabilitiesOnlyBlockAtCritical() throws Exception {
    Verdict v = ScanPolicy.defaults().withFailOn(Severity.CRITICAL).evaluate(report(), null, TODAY);
    assertThat(v.blocking()).extracting(d -> d.finding().id()).containsExactly("aws-access-key-id", "slack-web-hook");
    assertThat(v.passed()).isFalse();
  }

  @Test
  void eachKindHasItsOwnThresholdAndSwitch() throws Exception {
    Verdict v = policy("secrets: {failOn: HIGH}\nmisconfigurations: {failOn: HIGH}\n").evaluate(report(), null, TODAY);
    assertThat(v.blocking()).extracting(d -> d.finding().id())
        .containsExactly("CVE-2024-2511", "aws-access-key-id", "DS-0002");
    assertThat(v.decisions()).filteredOn(d -> d.finding().id().equals("slack-web-hook"))
        .extracting(Verdict.Decision::why).containsExactly("below HIGH");
    assertThat(v.notJudged()).isEmpty();

    Verdict off = policy("secrets: {enabled: false}\n").evaluate(report(), null, TODAY);
    assertThat(off.blocking()).extracting(d -> d.finding().id()).containsExactly("CVE-2024-2511");
    assertThat(off.notJudged()).extracting(Finding::id).containsExactly("aws-access-key-id", "slack-web-hook", "DS-0002");
  }

  @Test
  void anIgnoreEntryAcceptsASecretByItsRuleId() throws Exception {
    Verdict v = policy("""
        ignore:
          - id: slack-web-hook
            reason: a test webhook of the staging workspace, revoked
            expires: 2026-12-31
        """).evaluate(report(), null, TODAY);
    assertThat(v.decisions()).filteredOn(d -> d.outcome() == Verdict.Outcome.IGNORED)
        .extracting(d -> d.finding().id()).containsExactly("slack-web-hook");
  }

  @Test
  void noOutputCarriesTheSecretsTextAndEachNamesKindRuleTargetAndLine() throws Exception {
    Verdict v = policy("misconfigurations: {failOn: HIGH}\n").evaluate(report(), null, TODAY);
    String sarif = ScanOutputs.sarif(v, "Dockerfile");
    String junit = ScanOutputs.junit(v);
    String markdown = ScanOutputs.markdown(v);
    for (String out : List.of(sarif, junit, markdown)) {
      assertThat(out).doesNotContain("FERRYTESTSECRETVALUE").doesNotContain("FERRYPLAINTEXTNEIGHBOUR");
    }
    assertThat(sarif).contains("Secret aws-access-key-id: AWS Access Key ID\\nTarget: app/deploy.sh\\nLine: 3\\nSeverity: CRITICAL");
    assertThat(junit).contains("classname=\"scan.secret\" name=\"aws-access-key-id at app/deploy.sh:3\"");
    assertThat(markdown).contains("| aws-access-key-id (secret) | app/deploy.sh:3 |  |  | CRITICAL |")
        .contains("| DS-0002 (misconfiguration) | Dockerfile:1 |  |  | HIGH |");
  }

  @Test
  void ferrysOwnSarifReadsBackWithTheKindsAndPlaces() throws Exception {
    Verdict v = policy("misconfigurations: {failOn: HIGH}\n").evaluate(report(), null, TODAY);
    Path sarif = dir.resolve("scan.sarif");
    Files.writeString(sarif, ScanOutputs.sarif(v, "Dockerfile"));
    ScanReport back = ReportReader.read(sarif);
    assertThat(back.findings()).extracting(Finding::kind, Finding::id, Finding::where, Finding::severity)
        .containsExactlyElementsOf(report().findings().stream()
            .map(f -> org.assertj.core.groups.Tuple.tuple(f.kind(), f.id(),
                f.kind() == Finding.Kind.VULNERABILITY ? "Dockerfile" : f.where(), f.severity()))
            .toList());
  }

  @Test
  void trivysSarifSecretsAreReadWithoutTheMatchItQuotes() throws Exception {
    Path sarif = dir.resolve("trivy.sarif");
    Files.writeString(sarif, """
        {"version": "2.1.0", "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
         "runs": [{"tool": {"driver": {"name": "Trivy", "rules": [
           {"id": "aws-access-key-id", "name": "Secret", "shortDescription": {"text": "AWS Access Key ID"},
            "properties": {"precision": "very-high", "security-severity": "9.5", "tags": ["secret", "security", "CRITICAL"]}}]}},
          "results": [{"ruleId": "aws-access-key-id", "ruleIndex": 0, "level": "error",
            "message": {"text": "Artifact: deploy.sh\\nType: \\nSecret AWS Access Key ID\\nSeverity: CRITICAL\\nMatch: export AWS_ACCESS_KEY_ID=FERRYTESTSECRETVALUE9"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": "deploy.sh", "uriBaseId": "ROOTPATH"},
              "region": {"startLine": 3, "startColumn": 1, "endLine": 3, "endColumn": 1}}}]}]}]}
        """);
    Finding f = ReportReader.read(sarif).findings().get(0);
    assertThat(f.kind()).isEqualTo(Finding.Kind.SECRET);
    assertThat(f.id()).isEqualTo("aws-access-key-id");
    assertThat(f.where()).isEqualTo("deploy.sh:3");
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(f.title()).isEqualTo("AWS Access Key ID");
    assertThat(f.toString()).doesNotContain("FERRYTESTSECRETVALUE");
    assertThat(ScanPolicy.defaults().evaluate(ReportReader.read(sarif), null, TODAY).passed()).isFalse();
  }

  @Test
  void trivyRunsOnlyTheScannersThePolicyJudges() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path script = bin.resolve("trivy");
    Files.writeString(script, "#!/bin/sh\necho \"$@\" > " + dir.resolve("args") + "\npwd > " + dir.resolve("pwd")
        + "\ncat " + ReportReaderTest.fixture("trivy-secrets-misconfig.json") + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Map<String, String> env = Map.of("PATH", bin + ":/usr/bin:/bin");

    Verdict all = new Scan().image("registry.example.com/shop/web:1.4.2").environment(env)
        .policy(policy("misconfigurations: {failOn: HIGH}\n")).call();
    assertThat(Files.readString(dir.resolve("args")).strip())
        .isEqualTo("image --format json --quiet --scanners vuln,secret,misconfig registry.example.com/shop/web:1.4.2");
    assertThat(all.blocking()).extracting(d -> d.finding().id()).contains("DS-0002");
    // Trivy runs in a folder of its own: a .trivyignore where Ferry runs cannot drop findings unseen
    assertThat(Files.readString(dir.resolve("pwd")).strip()).isNotEqualTo(Path.of("").toAbsolutePath().toString());

    new Scan().image("registry.example.com/shop/web:1.4.2").environment(env)
        .policy(policy("secrets: {enabled: false}\n")).call();
    assertThat(Files.readString(dir.resolve("args")).strip())
        .isEqualTo("image --format json --quiet --scanners vuln registry.example.com/shop/web:1.4.2");
  }
}
