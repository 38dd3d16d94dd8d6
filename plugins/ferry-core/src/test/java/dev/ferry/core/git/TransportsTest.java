package dev.ferry.core.git;

import static dev.ferry.core.git.Seed.BOT;
import static dev.ferry.core.git.Seed.git;
import static dev.ferry.core.git.Seed.promotion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryException;
import dev.ferry.core.InputException;
import dev.ferry.testing.GitHttpServer;
import dev.ferry.testing.GitSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EnvRepo over http (nginx + git http-backend with basic auth) and ssh (OpenSSH sshd). */
class TransportsTest {

  static final String SECRET = "s3cret-token-42";

  @TempDir Path tmp;
  final List<FerryEvent> events = new CopyOnWriteArrayList<>();

  @Test
  void pushesOverHttpWithBasicAuthentication() throws Exception {
    try (GitHttpServer http = GitHttpServer.start(tmp.resolve("srv"), "ferry", SECRET)) {
      Path bare = http.createBareRepo("env");
      Seed.commit(bare, tmp.resolve("seed"), "seed", Map.of("envs/dev/web/values.yaml", "image: web:1\n"));
      RemoteSpec spec = new RemoteSpec(http.url("env"), "main", GitCredentials.userPassword("ferry", SECRET));
      try (EnvRepo repo = EnvRepo.open(spec, tmp.resolve("cache"), events::add)) {
        assertThat(repo.url()).isEqualTo("http://127.0.0.1:" + http.port() + "/git/env.git");
        ChangeSet cs = new ChangeSet(promotion("web", "envs/dev/web/values.yaml", "web:2", "p-h").changes(),
            "Promote web over http", "", List.of(new Trailer("Ferry-Service", "web")), "evidence\n");
        PushResult r = repo.commit(cs, BOT);
        assertThat(git(bare, "rev-parse", "main")).isEqualTo(r.commit());
        assertThat(git(bare, "notes", "--ref=ferry", "show", "main")).isEqualTo("evidence");
        repo.updateNotes(Map.of(r.commit(), old -> old + "more\n"));
        assertThat(git(bare, "notes", "--ref=ferry", "show", "main")).isEqualTo("evidence\nmore");
      }
      assertThat(events).noneMatch(e -> e.message().contains(SECRET));
    }
  }

  @Test
  void wrongHttpPasswordIsAClearErrorWithoutThePassword() throws Exception {
    try (GitHttpServer http = GitHttpServer.start(tmp.resolve("srv"), "ferry", SECRET)) {
      Path bare = http.createBareRepo("env");
      Seed.commit(bare, tmp.resolve("seed"), "seed", Map.of("a.yaml", "a: 1\n"));
      String wrong = "wrong-password-99";
      RemoteSpec spec = new RemoteSpec(http.url("env"), "main", GitCredentials.userPassword("ferry", wrong));
      assertThatThrownBy(() -> EnvRepo.open(spec, tmp.resolve("cache"), events::add))
          .isInstanceOfSatisfying(InputException.class, e -> {
            assertThat(e.getMessage()).contains(http.url("env")).contains("refused the credentials")
                .doesNotContain(wrong).doesNotContain(SECRET);
            assertThat(String.valueOf(e.getCause())).doesNotContain(wrong);
          });
      // Credentials written into the URL never show either.
      String inUrl = http.url("env").replace("http://", "http://ferry:" + wrong + "@");
      assertThatThrownBy(() -> EnvRepo.open(new RemoteSpec(inUrl, "main", null), tmp.resolve("cache"), events::add))
          .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.getMessage()).doesNotContain(wrong)
              .contains(http.url("env")));
      assertThat(spec.toString()).doesNotContain(wrong);
      assertThat(events).noneMatch(e -> e.message().contains(wrong));
    }
  }

  @Test
  void pushesOverSshWithKeyAndStrictKnownHosts() throws Exception {
    try (GitSshServer ssh = GitSshServer.start(tmp.resolve("srv"))) {
      Path bare = ssh.createBareRepo("env.git");
      Seed.commit(bare, tmp.resolve("seed"), "seed", Map.of("envs/dev/web/values.yaml", "image: web:1\n"));
      RemoteSpec spec = new RemoteSpec(ssh.url("env.git"), "main", GitCredentials.sshKey(ssh.clientKey(), ssh.knownHosts()));
      try (EnvRepo repo = EnvRepo.open(spec, tmp.resolve("cache"), events::add)) {
        PushResult r = repo.commit(promotion("web", "envs/dev/web/values.yaml", "web:2", "p-s"), BOT);
        assertThat(git(bare, "rev-parse", "main")).isEqualTo(r.commit());
        assertThat(repo.url()).doesNotContain("@");
      }
    }
  }

  @Test
  void sshRefusesUnknownHostKeysAndStrangerKeys() throws Exception {
    try (GitSshServer ssh = GitSshServer.start(tmp.resolve("srv"))) {
      Path bare = ssh.createBareRepo("env.git");
      Seed.commit(bare, tmp.resolve("seed"), "seed", Map.of("a.yaml", "a: 1\n"));
      Path emptyKnownHosts = Files.writeString(tmp.resolve("known_hosts"), "");
      RemoteSpec unknownHost = new RemoteSpec(ssh.url("env.git"), "main",
          GitCredentials.sshKey(ssh.clientKey(), emptyKnownHosts));
      assertThatThrownBy(() -> EnvRepo.open(unknownHost, tmp.resolve("cache"), null))
          .isInstanceOf(InputException.class).hasMessageContaining("127.0.0.1:" + ssh.port());
      RemoteSpec stranger = new RemoteSpec(ssh.url("env.git"), "main",
          GitCredentials.sshKey(ssh.makeStrangerKey(), ssh.knownHosts()));
      assertThatThrownBy(() -> EnvRepo.open(stranger, tmp.resolve("cache"), null))
          .isInstanceOf(InputException.class).hasMessageContaining("refused the credentials");
    }
  }

  @Test
  void credentialsFromMissingEnvironmentVariablesNameTheVariable() {
    assertThatThrownBy(() -> GitCredentials.fromEnv("FERRY_TEST_SURELY_UNSET_USER", "FERRY_TEST_SURELY_UNSET_TOKEN"))
        .isInstanceOf(InputException.class).hasMessageContaining("FERRY_TEST_SURELY_UNSET_USER");
    assertThat(GitCredentials.userPassword("u", "topsecret").toString()).doesNotContain("topsecret");
  }
}
