package dev.ferry.core.git;

import static dev.ferry.core.git.Seed.git;
import static dev.ferry.core.git.Seed.lines;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryListener;
import dev.ferry.core.SourceLocation;
import dev.ferry.core.config.SigningConfig;
import dev.ferry.core.config.TrustConfig;
import dev.ferry.core.signing.SigningKeys;
import dev.ferry.core.signing.TrustedSigners;
import dev.ferry.testing.GitDaemon;
import dev.ferry.testing.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A promotion that lost a race waits in {@code refs/ferry/queue/main/<id>}, and the next promoter's
 * push carries it: over git daemon, with ssh-signed commits and {@code git.trust}. The loser is held
 * in its retry pause (its listener blocks) while another promoter pushes, so the order is fixed.
 */
class PromotionQueueTest {

  static final String QUEUE = "refs/ferry/queue/main/";

  @TempDir Path tmp;
  GitDaemon daemon;
  Path bare;
  TestKeys.Ssh key;
  Path allowed;

  @BeforeEach
  void serve() throws Exception {
    daemon = GitDaemon.start(tmp.resolve("srv"));
    bare = daemon.createBareRepo("env.git");
    Seed.commit(bare, tmp.resolve("seed"), "seed", Map.of(
        "envs/dev/a/values.yaml", "image: a:1\n", "envs/dev/b/values.yaml", "image: b:1\n",
        "envs/dev/c/values.yaml", "image: c:1\n"));
    key = TestKeys.ssh(tmp.resolve("keys"), "ed25519", "");
    allowed = TestKeys.allowedSigners(tmp, List.of(key), List.of("ferry@localhost", "p@example.com"));
  }

  @org.junit.jupiter.api.AfterEach
  void stop() throws Exception {
    daemon.close();
  }

  EnvRepo open(String cache, FerryListener listener, boolean trusted) {
    EnvRepo repo = EnvRepo.open(new RemoteSpec(daemon.url("env.git"), "main", null), tmp.resolve(cache), listener,
        new EnvRepo.Options(new RetryPolicy(10, Duration.ofMillis(50), Duration.ofMillis(200)), Clock.systemUTC(),
            Duration.ofSeconds(30)));
    repo.signWith(SigningKeys.signer(new SigningConfig(SigningConfig.Format.SSH, key.privateKey(), null, null, null,
        SourceLocation.of("ferry.yaml", 1, 1)), Map.of()));
    if (trusted) {
      repo.trustOnly(new RecordTrust(TrustedSigners.load(new TrustConfig(allowed, null, SourceLocation.of("ferry.yaml", 2, 1)))));
    }
    return repo;
  }

  static ChangeSet promote(String service, String image) {
    return new ChangeSet(Map.of("envs/dev/" + service + "/values.yaml", Seed.setImage(image)),
        "Promote " + service + " to " + image, "", List.of(new Trailer("Ferry-Service", service),
            new Trailer("Ferry-Promotion-Id", "id-" + service)), null);
  }

  static org.eclipse.jgit.lib.PersonIdent promoter() {
    return new org.eclipse.jgit.lib.PersonIdent("Pipeline B", "p@example.com");
  }

