package dev.ferry.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * resources/dev/ferry/ferry-run.sh in a real bash: the arguments it reads from FERRY_ARG_i reach
 * the program as separate words, unparsed. A stand-in for java prints the words it was given.
 */
class FerryRunScriptTest {

  static final Path SCRIPT = ScriptRun.REPO_ROOT.resolve("resources/dev/ferry/ferry-run.sh");

  @TempDir
  Path dir;

  @Test
  void hostileArgumentsReachTheProgramLiterally() throws Exception {
    // given
    List<String> hostile = List.of("promote", "web=registry.example.com/shop/web:1.0;rm -rf /", "$(id)", "`id`",
        "a b\tc", "line1\nline2", "'\"\\", "*", "", "--json");
    Path out = dir.resolve("out.bin");
    Map<String, String> env = launcherEnv(hostile, out, 0);
    // when
    ScriptRun run = ScriptRun.bash(SCRIPT, env, dir);
    // then
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    List<String> words = Arrays.asList(Files.readString(out, StandardCharsets.UTF_8).split("\0", -1));
    assertThat(words.subList(words.indexOf("-jar") + 2, words.size() - 1)).containsExactlyElementsOf(hostile);
    assertThat(words).contains(dir.resolve("ferry.jar").toString());
  }

  @Test
  void createsTheFoldersOfReportFiles() throws Exception {
    // given
    List<String> args = List.of("verify", "--junit", "reports/gates/verify-junit.xml", "--sarif", "$(id)/scan.sarif");
    // when
    ScriptRun run = ScriptRun.bash(SCRIPT, launcherEnv(args, dir.resolve("out.bin"), 0), dir);
    // then
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(dir.resolve("reports/gates")).isDirectory();
    assertThat(dir.resolve("$(id)")).isDirectory();
  }

  @Test
  void exitsWithTheProgramsExitCode() throws Exception {
    // when
    ScriptRun run = ScriptRun.bash(SCRIPT, launcherEnv(List.of("verify"), dir.resolve("out.bin"), 3), dir);
    // then
    assertThat(run.exitCode()).isEqualTo(3);
  }

  @Test
  void aMissingArgumentVariableIsAnError() throws Exception {
    // given
    Map<String, String> env = launcherEnv(List.of("status"), dir.resolve("out.bin"), 0);
    env.put("FERRY_ARGC", "2");
    // when
    ScriptRun run = ScriptRun.bash(SCRIPT, env, dir);
    // then
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr()).contains("FERRY_ARG_1 is not set");
  }

  Map<String, String> launcherEnv(List<String> args, Path out, int exit) throws Exception {
    Path java = dir.resolve("fake-java");
    Files.writeString(java, "#!/usr/bin/env bash\nprintf '%s\\0' \"$@\"\nexit " + exit + "\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
    Map<String, String> env = new HashMap<>();
    env.put("FERRY_JAVA", java.toString());
    env.put("FERRY_JAR", dir.resolve("ferry.jar").toString());
    env.put("FERRY_OUT", out.toString());
    env.put("FERRY_ARGC", String.valueOf(args.size()));
    for (int i = 0; i < args.size(); i++) {
      env.put("FERRY_ARG_" + i, args.get(i));
    }
    return env;
  }
}
