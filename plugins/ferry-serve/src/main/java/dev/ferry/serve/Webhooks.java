package dev.ferry.serve;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a push webhook from GitHub ({@code X-Hub-Signature-256: sha256=HMAC}), Gitea/Forgejo
 * ({@code X-Gitea-Signature: HMAC}) or GitLab ({@code X-Gitlab-Token: SECRET}) against the configured
 * secret. Without a secret every push is taken: a webhook only makes the dashboard fetch sooner.
 */
final class Webhooks {

  /** What a webhook request proved. */
  enum Verdict { ACCEPTED, NO_SIGNATURE, BAD_SIGNATURE }

  private final byte[] secret;

  Webhooks(String secret) {
    this.secret = secret == null || secret.isEmpty() ? null : secret.getBytes(StandardCharsets.UTF_8);
  }

  Verdict check(byte[] body, Function<String, String> header) {
    if (secret == null) {
      return Verdict.ACCEPTED;
    }
    String github = header.apply("X-Hub-Signature-256");
    if (github != null) {
      return github.startsWith("sha256=") && equal(github.substring(7), hmac(body)) ? Verdict.ACCEPTED : Verdict.BAD_SIGNATURE;
    }
    String gitea = header.apply("X-Gitea-Signature");
    if (gitea != null) {
      return equal(gitea, hmac(body)) ? Verdict.ACCEPTED : Verdict.BAD_SIGNATURE;
    }
    String gitlab = header.apply("X-Gitlab-Token");
    if (gitlab != null) {
      return MessageDigest.isEqual(gitlab.getBytes(StandardCharsets.UTF_8), secret) ? Verdict.ACCEPTED : Verdict.BAD_SIGNATURE;
    }
    return Verdict.NO_SIGNATURE;
  }

  private String hmac(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean equal(String given, String expected) {
    return MessageDigest.isEqual(given.strip().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8),
        expected.getBytes(StandardCharsets.UTF_8));
  }
}
