package dev.ferry.action;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signing-key input reaches ferry as a private temporary file named by
 * FERRY_SIGNING_KEY_FILE (git.signing.keyFileEnv), never as an argument or an environment
 * variable, and the file is gone after the run. A stand-in for java records what ferry would see.
 */
class FerryActionSigningKeyTest {

  static final String KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAfake\n-----END OPENSSH PRIVATE KEY-----";

  @TempDir
  Path dir;

  @Test
  void theSigningKeyIsAPrivateFileForTheRunOnly() throws Exception {
    Runner runner = new Runner(dir);
    Path seen = dir.resolve("seen");
    Path java = dir.resolve("fake-java");
    Files.writeString(java, "#!/usr/bin/env bash\n"
        + "{ echo \"file=$FERRY_SIGNING_KEY_FILE\"; stat -c 'mode=%a' \"$FERRY_SIGNING_KEY_FILE\";"
        + " stat -c 'dir=%a' \"$(dirname \"$FERRY_SIGNING_KEY_FILE\")\"; echo \"args=$*\"; } > '" + seen + "'\n"
        + "cp \"$FERRY_SIGNING_KEY_FILE\" '" + dir.resolve("key-copy") + "'\n"
        + "env > '" + dir.resolve("env-seen") + "'\n"
        + "echo '{\"environments\": [], \"cells\": [], \"blocks\": []}'\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
    runner.env.put("FERRY_JAVA", java.toString());
    runner.env.put("FERRY_JAR", dir.resolve("ferry.jar").toString());
    runner.env.put("RUNNER_TEMP", Files.createDirectories(dir.resolve("runner-temp")).toString());
    runner.input("command", "status").input("signing-key", KEY);

    Runner.Result run = runner.run("run");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    String report = Files.readString(seen);
    assertThat(report).contains("mode=600", "dir=700").doesNotContain("OPENSSH");
    assertThat(Files.readString(dir.resolve("key-copy"))).isEqualTo(KEY + "\n");
    assertThat(Files.readString(dir.resolve("env-seen"))).doesNotContain("b3BlbnNzaC1rZXktdjEAAAAAfake");
    Path keyFile = Path.of(report.lines().filter(l -> l.startsWith("file=")).findFirst().orElseThrow().substring(5));
    assertThat(keyFile.startsWith(dir.resolve("runner-temp"))).as(keyFile.toString()).isTrue();
    assertThat(keyFile).doesNotExist();
    assertThat(keyFile.getParent()).doesNotExist();
    assertThat(run.stdout() + run.stderr()).doesNotContain("b3BlbnNzaC1rZXktdjEAAAAAfake");
  }

  @Test
  void withoutTheInputNoKeyFileIsNamed() throws Exception {
    Runner runner = new Runner(dir);
    Path java = dir.resolve("fake-java");
    Files.writeString(java, "#!/usr/bin/env bash\necho \"file=${FERRY_SIGNING_KEY_FILE:-none}\" > '" + dir.resolve("seen")
        + "'\necho '{}'\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
    runner.env.put("FERRY_JAVA", java.toString());
    runner.env.put("FERRY_JAR", dir.resolve("ferry.jar").toString());
    runner.input("command", "status");
    assertThat(runner.run("run").exitCode()).isZero();
    assertThat(Files.readString(dir.resolve("seen"))).isEqualTo("file=none\n");
  }
}
