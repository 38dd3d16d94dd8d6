package dev.ferry.image.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScanPolicyTest {

  static final LocalDate TODAY = LocalDate.of(2026, 11, 29);

  @TempDir
  Path dir;

  static ScanReport trivy() throws Exception {
    return ReportReader.read(ReportReaderTest.fixture("trivy.json"));
  }

  static ScanPolicy policy() throws Exception {
    return ScanPolicy.read(ReportReaderTest.fixture("policy.yaml"));
  }

  @Test
  void byDefaultCriticalAndHighFindingsWithAFixBlock() throws Exception {
    Verdict v = ScanPolicy.defaults().evaluate(trivy(), null, TODAY);
    assertThat(v.blocking()).extracting(d -> d.finding().id())
        .containsExactly("CVE-2024-5535", "CVE-2024-2511", "GHSA-jjjh-jjxp-wpff");
    assertThat(v.passed()).isFalse();
    assertThat(v.image()).isEqualTo("registry.example.com/shop/web:1.4.2");
    Verdict.Decision zlib = v.decisions().get(3);
    assertThat(zlib.outcome()).isEqualTo(Verdict.Outcome.ALLOWED);
    assertThat(zlib.why()).isEqualTo("not fixable: the vendor will not fix it");
    assertThat(v.decisions().get(1).why()).isEqualTo("below HIGH");
  }

  @ParameterizedTest
  @CsvSource({
      "CRITICAL, CVE-2024-5535",
      "HIGH, CVE-2024-5535 CVE-2024-2511 GHSA-jjjh-jjxp-wpff",
      "LOW, CVE-2024-5535 CVE-2024-2511 GHSA-jjjh-jjxp-wpff CVE-2022-1471",
  })
  void failOnChangesTheThreshold(Severity failOn, String blocking) throws Exception {
    Verdict v = ScanPolicy.defaults().withFailOn(failOn).evaluate(trivy(), null, TODAY);
    assertThat(v.blocking()).extracting(d -> d.finding().id()).containsExactly(blocking.split(" "));
  }

  @Test
  void anIgnoreEntryWithAReasonAcceptsAFindingUntilItExpires() throws Exception {
    Verdict v = policy().evaluate(trivy(), null, TODAY);
    assertThat(v.blocking()).extracting(d -> d.finding().id())
        .containsExactly("CVE-2024-5535", "GHSA-jjjh-jjxp-wpff");
    Verdict.Decision openssl = v.decisions().get(2);
    assertThat(openssl.outcome()).isEqualTo(Verdict.Outcome.IGNORED);
    assertThat(openssl.why()).isEqualTo("ignored until 2026-12-31: TLS 1.3 session resumption is disabled in our nginx config");
    assertThat(v.expiredIgnores()).isEmpty();
  }

  @Test
  void anImageExceptionChangesTheThresholdAndAddsIgnoresForThatRepositoryOnly() throws Exception {
    Verdict legacy = policy().evaluate(trivy(), "registry.example.com/shop/legacy:0.9", TODAY);
    assertThat(legacy.failOn()).isEqualTo(Severity.CRITICAL);
    assertThat(legacy.blocking()).isEmpty();
    assertThat(legacy.passed()).isTrue();
    Verdict web = policy().evaluate(trivy(), "registry.example.com/shop/web:1.4.2", TODAY);
    assertThat(web.failOn()).isEqualTo(Severity.HIGH);
    assertThat(web.passed()).isFalse();
  }

  @Test
  void anExpiredIgnoreEntryFailsTheScanAndNoLongerAcceptsItsFinding() throws Exception {
    Verdict v = policy().evaluate(trivy(), "registry.example.com/shop/legacy:0.9", LocalDate.of(2026, 12, 16));
    assertThat(v.expiredIgnores()).extracting(ScanPolicy.Ignore::id).containsExactly("CVE-2024-5535");
    assertThat(v.expiredIgnores().get(0).location().line()).isEqualTo(13);
    assertThat(v.blocking()).extracting(d -> d.finding().id()).containsExactly("CVE-2024-5535");
    assertThat(v.passed()).isFalse();
  }

  @Test
  void anIgnoreEntryIsStillValidOnItsExpiryDay() throws Exception {
    Verdict v = policy().evaluate(trivy(), "registry.example.com/shop/legacy:0.9", LocalDate.of(2026, 12, 15));
    assertThat(v.expiredIgnores()).isEmpty();
    assertThat(v.passed()).isTrue();
  }

  @Test
  void anExpiredEntryWhoseFindingIsGoneStillFails() throws Exception {
    Verdict v = policy().evaluate(new ScanReport("trivy", null, java.util.List.of()), null, LocalDate.of(2027, 1, 1));
    assertThat(v.blocking()).isEmpty();
    assertThat(v.passed()).isFalse();
  }

  @Test
  void onlyFixableFalseBlocksUnfixedFindingsToo() throws Exception {
    Path file = dir.resolve("p.yaml");
    Files.writeString(file, "failOn: CRITICAL\nonlyFixable: false\n");
    Verdict v = ScanPolicy.read(file).evaluate(trivy(), null, TODAY);
    assertThat(v.blocking()).extracting(d -> d.finding().id()).containsExactly("CVE-2024-5535", "CVE-2023-45853");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "failOn: SEVERE|1|9|unknown severity 'SEVERE' (valid: UNKNOWN, NEGLIGIBLE, LOW, MEDIUM, HIGH, CRITICAL)",
      "failsOn: HIGH|1|1|unknown key 'failsOn' in the scan policy (valid: failOn, onlyFixable, ignore, images, secrets, misconfigurations, vex, ignoreFiles)",
      "secrets:\\n  failOn: SEVERE|2|11|unknown severity 'SEVERE'",
      "misconfigurations:\\n  block: true|2|3|unknown key 'block' in 'misconfigurations' (valid: enabled, failOn)",
      "vex:\\n  - ../other/vex.json|2|5|'vex' entries must be paths relative to the policy file's folder without '..'",
      "ignoreFiles: [/etc/trivyignore]|1|15|'ignoreFiles' entries must be paths relative to the policy file's folder",
      "vex: [missing.json]|1|7|'vex' names missing.json, which does not exist",
      "ignore:\\n  - id: CVE-1\\n    expires: 2027-01-01|2|5|the ignore entry for CVE-1 needs a 'reason' saying why the risk is accepted",
      "ignore:\\n  - id: CVE-1\\n    reason: because|2|5|the ignore entry for CVE-1 needs 'expires: YYYY-MM-DD', the last day it is accepted",
      "ignore:\\n  - id: CVE-1\\n    reason: because\\n    expires: soon|4|14|'soon' is not a date of the form YYYY-MM-DD",
      "onlyFixable: maybe|1|14|expected true or false, not 'maybe'",
      "images:\\n  - failOn: LOW|2|5|an image exception needs 'image'",
      "failOn: [HIGH|1|9|not valid YAML",
  })
  void policyErrorsPointAtTheLineToFix(String yaml, int line, int column, String message) throws Exception {
    Path file = dir.resolve("policy.yaml");
    Files.writeString(file, yaml.replace("\\n", "\n") + "\n");
    assertThatThrownBy(() -> ScanPolicy.read(file))
        .isInstanceOf(InputException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((InputException) e).location()).get()
            .satisfies(l -> {
              assertThat(l.file()).isEqualTo(file.toString());
              if (!message.equals("not valid YAML")) {
                assertThat(l.line()).isEqualTo(line);
                assertThat(l.column()).isEqualTo(column);
              }
            }));
  }
}
