package dev.ferry.core.git;

import static dev.ferry.core.git.Seed.BOT;
import static dev.ferry.core.git.Seed.git;
import static dev.ferry.core.git.Seed.lines;
import static dev.ferry.core.git.Seed.promotion;
import static dev.ferry.core.git.Seed.setImage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ExternalException;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.InputException;
import dev.ferry.testing.GitDaemon;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EnvRepo against a real {@code git daemon}, checked with the git CLI. */
class EnvRepoTest {

  @TempDir Path tmp;
  GitDaemon daemon;
  Path bare;
  Path cache;
  String url;
  final List<FerryEvent> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startServer() throws IOException {
    daemon = GitDaemon.start(tmp.resolve("srv"));
    bare = daemon.createBareRepo("env.git");
    Seed.commit(bare, tmp.resolve("seed"), "seed", Map.of(
        "envs/dev/web/values.yaml", "image: web:1.0\n",
        "envs/dev/api/values.yaml", "image: api:1.0\n",
        "README.md", "env repo\n"));
    url = daemon.url("env.git");
    cache = tmp.resolve("cache");
  }

  @AfterEach
  void stopServer() {
    daemon.close();
  }

  EnvRepo open() {
    return EnvRepo.open(new RemoteSpec(url, "main", GitCredentials.none()), cache, events::add);
  }

  @Test
  void commitPushesOneCommitThatGitReadsBack() throws IOException {
    String before = git(bare, "rev-parse", "main");
    PushResult r;
    try (EnvRepo repo = open()) {
      ChangeSet cs = new ChangeSet(Map.of("envs/dev/web/values.yaml", setImage("web:1.1")),
          "Promote web 1.1 to dev", "Built by CI.",
          List.of(new Trailer("Ferry-Service", "web"), new Trailer("Ferry-Image", "web:1.1@sha256:abc"),
              new Trailer("Ferry-Environment", "dev"), new Trailer("Ferry-Promotion-Id", "p-1"),
              new Trailer("Ferry-Source", "https://ci.example.com/job/7"),
              new Trailer("Ferry-Promoted-By", "alice"), new Trailer("Ferry-Promoted-By", "bob")),
          "{\"gates\":\"passed\"}\n");
      r = repo.commit(cs, BOT);
    }
    assertThat(r.noop()).isFalse();
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(r.previousHead()).isEqualTo(before);
    assertThat(r.changedPaths()).containsExactly("envs/dev/web/values.yaml");
    assertThat(git(bare, "rev-parse", "main")).isEqualTo(r.commit());
    assertThat(git(bare, "rev-parse", "main^")).isEqualTo(before);

    Path clone = tmp.resolve("clone");
    git(tmp, "clone", "-q", url, clone.toString());
    git(clone, "fetch", "-q", "origin", "+refs/notes/ferry:refs/notes/ferry");
    assertThat(Files.readString(clone.resolve("envs/dev/web/values.yaml"))).isEqualTo("image: web:1.1\n");
    assertThat(Files.readString(clone.resolve("envs/dev/api/values.yaml"))).isEqualTo("image: api:1.0\n");
    git(clone, "fsck", "--strict", "--no-progress");
    assertThat(git(clone, "diff", "--name-only", "HEAD^", "HEAD")).isEqualTo("envs/dev/web/values.yaml");

    Path msg = tmp.resolve("msg.txt");
    Files.writeString(msg, git(clone, "log", "-1", "--format=%B"));
    assertThat(lines(git(clone, "interpret-trailers", "--parse", msg.toString()))).containsExactly(
        "Ferry-Service: web", "Ferry-Image: web:1.1@sha256:abc", "Ferry-Environment: dev",
        "Ferry-Promotion-Id: p-1", "Ferry-Source: https://ci.example.com/job/7",
        "Ferry-Promoted-By: alice", "Ferry-Promoted-By: bob");
    assertThat(git(clone, "log", "-1", "--format=%s%n%an <%ae>")).isEqualTo("Promote web 1.1 to dev\nFerry Bot <ferry@example.com>");
    assertThat(git(clone, "notes", "--ref=ferry", "show", r.commit())).isEqualTo("{\"gates\":\"passed\"}");
  }

