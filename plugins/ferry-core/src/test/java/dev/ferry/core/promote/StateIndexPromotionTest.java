package dev.ferry.core.promote;

import static dev.ferry.core.promote.EnvFixture.API;
import static dev.ferry.core.promote.EnvFixture.WEB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryListener;
import dev.ferry.core.InputException;
import dev.ferry.core.RefusedException;
import dev.ferry.core.config.ConfigLoader;
import dev.ferry.core.gate.Sleeper;
import dev.ferry.core.history.History;
import dev.ferry.core.history.PromotionRecord;
import dev.ferry.core.image.ImageRef;
import dev.ferry.testing.GitDaemon.Git;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The state index (refs/ferry/state/main) through the promotion engine: it decides at any history
 * length, follows a branch moved without Ferry, appears in repositories an older Ferry promoted,
 * and refuses to be misread when corrupt.
 */
class StateIndexPromotionTest {

  static final String D1 = "sha256:" + "1".repeat(64);
  static final String D2 = "sha256:" + "2".repeat(64);
  static final String STATE = "refs/ferry/state/main";

  @TempDir Path dir;
  Path bare;
  final List<FerryEvent> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void seed() throws Exception {
    bare = EnvFixture.bareRepo(dir, EnvFixture.files());
  }

  /** A promoter with its own cache: each is a fresh CI agent unless {@code cache} is reused. */
  Promoter promoter(String cache) {
    return new Promoter(ConfigLoader.parse("ferry.yaml", EnvFixture.config(bare, null), dir),
        PromoterContext.defaults(ImageResolver.AS_GIVEN, events::add).withCacheRoot(dir.resolve(cache)));
  }

  static ImageRef web(String tag, String digest) {
    return ImageRef.parse(WEB + ":" + tag + "@" + digest);
  }

  String git(String... args) throws IOException {
    return Git.run(bare, args).trim();
  }

  String indexFile(String path) throws IOException {
    return git("show", STATE + ":" + path);
  }

  /** Verified 1.1.0 and blocked 1.2.0 in dev, with Ferry. */
  void verifyOneAndBlockTheNext() {
    try (Promoter p = promoter("cache-a")) {
      p.promote(PromotionRequest.to("dev").image("web", web("1.1.0", D1)));
      assertThat(new Verifier(p, Sleeper.SYSTEM).verify("dev", List.of("web"), Duration.ofSeconds(5)).passed()).isTrue();
      p.promote(PromotionRequest.to("dev").image("web", web("1.2.0", D2)));
      p.rollback("dev", "web", "error rate", "alice");
    }
  }

  @Test
  void aVerificationAndABlockAtTheStartOfA100kCommitHistoryStillDecide() throws Exception {
    verifyOneAndBlockTheNext();
    appendCommits(100_000);
    assertThat(git("rev-list", "--count", "main")).isEqualTo(String.valueOf(100_000 + 4));

    try (Promoter p = promoter("cache-b")) {
      PromotionResult staging = p.promote(PromotionRequest.to("staging").image("web", web("1.1.0", D1)));
      assertThat(staging.noop()).isFalse();
      assertThatThrownBy(() -> p.promote(PromotionRequest.to("dev").image("web", web("1.2.0", D2))))
          .isInstanceOf(RefusedException.class).hasMessageContaining("is blocked in 'dev'")
          .hasMessageContaining("error rate");
    }
    assertThat(indexFile("index.json")).contains("\"base\" : \"" + git("rev-parse", "main") + "\"");
    assertThat(indexFile("staging/web.json")).contains("1.1.0");
    assertThat(events).anyMatch(e -> e.level() == FerryEvent.Level.PROGRESS
        && e.message().contains("reconciled the state index with the commits since its base"));
  }

  @Test
  void branchIndexAndNotesLandTogetherAndTheIndexNamesTheNewHead() throws Exception {
    verifyOneAndBlockTheNext();
    String head = git("rev-parse", "main");
    assertThat(indexFile("index.json")).contains("\"base\" : \"" + head + "\"")
        .contains("\"notes\" : \"" + git("rev-parse", "refs/notes/ferry") + "\"");
    String dev = indexFile("dev/web.json");
    assertThat(dev).contains("\"kind\" : \"rollback\"", "\"reason\" : \"error rate\"", "\"passed\" : true", D1, D2);
    // built on the first read, then one index commit per state change, each on top of the last
    assertThat(git("rev-list", "--count", STATE)).isEqualTo("5");
  }

