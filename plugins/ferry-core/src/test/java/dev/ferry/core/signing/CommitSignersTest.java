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
    return new SigningConfig(SigningConfig.Format.SSH, key, null, null, passphraseEnv, AT);
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
    SigningConfig config = new SigningConfig(SigningConfig.Format.SSH, null, null, "FERRY_KEY", "FERRY_PASS", AT);
    CommitSigner signer = SigningKeys.signer(config, Map.of("FERRY_KEY", Files.readString(key.privateKey()),
        "FERRY_PASS", "open sesame"));
    Path bare = dir.resolve("repo.git");
    String commit = signedCommit(bare, signer);
    Path allowed = TestKeys.allowedSigners(dir, List.of(key), List.of("ferry@localhost"));
    assertThat(TestKeys.verifySsh(bare, commit, allowed)).contains("Good \"git\" signature");
  }

  @Test
  void aKeyFileNamedByAVariableSigns() throws Exception {
    TestKeys.Ssh key = TestKeys.ssh(dir, "ecdsa", "");
    SigningConfig config = new SigningConfig(SigningConfig.Format.SSH, null, "FERRY_SIGNING_KEY_FILE", null, null, AT);
    CommitSigner signer = SigningKeys.signer(config, Map.of("FERRY_SIGNING_KEY_FILE", key.privateKey().toString()));
    Path bare = dir.resolve("repo.git");
    Path allowed = TestKeys.allowedSigners(dir, List.of(key), List.of("ferry@localhost"));
    assertThat(TestKeys.verifySsh(bare, signedCommit(bare, signer), allowed)).contains("Good \"git\" signature");
    assertThat(refusal(config, Map.of()).getMessage())
        .isEqualTo("variable FERRY_SIGNING_KEY_FILE (git.signing.keyFileEnv) is not set or empty");
  }

  @Test
  void openPgpSignaturesVerifyWithGit() throws Exception {
    TestKeys.Gpg gpg = TestKeys.gpg(dir, "ferry@localhost", "");
    try {
      CommitSigner signer = SigningKeys.signer(new SigningConfig(SigningConfig.Format.OPENPGP, gpg.armoredSecret(), null, null, null, AT), Map.of());
      Path bare = dir.resolve("repo.git");
      String commit = signedCommit(bare, signer);
      assertThat(TestKeys.verifyGpg(bare, commit, gpg)).contains("Good signature from \"Ferry Test <ferry@localhost>\"");
    } finally {
      TestKeys.stopAgent(gpg);
    }
  }

  static InputException refusal(SigningConfig config, Map<String, String> env) {
    try {
      SigningKeys.signer(config, env);
    } catch (InputException e) {
      assertThat(e.exitCode()).isEqualTo(2);
      assertThat(e.location()).contains(AT);
      return e;
    }
    throw new AssertionError("the key was accepted");
  }

  @Test
  void aWrongPassphraseIsBadInputNamingTheVariableNeverThePassphrase() throws Exception {
    TestKeys.Ssh key = TestKeys.ssh(dir, "ed25519", "right horse");
    InputException e = refusal(ssh(key.privateKey(), "PASS"), Map.of("PASS", "wrong battery"));
    assertThat(e.getMessage()).isEqualTo("cannot unlock the key file " + key.privateKey()
        + " with the passphrase in PASS (wrong passphrase?)");
    InputException none = refusal(ssh(key.privateKey(), null), Map.of());
    assertThat(none.getMessage()).contains("is protected by a passphrase and git.signing names no passphraseEnv");
    InputException unset = refusal(ssh(key.privateKey(), "PASS"), Map.of());
    assertThat(unset.getMessage()).isEqualTo("variable PASS (git.signing.passphraseEnv) is not set");
  }

  @Test
  void aMissingKeyFileOrVariableIsBadInput() {
    InputException file = refusal(ssh(dir.resolve("no-such-key"), null), Map.of());
    assertThat(file.getMessage()).isEqualTo("the signing key file " + dir.resolve("no-such-key") + " does not exist");
    InputException env = refusal(new SigningConfig(SigningConfig.Format.SSH, null, null, "FERRY_KEY", null, AT), Map.of());
    assertThat(env.getMessage()).isEqualTo("variable FERRY_KEY (git.signing.keyEnv) is not set or empty");
  }

  @Test
  void aDsaKeyIsAnUnsupportedKeyType() throws Exception {
    TestKeys.Ssh key = TestKeys.ssh(dir, "dsa", "");
    InputException e = refusal(ssh(key.privateKey(), null), Map.of());
    assertThat(e.getMessage()).isEqualTo("the key file " + key.privateKey()
        + " is a ssh-dss key, which Ferry does not sign with");
    assertThat(e.suggestion()).hasValueSatisfying(s -> assertThat(s).contains("ed25519, ecdsa or rsa"));
  }

  @Test
  void aPublicKeyOrAKeyOfTheOtherFormatIsNoSigningKey() throws Exception {
    TestKeys.Ssh key = TestKeys.ssh(dir, "ed25519", "");
    InputException pub = refusal(ssh(key.publicKey(), null), Map.of());
    assertThat(pub.getMessage()).startsWith("the key file " + key.publicKey());
    InputException pgp = refusal(new SigningConfig(SigningConfig.Format.OPENPGP, key.privateKey(), null, null, null, AT),
        Map.of());
    assertThat(pgp.getMessage()).isEqualTo("the key file " + key.privateKey() + " holds no OpenPGP secret key");
  }

  @Test
  void aWrongOpenPgpPassphraseIsBadInput() throws Exception {
    TestKeys.Gpg gpg = TestKeys.gpg(dir, "ferry@localhost", "right horse");
    try {
      SigningConfig config = new SigningConfig(SigningConfig.Format.OPENPGP, null, null, "KEY", "PASS", AT);
      String armored = Files.readString(gpg.armoredSecret());
      InputException e = refusal(config, Map.of("KEY", armored, "PASS", "wrong battery"));
      assertThat(e.getMessage()).isEqualTo("cannot unlock the variable KEY with the passphrase in PASS (wrong passphrase?)");
      CommitSigner signer = SigningKeys.signer(config, Map.of("KEY", armored, "PASS", "right horse"));
      Path bare = dir.resolve("repo.git");
      assertThat(TestKeys.verifyGpg(bare, signedCommit(bare, signer), gpg)).contains("Good signature");
    } finally {
      TestKeys.stopAgent(gpg);
    }
  }
}
