package dev.ferry.core.git;

import static dev.ferry.core.git.Seed.BOT;
import static dev.ferry.core.git.Seed.git;
import static dev.ferry.core.git.Seed.promotion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ExternalException;
import dev.ferry.core.RefusedException;
import dev.ferry.core.state.StateStore;
import dev.ferry.testing.GitDaemon;
import dev.ferry.testing.GitHook;
import dev.ferry.testing.GitHttpServer;
import dev.ferry.testing.GitSshServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state index ref lands in the same atomic push as the branch and notes, or not at all; a cold
 * cache fetches the branch head shallow with the index, over every transport.
 */
class StateRefPushTest {

  static final String STATE = "refs/ferry/state/main";

  @TempDir Path tmp;

  static ChangeSet promotionWithNote(String image, String id) {
    ChangeSet p = promotion("web", "envs/dev/web/values.yaml", image, id);
    return new ChangeSet(p.changes(), p.subject(), "", p.trailers(), "{\"verifications\":[]}\n");
  }

  static PushResult promote(EnvRepo repo, ChangeSet cs) {
    return repo.commit(cs, BOT, new StateStore(repo, 100, null).update());
  }

  Path seed(Path bare) throws IOException {
    Seed.commit(bare, tmp.resolve("seed"), "seed", Map.of("envs/dev/web/values.yaml", "image: web:1\n"));
    // history for the shallow fetch to leave out
    for (int i = 0; i < 5; i++) {
      Seed.commit(bare, tmp.resolve("seed"), "noise " + i, Map.of("noise.txt", "n" + i + "\n"));
    }
    return bare;
  }

