package dev.ferry.core.git;

import static dev.ferry.core.git.Seed.BOT;
import static dev.ferry.core.git.Seed.git;
import static dev.ferry.core.git.Seed.lines;
import static dev.ferry.core.git.Seed.promotion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ExternalException;
import dev.ferry.core.FerryException;
import dev.ferry.core.RefusedException;
import dev.ferry.testing.GitDaemon;
import dev.ferry.testing.GitHook;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What happens when the server refuses a push or dies during one, and what a re-run does. */
class PushFaultsTest {

  static final EnvRepo.Options QUICK = new EnvRepo.Options(
      new RetryPolicy(3, Duration.ofMillis(20), Duration.ofMillis(100)), java.time.Clock.systemUTC(),
      Duration.ofSeconds(20));

  @TempDir Path tmp;

  Path seed(GitDaemon daemon) throws IOException {
    Path bare = daemon.createBareRepo("env.git");
    Seed.commit(bare, tmp.resolve("seed"), "seed", Map.of("envs/dev/web/values.yaml", "image: web:1\n"));
    return bare;
  }

  static long promotionsOf(Path bare, String id) throws IOException {
    return lines(git(bare, "log", "--format=%(trailers:key=Ferry-Promotion-Id,valueonly)", "main"))
        .stream().filter(id::equals).count();
  }

  @Test
  void preReceiveRejectionIsRefusedWithTheServersMessageAndRerunLandsOnce() throws IOException {
    try (GitDaemon daemon = GitDaemon.start(tmp.resolve("srv"))) {
      Path bare = seed(daemon);
      String before = git(bare, "rev-parse", "main");
      GitHook.install(bare, "pre-receive", "echo 'branch main is frozen until Monday' >&2\nexit 1\n");
      RemoteSpec spec = new RemoteSpec(daemon.url("env.git"), "main", null);
      ChangeSet cs = new ChangeSet(promotion("web", "envs/dev/web/values.yaml", "web:2", "p-hook").changes(),
          "Promote web", "", promotion("web", "x", "web:2", "p-hook").trailers(), "evidence\n");
      try (EnvRepo repo = EnvRepo.open(spec, tmp.resolve("cache"), null, QUICK)) {
        assertThatThrownBy(() -> repo.commit(cs, BOT))
            .isInstanceOfSatisfying(RefusedException.class, e -> assertThat(e.exitCode()).isEqualTo(1))
            .hasMessageContaining("branch main is frozen until Monday")
            .hasMessageContaining(daemon.url("env.git"));
      }
      assertThat(git(bare, "rev-parse", "main")).isEqualTo(before);
      assertThat(git(bare, "for-each-ref", "refs/notes/")).isEmpty();

      GitHook.remove(bare, "pre-receive");
      try (EnvRepo repo = EnvRepo.open(spec, tmp.resolve("cache"), null, QUICK)) {
        assertThat(repo.commit(cs, BOT).noop()).isFalse();
        assertThat(repo.commit(cs, BOT).noop()).isTrue();
      }
      assertThat(promotionsOf(bare, "p-hook")).isEqualTo(1);
      assertThat(git(bare, "notes", "--ref=ferry", "show", "main")).isEqualTo("evidence");
    }
  }

