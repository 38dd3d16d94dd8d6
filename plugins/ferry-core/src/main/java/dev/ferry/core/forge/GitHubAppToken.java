package dev.ferry.core.forge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.ExternalException;
import dev.ferry.core.InputException;
import dev.ferry.core.config.PullRequestConfig.GitHubApp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * A GitHub App's installation token: a JWT (RS256) signed with the app's private key proves the app,
 * {@code POST /app/installations/{id}/access_tokens} trades it for a token of one hour, kept until
 * shortly before it expires.
 *
 * <pre>{@code String header = new GitHubAppToken(app, api, context).authorization();   // "Bearer ghs_..."}</pre>
 */
final class GitHubAppToken {

  private final GitHubApp app;
  private final String api;
  private final ForgeContext context;
  private String token;
  private Instant expires = Instant.EPOCH;

  GitHubAppToken(GitHubApp app, String api, ForgeContext context) {
    this.app = app;
    this.api = api;
    this.context = context;
  }

  synchronized String authorization() {
    Instant now = context.clock().instant();
    if (token == null || now.isAfter(expires.minusSeconds(60))) {
      String jwt = jwt(key(), app.id(), now);
      ForgeHttp http = new ForgeHttp(new ForgeHttp.Setup(api, "the GitHub App " + app.id() + " (key "
          + app.privateKeyFile() + ")", () -> "Bearer " + jwt, context));
      ForgeHttp.Answer a = http.send("POST", "/app/installations/" + app.installationId() + "/access_tokens", Map.of());
      if (a.status() == 404) {
        throw new InputException("GitHub App " + app.id() + " has no installation " + app.installationId()
            + " on " + api, null, "check app.installationId (the number in the installation's settings URL)", null);
      }
      if (!a.ok() || !a.json().path("token").isTextual()) {
        throw new ExternalException("GitHub did not give an installation token for app " + app.id() + " ("
            + a.status() + "): " + ForgeHttp.message(a.json()));
      }
      JsonNode json = a.json();
      token = json.path("token").asText();
      Instant at = ForgeHttp.instant(json.path("expires_at"));
      expires = at != null ? at : now.plusSeconds(3600);
    }
    return "Bearer " + token;
  }

  private PrivateKey key() {
    String pem;
    try {
      pem = Files.readString(app.privateKeyFile(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new InputException("cannot read the GitHub App key " + app.privateKeyFile() + ": " + e.getMessage(),
          null, "set app.privateKeyFile to the .pem file GitHub gave for the app", null);
    }
    try {
      boolean pkcs1 = pem.contains("BEGIN RSA PRIVATE KEY");
      String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      byte[] der = Base64.getDecoder().decode(b64);
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs1 ? pkcs8(der) : der));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new InputException("the GitHub App key " + app.privateKeyFile() + " is not an RSA private key in PEM",
          null, "use the .pem file GitHub generated for the app", null);
    }
  }

  /** The JWT GitHub asks for: issued a minute back (clock drift), valid ten minutes, issuer the app id. */
  static String jwt(PrivateKey key, String appId, Instant now) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String claims = b64.encodeToString(("{\"iat\":" + (now.getEpochSecond() - 60) + ",\"exp\":"
        + (now.getEpochSecond() + 540) + ",\"iss\":\"" + appId.replaceAll("[^A-Za-z0-9._-]", "") + "\"}")
        .getBytes(StandardCharsets.UTF_8));
    try {
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initSign(key);
      rs256.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
      return header + "." + claims + "." + b64.encodeToString(rs256.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RS256 is not available", e);
    }
  }

  /** GitHub hands out PKCS#1 keys; Java reads PKCS#8: wrap it (version 0, rsaEncryption, the key). */
  private static byte[] pkcs8(byte[] pkcs1) {
    byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
        0x01, 0x05, 0x00};
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(algorithm);
    body.write(0x04);
    body.writeBytes(length(pkcs1.length));
    body.writeBytes(pkcs1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30);
    out.writeBytes(length(body.size()));
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  private static byte[] length(int n) {
    if (n < 128) {
      return new byte[] {(byte) n};
    }
    if (n < 256) {
      return new byte[] {(byte) 0x81, (byte) n};
    }
    if (n < 65536) {
      return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    }
    return new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
  }
}