  @Test
  void aPromotionOfOneServiceRewritesOnlyThatServicesFileOfTheIndex() throws Exception {
    try (Promoter p = promoter("cache-a")) {
      p.promote(PromotionRequest.to("dev").image("web", web("1.1.0", D1)));
      p.promote(PromotionRequest.to("dev").image("api", ImageRef.parse(API + ":2.0.0@" + D2)));
    }
    String apiFile = indexFile("dev/api.json");

    try (Promoter p = promoter("cache-a")) {
      p.promote(PromotionRequest.to("dev").image("web", web("1.2.0", D2)));
    }

    assertThat(git("diff", "--name-only", STATE + "^", STATE).lines().toList())
        .containsExactlyInAnyOrder("index.json", "dev/web.json");
    assertThat(indexFile("dev/api.json")).isEqualTo(apiFile);
    assertThat(indexFile("dev/web.json")).contains("1.2.0");
    // bringing the index up to its own new commit is routine: nothing to tell a CI log
    assertThat(events).noneMatch(e -> e.level() != FerryEvent.Level.DEBUG && e.message().startsWith("reconciled"));
  }

  /**
   * A cold cache deepens its thin mirror step by step to reach the index's base. 100 commits take
   * the second step, from a mirror that already holds more than 64 commits: JGit's protocol v0
   * client (the local transport here) failed that deepen with "Expected ACK/NAK, got: unshallow"
   * until the mirror's refs were set aside for it.
   */
  @ParameterizedTest
  @CsvSource({"10, 64, 200", "100, 2048, 2200"})
  void aColdCacheReconcilesABranchMovedWithoutFerryWithoutFetchingTheWholeHistory(int moved, int step, int most)
      throws Exception {
    appendCommits(3_000);
    try (Promoter p = promoter("cache-a")) {
      p.promote(PromotionRequest.to("dev").image("web", web("1.1.0", D1)));
    }
    appendCommits(moved); // the branch moves without Ferry: the index's base is now behind the head

    try (Promoter p = promoter("cache-b")) {
      p.promote(PromotionRequest.to("dev").image("api", ImageRef.parse(API + ":2.0.0@" + D2)));
    }

    Path mirror = mirrorIn("cache-b");
    int fetched = Integer.parseInt(Git.run(mirror, "rev-list", "--count", "refs/heads/main").trim());
    assertThat(fetched).as("commits in the cold mirror").isLessThan(most);
    assertThat(git("rev-list", "--count", "main")).isEqualTo(String.valueOf(3_000 + moved + 3));
    assertThat(indexFile("index.json")).contains("\"base\" : \"" + git("rev-parse", "main") + "\"");
    assertThat(indexFile("dev/web.json")).contains("1.1.0");
    assertThat(events).anyMatch(e -> e.message().contains("the newest " + step + " commits"));
    assertThat(Git.run(mirror, "for-each-ref", "--format=%(refname)").lines())
        .as("the refs set aside for the deepening are back").contains("refs/heads/main", "refs/ferry/state/main");
  }

