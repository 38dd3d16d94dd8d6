package dev.ferry.core.signing;

import dev.ferry.core.InputException;
import dev.ferry.core.config.SigningConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Provider;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyDecryptorBuilder;

/**
 * Loads the signing key that {@code git.signing} names and returns the signer that holds it. The key
 * is read from its file or variable into memory; it and its passphrase never reach a message, a
 * log, a process argument or the cache. Every problem with the key is bad input (exit 2) located
 * at {@code git.signing}.
 *
 * <pre>{@code CommitSigner signer = SigningKeys.signer(config.signing(), System.getenv());}</pre>
 */
public final class SigningKeys {

  /** The ssh key types Ferry signs with, as OpenSSH names them (no dsa, no security keys). */
  static final List<String> SSH_KEY_TYPES = List.of("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
      "ecdsa-sha2-nistp521", "ssh-rsa");

  /** Our own instance, not registered globally: the JVM's providers stay as the user has them. */
  private static final Provider BC = new BouncyCastleProvider();

  private SigningKeys() {
  }

  static Provider provider() {
    return BC;
  }

  /**
   * The signer for {@code config}, its key loaded and unlocked.
   *
   * @param env the process environment, for {@code keyEnv} and {@code passphraseEnv}
   * @throws InputException when the key is missing, unreadable, locked with another passphrase or of
   *     a type Ferry does not sign with
   */
  public static CommitSigner signer(SigningConfig config, Map<String, String> env) {
    byte[] key = keyBytes(config, env);
    String passphrase = null;
    if (config.passphraseEnv() != null) {
      passphrase = env.get(config.passphraseEnv());
      if (passphrase == null) {
        throw bad(config, "variable " + config.passphraseEnv() + " (git.signing.passphraseEnv) is not set",
            "set it to the passphrase of the signing key, or remove passphraseEnv if the key has none");
      }
    }
    return switch (config.format()) {
      case SSH -> ssh(config, key, passphrase);
      case OPENPGP -> openPgp(config, key, passphrase);
      case GITHUB -> throw new IllegalStateException("format github has no key: GitHub signs the commits it creates");
    };
  }

  private static byte[] keyBytes(SigningConfig config, Map<String, String> env) {
    Path file = config.keyFile();
    if (config.keyFileEnv() != null) {
      String named = env.get(config.keyFileEnv());
      if (named == null || named.isBlank()) {
        throw bad(config, "variable " + config.keyFileEnv() + " (git.signing.keyFileEnv) is not set or empty",
            "set it to the path of the private key file (in Jenkins, a withCredentials file binding)");
      }
      file = Path.of(named).toAbsolutePath();
    }
    if (file != null) {
      try {
        return Files.readAllBytes(file);
      } catch (NoSuchFileException e) {
        throw bad(config, "the signing key file " + file + " does not exist",
            "check git.signing.keyFile (a relative path is read from the folder of ferry.yaml)");
      } catch (IOException e) {
        throw bad(config, "cannot read the signing key file " + file + ": " + e.getMessage(),
            "check that the file is readable by the user running Ferry");
      }
    }
    String text = env.get(config.keyEnv());
    if (text == null || text.isBlank()) {
      throw bad(config, "variable " + config.keyEnv() + " (git.signing.keyEnv) is not set or empty",
          "set it to the text of the private key (in Jenkins, withCredentials; in the action, a secret)");
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A signer that loads its key at the first commit it signs, so that commands that write nothing
   * (status, history, plan) need no key; the same problems, at that moment.
   */
  public static CommitSigner lazy(SigningConfig config, Map<String, String> env) {
    return new CommitSigner() {
      private CommitSigner loaded;

      @Override
      public void sign(org.eclipse.jgit.lib.CommitBuilder commit) {
        if (loaded == null) {
          loaded = signer(config, env);
        }
        loaded.sign(commit);
      }

      @Override
      public String describe() {
        return loaded != null ? loaded.describe() : config.format().word() + " key from the " + config.keySource();
      }
    };
  }

  // ---------------------------------------------------------------- ssh

  private static CommitSigner ssh(SigningConfig config, byte[] key, String passphrase) {
    KeyPair pair;
    try (InputStream in = new ByteArrayInputStream(key)) {
      Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName("signing key"), in,
          passphrase == null ? FilePasswordProvider.EMPTY : FilePasswordProvider.of(passphrase));
      Iterator<KeyPair> it = pairs == null ? null : pairs.iterator();
      pair = it != null && it.hasNext() ? it.next() : null;
    } catch (Exception e) {
      throw sshFailure(config, passphrase, e);
    }
    if (pair == null) {
      throw bad(config, "the " + config.keySource() + " holds no ssh private key",
          "give an OpenSSH private key (ssh-keygen -t ed25519), not its .pub file or an OpenPGP key");
    }
    String type = KeyUtils.getKeyType(pair);
    if (!SSH_KEY_TYPES.contains(type)) {
      throw bad(config, "the " + config.keySource() + " is a " + type + " key, which Ferry does not sign with",
          "use an ed25519, ecdsa or rsa key (ssh-keygen -t ed25519)");
    }
    return new SshCommitSigner(pair);
  }

  private static InputException sshFailure(SigningConfig config, String passphrase, Exception e) {
    String msg = String.valueOf(e.getMessage());
    String lower = msg.toLowerCase(java.util.Locale.ROOT);
    if (passphrase == null && (lower.contains("password") || lower.contains("passphrase") || lower.contains("encrypt"))) {
      return bad(config, "the " + config.keySource() + " is protected by a passphrase and git.signing names no"
          + " passphraseEnv", "set passphraseEnv to a variable holding the key's passphrase");
    }
    if (passphrase != null && !lower.contains("unsupported") && !lower.contains("no support")) {
      // sshd reports a wrong passphrase as a key that does not decode
      return bad(config, "cannot unlock the " + config.keySource() + " with the passphrase in "
          + config.passphraseEnv() + " (wrong passphrase?)", "check the variable named by passphraseEnv");
    }
    return bad(config, "cannot read the " + config.keySource() + " as an ssh private key: "
        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + msg),
        "give an OpenSSH ed25519, ecdsa or rsa private key (ssh-keygen -t ed25519)");
  }

