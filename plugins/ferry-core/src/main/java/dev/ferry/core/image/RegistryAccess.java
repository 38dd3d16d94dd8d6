package dev.ferry.core.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.core.InputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How to reach each registry: whether plain HTTP is allowed there and which credentials to offer
 * when it asks for them.
 *
 * <p>Plain HTTP is used only for hosts marked insecure ({@code FERRY_INSECURE_REGISTRIES}) and for
 * loopback hosts ({@code localhost}, {@code 127.0.0.0/8}, {@code [::1]}), which, as with the Docker
 * engine, are insecure by default: traffic to them never leaves the machine. Every other host is
 * reached over HTTPS with certificate verification on; there is no switch to turn it off.
 *
 * <p>Credentials come from {@code ~/.docker/config.json} ({@code auths.<host>.auth}, base64 of
 * {@code user:password}; {@code DOCKER_CONFIG} names another folder), per host; and from
 * {@code FERRY_REGISTRY_USER} / {@code FERRY_REGISTRY_PASSWORD}, offered to the hosts listed in
 * {@code FERRY_REGISTRY_HOST} or, when that is not set, to every host that the Docker configuration
 * does not name (set it so that these credentials never reach another registry, such as Docker
 * Hub's token service for a public base image). They are sent only when a registry challenges for
 * them, and never appear in messages, logs or {@link #toString()}.
 *
 * <pre>{@code
 * RegistryAccess access = RegistryAccess.fromEnvironment(System.getenv())
 *     .withHost("registry.internal:5000", true, "ci", System.getenv("REG_TOKEN"));
 * }</pre>
 *
 * @param hosts per host ({@code host[:port]}, lower case) what applies there
 * @param fallback credentials for hosts with none of their own, or null
 */
public record RegistryAccess(Map<String, Host> hosts, Credentials fallback) {

  /** The environment variable holding the registry user. */
  public static final String USER_ENV = "FERRY_REGISTRY_USER";
  /** The environment variable holding the registry password or token. */
  public static final String PASSWORD_ENV = "FERRY_REGISTRY_PASSWORD";
  /** Comma-separated {@code host[:port]} list the environment credentials are for; required with them. */
  public static final String HOST_ENV = "FERRY_REGISTRY_HOST";
  /** Comma-separated {@code host[:port]} list reached over plain HTTP. */
  public static final String INSECURE_ENV = "FERRY_INSECURE_REGISTRIES";

  /** What applies to one registry host. */
  public record Host(boolean insecure, Credentials credentials) { }

  /** A user and a password or token. Its {@code toString()} hides the secret. */
  public record Credentials(String user, String secret) {
    public Credentials {
      if (user == null || secret == null) {
        throw new IllegalArgumentException("user and secret are both required");
      }
    }

    /** The value of a {@code Basic} authorization header. */
    public String basicHeader() {
      return "Basic " + Base64.getEncoder().encodeToString(
          (user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
      return "Credentials[user=" + user + ", secret=***]";
    }
  }

  public RegistryAccess {
    hosts = Map.copyOf(hosts);
  }

  /** No credentials; only loopback hosts over plain HTTP. */
  public static RegistryAccess anonymous() {
    return new RegistryAccess(Map.of(), null);
  }

  /**
   * Reads the access from environment variables and the Docker configuration.
   *
   * @throws InputException when the Docker configuration file is not valid JSON
   */
  public static RegistryAccess fromEnvironment(Map<String, String> env) {
    Map<String, Host> hosts = new HashMap<>();
    dockerConfig(env).ifPresent(file -> readDockerConfig(file, hosts));
    for (String h : env.getOrDefault(INSECURE_ENV, "").split(",")) {
      String host = normalise(h.trim());
      if (!host.isEmpty()) {
        Host old = hosts.get(host);
        hosts.put(host, new Host(true, old == null ? null : old.credentials()));
      }
    }
    String user = env.get(USER_ENV);
    String password = env.get(PASSWORD_ENV);
    Credentials fromEnv = user != null && !user.isEmpty() && password != null
        ? new Credentials(user, password) : null;
    String only = env.getOrDefault(HOST_ENV, "").trim();
    if (fromEnv != null && only.isEmpty()) {
      // credentials for any host would go to whatever registry an image names
      throw new dev.ferry.core.InputException(USER_ENV + " and " + PASSWORD_ENV + " are set without " + HOST_ENV
          + ": name the registry host(s) they are for, e.g. " + HOST_ENV + "=registry.example.com");
    }
    if (fromEnv == null) {
      return new RegistryAccess(hosts, null);
    }
    for (String h : only.split(",")) {
      String host = normalise(h.trim());
      if (!host.isEmpty()) {
        Host old = hosts.get(host);
        hosts.put(host, new Host(old != null && old.insecure(), fromEnv));
      }
    }
    return new RegistryAccess(hosts, null);
  }

  /** A copy with {@code host} set: plain HTTP allowed or not, and its credentials (user may be null). */
  public RegistryAccess withHost(String host, boolean insecure, String user, String secret) {
    Map<String, Host> copy = new HashMap<>(hosts);
    copy.put(normalise(host), new Host(insecure,
        user == null || secret == null ? null : new Credentials(user, secret)));
    return new RegistryAccess(copy, fallback);
  }

  /** A copy where {@code host} may be reached over plain HTTP, keeping its credentials. */
  public RegistryAccess withInsecure(String host) {
    Host old = hosts.get(normalise(host));
    Credentials c = old == null ? null : old.credentials();
    return withHost(host, true, c == null ? null : c.user(), c == null ? null : c.secret());
  }

  /** Whether {@code host} is reached over plain HTTP. */
  public boolean insecure(String host) {
    String h = normalise(host);
    Host entry = hosts.get(h);
    return (entry != null && entry.insecure()) || loopback(h);
  }

  /** The credentials to offer {@code host} when it asks. */
  public Optional<Credentials> credentials(String host) {
    Host entry = hosts.get(normalise(host));
    if (entry != null && entry.credentials() != null) {
      return Optional.of(entry.credentials());
    }
    return Optional.ofNullable(fallback);
  }

  /**
   * Whether the credentials of {@code registry} may go to the token service at {@code tokenHost}
   * ({@code host[:port]}) that its Bearer challenge names. A challenge is text from the registry,
   * so it cannot send them anywhere it likes: only to the registry's own host, to Docker Hub's token
   * service for Docker Hub, or to a host configured with the same credentials (list it in
   * {@code FERRY_REGISTRY_HOST}, or in the Docker configuration with the same auth).
   */
  public boolean tokenServiceMayReceive(String registry, String tokenHost) {
    String r = normalise(registry);
    String t = normalise(tokenHost);
    if (t.equals(r) || (r.equals(ImageRef.DOCKER_HUB) && t.equals("auth.docker.io"))) {
      return true;
    }
    Optional<Credentials> mine = credentials(r);
    Host there = hosts.get(t);
    return mine.isPresent() && there != null && mine.get().equals(there.credentials());
  }

  /** {@code http} or {@code https} and the host the API is served from. */
  public String baseUrl(String host) {
    String h = normalise(host);
    String apiHost = h.equals(ImageRef.DOCKER_HUB) ? "registry-1.docker.io" : h;
    return (insecure(h) ? "http://" : "https://") + apiHost;
  }

  @Override
  public String toString() {
    return "RegistryAccess[hosts=" + hosts.keySet() + ", fallback=" + (fallback == null ? "none" : fallback) + "]";
  }

  static boolean loopback(String host) {
    String name = host;
    if (name.startsWith("[")) {
      return name.startsWith("[::1]");
    }
    int colon = name.indexOf(':');
    if (colon >= 0) {
      name = name.substring(0, colon);
    }
    return name.equals("localhost") || name.matches("127(?:\\.\\d{1,3}){3}");
  }

  /** {@code host[:port]} in lower case; Docker Hub's aliases and URLs become {@code docker.io}. */
  static String normalise(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    h = h.replaceFirst("^https?://", "");
    int slash = h.indexOf('/');
    if (slash >= 0) {
      h = h.substring(0, slash);
    }
    if (h.equals("index.docker.io") || h.equals("registry-1.docker.io")) {
      return ImageRef.DOCKER_HUB;
    }
    return h;
  }

  private static Optional<Path> dockerConfig(Map<String, String> env) {
    String dir = env.get("DOCKER_CONFIG");
    if (dir != null && !dir.isEmpty()) {
      return Optional.of(Path.of(dir, "config.json"));
    }
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    return home == null ? Optional.empty() : Optional.of(Path.of(home, ".docker", "config.json"));
  }

  private static void readDockerConfig(Path file, Map<String, Host> hosts) {
    if (!Files.isRegularFile(file)) {
      return;
    }
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new InputException("cannot read the Docker configuration " + file + ": it is not valid JSON"
          + " (expected {\"auths\": {\"host\": {\"auth\": \"base64(user:password)\"}}})");
    }
    JsonNode auths = root == null ? null : root.get("auths");
    if (auths == null || !auths.isObject()) {
      return;
    }
    for (Map.Entry<String, JsonNode> e : auths.properties()) {
      String auth = e.getValue().path("auth").asText("");
      if (auth.isEmpty()) {
        continue; // helpers (credsStore) are not run: Ferry does not execute programs for secrets
      }
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException bad) {
        throw new InputException("the Docker configuration " + file + " has an 'auth' for "
            + e.getKey() + " that is not base64 of user:password");
      }
      int colon = decoded.indexOf(':');
      if (colon <= 0) {
        throw new InputException("the Docker configuration " + file + " has an 'auth' for "
            + e.getKey() + " that is not base64 of user:password");
      }
      hosts.put(normalise(e.getKey()), new Host(false,
          new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1))));
    }
  }
}