  @Test
  void promotionAlreadyInPlaceIsANoop() throws IOException {
    try (EnvRepo repo = open()) {
      PushResult first = repo.commit(promotion("web", "envs/dev/web/values.yaml", "web:2.0", "p-1"), BOT);
      PushResult again = repo.commit(promotion("web", "envs/dev/web/values.yaml", "web:2.0", "p-2"), BOT);
      assertThat(again.noop()).isTrue();
      assertThat(again.commit()).isEqualTo(first.commit());
      assertThat(again.changedPaths()).isEmpty();
    }
    assertThat(git(bare, "rev-list", "--count", "main")).isEqualTo("2");
  }

  @Test
  void pushRetriesOnMovedBranch() throws IOException {
    try (EnvRepo repo = open()) {
      String seen = repo.head();
      // Another pipeline pushes after Ferry fetched.
      Seed.commit(bare, tmp.resolve("seed"), "someone else", Map.of("envs/dev/api/values.yaml", "image: api:9\n"));
      PushResult r = repo.commit(promotion("web", "envs/dev/web/values.yaml", "web:3.0", "p-3"), BOT);
      assertThat(r.attempts()).isEqualTo(2);
      assertThat(r.previousHead()).isNotEqualTo(seen).isEqualTo(git(bare, "rev-parse", "main^"));
      assertThat(repo.head()).isEqualTo(r.commit());
      assertThat(repo.readFile(r.commit(), "envs/dev/api/values.yaml")).contains("image: api:9\n");
      assertThat(repo.readFile(r.commit(), "envs/dev/web/values.yaml")).contains("image: web:3.0\n");
    }
    assertThat(events).anyMatch(e -> e.message().contains("retrying"));
  }

