package dev.ferry.core.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.FerryListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening an environment repository runs no git process: JGit would run {@code git config
 * --system} with the inherited environment to find the system configuration. A fresh JVM (JGit's
 * reader is per process) opens a real repository with a {@code git} on its PATH that records
 * every call, and with a token in its environment.
 */
class GitConfigSourcesTest {

  @TempDir
  Path tmp;

  @Test
  void openingAndReadingARepositoryRunsNoGitProcess() throws Exception {
    Path bare = tmp.resolve("env.git");
    Seed.git(tmp, "init", "-q", "--bare", "-b", "main", bare.toString());
    Seed.commit(bare, tmp.resolve("seed"), "seed", Map.of("envs/dev/web/values.yaml", "image: web:1.0\n"));
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path calls = tmp.resolve("git-calls.txt");
    Path fakeGit = bin.resolve("git");
    Files.writeString(fakeGit, "#!/bin/sh\necho \"$* GIT_TOKEN=$GIT_TOKEN\" >> '" + calls + "'\nexec /usr/bin/git \"$@\"\n");
    Files.setPosixFilePermissions(fakeGit, PosixFilePermissions.fromString("rwx------"));

    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), OpenRepository.class.getName(), bare.toString(),
        tmp.resolve("cache").toString());
    pb.environment().clear();
    pb.environment().putAll(Map.of("PATH", bin + ":/usr/bin:/bin", "HOME", tmp.toString(), "GIT_TOKEN", "t0ken-secret"));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(out).contains("read: image: web:1.0");
    assertThat(p.exitValue()).isZero();
    assertThat(calls).doesNotExist();
  }

  /** The child: opens the repository as Ferry does and reads one file. */
  public static final class OpenRepository {
    public static void main(String[] args) throws IOException {
      try (EnvRepo repo = EnvRepo.open(new RemoteSpec(args[0], "main", GitCredentials.none()), Path.of(args[1]),
          FerryListener.NONE)) {
        System.out.println("read: " + repo.readFile(repo.head(), "envs/dev/web/values.yaml").orElse("(none)").trim());
      }
    }
  }
}