  @Test
  void aBranchMovedByPlainGitPushIsReconciledMergesAndSquashesIncluded() throws Exception {
    try (Promoter p = promoter("cache-a")) {
      p.promote(PromotionRequest.to("dev").image("web", web("1.1.0", D1)));
    }
    Path work = dir.resolve("work");
    Git.run(dir, "clone", "-q", bare.toString(), work.toString());
    Git.run(work, "config", "user.email", "dev@example.com");
    Git.run(work, "config", "user.name", "Dev");
    // a side branch carrying a promotion, merged with a merge commit
    Git.run(work, "checkout", "-q", "-b", "side");
    Files.writeString(work.resolve("envs/dev/api/kustomization.yaml"), EnvFixture.kustomization("2.5.0"));
    Git.run(work, "commit", "-q", "-am", "Promote api 2.5.0 to dev\n\nFerry-Environment: dev\nFerry-Service: api\n"
        + "Ferry-Image: " + API + ":2.5.0\nFerry-Promotion-Id: side1\nFerry-Approval-Source: github-environment\n");
    Git.run(work, "checkout", "-q", "main");
    Files.writeString(work.resolve("README.md"), "moving main\n");
    Git.run(work, "add", "README.md");
    Git.run(work, "commit", "-q", "-m", "docs");
    Git.run(work, "merge", "-q", "--no-ff", "-m", "Merge pull request #7", "side");
    // a squash merge: one commit with Ferry's trailers in its message
    Files.writeString(work.resolve("envs/staging/web/values.yaml"), EnvFixture.values(WEB, "1.1.0"));
    Git.run(work, "commit", "-q", "-am", "Promote web 1.1.0 to staging (#8)\n\nFerry-Environment: staging\n"
        + "Ferry-Service: web\nFerry-Image: " + WEB + ":1.1.0\nFerry-Promotion-Id: squash8\n");
    // a hand edit of dev's web image
    Files.writeString(work.resolve("envs/dev/web/values.yaml"), EnvFixture.values(WEB, "9.9.9"));
    Git.run(work, "commit", "-q", "-am", "hotfix by hand");
    Git.run(work, "push", "-q", "origin", "main");
    String head = git("rev-parse", "main");
    String handEdit = head;

    try (Promoter p = promoter("cache-b")) {
      History h = p.historyOf("dev");
      PromotionRecord api = h.lastChange("dev", "api").orElseThrow();
      assertThat(api.id()).isEqualTo("side1");
      assertThat(h.lastChange("staging", "web").orElseThrow().id()).isEqualTo("squash8");
      Status status = Status.read(p);
      assertThat(status.cell("web", "dev")).get().satisfies(c -> {
        assertThat(c.state()).isEqualTo(Status.OUTSIDE);
        assertThat(c.commit()).isEqualTo(handEdit);
        assertThat(c.image()).contains("9.9.9");
      });
      assertThat(status.cell("api", "dev").orElseThrow().commit()).isEqualTo(api.commit());
    }
    assertThat(indexFile("index.json")).contains("\"base\" : \"" + head + "\"");
    assertThat(indexFile("dev/api.json")).contains("\"approvalSource\" : \"github-environment\"");
  }

  @Test
  void aRepositoryPromotedByAnEarlierFerryKeepsWorkingAndGainsAnIndex() throws Exception {
    verifyOneAndBlockTheNext();
    // what a Ferry without the index leaves: commits, trailers and notes, no refs/ferry/state
    git("update-ref", "-d", STATE);
    assertThat(git("for-each-ref", "refs/ferry/")).isEmpty();

    try (Promoter p = promoter("cache-b")) {
      assertThat(p.promote(PromotionRequest.to("staging").image("web", web("1.1.0", D1))).noop()).isFalse();
      assertThatThrownBy(() -> p.promote(PromotionRequest.to("dev").image("web", web("1.2.0", D2))))
          .isInstanceOf(RefusedException.class).hasMessageContaining("is blocked in 'dev'");
    }
    assertThat(indexFile("index.json")).contains("\"base\" : \"" + git("rev-parse", "main") + "\"");
    assertThat(events).anyMatch(e -> e.message().contains("has no state index yet: building it from the history"));
  }

  /**
   * A build from history reads a throwaway full mirror, deleted afterwards: the kept one stays thin,
   * so later commands do not load (nor fetch on top of) the whole history.
   */
  @Test
  void aBuildFromHistoryLeavesTheKeptMirrorThin() throws Exception {
    verifyOneAndBlockTheNext();
    git("update-ref", "-d", STATE);
    appendCommits(1_000);
    events.clear();
    // what a process killed during its build leaves, two days ago, and one that may still be in use
    Path stale = Files.createDirectories(dir.resolve("cache-b/.history-stale/objects"));
    Files.setLastModifiedTime(stale.getParent(), java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(Duration.ofDays(2))));
    Path inUse = Files.createDirectories(dir.resolve("cache-b/.history-in-use"));

    try (Promoter p = promoter("cache-b")) {
      assertThat(p.promote(PromotionRequest.to("staging").image("web", web("1.1.0", D1))).noop()).isFalse();
      assertThatThrownBy(() -> p.promote(PromotionRequest.to("dev").image("web", web("1.2.0", D2))))
          .isInstanceOf(RefusedException.class).hasMessageContaining("is blocked in 'dev'");
    }

