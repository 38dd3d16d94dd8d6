package dev.ferry.core.git;

import dev.ferry.core.SecretMask;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import org.eclipse.jgit.transport.URIish;

/**
 * Turns a repository URL into what may be shown (no user info) and into the name of its cache
 * folder. Every message Ferry writes about a repository goes through {@link #display(String)}.
 *
 * <pre>{@code RemoteUrl.display("https://bot:t0ken@git.example.com/env.git") // https://git.example.com/env.git}</pre>
 */
final class RemoteUrl {

  private RemoteUrl() {
  }

  /** The URL without user name or password; local paths made absolute. */
  static String display(String url) {
    if (url == null) {
      return "(no url)";
    }
    if (isLocalPath(url)) {
      return Path.of(url).toAbsolutePath().normalize().toString();
    }
    try {
      URIish u = new URIish(url);
      return u.setUser(null).setPass(null).toString();
    } catch (URISyntaxException e) {
      return scrub(url);
    }
  }

  static boolean isLocalPath(String url) {
    return !url.contains("://") && !url.matches("^[^/]+@[^/]+:.*") && !url.matches("^[A-Za-z0-9.-]+:[^/].*");
  }

  /** The URL Ferry passes to JGit (local paths made absolute, so the cache key is stable). */
  static String forTransport(String url) {
    return isLocalPath(url) ? Path.of(url).toAbsolutePath().normalize().toString() : url;
  }

  /** Removes any {@code user:password@} from URLs inside free text, and the secret itself. */
  static String scrub(String text, String... secrets) {
    if (text == null) {
      return "";
    }
    return SecretMask.of(java.util.Arrays.asList(secrets)).apply(text);
  }

  /** {@code <sanitised last path part>-<first 16 hex of sha256(display url)>}. */
  static String cacheName(String url) {
    String shown = display(url);
    String base = shown.replaceAll("/+$", "");
    base = base.substring(base.lastIndexOf('/') + 1).replaceAll("\\.git$", "");
    base = base.replaceAll("[^A-Za-z0-9._-]", "_");
    if (base.length() > 40) {
      base = base.substring(0, 40);
    }
    if (base.isEmpty() || base.startsWith(".")) {
      base = "repo" + base;
    }
    try {
      byte[] h = java.security.MessageDigest.getInstance("SHA-256")
          .digest(shown.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return base.toLowerCase(Locale.ROOT) + "-" + java.util.HexFormat.of().formatHex(h).substring(0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
