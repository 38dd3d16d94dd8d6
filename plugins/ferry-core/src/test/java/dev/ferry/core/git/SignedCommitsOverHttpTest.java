package dev.ferry.core.git;

import static dev.ferry.core.git.Seed.BOT;
import static dev.ferry.core.git.Seed.git;
import static dev.ferry.core.git.Seed.promotion;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.FerryEvent;
import dev.ferry.core.SourceLocation;
import dev.ferry.core.config.SigningConfig;
import dev.ferry.core.signing.SigningKeys;
import dev.ferry.testing.GitHttpServer;
import dev.ferry.testing.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed branch, rollback-style, pull-request branch and notes commits pushed through git http-backend (nginx, basic
 * auth) arrive with their signatures: {@code git verify-commit} on the server accepts them, and
 * neither the key nor its passphrase is in the cache or the events.
 */
class SignedCommitsOverHttpTest {

  static final String SECRET = "s3cret-token-42";
  static final String PASSPHRASE = "correct horse battery";

  @TempDir Path tmp;
  final List<FerryEvent> events = new CopyOnWriteArrayList<>();

  @Test
  void sshSignedCommitsAndNotesPushedOverHttpVerifyOnTheServer() throws Exception {
    TestKeys.Ssh key = TestKeys.ssh(tmp.resolve("keys"), "ed25519", PASSPHRASE);
    Path allowed = TestKeys.allowedSigners(tmp, List.of(key), List.of("ferry@example.com", "ferry@localhost"));
    String keyText = Files.readString(key.privateKey());
    SigningConfig config = new SigningConfig(SigningConfig.Format.SSH, null, null, "FERRY_SIGNING_KEY", "FERRY_PASS",
        SourceLocation.of("ferry.yaml", 20, 3));
    try (GitHttpServer http = GitHttpServer.start(tmp.resolve("srv"), "ferry", SECRET)) {
      Path bare = http.createBareRepo("env");
      Seed.commit(bare, tmp.resolve("seed"), "seed", Map.of("envs/dev/web/values.yaml", "image: web:1\n"));
      RemoteSpec spec = new RemoteSpec(http.url("env"), "main", GitCredentials.userPassword("ferry", SECRET));
      try (EnvRepo repo = EnvRepo.open(spec, tmp.resolve("cache"), events::add)) {
        repo.signWith(SigningKeys.signer(config, Map.of("FERRY_SIGNING_KEY", keyText, "FERRY_PASS", PASSPHRASE)));
        ChangeSet promotion = promotion("web", "envs/dev/web/values.yaml", "web:2", "p-1");
        PushResult promoted = repo.commit(new ChangeSet(promotion.changes(), promotion.subject(), "",
            promotion.trailers(), "{\"verifications\": []}\n"), BOT);
        PushResult rolledBack = repo.commit(new ChangeSet(Map.of("envs/dev/web/values.yaml", Seed.setImage("web:1")),
            "Roll back web in dev to web:1", "", List.of(new Trailer("Ferry-Kind", "rollback"),
                new Trailer("Ferry-Environment", "dev")), null), BOT);
        repo.updateNotes(Map.of(rolledBack.commit(), old -> "{\"blocks\": []}\n"));
        PushResult proposed = repo.pushBranch("ferry/prod/p-2", promotion("web", "envs/dev/web/values.yaml", "web:3",
            "p-2"), BOT);
        for (String rev : List.of(promoted.commit(), rolledBack.commit(), proposed.commit(), "refs/notes/ferry",
            "refs/notes/ferry~1")) {
          assertThat(TestKeys.verifySsh(bare, rev, allowed)).as(rev).contains("Good \"git\" signature");
        }
        assertThat(git(bare, "rev-parse", "main")).isEqualTo(rolledBack.commit());
      }
    }
    String body = keyText.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
    try (Stream<Path> files = Files.walk(tmp.resolve("cache"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String text = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(text).as(f.toString()).doesNotContain(body).doesNotContain(PASSPHRASE);
      }
    }
    assertThat(events).noneMatch(e -> e.message().contains(body) || e.message().contains(PASSPHRASE));
  }
}
