package dev.ferry.core.signing;

import org.eclipse.jgit.lib.CommitBuilder;

/**
 * Signs a commit before it is written: sets the builder's signature over the bytes the commit
 * will be stored as. One implementation per signature format; the key stays inside it.
 *
 * <pre>{@code
 * CommitSigner signer = SigningKeys.signer(config.signing(), System.getenv());
 * signer.sign(commitBuilder);
 * inserter.insert(commitBuilder);
 * }</pre>
 */
public interface CommitSigner {

  /** Sets {@code commit}'s signature, replacing any it had. */
  void sign(CommitBuilder commit);

  /** The key that signs, for messages: its type and fingerprint, never the key itself. */
  String describe();

  /** The bytes a signature covers: the commit as git stores it, without a signature header. */
  static byte[] payload(CommitBuilder commit) {
    commit.setGpgSignature(null);
    try {
      return commit.build();
    } catch (java.io.UnsupportedEncodingException e) {
      throw new IllegalStateException("the commit's encoding is unknown to the JVM", e);
    }
  }
}
