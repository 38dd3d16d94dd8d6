package dev.ferry.core.signing;

import dev.ferry.core.InputException;
import dev.ferry.core.config.TrustConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;
import org.bouncycastle.util.encoders.Hex;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.GpgConfig;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.SignatureVerifier;
import org.eclipse.jgit.lib.SignatureVerifiers;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * The keys whose signatures Ferry believes ({@code git.trust}): an ssh allowed-signers file, an
 * OpenPGP keyring, or both. A commit is trusted when one of them made a good signature over it.
 * Ssh signatures are checked as {@code git verify-commit} checks them (JGit's verifier, the
 * allowed-signers file's principals matched against the committer's e-mail, namespace {@code git}).
 *
 * <pre>{@code
 * TrustedSigners trust = TrustedSigners.load(config.trust());
 * if (!trust.check(repo, commit).trusted()) { ... not a record ... }
 * }</pre>
 */
public final class TrustedSigners {

  private static final byte[] SSH_ARMOR = "-----BEGIN SSH SIGNATURE-----".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PGP_ARMOR = "-----BEGIN PGP SIGNATURE-----".getBytes(StandardCharsets.US_ASCII);

  private final Path allowedSigners;
  private final GpgConfig sshConfig;
  private final PGPPublicKeyRingCollection keyring;

  private TrustedSigners(Path allowedSigners, PGPPublicKeyRingCollection keyring) {
    this.allowedSigners = allowedSigners;
    this.keyring = keyring;
    Config c = new Config();
    if (allowedSigners != null) {
      c.setString("gpg", "ssh", "allowedSignersFile", allowedSigners.toString());
    }
    this.sshConfig = new GpgConfig(c);
  }

  /**
   * Reads the files {@code config} names.
   *
   * @throws InputException when a file is missing or the keyring holds no OpenPGP public keys
   */
  public static TrustedSigners load(TrustConfig config) {
    Path allowed = config.allowedSigners();
    if (allowed != null && !Files.isRegularFile(allowed)) {
      throw new InputException("the allowed-signers file " + allowed + " (git.trust.allowedSigners) does not exist",
          config.location(), "write one line per trusted key: EMAIL KEY-TYPE KEY (git's gpg.ssh.allowedSignersFile format)",
          null);
    }
    PGPPublicKeyRingCollection keys = null;
    if (config.keyring() != null) {
      try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(config.keyring()))) {
        keys = new PGPPublicKeyRingCollection(in, new JcaKeyFingerprintCalculator());
      } catch (java.nio.file.NoSuchFileException e) {
        throw new InputException("the keyring " + config.keyring() + " (git.trust.keyring) does not exist",
            config.location(), "export the trusted public keys with gpg --armor --export KEYID > FILE", null);
      } catch (IOException | PGPException | RuntimeException e) {
        throw new InputException("the keyring " + config.keyring() + " (git.trust.keyring) holds no OpenPGP public"
            + " keys: " + e.getMessage(), config.location(),
            "export the trusted public keys with gpg --armor --export KEYID > FILE (not GnuPG's pubring.kbx)", null);
      }
    }
    return new TrustedSigners(allowed, keys);
  }

  /** Whether a trusted key made a good signature over {@code commit} (parsed, with its body). */
  public SignatureCheck check(Repository repo, RevCommit commit) {
    byte[] signature = commit.getRawGpgSignature();
    if (signature == null) {
      return SignatureCheck.bad(null, "unsigned");
    }
    byte[] payload = payload(commit.getRawBuffer());
    if (startsWith(signature, SSH_ARMOR)) {
      return ssh(repo, payload, signature);
    }
    if (startsWith(signature, PGP_ARMOR)) {
      return openPgp(payload, signature);
    }
    return SignatureCheck.bad(null, "signed in a format Ferry does not read (x509?)");
  }

  private SignatureCheck ssh(Repository repo, byte[] payload, byte[] signature) {
    if (allowedSigners == null) {
      return SignatureCheck.bad("an ssh key", "signed with ssh, and git.trust names no allowedSigners file");
    }
    SignatureVerifier verifier = SignatureVerifiers.get(GpgConfig.GpgFormat.SSH);
    try {
      SignatureVerifier.SignatureVerification v = verifier.verify(repo, sshConfig, payload, signature);
      String signer = "ssh key " + v.keyFingerprint();
      if (v.verified() && v.trustLevel() == SignatureVerifier.TrustLevel.FULL) {
        return SignatureCheck.good(signer + " (" + v.keyUser() + ")");
      }
      if (v.message() == null || v.message().isBlank()) {
        return SignatureCheck.bad(signer, "bad ssh signature: it does not match the commit");
      }
      return SignatureCheck.bad(signer, "ssh signature not trusted by " + allowedSigners.getFileName() + ": " + v.message());
    } catch (IOException | RuntimeException e) {
      return SignatureCheck.bad("an ssh key", "unreadable ssh signature: " + e.getMessage());
    }
  }

  private SignatureCheck openPgp(byte[] payload, byte[] signature) {
    if (keyring == null) {
      return SignatureCheck.bad("an OpenPGP key", "signed with OpenPGP, and git.trust names no keyring");
    }
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(signature))) {
      Object o = new JcaPGPObjectFactory(in).nextObject();
      if (!(o instanceof PGPSignatureList list) || list.isEmpty()) {
        return SignatureCheck.bad("an OpenPGP key", "unreadable OpenPGP signature");
      }
      PGPSignature sig = list.get(0);
      PGPPublicKey key = keyring.getPublicKey(sig.getKeyID());
      String id = Long.toHexString(sig.getKeyID()).toUpperCase(Locale.ROOT);
      if (key == null) {
        return SignatureCheck.bad("OpenPGP key " + id, "signed by a key not in the keyring");
      }
      String signer = "OpenPGP key " + Hex.toHexString(key.getFingerprint()).toUpperCase(Locale.ROOT);
      if (key.hasRevocation()) {
        return SignatureCheck.bad(signer, "signed by a revoked key");
      }
      sig.init(new JcaPGPContentVerifierBuilderProvider().setProvider(SigningKeys.provider()), key);
      sig.update(payload);
      return sig.verify() ? SignatureCheck.good(signer) : SignatureCheck.bad(signer, "bad OpenPGP signature");
    } catch (IOException | PGPException | RuntimeException e) {
      return SignatureCheck.bad("an OpenPGP key", "unreadable OpenPGP signature: " + e.getMessage());
    }
  }

  /** The commit without its {@code gpgsig} header: the bytes the signature covers. */
  static byte[] payload(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
    int i = 0;
    boolean inSignature = false;
    while (i < raw.length) {
      int end = i;
      while (end < raw.length && raw[end] != '\n') {
        end++;
      }
      int next = Math.min(raw.length, end + 1);
      if (end == i) {
        out.write(raw, i, raw.length - i); // the blank line and the message, as they are
        break;
      }
      boolean continuation = raw[i] == ' ';
      if (!continuation) {
        inSignature = startsWith(raw, i, "gpgsig ") || startsWith(raw, i, "gpgsig-sha256 ");
      }
      if (!inSignature) {
        out.write(raw, i, next - i);
      }
      i = next;
    }
    return out.toByteArray();
  }

  private static boolean startsWith(byte[] b, int at, String prefix) {
    byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
    if (b.length - at < p.length) {
      return false;
    }
    for (int k = 0; k < p.length; k++) {
      if (b[at + k] != p[k]) {
        return false;
      }
    }
    return true;
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    return startsWith(b, 0, new String(prefix, StandardCharsets.US_ASCII));
  }
}