  @Test
  void pushGivesUpAfterBoundedAttemptsWithExitCode3() throws IOException {
    EnvRepo.Options opts = EnvRepo.Options.DEFAULT.withRetry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2)));
    try (EnvRepo repo = EnvRepo.open(new RemoteSpec(url, "main", null), cache, events::add, opts)) {
      int[] n = {0};
      // Every time Ferry builds, another pipeline pushes first.
      FileChange racing = (path, current) -> {
        try {
          Seed.commit(bare, tmp.resolve("seed"), "race " + n[0], Map.of("race.txt", "race " + n[0]++ + "\n"));
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
        return "image: web:4\n";
      };
      ChangeSet cs = new ChangeSet(Map.of("envs/dev/web/values.yaml", racing), "Promote web", "", List.of(), null);
      assertThatThrownBy(() -> repo.commit(cs, BOT))
          .isInstanceOfSatisfying(dev.ferry.core.ExternalException.class, e -> assertThat(e.exitCode()).isEqualTo(3))
          .hasMessageContaining("after 30 attempts").hasMessageContaining(url);
      // lost races are not server failures: they get ten times the budget (maxRaces)
      assertThat(n[0]).isEqualTo(30);
    }
  }

  @Test
  void changesCreateAndDeleteFilesAndKeepOtherPathsIntact() throws IOException {
    String treeBefore = git(bare, "rev-parse", "main:envs/dev/api");
    try (EnvRepo repo = open()) {
      Map<String, FileChange> changes = new LinkedHashMap<>();
      changes.put("envs/prod/web/values.yaml", (p, c) -> c == null ? "image: web:5\n" : c);
      changes.put("README.md", (p, c) -> null);
      PushResult r = repo.commit(new ChangeSet(changes, "Add prod, drop readme", "", List.of(), null), BOT);
      assertThat(r.changedPaths()).containsExactly("envs/prod/web/values.yaml", "README.md");
      assertThat(repo.list(r.commit(), "")).containsExactly("envs");
      assertThat(repo.list(r.commit(), "envs")).containsExactly("dev", "prod");
      assertThat(repo.isDirectory(r.commit(), "envs/prod")).isTrue();
      assertThat(repo.isDirectory(r.commit(), "envs/prod/web/values.yaml")).isFalse();
      assertThat(repo.readFile(r.commit(), "README.md")).isEmpty();
    }
    assertThat(git(bare, "rev-parse", "main:envs/dev/api")).isEqualTo(treeBefore);
    Path clone = tmp.resolve("clone");
    git(tmp, "clone", "-q", url, clone.toString());
    git(clone, "fsck", "--strict", "--no-progress");
  }

  @Test
  void aTargetOverTheSizeLimitIsRefusedNamingTheFileAndTheLimitAndNothingIsPushed() throws IOException {
    // over JGit's 50 MiB big-file threshold, where getBytes() threw an unchecked LargeObjectException
    String huge = "image: web:1.0\n" + "#".repeat((int) dev.ferry.core.TargetFileLimit.MAX_BYTES) + "\n";
    Seed.commit(bare, tmp.resolve("seed"), "a generated bundle", Map.of("envs/dev/web/values.yaml", huge));
    String before = git(bare, "rev-parse", "main");
    try (EnvRepo repo = open()) {
      assertThatThrownBy(() -> repo.readFile(repo.head(), "envs/dev/web/values.yaml"))
          .isInstanceOf(InputException.class)
          .hasMessageContaining("'envs/dev/web/values.yaml' at ")
          .hasMessageContaining("Ferry edits files up to 50 MiB (52,428,800 bytes)");
      assertThatThrownBy(() -> repo.commit(promotion("web", "envs/dev/web/values.yaml", "web:2.0", "p-1"), BOT))
          .isInstanceOf(InputException.class)
          .hasMessageContaining("'envs/dev/web/values.yaml' in ")
          .hasMessageContaining(" is 52,428,816 bytes; Ferry edits files up to 50 MiB");
    }
    assertThat(git(bare, "rev-parse", "main")).isEqualTo(before);
  }

  @Test
  void exportTreeWritesTheSubtree() throws IOException {
    try (EnvRepo repo = open()) {
      Path out = tmp.resolve("out");
      repo.exportTree(repo.head(), "envs/dev", out);
      assertThat(Files.readString(out.resolve("web/values.yaml"))).isEqualTo("image: web:1.0\n");
      assertThat(Files.readString(out.resolve("api/values.yaml"))).isEqualTo("image: api:1.0\n");
      assertThat(out.resolve("README.md")).doesNotExist();
    }
  }

  @Test
  void exportTreeKeepsLinksInsideAndDropsChainsThatLeadOut() throws IOException {
    Path work = tmp.resolve("links");
    git(tmp, "clone", "-q", url, work.toString());
    Files.createDirectories(work.resolve("charts/a/b/c/d"));
    Files.writeString(work.resolve("charts/values.yaml"), "x: 1\n");
    // each link looks inside on its own; together they reach the parent of the export
    Files.createSymbolicLink(work.resolve("charts/a/b/c/d/up"), Path.of("../../../.."));
    Files.createSymbolicLink(work.resolve("charts/esc"), Path.of("a/b/c/d/up/../../../../.."));
    Files.createSymbolicLink(work.resolve("charts/ok"), Path.of("values.yaml"));
    git(work, "add", "-A");
    git(work, "commit", "-q", "-m", "links");
    git(work, "push", "-q", "origin", "main");
    try (EnvRepo repo = open()) {
      Path out = tmp.resolve("out-links");
      repo.exportTree(repo.head(), "charts", out);
      assertThat(Files.readString(out.resolve("ok"))).isEqualTo("x: 1\n");
      assertThat(out.resolve("esc")).doesNotExist();
      assertThat(Files.exists(out.resolve("esc"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
      assertThat(events).anySatisfy(e -> assertThat(e.message()).contains("skipped symbolic link esc"));
    }
  }

  @Test
  void logReadsTrailersAndNotesNewestFirst() {
    try (EnvRepo repo = open()) {
      PushResult a = repo.commit(promotion("web", "envs/dev/web/values.yaml", "web:1.1", "p-a"), BOT);
      PushResult b = repo.commit(promotion("api", "envs/dev/api/values.yaml", "api:1.1", "p-b"), BOT);
      repo.updateNotes(Map.of(a.commit(), old -> "gate: passed\n"));
      List<CommitInfo> log = repo.log(10);
      assertThat(log).extracting(CommitInfo::id).startsWith(b.commit(), a.commit());
      assertThat(log).hasSize(3);
      assertThat(log.get(0).trailer("Ferry-Service")).contains("api");
      assertThat(log.get(0).parent()).isEqualTo(a.commit());
      assertThat(log.get(0).note()).isNull();
      assertThat(log.get(1).trailers("ferry-promotion-id")).containsExactly("p-a");
      assertThat(log.get(1).note()).isEqualTo("gate: passed\n");
      assertThat(log.get(1).authorName()).isEqualTo("Ferry Bot");
      assertThat(log.get(2).trailers()).isEmpty();
      assertThat(repo.log(1)).hasSize(1);
    }
  }

  @Test
  void concurrentNoteUpdatesAreMergedNotLost() throws IOException {
    try (EnvRepo first = open(); EnvRepo second = EnvRepo.open(new RemoteSpec(url, "main", null), tmp.resolve("cache2"), null)) {
      String c = first.head();
      first.updateNotes(Map.of(c, old -> (old == null ? "" : old) + "gate argocd: passed\n"));
      // second fetched before the first wrote: its push must lose the race, fetch, and re-apply.
      second.updateNotes(Map.of(c, old -> (old == null ? "" : old) + "gate prometheus: passed\n"));
      assertThat(second.note(c)).contains("gate argocd: passed\ngate prometheus: passed\n");
    }
    Path clone = tmp.resolve("clone");
    git(tmp, "clone", "-q", url, clone.toString());
    git(clone, "fetch", "-q", "origin", "+refs/notes/ferry:refs/notes/ferry");
    assertThat(git(clone, "notes", "--ref=ferry", "show", "HEAD")).isEqualTo("gate argocd: passed\ngate prometheus: passed");
    assertThat(git(clone, "rev-list", "--count", "refs/notes/ferry")).isEqualTo("2");
  }

  @Test
  void noteForNewCommitLandsAtomicallyWithTheBranchEvenWhenNotesMoved() throws IOException {
    try (EnvRepo repo = open(); EnvRepo other = EnvRepo.open(new RemoteSpec(url, "main", null), tmp.resolve("cache2"), null)) {
      other.updateNotes(Map.of(other.head(), old -> "seed evidence\n"));
      ChangeSet revert = new ChangeSet(Map.of("envs/dev/web/values.yaml", setImage("web:0.9")),
          "Roll back web in dev", "", List.of(new Trailer("Ferry-Service", "web")), "blocked: web:1.0\n");
      PushResult r = repo.commit(revert, BOT);
      assertThat(r.attempts()).isEqualTo(2);
      assertThat(repo.note(r.commit())).contains("blocked: web:1.0\n");
      assertThat(repo.note(r.previousHead())).contains("seed evidence\n");
    }
    assertThat(git(bare, "notes", "--ref=ferry", "show", "main")).isEqualTo("blocked: web:1.0");
    assertThat(git(bare, "notes", "--ref=ferry", "show", "main^")).isEqualTo("seed evidence");
  }

  @Test
  void pullRequestBranchIsDeterministicAndRetrySafe() throws IOException {
    try (EnvRepo repo = open()) {
      String head = repo.head();
      ChangeSet cs = promotion("web", "envs/dev/web/values.yaml", "web:7", "p-7");
      PushResult first = repo.pushBranch("ferry/prod/p-7", cs, BOT);
      PushResult again = repo.pushBranch("ferry/prod/p-7", cs, BOT);
      assertThat(first.noop()).isFalse();
      assertThat(again.noop()).isTrue();
      assertThat(again.commit()).isEqualTo(first.commit());
      assertThat(repo.head()).isEqualTo(head);
      assertThat(git(bare, "rev-parse", "ferry/prod/p-7")).isEqualTo(first.commit());
      assertThat(git(bare, "rev-parse", "main")).isEqualTo(head);
      assertThat(git(bare, "show", "ferry/prod/p-7:envs/dev/web/values.yaml")).isEqualTo("image: web:7");
      assertThatThrownBy(() -> repo.pushBranch("main", cs, BOT)).isInstanceOf(InputException.class);
    }
  }

  @Test
  void committerIsConfigurableAndItsTimeComesFromTheClock() throws IOException {
    Instant t = Instant.parse("2030-01-02T03:04:05Z");
    EnvRepo.Options opts = new EnvRepo.Options(RetryPolicy.DEFAULT, Clock.fixed(t, ZoneOffset.UTC), Duration.ofSeconds(30))
        .withCommitter(new org.eclipse.jgit.lib.PersonIdent("CI Agent", "ci@example.com"));
    try (EnvRepo repo = EnvRepo.open(new RemoteSpec(url, "main", null), cache, null, opts)) {
      PushResult r = repo.commit(promotion("web", "envs/dev/web/values.yaml", "web:8", "p-8"), BOT);
      assertThat(repo.log(1).get(0).time()).isEqualTo(t);
      assertThat(r.commit()).isEqualTo(git(bare, "rev-parse", "main"));
    }
    assertThat(git(bare, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%ct", "main"))
        .isEqualTo("Ferry Bot <ferry@example.com>|CI Agent <ci@example.com>|" + t.getEpochSecond());
  }

  @Test
  void localPathsWorkPlainAndAsFileUrls() throws IOException {
    for (String local : List.of(bare.toString(), "file://" + bare)) {
      try (EnvRepo repo = EnvRepo.open(new RemoteSpec(local, "main", null), cache, null)) {
        PushResult r = repo.commit(promotion("web", "envs/dev/web/values.yaml", "web:" + local.length(), "p"), BOT);
        assertThat(git(bare, "rev-parse", "main")).isEqualTo(r.commit());
        assertThat(repo.url()).endsWith("env.git");
      }
    }
  }

  @Test
  void sharedCacheFolderIsNamedFromTheUrlWithoutCredentials() {
    try (EnvRepo repo = open()) {
      assertThat(repo.mirror().getParent()).isEqualTo(cache);
      assertThat(repo.mirror().getFileName().toString()).matches("env-[0-9a-f]{16}\\.git");
      assertThat(cache.resolve(repo.mirror().getFileName().toString().replace(".git", ".lock"))).exists();
    }
    assertThat(RemoteUrl.cacheName("https://bot:tok@git.example.com/a/env.git"))
        .isEqualTo(RemoteUrl.cacheName("https://git.example.com/a/env.git"))
        .doesNotContain("tok");
    assertThat(RemoteUrl.cacheName("https://git.example.com/a/env.git"))
        .isNotEqualTo(RemoteUrl.cacheName("https://git.example.com/b/env.git"));
  }

  @Test
  void secondOpenFetchesOnlyWhatIsNew() throws IOException {
    try (EnvRepo repo = open()) {
      repo.commit(promotion("web", "envs/dev/web/values.yaml", "web:1.5", "p"), BOT);
    }
    Seed.commit(bare, tmp.resolve("seed"), "later", Map.of("later.txt", "x\n"));
    try (EnvRepo repo = open()) {
      assertThat(repo.head()).isEqualTo(git(bare, "rev-parse", "main"));
      assertThat(repo.readFile(repo.head(), "later.txt")).contains("x\n");
    }
  }

  @Test
  void changeFunctionErrorsPropagateAndNothingIsPushed() throws IOException {
    String before = git(bare, "rev-parse", "main");
    try (EnvRepo repo = open()) {
      ChangeSet cs = new ChangeSet(Map.of("README.md", (p, c) -> {
        throw new InputException(p + ":1:1: not a YAML mapping");
      }), "Promote", "", List.of(), null);
      assertThatThrownBy(() -> repo.commit(cs, BOT)).isInstanceOf(InputException.class)
          .hasMessage("README.md:1:1: not a YAML mapping");
    }
    assertThat(git(bare, "rev-parse", "main")).isEqualTo(before);
  }

  @Test
  void aServerThatDoesNotAnswerIsTriedAgainAndIsNotACredentialProblem() throws IOException {
    // a closed port whose digits hold 401 or 403 once read as an HTTP status ("refused the credentials")
    int port = -1;
    for (int p : new int[] {40301, 40302, 40303, 40304, 40305, 40101, 40102, 40103, 14030, 14031}) {
      try (java.net.ServerSocket probe = new java.net.ServerSocket(p, 1, java.net.InetAddress.getLoopbackAddress())) {
        port = p;
        break;
      } catch (IOException busy) {
        // try the next one
      }
    }
    assertThat(port).as("a free port with 401/403 in it").isPositive();
    String down = "git://127.0.0.1:" + port + "/env.git";
    EnvRepo.Options opts = EnvRepo.Options.DEFAULT.withRetry(new RetryPolicy(10, Duration.ofMillis(1), Duration.ofMillis(2)));
    assertThatThrownBy(() -> EnvRepo.open(new RemoteSpec(down, "main", null), cache, events::add, opts))
        .isInstanceOf(ExternalException.class)
        .hasMessageContaining("cannot fetch main from " + down)
        .hasMessageNotContaining("credentials");
    assertThat(events).filteredOn(e -> e.message().contains("retrying")).hasSize(EnvRepo.FETCH_ATTEMPTS - 1);
  }

  @Test
  void badInputIsReportedClearly() {
    assertThatThrownBy(() -> EnvRepo.open(new RemoteSpec(url, "nope", null), cache, null))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("branch 'nope' does not exist in " + url).hasMessageContaining("main");
    Path notRepo = tmp.resolve("plain");
    assertThatThrownBy(() -> {
      Files.createDirectories(notRepo);
      EnvRepo.open(new RemoteSpec(notRepo.toString(), "main", null), cache, null);
    }).isInstanceOf(InputException.class).hasMessageContaining(notRepo + " is not a git repository");
    assertThatThrownBy(() -> EnvRepo.open(new RemoteSpec(daemon.url("missing.git"), "main", null), cache, null))
        .isInstanceOf(InputException.class).hasMessageContaining("missing.git is not a git repository");
    try (EnvRepo repo = open()) {
      List<String> refused = new ArrayList<>();
      for (String p : List.of("../outside.yaml", "/etc/passwd", "envs\\dev", "envs/.git/config", "a/../b", ".GIT/x")) {
        assertThatThrownBy(() -> repo.commit(new ChangeSet(Map.of(p, setImage("x")), "x", "", List.of(), null), BOT))
            .isInstanceOf(InputException.class).hasMessageContaining("'" + p + "'");
        refused.add(p);
      }
      assertThat(refused).hasSize(6);
      assertThatThrownBy(() -> repo.readFile(repo.head(), "../x")).isInstanceOf(InputException.class);
      assertThatThrownBy(() -> repo.commit(new ChangeSet(Map.of("envs/dev", setImage("x")), "x", "", List.of(), null), BOT))
          .isInstanceOf(InputException.class).hasMessageContaining("is a directory");
      assertThatThrownBy(() -> repo.commit(new ChangeSet(Map.of("README.md/x", setImage("x")), "x", "", List.of(), null), BOT))
          .isInstanceOf(InputException.class).hasMessageContaining("not a directory");
    }
  }
}
