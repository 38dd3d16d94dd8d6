package dev.ferry.core.signing;

import static dev.ferry.core.signing.CommitSignersTest.AT;
import static dev.ferry.core.signing.CommitSignersTest.signedCommit;
import static dev.ferry.core.signing.CommitSignersTest.ssh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.InputException;
import dev.ferry.core.config.SigningConfig;
import dev.ferry.core.config.TrustConfig;
import dev.ferry.testing.GitDaemon.Git;
import dev.ferry.testing.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only a good signature by a trusted key makes a commit trusted; git's own signed commits count too. */
class TrustedSignersTest {

  @TempDir
  Path dir;

  static SignatureCheck check(TrustedSigners trust, Path bare, String commit) throws Exception {
    try (Repository repo = new FileRepositoryBuilder().setGitDir(bare.toFile()).setBare().build();
         RevWalk rw = new RevWalk(repo)) {
      return trust.check(repo, rw.parseCommit(ObjectId.fromString(commit)));
    }
  }

  @Test
  void anSshSignatureCountsOnlyByAnAllowedKeyAndOverTheSignedBytes() throws Exception {
    TestKeys.Ssh ferry = TestKeys.ssh(dir, "ed25519", "");
    TestKeys.Ssh stranger = TestKeys.ssh(dir, "ed25519", "");
    Path allowed = TestKeys.allowedSigners(dir, List.of(ferry), List.of("ferry@localhost"));
    TrustedSigners trust = TrustedSigners.load(new TrustConfig(allowed, null, AT));
    Path bare = dir.resolve("repo.git");

    String good = signedCommit(bare, SigningKeys.signer(ssh(ferry.privateKey(), null), Map.of()));
    SignatureCheck ok = check(trust, bare, good);
    assertThat(ok.trusted()).as(ok.toString()).isTrue();
    assertThat(ok.signer()).startsWith("ssh key SHA256:");

    String strangers = signedCommit(bare, SigningKeys.signer(ssh(stranger.privateKey(), null), Map.of()));
    SignatureCheck no = check(trust, bare, strangers);
    assertThat(no.trusted()).isFalse();
    assertThat(no.reason()).contains("No principal matched");

    // the right signature, copied onto a commit whose trailers say something else
    String raw = Git.run(bare, "cat-file", "commit", good);
    Path file = dir.resolve("forged");
    Files.writeString(file, raw.replace("Ferry-Service: web", "Ferry-Service: api"));
    String forged = Git.run(bare, "hash-object", "-t", "commit", "-w", file.toString()).trim();
    SignatureCheck tampered = check(trust, bare, forged);
    assertThat(tampered.trusted()).isFalse();
    assertThat(tampered.reason()).isEqualTo("bad ssh signature: it does not match the commit");
  }

  @Test
  void anUnsignedCommitIsNotTrusted() throws Exception {
    TestKeys.Ssh ferry = TestKeys.ssh(dir, "ed25519", "");
    TrustedSigners trust = TrustedSigners.load(new TrustConfig(
        TestKeys.allowedSigners(dir, List.of(ferry), List.of("ferry@localhost")), null, AT));
    Path bare = dir.resolve("repo.git");
    String unsigned = signedCommit(bare, new CommitSigner() {
      @Override
      public void sign(org.eclipse.jgit.lib.CommitBuilder commit) {
      }

      @Override
      public String describe() {
        return "nobody";
      }
    });
    assertThat(check(trust, bare, unsigned)).isEqualTo(new SignatureCheck(false, null, "unsigned"));
  }

  @Test
  void aCommitSignedByTheGitCliWithAnAllowedKeyIsTrusted() throws Exception {
    TestKeys.Ssh person = TestKeys.ssh(dir, "ecdsa", "");
    Path work = Files.createDirectories(dir.resolve("work"));
    Git.run(work, "init", "-q", "-b", "main");
    Files.writeString(work.resolve("a.txt"), "a\n");
    Git.run(work, "add", "a.txt");
    Git.run(work, "-c", "gpg.format=ssh", "-c", "user.signingkey=" + person.privateKey(), "commit", "-q", "-S",
        "-m", "by hand");
    String head = Git.run(work, "rev-parse", "HEAD").trim();
    TrustedSigners trust = TrustedSigners.load(new TrustConfig(
        TestKeys.allowedSigners(dir, List.of(person), List.of("test@example.com")), null, AT));
    assertThat(check(trust, work.resolve(".git"), head).trusted()).isTrue();
  }

  @Test
  void anOpenPgpSignatureCountsOnlyByAKeyInTheKeyring() throws Exception {
    TestKeys.Gpg ferry = TestKeys.gpg(dir, "ferry@localhost", "");
    TestKeys.Gpg stranger = TestKeys.gpg(dir, "mallory@example.com", "");
    try {
      TrustedSigners trust = TrustedSigners.load(new TrustConfig(null, ferry.armoredPublic(), AT));
      Path bare = dir.resolve("repo.git");
      String good = signedCommit(bare, SigningKeys.signer(new SigningConfig(SigningConfig.Format.OPENPGP, ferry.armoredSecret(), null, null, null, AT), Map.of()));
      assertThat(check(trust, bare, good).trusted()).isTrue();
      String other = signedCommit(bare, SigningKeys.signer(new SigningConfig(SigningConfig.Format.OPENPGP, stranger.armoredSecret(), null, null, null, AT), Map.of()));
      SignatureCheck no = check(trust, bare, other);
      assertThat(no.trusted()).isFalse();
      assertThat(no.reason()).isEqualTo("signed by a key not in the keyring");
      // an ssh-signed commit does not count when only a keyring is trusted
      TestKeys.Ssh key = TestKeys.ssh(dir, "ed25519", "");
      String sshSigned = signedCommit(bare, SigningKeys.signer(ssh(key.privateKey(), null), Map.of()));
      assertThat(check(trust, bare, sshSigned).reason()).contains("names no allowedSigners");
    } finally {
      TestKeys.stopAgent(ferry);
      TestKeys.stopAgent(stranger);
    }
  }

  @Test
  void aMissingTrustFileIsBadInputAtGitTrust() {
    assertThatThrownBy(() -> TrustedSigners.load(new TrustConfig(dir.resolve("nope"), null, AT)))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("the allowed-signers file " + dir.resolve("nope") + " (git.trust.allowedSigners) does not exist")
        .satisfies(e -> assertThat(((InputException) e).location()).contains(AT));
  }
}