    assertThat(events.stream().filter(e -> e.message().startsWith("building the state index of")))
        .as("the history is read once: the push of the index and the promotion catch up from that build").hasSize(1);
    Path mirror = mirrorIn("cache-b");
    assertThat(Integer.parseInt(Git.run(mirror, "rev-list", "--count", "refs/heads/main").trim()))
        .as("commits in the kept mirror").isLessThan(10);
    assertThat(mirror.resolve("shallow")).exists();
    try (var left = Files.list(dir.resolve("cache-b"))) {
      assertThat(left.map(f -> f.getFileName().toString()).filter(name -> name.startsWith(".history-")))
          .as("the throwaway mirror and the stale one are gone; a recent one may be another process's").containsExactly(".history-in-use");
    }
    assertThat(inUse).isDirectory();
    assertThat(indexFile("index.json")).contains("\"base\" : \"" + git("rev-parse", "main") + "\"");
    assertThat(indexFile("staging/web.json")).contains("1.1.0");
    assertThat(indexFile("dev/web.json")).contains("\"passed\" : true", "\"reason\" : \"error rate\"");
  }

  @Test
  void aHandEditedIndexIsAClearErrorNamingTheFileAndRebuildFixesIt() throws Exception {
    verifyOneAndBlockTheNext();
    Path work = dir.resolve("idx");
    Git.run(dir, "clone", "-q", "--no-checkout", bare.toString(), work.toString());
    Git.run(work, "fetch", "-q", "origin", STATE + ":" + STATE);
    Git.run(work, "checkout", "-q", STATE);
    Files.writeString(work.resolve("dev/web.json"), "{ \"environment\": \"dev\", \"service\": \"web\", \"changes\": [ {");
    Git.run(work, "-c", "user.name=x", "-c", "user.email=x@example.com", "commit", "-q", "-am", "by hand");
    Git.run(work, "push", "-q", "origin", "HEAD:" + STATE);

    try (Promoter p = promoter("cache-b")) {
      assertThatThrownBy(() -> p.historyOf("dev"))
          .isInstanceOfSatisfying(InputException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(2);
            assertThat(e.getMessage()).contains(STATE).contains("dev/web.json").contains("not valid JSON");
            assertThat(e.suggestion().orElse("")).contains("ferry index rebuild");
          });
      p.stateOf("dev").rebuild();
    }
    try (Promoter p = promoter("cache-c")) {
      assertThat(p.historyOf("dev").activeBlock("dev", "web", web("1.2.0", D2))).isPresent();
      assertThat(p.historyOf("dev").firstVerified("dev", "web", web("1.1.0", D1))).isPresent();
    }
    assertThat(git("log", "-1", "--format=%s", STATE)).contains("rebuilt from history");
  }

  /** The bare mirror in the cache folder {@code cache}. */
  Path mirrorIn(String cache) throws IOException {
    try (var found = Files.find(dir.resolve(cache), 1, (path, attrs) -> path.getFileName().toString().endsWith(".git"))) {
      return found.findFirst().orElseThrow();
    }
  }

  /** {@code n} commits on main that change one unrelated file, written with git fast-import. */
  void appendCommits(int n) throws Exception {
    String from = git("rev-parse", "main");
    long t = java.time.Instant.now().getEpochSecond();
    Path stream = dir.resolve("stream");
    try (BufferedWriter w = Files.newBufferedWriter(stream, StandardCharsets.UTF_8)) {
      for (int i = 1; i <= n; i++) {
        w.write("commit refs/heads/main\ncommitter Other <o@example.com> " + (t + i) + " +0000\ndata 8\nbusy " + String.format("%03d", i % 1000)
            + "\n");
        if (i == 1) {
          w.write("from " + from + "\n");
        }
        String content = "counter " + i + "\n";
        w.write("M 644 inline noise/counter.txt\ndata " + content.getBytes(StandardCharsets.UTF_8).length + "\n" + content + "\n");
      }
    }
    Process p = new ProcessBuilder("git", "fast-import", "--quiet").directory(bare.toFile())
        .redirectInput(stream.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("fi.log").toFile()).start();
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(dir.resolve("fi.log"))).isZero();
  }
}