  @Test
  void aPromotionThatLostARaceIsCarriedByTheNextPushAndLandsOnce() throws Exception {
    CountDownLatch paused = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    FerryListener holdFirstPause = e -> {
      if (e.message().contains("retrying in") && paused.getCount() > 0) {
        paused.countDown();
        await(go);
      }
    };
    try (EnvRepo c = open("cache-c", FerryListener.NONE, true)) {
      c.head(); // a warm cache for the carrier, as an agent that promoted before
    }
    EnvRepo b = open("cache-b", holdFirstPause, true);
    assertThat(b.commit(promote("b", "b:1"), promoter()).noop()).isTrue(); // b has read the queue
    try (EnvRepo a = open("cache-a", FerryListener.NONE, true)) {
      a.commit(promote("a", "a:2"), null); // b now stands on an old head: its first push loses
    }
    CompletableFuture<PushResult> bResult = CompletableFuture.supplyAsync(() -> b.commit(promote("b", "b:2"), promoter()));
    assertThat(paused.await(60, TimeUnit.SECONDS)).as("b lost its first race").isTrue();
    String queued = git(bare, "rev-parse", QUEUE + "id-b");

    List<FerryEvent> carrierEvents = new java.util.concurrent.CopyOnWriteArrayList<>();
    PushResult cResult;
    try (EnvRepo c = open("cache-c", carrierEvents::add, true)) {
      cResult = c.commit(promote("c", "c:2"), null);
    }
    String headAfterCarrier = git(bare, "rev-parse", "main");
    go.countDown();
    PushResult carried = bResult.get(60, TimeUnit.SECONDS);
    b.close();

    List<String> landed = lines(git(bare, "log", "--format=%H %an %(trailers:key=Ferry-Promotion-Id,valueonly)", "main~3..main"));
    assertThat(landed).hasSize(3);
    assertThat(landed.get(0)).isEqualTo(carried.commit() + " Pipeline B id-b");
    assertThat(landed.get(1)).startsWith(cResult.commit() + " ");
    assertThat(carried.commit()).as("b landed in the carrier's push, not its own")
        .isEqualTo(headAfterCarrier).isNotEqualTo(queued);
    assertThat(git(bare, "log", "-1", "--format=%an / %cn", carried.commit())).isEqualTo("Pipeline B / Ferry");
    assertThat(carried.attempts()).isEqualTo(2);
    assertThat(git(bare, "for-each-ref", QUEUE)).isEmpty();
    assertThat(git(bare, "log", "--format=%(trailers:key=Ferry-Promotion-Id,valueonly)", "main"))
        .containsOnlyOnce("id-b");
    assertThat(git(bare, "show", "main:envs/dev/b/values.yaml")).isEqualTo("image: b:2");
    assertThat(git(bare, "show", "main:envs/dev/c/values.yaml")).isEqualTo("image: c:2");
    assertThat(git(bare, "show", "main:envs/dev/a/values.yaml")).isEqualTo("image: a:2");
    assertThat(lines(git(bare, "diff-tree", "--no-commit-id", "--name-only", "-r", carried.commit())))
        .containsExactly("envs/dev/b/values.yaml");
    // the carrier signed the carried commit with Ferry's key
    git(bare, "-c", "gpg.ssh.allowedSignersFile=" + allowed, "verify-commit", carried.commit());
  }

