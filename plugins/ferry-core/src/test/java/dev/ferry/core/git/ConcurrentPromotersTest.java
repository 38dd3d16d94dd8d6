package dev.ferry.core.git;

import static dev.ferry.core.git.Seed.git;
import static dev.ferry.core.git.Seed.lines;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.ChildJvm;
import dev.ferry.testing.GitDaemon;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Many promoters in separate processes pushing to one branch of a real git daemon at once. */
class ConcurrentPromotersTest {

  static final int PROMOTERS = 32;

  @TempDir Path tmp;

  /** Starts one {@link PromoteOneFile} process per entry of {@code promotions} (path to value). */
  static List<Process> launch(Path tmp, String url, List<String[]> promotions, boolean sharedCache)
      throws IOException, InterruptedException {
    Path start = tmp.resolve("start");
    List<Process> procs = new ArrayList<>();
    List<Path> ready = new ArrayList<>();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    for (int i = 0; i < promotions.size(); i++) {
      String[] p = promotions.get(i);
      Path cache = sharedCache ? tmp.resolve("cache-shared") : tmp.resolve("cache-" + i);
      Path r = tmp.resolve("ready-" + i);
      ready.add(r);
      // Small, quickly started JVMs: 32 of them share two cores. The result is stdout alone.
      List<String> cmd = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m", "-Xss512k"));
      cmd.addAll(ChildJvm.QUIET);
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), PromoteOneFile.class.getName(),
          url, cache.toString(), p[0], p[1], p[2], r.toString(), start.toString()));
      procs.add(new ProcessBuilder(cmd)
          .redirectOutput(tmp.resolve("promoter-" + i + ".out").toFile())
          .redirectError(tmp.resolve("promoter-" + i + ".err").toFile()).start());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!ready.stream().allMatch(Files::exists) && System.nanoTime() < deadline
        && procs.stream().allMatch(Process::isAlive)) {
      Thread.sleep(20);
    }
    Files.writeString(start, "go");
    return procs;
  }

  static List<String> await(Path tmp, List<Process> procs) throws Exception {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < procs.size(); i++) {
      assertThat(procs.get(i).waitFor(240, TimeUnit.SECONDS)).as("promoter %d finished", i).isTrue();
      String stdout = Files.readString(tmp.resolve("promoter-" + i + ".out"), StandardCharsets.UTF_8);
      String stderr = Files.readString(tmp.resolve("promoter-" + i + ".err"), StandardCharsets.UTF_8);
      assertThat(procs.get(i).exitValue()).as("promoter %d: %s%s", i, stdout, stderr).isZero();
      out.add(stdout.strip());
    }
    return out;
  }

  @ParameterizedTest(name = "shared cache: {0}")
  @ValueSource(booleans = {false, true})
  void thirtyTwoProcessesPromoteDistinctServicesToOneBranch(boolean sharedCache) throws Exception {
    try (GitDaemon daemon = GitDaemon.start(tmp.resolve("srv"))) {
      Path bare = daemon.createBareRepo("env.git");
      Map<String, String> files = new LinkedHashMap<>();
      for (int i = 0; i < PROMOTERS; i++) {
        files.put("envs/dev/svc-" + i + "/values.yaml", "image: svc-" + i + ":1.0\n");
      }
      files.put("README.md", "do not touch\n");
      Seed.commit(bare, tmp.resolve("seed"), "seed", files);
      String base = git(bare, "rev-parse", "main");

      List<String[]> promotions = new ArrayList<>();
      for (int i = 0; i < PROMOTERS; i++) {
        promotions.add(new String[] {"envs/dev/svc-" + i + "/values.yaml", "svc-" + i + ":2.0", "svc-" + i});
      }
      List<String> results = await(tmp, launch(tmp, daemon.url("env.git"), promotions, sharedCache));

      assertThat(results).allMatch(r -> r.startsWith("OK "));
      assertThat(git(bare, "rev-list", "--count", base + "..main")).isEqualTo(String.valueOf(PROMOTERS));
      assertThat(git(bare, "rev-list", "--count", "--merges", base + "..main")).isEqualTo("0");
      for (int i = 0; i < PROMOTERS; i++) {
        assertThat(git(bare, "show", "main:envs/dev/svc-" + i + "/values.yaml")).isEqualTo("image: svc-" + i + ":2.0");
      }
      assertThat(lines(git(bare, "diff", "--name-only", base, "main"))).hasSize(PROMOTERS)
          .allMatch(p -> p.matches("envs/dev/svc-\\d+/values.yaml"));
      // Every commit changes exactly its own service's file.
      for (String c : lines(git(bare, "rev-list", base + "..main"))) {
        String service = git(bare, "log", "-1", "--format=%(trailers:key=Ferry-Service,valueonly)", c);
        assertThat(lines(git(bare, "diff-tree", "--no-commit-id", "--name-only", "-r", c)))
            .containsExactly("envs/dev/" + service + "/values.yaml");
      }
      Path clone = tmp.resolve("clone");
      git(tmp, "clone", "-q", daemon.url("env.git"), clone.toString());
      git(clone, "fsck", "--strict", "--no-progress");
    }
  }

  @Test
  void twoPromotersOfTheSameServiceBothLandInOrder() throws Exception {
    try (GitDaemon daemon = GitDaemon.start(tmp.resolve("srv"))) {
      Path bare = daemon.createBareRepo("env.git");
      Seed.commit(bare, tmp.resolve("seed"), "seed", Map.of("envs/dev/web/values.yaml", "image: web:1\n"));
      String base = git(bare, "rev-parse", "main");
      List<String[]> promotions = List.of(
          new String[] {"envs/dev/web/values.yaml", "web:2", "web"},
          new String[] {"envs/dev/web/values.yaml", "web:3", "web"});
      List<String> results = await(tmp, launch(tmp, daemon.url("env.git"), promotions, false));
      assertThat(results).allMatch(r -> r.startsWith("OK "));
      List<String> images = lines(git(bare, "log", "--reverse", "--format=%(trailers:key=Ferry-Image,valueonly)",
          base + "..main"));
      assertThat(images).containsExactlyInAnyOrder("web:2", "web:3");
      // The file holds whichever promotion landed last in the history.
      assertThat(git(bare, "show", "main:envs/dev/web/values.yaml")).isEqualTo("image: " + images.get(1));
    }
  }
}
