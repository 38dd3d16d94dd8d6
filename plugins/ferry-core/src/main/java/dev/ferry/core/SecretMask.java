package dev.ferry.core;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Hides secrets in text Ferry writes: stderr, JSON, commit messages, the evidence notes pushed to
 * {@code refs/notes/ferry}. A server's answer may echo the token it was sent, a git error may quote
 * a URL with a password; whatever the path, the text goes through {@link #apply} at the boundary.
 *
 * <p>Each secret is replaced by {@code ***} as written, URL-encoded, JSON-escaped and base64-encoded
 * (a {@code Basic} header echoed back), and {@code user:password@} is removed from URLs.
 * Secrets shorter than three characters are not masked: they would mangle every word.
 *
 * <pre>{@code
 * SecretMask mask = SecretMask.of(List.of(System.getenv("ARGOCD_TOKEN")));
 * err.println(mask.apply(gateReason));
 * }</pre>
 */
public final class SecretMask {

  /** Masks only user information in URLs. */
  public static final SecretMask NONE = new SecretMask(List.of());

  /**
   * {@code scheme://user:password@}. The scheme starts after no letter: a match can only start
   * there anyway (the match one letter earlier would come first), and without it every letter of a
   * long word began a scan of the rest of it, so the mask took time quadratic in the length of
   * words (64 ms of 'ferry status --json' at 1,000 services).
   */
  private static final Pattern USER_INFO = Pattern.compile("(?<![A-Za-z])([A-Za-z][A-Za-z0-9+.-]*://)[^/@\\s\"']+@");
  private static final int SHORTEST = 3;

  /** The forms to replace, longest first so that a secret inside another is not half-masked. */
  private final List<String> forms;
  private final List<String> secrets;

  private SecretMask(Collection<String> secrets) {
    Set<String> kept = new LinkedHashSet<>();
    for (String s : secrets) {
      if (s != null && s.length() >= SHORTEST) {
        kept.add(s);
      }
    }
    this.secrets = List.copyOf(kept);
    Set<String> all = new LinkedHashSet<>();
    for (String s : kept) {
      all.add(s);
      all.add(URLEncoder.encode(s, StandardCharsets.UTF_8));
      all.add(jsonEscaped(s));
      all.add(Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
    }
    List<String> sorted = new ArrayList<>(all);
    sorted.removeIf(f -> f.length() < SHORTEST);
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    this.forms = List.copyOf(sorted);
  }

  /** A mask for {@code secrets}; nulls and very short values are ignored. */
  public static SecretMask of(Collection<String> secrets) {
    return new SecretMask(secrets);
  }

  /** This mask and {@code more}. */
  public SecretMask with(Collection<String> more) {
    List<String> all = new ArrayList<>(secrets);
    all.addAll(more);
    return new SecretMask(all);
  }

  /**
   * This mask and the base64 of {@code user:secret} for each secret, the form a {@code Basic}
   * header carries.
   */
  public SecretMask withBasic(String user, String secret) {
    if (user == null || secret == null || secret.length() < SHORTEST) {
      return this;
    }
    return with(List.of(secret, Base64.getEncoder().encodeToString((user + ":" + secret)
        .getBytes(StandardCharsets.UTF_8))));
  }

  /** {@code text} with every secret replaced by {@code ***} and user information cut from URLs. */
  public String apply(String text) {
    if (text == null) {
      return null;
    }
    String s = text.contains("://") ? USER_INFO.matcher(text).replaceAll("$1") : text;
    for (String form : forms) {
      if (s.contains(form)) {
        s = s.replace(form, "***");
      }
    }
    return s;
  }

  /** Whether this mask hides anything besides user information. */
  public boolean isEmpty() {
    return secrets.isEmpty();
  }

  private static String jsonEscaped(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return "SecretMask[" + secrets.size() + " secrets]";
  }
}