  // ---------------------------------------------------------------- OpenPGP

  private static CommitSigner openPgp(SigningConfig config, byte[] key, String passphrase) {
    PGPSecretKeyRingCollection rings;
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(key))) {
      rings = new PGPSecretKeyRingCollection(in, new JcaKeyFingerprintCalculator());
    } catch (IOException | PGPException | RuntimeException e) {
      throw bad(config, "the " + config.keySource() + " holds no OpenPGP secret key",
          "export it with gpg --armor --export-secret-keys KEYID (not the public key, not an ssh key)");
    }
    PGPSecretKey signing = null;
    for (Iterator<PGPSecretKeyRing> rs = rings.getKeyRings(); rs.hasNext() && signing == null; ) {
      for (Iterator<PGPSecretKey> ks = rs.next().getSecretKeys(); ks.hasNext(); ) {
        PGPSecretKey k = ks.next();
        if (k.isSigningKey() && !k.isPrivateKeyEmpty() && !k.getPublicKey().hasRevocation()) {
          signing = k;
          break;
        }
      }
    }
    if (signing == null) {
      throw bad(config, "the " + config.keySource() + " holds no OpenPGP key that can sign",
          "export a key with signing capability (gpg --armor --export-secret-keys KEYID)");
    }
    PGPPrivateKey unlocked;
    try {
      unlocked = signing.extractPrivateKey(new JcePBESecretKeyDecryptorBuilder().setProvider(BC)
          .build(passphrase == null ? new char[0] : passphrase.toCharArray()));
    } catch (PGPException | RuntimeException e) {
      if (passphrase == null) {
        throw bad(config, "the " + config.keySource() + " is protected by a passphrase and git.signing names"
            + " no passphraseEnv", "set passphraseEnv to a variable holding the key's passphrase");
      }
      throw bad(config, "cannot unlock the " + config.keySource() + " with the passphrase in "
          + config.passphraseEnv() + " (wrong passphrase?)", "check the variable named by passphraseEnv");
    }
    if (unlocked == null) {
      throw bad(config, "the " + config.keySource() + " holds no private part of its signing key",
          "export the secret key, not a stub (gpg --armor --export-secret-keys KEYID)");
    }
    return new OpenPgpCommitSigner(signing.getPublicKey(), unlocked);
  }

  private static InputException bad(SigningConfig config, String message, String suggestion) {
    return new InputException(message, config.location(), suggestion, null);
  }
}
