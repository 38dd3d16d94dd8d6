package dev.ferry.core.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.InputException;
import dev.ferry.core.SourceLocation;
import dev.ferry.core.config.SigningConfig;
import dev.ferry.testing.GitDaemon.Git;
import dev.ferry.testing.TestKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The signers' signatures are what git itself accepts: checked by {@code git verify-commit}. */
class CommitSignersTest {

  static final SourceLocation AT = SourceLocation.of("ferry.yaml", 7, 5);
  static final PersonIdent FERRY = new PersonIdent("Ferry", "ferry@localhost");

  @TempDir
  Path dir;

  static SigningConfig ssh(Path key, String passphraseEnv) {
    return new SigningConfig(SigningConfig.Format.SSH, key, null, passphraseEnv, AT);
  }

  /** Writes a signed commit into a new bare repository; returns its id. */
  static String signedCommit(Path bare, CommitSigner signer) throws IOException {
    try (Repository repo = new FileRepositoryBuilder().setGitDir(bare.toFile()).setBare().build()) {
      if (!Files.exists(bare.resolve("HEAD"))) {
        repo.create(true);
      }
      try (ObjectInserter ins = repo.newObjectInserter()) {
        CommitBuilder cb = new CommitBuilder();
        cb.setTreeId(ins.insert(Constants.OBJ_TREE, new byte[0]));
        cb.setAuthor(FERRY);
        cb.setCommitter(FERRY);
        cb.setEncoding(StandardCharsets.UTF_8);
        cb.setMessage("Promote web to 1.4.2\n\nFerry-Service: web\n");
        signer.sign(cb);
        ObjectId id = ins.insert(cb);
        ins.flush();
        RefUpdate ru = repo.updateRef("refs/heads/main");
        ru.setNewObjectId(id);
        ru.forceUpdate();
        return id.name();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ed25519", "ecdsa", "rsa"})
  void sshSignaturesVerifyWithGit(String type) throws Exception {
    TestKeys.Ssh key = TestKeys.ssh(dir, type, "");
    CommitSigner signer = SigningKeys.signer(ssh(key.privateKey(), null), Map.of());
    Path bare = dir.resolve("repo.git");
    String commit = signedCommit(bare, signer);
    Path allowed = TestKeys.allowedSigners(dir, List.of(key), List.of("ferry@localhost"));
    assertThat(TestKeys.verifySsh(bare, commit, allowed)).contains("Good \"git\" signature for ferry@localhost");
  }

  @Test
  void anEncryptedSshKeyFromAVariableSigns() throws Exception {
    TestKeys.Ssh key = TestKeys.ssh(dir, "ed25519", "open sesame");
    SigningConfig config = new SigningConfig(SigningConfig.Format.SSH, null, "FERRY_KEY", "FERRY_PASS", AT);
    CommitSigner signer = SigningKeys.signer(config, Map.of("FERRY_KEY", Files.readString(key.privateKey()),
        "FERRY_PASS", "open sesame"));
    Path bare = dir.resolve("repo.git");
    String commit = signedCommit(bare, signer);
    Path allowed = TestKeys.allowedSigners(dir, List.of(key), List.of("ferry@localhost"));
    assertThat(TestKeys.verifySsh(bare, commit, allowed)).contains("Good \"git\" signature");
  }

  @Test
  void openPgpSignaturesVerifyWithGit() throws Exception {
    TestKeys.Gpg gpg = TestKeys.gpg(dir, "ferry@localhost", "");
    try {
      CommitSigner signer = SigningKeys.signer(new SigningConfig(SigningConfig.Format.OPENPGP,
          gpg.armoredSecret(), null, null, AT), Map.of());
      Path bare = dir.resolve("repo.git");
      String commit = signedCommit(bare, signer);
      assertThat(TestKeys.verifyGpg(bare, commit, gpg)).contains("Good signature from \"Ferry Test <ferry@localhost>\"");
    } finally {
      TestKeys.stopAgent(gpg);
    }
  }
}
