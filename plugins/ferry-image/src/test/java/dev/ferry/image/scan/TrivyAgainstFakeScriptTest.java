package dev.ferry.image.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ExternalException;
import dev.ferry.core.InputException;
import dev.ferry.core.image.RegistryAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Trivy code path against a fake {@code trivy} script on PATH (Trivy cannot be installed on
 * this machine). The script records its arguments and environment and prints a report shaped like
 * Trivy's documented JSON output.
 */
class TrivyAgainstFakeScriptTest {

  @TempDir
  Path dir;

  private Map<String, String> fakeTrivy(String body) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path script = bin.resolve("trivy");
    Files.writeString(script, "#!/bin/sh\n" + "echo \"$@\" > " + dir.resolve("args") + "\n"
        + "echo \"user=$TRIVY_USERNAME password=$TRIVY_PASSWORD insecure=$TRIVY_INSECURE\" > " + dir.resolve("env") + "\n"
        + body);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return Map.of("PATH", bin + ":/usr/bin:/bin");
  }

  @Test
  void runsTrivyWithCredentialsInItsEnvironmentOnly() throws Exception {
    String report = Files.readString(ReportReaderTest.fixture("trivy.json"));
    Files.writeString(dir.resolve("report.json"), report);
    Map<String, String> env = fakeTrivy("cat " + dir.resolve("report.json") + "\n");
    Verdict v = new Scan()
        .image("registry.internal:5000/shop/web:1.4.2")
        .environment(env)
        .access(RegistryAccess.anonymous().withHost("registry.internal:5000", true, "ci", "s3cret"))
        .call();
    assertThat(v.format()).isEqualTo("trivy");
    assertThat(v.blocking()).hasSize(3);
    assertThat(Files.readString(dir.resolve("args")).strip())
        .isEqualTo("image --format json --quiet --scanners vuln,secret registry.internal:5000/shop/web:1.4.2");
    assertThat(Files.readString(dir.resolve("env")).strip()).isEqualTo("user=ci password=s3cret insecure=true");
  }

  @Test
  void aFailingTrivyIsAnExternalFailureQuotingItsError() throws Exception {
    Map<String, String> env = fakeTrivy("echo 'FATAL image scan error: unable to find the specified image' >&2\nexit 1\n");
    assertThatThrownBy(() -> new Scan().image("registry.example.com/shop/web:1.4.2").environment(env).call())
        .isInstanceOf(ExternalException.class)
        .hasMessageContaining("trivy failed (exit 1) scanning registry.example.com/shop/web:1.4.2")
        .hasMessageContaining("unable to find the specified image");
  }

  @Test
  void withoutTrivyTheErrorSuggestsAReport() {
    assertThatThrownBy(() -> new Scan().image("registry.example.com/shop/web:1.4.2")
        .environment(Map.of("PATH", dir.toString())).call())
        .isInstanceOf(InputException.class)
        .hasMessage("Trivy is not installed, so Ferry cannot scan registry.example.com/shop/web:1.4.2 itself")
        .satisfies(e -> assertThat(((InputException) e).suggestion().orElseThrow()).contains("--report"));
  }
}