  @Test
  void aPromotionThatGivesUpTakesItselfOutOfTheQueue() throws Exception {
    // the server refuses b on the branch (a hook), but takes its queue ref
    Path hook = bare.resolve("hooks/pre-receive");
    Files.writeString(hook, "#!/bin/sh\nwhile read old new ref; do\n  if [ \"$ref\" = refs/heads/main ] && git log -1 --format=%B \"$new\""
        + " | grep -q id-b; then echo 'b is frozen' >&2; exit 1; fi\ndone\nexit 0\n");
    hook.toFile().setExecutable(true);
    List<FerryEvent> bEvents = new java.util.concurrent.CopyOnWriteArrayList<>();
    EnvRepo b = open("cache-b", bEvents::add, true);
    assertThat(b.commit(promote("b", "b:1"), promoter()).noop()).isTrue();
    try (EnvRepo a = open("cache-a", FerryListener.NONE, true)) {
      a.commit(promote("a", "a:2"), null);
    }
    try (b) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.commit(promote("b", "b:2"), promoter()))
          .isInstanceOf(dev.ferry.core.RefusedException.class).hasMessageContaining("b is frozen");
    }
    assertThat(bEvents).as("b queued after its lost race").anyMatch(e -> e.message().startsWith("queued "));
    assertThat(git(bare, "for-each-ref", QUEUE)).as("no carrier may land b later").isEmpty();
    assertThat(git(bare, "show", "main:envs/dev/b/values.yaml")).isEqualTo("image: b:1");
  }

  @Test
  void withoutTrustNothingIsQueuedAndALostRaceRetriesAlone() throws Exception {
    try (EnvRepo b = open("cache-b", FerryListener.NONE, false)) {
      try (EnvRepo a = open("cache-a", FerryListener.NONE, false)) {
        a.commit(promote("a", "a:2"), null);
      }
      PushResult r = b.commit(promote("b", "b:2"), promoter());
      assertThat(r.attempts()).isEqualTo(2);
    }
    assertThat(git(bare, "for-each-ref", "refs/ferry/queue/")).isEmpty();
  }

  @Test
  void anUntrustedQueueEntryIsNotCarried() throws Exception {
    // someone with push access queues a commit of their own: unsigned, it must not reach the branch
    Path work = tmp.resolve("forger");
    git(tmp, "clone", "-q", bare.toString(), work.toString());
    Files.writeString(work.resolve("envs/dev/b/values.yaml"), "image: evil:6\n");
    git(work, "commit", "-q", "-am", "Promote b to evil:6\n\nFerry-Promotion-Id: id-evil");
    git(work, "push", "-q", "origin", "HEAD:" + QUEUE + "id-evil");
    try (EnvRepo c = open("cache-c", FerryListener.NONE, true)) {
      c.head();
    }
    try (EnvRepo c = open("cache-c", FerryListener.NONE, true)) {
      c.commit(promote("c", "c:2"), null);
    }
    assertThat(git(bare, "show", "main:envs/dev/b/values.yaml")).isEqualTo("image: b:1");
    assertThat(git(bare, "rev-list", "--count", "main")).isEqualTo("2");
    assertThat(git(bare, "for-each-ref", "--format=%(refname)", QUEUE)).isEqualTo(QUEUE + "id-evil");
  }

  @Test
  void anEntryOlderThanFiveMinutesIsDeletedByTheNextPromotionsPushAndAYoungerOneStays() throws Exception {
    // a pipeline cancelled after it queued leaves its entry; the carrier's clock runs 10 minutes
    // ahead, so that an entry made now is one made 10 minutes before the carrier's push
    Path work = tmp.resolve("killed");
    git(tmp, "clone", "-q", bare.toString(), work.toString());
    Files.writeString(work.resolve("envs/dev/b/values.yaml"), "image: b:9\n");
    git(work, "commit", "-q", "-am", "Promote b to b:9\n\nFerry-Promotion-Id: id-killed");
    git(work, "push", "-q", "origin", "HEAD:" + QUEUE + "id-killed");
    String young;
    try (org.eclipse.jgit.lib.Repository r = new org.eclipse.jgit.storage.file.FileRepositoryBuilder()
        .setWorkTree(work.toFile()).build(); org.eclipse.jgit.lib.ObjectInserter ins = r.newObjectInserter()) {
      org.eclipse.jgit.lib.CommitBuilder cb = new org.eclipse.jgit.lib.CommitBuilder();
      org.eclipse.jgit.revwalk.RevCommit head = r.parseCommit(r.resolve("HEAD"));
      cb.setTreeId(head.getTree());
      cb.setParentId(head.getParent(0));
      org.eclipse.jgit.lib.PersonIdent later = new org.eclipse.jgit.lib.PersonIdent("Test", "test@example.com",
          java.time.Instant.now().plus(Duration.ofMinutes(9)), java.time.ZoneOffset.UTC);
      cb.setAuthor(later);
      cb.setCommitter(later);
      cb.setMessage("Promote b to b:9\n\nFerry-Promotion-Id: id-young\n");
      young = ins.insert(cb).name();
      ins.flush();
    }
    git(work, "push", "-q", "origin", young + ":" + QUEUE + "id-young");

    List<FerryEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (EnvRepo c = EnvRepo.open(new RemoteSpec(daemon.url("env.git"), "main", null), tmp.resolve("cache-c"),
        events::add, new EnvRepo.Options(new RetryPolicy(10, Duration.ofMillis(50), Duration.ofMillis(200)),
            Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10)), Duration.ofSeconds(30)))) {
      c.signWith(SigningKeys.signer(new SigningConfig(SigningConfig.Format.SSH, key.privateKey(), null, null, null,
          SourceLocation.of("ferry.yaml", 1, 1)), Map.of()));
      c.trustOnly(new RecordTrust(TrustedSigners.load(new TrustConfig(allowed, null, SourceLocation.of("ferry.yaml", 2, 1)))));
      c.head(); // a warm cache that has read the queue, as every promoter's second command
      c.commit(promote("c", "c:2"), null);
    }
    assertThat(git(bare, "for-each-ref", "--format=%(refname)", QUEUE)).as("the expired entry is gone, the young one stays")
        .isEqualTo(QUEUE + "id-young");
    assertThat(git(bare, "show", "main:envs/dev/c/values.yaml")).isEqualTo("image: c:2");
    assertThat(git(bare, "show", "main:envs/dev/b/values.yaml")).as("an expired entry is deleted, never carried")
        .isEqualTo("image: b:1");
    assertThat(git(bare, "rev-list", "--count", "main")).isEqualTo("2");
    assertThat(events).anyMatch(e -> e.message().startsWith("deleting " + QUEUE + "id-killed: queued "));
  }

  static void await(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
