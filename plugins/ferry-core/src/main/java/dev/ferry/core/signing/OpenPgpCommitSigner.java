package dev.ferry.core.signing;

import dev.ferry.core.ExternalException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Date;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.util.encoders.Hex;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.GpgSignature;

/**
 * Signs commits with an OpenPGP key: a detached, armored signature over the commit, what {@code git
 * commit -S} writes with GnuPG and {@code git verify-commit} checks against the keyring. The
 * unlocked private key is held in memory only.
 *
 * <pre>{@code new OpenPgpCommitSigner(publicKey, privateKey).sign(commitBuilder);}</pre>
 */
final class OpenPgpCommitSigner implements CommitSigner {

  private final PGPPublicKey publicKey;
  private final PGPPrivateKey privateKey;

  /** @param publicKey the signing (sub)key; {@code privateKey} its unlocked private part */
  OpenPgpCommitSigner(PGPPublicKey publicKey, PGPPrivateKey privateKey) {
    this.publicKey = publicKey;
    this.privateKey = privateKey;
  }

  @Override
  public void sign(CommitBuilder commit) {
    byte[] payload = CommitSigner.payload(commit);
    try {
      PGPSignatureGenerator generator = new PGPSignatureGenerator(
          new JcaPGPContentSignerBuilder(publicKey.getAlgorithm(), HashAlgorithmTags.SHA256)
              .setProvider(SigningKeys.provider()), publicKey);
      generator.init(PGPSignature.BINARY_DOCUMENT, privateKey);
      PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
      // the time of signing, not the committer's: GnuPG refuses a signature older than its key
      hashed.setSignatureCreationTime(false, new Date());
      hashed.setIssuerFingerprint(false, publicKey);
      generator.setHashedSubpackets(hashed.generate());
      PGPSignatureSubpacketGenerator unhashed = new PGPSignatureSubpacketGenerator();
      unhashed.setIssuerKeyID(false, publicKey.getKeyID());
      generator.setUnhashedSubpackets(unhashed.generate());
      generator.update(payload);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ArmoredOutputStream armored = ArmoredOutputStream.builder().clearHeaders().build(out)) {
        generator.generate().encode(armored);
      }
      commit.setGpgSignature(new GpgSignature(out.toByteArray()));
    } catch (PGPException | IOException e) {
      throw new ExternalException("cannot sign the commit with the " + describe() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String describe() {
    return "OpenPGP key " + Hex.toHexString(publicKey.getFingerprint()).toUpperCase(java.util.Locale.ROOT);
  }
}