  /**
   * Another push landing between receive-pack's ref advertisement and its ref update makes the
   * server answer "failed to update ref" ("cannot lock ref ... is at X but expected Y"), not
   * "non-fast-forward": a lost race all the same (seen with 64 concurrent promoters in test/bench).
   */
  @Test
  void refMovedDuringThePushIsALostRaceAndRetried() throws IOException {
    try (GitDaemon daemon = GitDaemon.start(tmp.resolve("srv"))) {
      Path bare = seed(daemon);
      Path marker = tmp.resolve("moved");
      // the hook runs once, after the advertisement: it moves main as a concurrent push would
      GitHook.install(bare, "pre-receive", "[ -e '" + marker + "' ] && exit 0\ntouch '" + marker + "'\n"
          + "unset GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES\n"
          + "export GIT_AUTHOR_NAME=other GIT_AUTHOR_EMAIL=o@example.com GIT_COMMITTER_NAME=other"
          + " GIT_COMMITTER_EMAIL=o@example.com\n"
          + "c=$(git commit-tree 'main^{tree}' -p main -m 'someone else') && git update-ref refs/heads/main \"$c\"\n");
      RemoteSpec spec = new RemoteSpec(daemon.url("env.git"), "main", null);
      try (EnvRepo repo = EnvRepo.open(spec, tmp.resolve("cache"), null, QUICK)) {
        PushResult r = repo.commit(promotion("web", "envs/dev/web/values.yaml", "web:2", "p-moved"), BOT);
        assertThat(r.attempts()).isEqualTo(2);
      }
      assertThat(Files.exists(marker)).isTrue();
      assertThat(lines(git(bare, "log", "--format=%s", "main"))).startsWith("Promote web to web:2", "someone else");
      assertThat(promotionsOf(bare, "p-moved")).isEqualTo(1);
    }
  }

  @Test
  void serverDyingBeforeTheUpdateLeavesNothingAndRerunLandsOnce() throws Exception {
    serverDiesDuringPush("pre-receive", "p-pre");
  }

  @Test
  void serverDyingAfterTheUpdateKeepsTheWholePromotionAndRerunIsANoop() throws Exception {
    serverDiesDuringPush("reference-transaction", "p-post");
  }

  private void serverDiesDuringPush(String hook, String promotionId) throws Exception {
    Path base = tmp.resolve("srv");
    Path bare;
    String before;
    Path marker = tmp.resolve("push-started");
    ChangeSet cs = new ChangeSet(promotion("web", "envs/dev/web/values.yaml", "web:3", promotionId).changes(),
        "Promote web", "", promotion("web", "x", "web:3", promotionId).trailers(), "gate evidence\n");
    try (GitDaemon daemon = GitDaemon.start(base)) {
      bare = seed(daemon);
      before = git(bare, "rev-parse", "main");
      // reference-transaction runs with "committed" after the refs moved, before the client hears.
      GitHook.install(bare, hook, hook.equals("pre-receive") ? "touch '" + marker + "'\nsleep 60\n"
          : "if [ \"$1\" = committed ]; then touch '" + marker + "'; sleep 60; fi\n");
      try (EnvRepo repo = EnvRepo.open(new RemoteSpec(daemon.url("env.git"), "main", null), tmp.resolve("cache"), null, QUICK)) {
        CompletableFuture<PushResult> push = CompletableFuture.supplyAsync(() -> repo.commit(cs, BOT));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(marker) && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(marker).exists();
        daemon.crash(); // kills git daemon, receive-pack and the hook in the middle of the push
        assertThatThrownBy(() -> push.get(60, TimeUnit.SECONDS)).cause()
            .isInstanceOfSatisfying(ExternalException.class, e -> assertThat(((FerryException) e).exitCode()).isEqualTo(3))
            .hasMessageContaining("127.0.0.1");
      }
    }
    String after = git(bare, "rev-parse", "main");
    if (hook.equals("pre-receive")) {
      assertThat(after).isEqualTo(before);
      assertThat(git(bare, "for-each-ref", "refs/notes/")).isEmpty();
    } else {
      // The refs moved together before the server died: the whole promotion, note included.
      assertThat(git(bare, "rev-parse", "main^")).isEqualTo(before);
      assertThat(git(bare, "notes", "--ref=ferry", "show", "main")).isEqualTo("gate evidence");
    }
    GitHook.remove(bare, hook);
    try (GitDaemon again = GitDaemon.start(base);
         EnvRepo repo = EnvRepo.open(new RemoteSpec(again.url("env.git"), "main", null), tmp.resolve("cache"), null, QUICK)) {
      PushResult r = repo.commit(cs, BOT);
      assertThat(r.noop()).isEqualTo(hook.equals("reference-transaction"));
    }
    assertThat(promotionsOf(bare, promotionId)).isEqualTo(1);
    assertThat(git(bare, "rev-list", "--count", "main")).isEqualTo("2");
    assertThat(git(bare, "show", "main:envs/dev/web/values.yaml")).isEqualTo("image: web:3");
  }
}