  static String refs(Path bare) throws IOException {
    return git(bare, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads/main", "refs/notes/", "refs/ferry/");
  }

  @Test
  void aPreReceiveRefusalLeavesBranchNotesAndIndexAsTheyWere() throws Exception {
    try (GitDaemon daemon = GitDaemon.start(tmp.resolve("srv"))) {
      Path bare = seed(daemon.createBareRepo("env.git"));
      RemoteSpec spec = new RemoteSpec(daemon.url("env.git"), "main", null);
      try (EnvRepo repo = EnvRepo.open(spec, tmp.resolve("cache"), null, PushFaultsTest.QUICK)) {
        promote(repo, promotionWithNote("web:2", "p-1"));
      }
      String before = refs(bare);
      assertThat(before).contains(STATE);
      GitHook.install(bare, "pre-receive", "echo 'frozen' >&2\nexit 1\n");
      try (EnvRepo repo = EnvRepo.open(spec, tmp.resolve("cache"), null, PushFaultsTest.QUICK)) {
        assertThatThrownBy(() -> promote(repo, promotionWithNote("web:3", "p-2")))
            .isInstanceOf(RefusedException.class).hasMessageContaining("frozen");
      }
      assertThat(refs(bare)).isEqualTo(before);
      GitHook.remove(bare, "pre-receive");
      try (EnvRepo repo = EnvRepo.open(spec, tmp.resolve("cache"), null, PushFaultsTest.QUICK)) {
        promote(repo, promotionWithNote("web:3", "p-2"));
      }
      assertThat(git(bare, "show", STATE + ":index.json")).contains(git(bare, "rev-parse", "main"));
      assertThat(git(bare, "show", STATE + ":dev/web.json")).contains("p-2").contains("p-1");
    }
  }

  @Test
  void aServerKilledMidPushLeavesAllThreeRefsAsTheyWere() throws Exception {
    Path base = tmp.resolve("srv");
    Path marker = tmp.resolve("push-started");
    Path bare;
    String before;
    try (GitDaemon daemon = GitDaemon.start(base)) {
      bare = seed(daemon.createBareRepo("env.git"));
      RemoteSpec spec = new RemoteSpec(daemon.url("env.git"), "main", null);
      try (EnvRepo repo = EnvRepo.open(spec, tmp.resolve("cache"), null, PushFaultsTest.QUICK)) {
        promote(repo, promotionWithNote("web:2", "p-1"));
      }
      before = refs(bare);
      GitHook.install(bare, "pre-receive", "touch '" + marker + "'\nsleep 60\n");
      try (EnvRepo repo = EnvRepo.open(spec, tmp.resolve("cache"), null, PushFaultsTest.QUICK)) {
        CompletableFuture<PushResult> push = CompletableFuture.supplyAsync(() -> promote(repo, promotionWithNote("web:3", "p-2")));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(marker) && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(marker).exists();
        daemon.crash();
        assertThatThrownBy(() -> push.get(60, TimeUnit.SECONDS)).cause().isInstanceOf(ExternalException.class);
      }
    }
    assertThat(refs(bare)).isEqualTo(before);
    GitHook.remove(bare, "pre-receive");
    try (GitDaemon again = GitDaemon.start(base);
         EnvRepo repo = EnvRepo.open(new RemoteSpec(again.url("env.git"), "main", null), tmp.resolve("cache"), null,
             PushFaultsTest.QUICK)) {
      promote(repo, promotionWithNote("web:3", "p-2"));
    }
    assertThat(git(bare, "show", STATE + ":index.json")).contains(git(bare, "rev-parse", "main"))
        .contains(git(bare, "rev-parse", "refs/notes/ferry"));
  }

  @Test
  void shallowFetchAndIndexPushOverGitDaemon() throws Exception {
    try (GitDaemon daemon = GitDaemon.start(tmp.resolve("srv"))) {
      Path bare = seed(daemon.createBareRepo("env.git"));
      thinPromotion(bare, new RemoteSpec(daemon.url("env.git"), "main", null));
    }
  }

  @Test
  void shallowFetchAndIndexPushOverHttpWithBasicAuthentication() throws Exception {
    try (GitHttpServer http = GitHttpServer.start(tmp.resolve("srv"), "ferry", TransportsTest.SECRET)) {
      Path bare = seed(http.createBareRepo("env"));
      thinPromotion(bare, new RemoteSpec(http.url("env"), "main",
          GitCredentials.userPassword("ferry", TransportsTest.SECRET)));
    }
  }

  @Test
  void shallowFetchAndIndexPushOverSsh() throws Exception {
    try (GitSshServer ssh = GitSshServer.start(tmp.resolve("srv"))) {
      Path bare = seed(ssh.createBareRepo("env.git"));
      thinPromotion(bare, new RemoteSpec(ssh.url("env.git"), "main",
          GitCredentials.sshKey(ssh.clientKey(), ssh.knownHosts())));
    }
  }

  /**
   * Two cold caches: the first builds the index (deepening to read the history once), the second
   * finds it current and keeps its mirror to the head alone.
   */
  void thinPromotion(Path bare, RemoteSpec spec) throws Exception {
    try (EnvRepo repo = EnvRepo.open(spec, tmp.resolve("cache-1"), null, PushFaultsTest.QUICK)) {
      assertThat(Files.exists(repo.mirror().resolve("shallow"))).as("a cold fetch is shallow").isTrue();
      promote(repo, promotionWithNote("web:2", "p-1"));
    }
    assertThat(git(bare, "show", STATE + ":dev/web.json")).contains("p-1");
    try (EnvRepo repo = EnvRepo.open(spec, tmp.resolve("cache-2"), null, PushFaultsTest.QUICK)) {
      // depth 1 on each ref: the branch head, the notes tip and the index tip are the shallow boundary
      List<String> shallow = Files.readAllLines(repo.mirror().resolve("shallow"));
      assertThat(shallow).contains(git(bare, "rev-parse", "main"), git(bare, "rev-parse", "refs/notes/ferry"),
          git(bare, "rev-parse", STATE));
      PushResult r = promote(repo, promotionWithNote("web:3", "p-2"));
      assertThat(git(bare, "rev-parse", "main")).isEqualTo(r.commit());
      // the index was current: reading and writing it needed no history
      assertThat(Files.readAllLines(repo.mirror().resolve("shallow"))).isEqualTo(shallow);
      assertThat(git(repo.mirror(), "rev-list", "--count", "main")).isEqualTo("2");
    }
    assertThat(git(bare, "show", STATE + ":index.json")).contains(git(bare, "rev-parse", "main"));
    assertThat(git(bare, "show", STATE + ":dev/web.json")).contains("p-2").contains("p-1");
    git(bare, "fsck", "--no-progress");
  }
}
