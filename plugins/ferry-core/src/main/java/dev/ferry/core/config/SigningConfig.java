package dev.ferry.core.config;

import dev.ferry.core.SourceLocation;
import java.nio.file.Path;

/**
 * How Ferry signs the commits it writes ({@code git.signing} in {@code ferry.yaml}). Holds where the
 * key is, never the key or its passphrase.
 *
 * <pre>{@code
 * git:
 *   signing: {format: ssh, keyFile: keys/ferry_ed25519, passphraseEnv: FERRY_KEY_PASSPHRASE}
 * }</pre>
 *
 * @param format how commits are signed; {@link Format#GITHUB} holds no key (all key fields null)
 * @param keyFile the private key file, absolute, or null
 * @param keyFileEnv the variable holding the path of the private key file (what Jenkins'
 *     {@code withCredentials} file binding and the GitHub action's temporary file give), or null
 * @param keyEnv the variable holding the private key's text, or null
 * @param passphraseEnv the variable holding the key's passphrase, or null when it has none
 * @param location where {@code git.signing} starts in {@code ferry.yaml}
 */
public record SigningConfig(Format format, Path keyFile, String keyFileEnv, String keyEnv, String passphraseEnv, SourceLocation location) {

  /** The kinds of signature, as written in {@code ferry.yaml}. */
  public enum Format {
    /** An ssh signature (git's {@code gpg.format=ssh}): ed25519, ecdsa or rsa keys. */
    SSH("ssh"),
    /** An OpenPGP signature (git's default {@code gpg.format=openpgp}). */
    OPENPGP("openpgp"),
    /**
     * No key of Ferry's: branch commits are created through the GitHub API with the credentials of
     * the repository's {@code pullRequests}, and GitHub signs them (shown as Verified).
     */
    GITHUB("github");

    private final String word;

    Format(String word) {
      this.word = word;
    }

    /** The word written in {@code ferry.yaml}. */
    public String word() {
      return word;
    }

    static Format of(String word) {
      for (Format f : values()) {
        if (f.word.equals(word)) {
          return f;
        }
      }
      throw new IllegalArgumentException(word);
    }
  }

  /** Where the key comes from, for messages: the file or the variable's name, never the key. */
  public String keySource() {
    if (format == Format.GITHUB) {
      return "GitHub API (pullRequests credentials)";
    }
    if (keyFile != null) {
      return "key file " + keyFile;
    }
    return keyFileEnv != null ? "key file named by " + keyFileEnv : "variable " + keyEnv;
  }
}
