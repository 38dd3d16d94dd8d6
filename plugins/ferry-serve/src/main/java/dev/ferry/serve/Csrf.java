package dev.ferry.serve;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * CSRF tokens for every form: an HMAC of the acting user's name under a key made at start-up, so
 * a page from another site cannot post as the user (it cannot read the token), and a token taken
 * from one user's page does not work for another. No session store is needed.
 */
final class Csrf {

  static final String FIELD = "csrf";

  private final byte[] key = new byte[32];

  Csrf() {
    new SecureRandom().nextBytes(key);
  }

  String token(String user) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(("csrf\n" + user).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  boolean valid(String user, String token) {
    return token != null && MessageDigest.isEqual(token(user).getBytes(StandardCharsets.UTF_8),
        token.getBytes(StandardCharsets.UTF_8));
  }
}
