package dev.ferry.serve;

import dev.ferry.core.InputException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who is acting on a request. On a loopback bind with nothing configured, whoever can reach the
 * port is the local user (as with the CLI). Elsewhere a name is required: from a trusted reverse
 * proxy's user header ({@code X-Auth-Request-User}, oauth2-proxy; {@code X-Forwarded-User}), only
 * when the request comes from a configured proxy address, or from a bearer token in the tokens file.
 *
 * <pre>{@code
 * Access access = Access.of(bind, localUser, Set.of("127.0.0.1"), Path.of("tokens"), false);
 * Optional<String> who = access.user(remoteAddress, headers::get);
 * }</pre>
 */
public final class Access {

  static final List<String> PROXY_HEADERS = List.of("X-Auth-Request-User", "X-Forwarded-User");

  private final boolean open;
  private final String localUser;
  private final Set<InetAddress> proxies;
  private final Map<String, String> tokens; // token -> name
  private final boolean readOnly;

  private Access(boolean open, String localUser, Set<InetAddress> proxies, Map<String, String> tokens, boolean readOnly) {
    this.open = open;
    this.localUser = localUser;
    this.proxies = Set.copyOf(proxies);
    this.tokens = Map.copyOf(tokens);
    this.readOnly = readOnly;
  }

  /**
   * @param bind the address the server listens on
   * @param localUser who acts on an open loopback bind
   * @param proxyAddresses reverse proxies whose user header is trusted
   * @param tokensFile lines {@code NAME TOKEN} ({@code #} comments), or null
   * @throws InputException for a non-loopback bind with neither proxies nor tokens, a bad address
   *     or a bad tokens line (file:line)
   */
  public static Access of(InetAddress bind, String localUser, List<String> proxyAddresses, Path tokensFile,
      boolean readOnly) {
    Set<InetAddress> proxies = new java.util.HashSet<>();
    for (String a : proxyAddresses) {
      try {
        if (!a.matches("[0-9A-Fa-f:.]+")) {
          throw new UnknownHostException(a);
        }
        proxies.add(InetAddress.getByName(a));
      } catch (UnknownHostException e) {
        throw new InputException("--trusted-proxy '" + a + "' is not an IP address");
      }
    }
    Map<String, String> tokens = tokensFile == null ? Map.of() : readTokens(tokensFile);
    boolean open = bind.isLoopbackAddress() && proxies.isEmpty() && tokens.isEmpty();
    if (!bind.isLoopbackAddress() && proxies.isEmpty() && tokens.isEmpty()) {
      throw new InputException("ferry serve on " + bind.getHostAddress() + " (not loopback) needs to know who is acting:"
          + " give --trusted-proxy ADDRESS (a reverse proxy that sets X-Auth-Request-User) or --tokens FILE");
    }
    return new Access(open, localUser, proxies, tokens, readOnly);
  }

  static Map<String, String> readTokens(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InputException("cannot read the tokens file " + file + ": " + e.getMessage());
    }
    Map<String, String> tokens = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      // the token itself is never echoed: a wrong line may hold a real secret
      if (parts.length != 2 || !Names.valid(parts[0])) {
        problems.add(file + ":" + (i + 1) + ": expected 'NAME TOKEN' (a name of letters, digits, . _ @ -, then the token)");
      } else if (parts[1].length() < 16) {
        problems.add(file + ":" + (i + 1) + ": the token of '" + parts[0] + "' is shorter than 16 characters");
      } else {
        tokens.put(parts[1], parts[0]);
      }
    }
    if (!problems.isEmpty()) {
      throw new InputException(String.join("\n", problems));
    }
    return tokens;
  }

  /** Who is acting, or empty when the request names nobody this server trusts. */
  public Optional<String> user(InetAddress remote, java.util.function.Function<String, String> header) {
    if (proxies.contains(remote)) {
      for (String h : PROXY_HEADERS) {
        String name = header.apply(h);
        if (name != null && Names.valid(name.strip())) {
          return Optional.of(name.strip());
        }
      }
    }
    String auth = header.apply("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      byte[] given = auth.substring(7).strip().getBytes(StandardCharsets.UTF_8);
      for (Map.Entry<String, String> t : tokens.entrySet()) {
        // constant-time: the comparison must not tell how much of a guess was right
        if (MessageDigest.isEqual(given, t.getKey().getBytes(StandardCharsets.UTF_8))) {
          return Optional.of(t.getValue());
        }
      }
    }
    return open ? Optional.of(localUser) : Optional.empty();
  }

  public boolean readOnly() {
    return readOnly;
  }

  /** Whether anyone may look and act without naming themselves (loopback, nothing configured). */
  public boolean open() {
    return open;
  }
}
