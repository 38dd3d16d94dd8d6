package dev.ferry.core.signing;

import dev.ferry.core.ExternalException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.util.Base64;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.GpgSignature;

/**
 * Signs commits with an ssh key in OpenSSH's {@code SSHSIG} format (namespace {@code git},
 * SHA-512), what {@code git commit -S} writes with {@code gpg.format=ssh} and {@code git
 * verify-commit} checks against an allowed-signers file. The key pair is held in memory only.
 *
 * <pre>{@code new SshCommitSigner(keyPair).sign(commitBuilder);}</pre>
 */
final class SshCommitSigner implements CommitSigner {

  private static final byte[] MAGIC = "SSHSIG".getBytes(StandardCharsets.US_ASCII);
  private static final String NAMESPACE = "git";
  private static final String HASH = "sha512";
  private static final int LINE = 70;

  private final KeyPair key;
  private final String algorithm;

  /** @param key an ed25519, ecdsa or rsa key pair (checked by {@link SigningKeys}) */
  SshCommitSigner(KeyPair key) {
    this.key = key;
    String type = KeyUtils.getKeyType(key);
    // ssh-rsa signatures are SHA-1: OpenSSH signs and accepts rsa keys' SSHSIG with rsa-sha2-512
    this.algorithm = KeyUtils.RSA_ALGORITHM.equals(key.getPublic().getAlgorithm()) ? KeyUtils.RSA_SHA512_KEY_TYPE_ALIAS : type;
  }

  @Override
  public void sign(CommitBuilder commit) {
    byte[] payload = CommitSigner.payload(commit);
    commit.setGpgSignature(new GpgSignature(armor(signature(payload))));
  }

  @Override
  public String describe() {
    return "ssh " + KeyUtils.getKeyType(key) + " key " + KeyUtils.getFingerPrint(key.getPublic());
  }

  private byte[] signature(byte[] payload) {
    try {
      ByteArrayBuffer toSign = new ByteArrayBuffer();
      toSign.putRawBytes(MAGIC);
      toSign.putString(NAMESPACE);
      toSign.putString("");
      toSign.putString(HASH);
      toSign.putBytes(MessageDigest.getInstance("SHA-512").digest(payload));

      Signature signer = BuiltinSignatures.fromFactoryName(algorithm).create();
      signer.initSigner(null, key.getPrivate());
      signer.update(null, toSign.getCompactData());
      ByteArrayBuffer sig = new ByteArrayBuffer();
      sig.putString(algorithm);
      sig.putBytes(signer.sign(null));

      ByteArrayBuffer out = new ByteArrayBuffer();
      out.putRawBytes(MAGIC);
      out.putUInt(1);
      out.putPublicKey(key.getPublic());
      out.putString(NAMESPACE);
      out.putString("");
      out.putString(HASH);
      out.putBytes(sig.getCompactData());
      return out.getCompactData();
    } catch (Exception e) {
      // never the key: only its type and fingerprint
      throw new ExternalException("cannot sign the commit with the " + describe() + ": " + e.getMessage(), e);
    }
  }

  private static byte[] armor(byte[] signature) {
    String b64 = Base64.getEncoder().encodeToString(signature);
    StringBuilder s = new StringBuilder("-----BEGIN SSH SIGNATURE-----\n");
    for (int i = 0; i < b64.length(); i += LINE) {
      s.append(b64, i, Math.min(b64.length(), i + LINE)).append('\n');
    }
    return s.append("-----END SSH SIGNATURE-----\n").toString().getBytes(StandardCharsets.US_ASCII);
  }
}
