package dev.ferry.core.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.core.ExternalException;
import dev.ferry.core.HttpCall;
import dev.ferry.core.RefusedException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads images from an OCI distribution registry (the Docker Registry HTTP API v2): a tag's
 * digest, manifests and blobs, each verified against its digest.
 *
 * <p>Authentication follows the registry's challenge: {@code Basic} with the credentials of
 * {@link RegistryAccess}, or the {@code Bearer} token flow (a token fetched from the challenge's
 * realm for the repository's pull scope, with the credentials when there are any). Transient
 * failures (connection errors, 429, 5xx) are retried three times with backoff.
 *
 * <pre>{@code
 * RegistryClient registry = new RegistryClient(RegistryAccess.fromEnvironment(System.getenv()));
 * String digest = registry.resolveDigest(ImageRef.parse("registry.example.com/shop/web:1.4.2"));
 * }</pre>
 */
public final class RegistryClient {

  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  private static final String ACCEPT = String.join(", ", OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ATTEMPTS = 4;
  private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private final RegistryAccess access;
  private final HttpClient http;
  private final Duration timeout;
  private final Duration backoff;
  /** How long one download of a blob to a file may take (layers are large; the cap is the disk). */
  private static final Duration FILE_TIMEOUT = Duration.ofMinutes(15);
  private static final long MAX_FILE = 64L * 1024 * 1024 * 1024;
  /** Authorization header per registry and repository, learned from challenges. */
  private final Map<String, String> authorizations = new ConcurrentHashMap<>();

  public RegistryClient(RegistryAccess access) {
    this(access, Duration.ofSeconds(30), Duration.ofMillis(500));
  }

  /** With a per-request timeout and the first retry's backoff (doubled each time). */
  public RegistryClient(RegistryAccess access, Duration timeout, Duration backoff) {
    this.access = access;
    this.timeout = timeout;
    this.backoff = backoff;
    // redirects are followed by HttpCall so that credentials never travel to another origin
    this.http = HttpClient.newBuilder()
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /** A manifest or index as the registry served it, with its digest. */
  public record Manifest(String digest, String mediaType, byte[] body) {

    /** The parsed JSON body. */
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new ExternalException("the registry served a manifest " + digest + " that is not JSON", e);
      }
    }

    /** Whether this is an index (OCI image index or Docker manifest list). */
    public boolean isIndex() {
      return mediaType.equals(OCI_INDEX) || mediaType.equals(DOCKER_LIST);
    }
  }

  /**
   * The digest the tag (or digest) of {@code ref} points to, as the registry reports it.
   *
   * @throws RefusedException when the image does not exist or the registry refuses the credentials
   * @throws ExternalException when the registry cannot be reached after retries
   */
  public String resolveDigest(ImageRef ref) {
    URI uri = manifestUri(ref);
    Response head = send(ref, "HEAD", uri, ACCEPT, "image " + ref, null);
    String digest = head.header("Docker-Content-Digest");
    if (head.status() == 200 && digest != null && !digest.isBlank()) {
      if (ref.digest() != null && !ref.digest().equals(digest)) {
        throw new ExternalException("registry " + ref.effectiveRegistry() + " answered digest " + digest
            + " for " + ref);
      }
      return digest;
    }
    // some registries answer HEAD without the digest header: read the manifest and hash it
    return manifest(ref).digest();
  }

  /**
   * The manifest or index that {@code ref} names, verified against its digest.
   *
   * @throws RefusedException when the image does not exist or the registry refuses the credentials
   */
  public Manifest manifest(ImageRef ref) {
    Response r = send(ref, "GET", manifestUri(ref), ACCEPT, "image " + ref, null);
    String computed = sha256(r.body());
    String stated = r.header("Docker-Content-Digest");
    String expected = ref.digest() != null ? ref.digest() : stated;
    if (expected != null && expected.startsWith("sha256:") && !expected.equals(computed)) {
      throw new ExternalException("registry " + ref.effectiveRegistry() + " served a manifest for " + ref
          + " whose sha256 is " + computed + ", not " + expected);
    }
    String mediaType = Optional.ofNullable(r.header("Content-Type")).map(t -> t.split(";")[0].trim())
        .orElse("");
    if (mediaType.isEmpty() || mediaType.equals("application/json")) {
      mediaType = mediaTypeOf(r.body());
    }
    return new Manifest(expected != null && !expected.startsWith("sha256:") ? expected : computed,
        mediaType, r.body());
  }

  /**
   * The image manifest of {@code ref} for {@code os}/{@code architecture}: an index is resolved to
   * the entry for that platform; a single manifest is returned as it is.
   *
   * @throws RefusedException when the index has no entry for the platform
   */
  public Manifest imageManifest(ImageRef ref, String os, String architecture) {
    Manifest m = manifest(ref);
    if (!m.isIndex()) {
      return m;
    }
    for (JsonNode entry : m.json().path("manifests")) {
      JsonNode p = entry.path("platform");
      if (p.path("os").asText().equals(os) && p.path("architecture").asText().equals(architecture)) {
        return manifest(ref.withDigest(entry.path("digest").asText()));
      }
    }
    throw new RefusedException("image " + ref + " has no manifest for " + os + "/" + architecture,
        "build the image for " + os + "/" + architecture + " or name a platform it has");
  }

  /**
   * The blob {@code digest} of {@code ref}'s repository (a config or a layer), verified.
   *
   * @throws RefusedException when the blob does not exist
   */
  public byte[] blob(ImageRef ref, String digest) {
    Response r = send(ref, "GET", blobUri(ref, digest), "*/*", "blob " + digest + " of " + ref.name(), null);
    if (digest.startsWith("sha256:") && !sha256(r.body()).equals(digest)) {
      throw new ExternalException("registry " + ref.effectiveRegistry() + " served blob " + digest
          + " of " + ref.name() + " with a different sha256: " + sha256(r.body()));
    }
    return r.body();
  }

  /**
   * Streams the blob {@code digest} into {@code file} (for layers too large to hold in memory) and
   * verifies it; the file is deleted when the digest does not match.
   *
   * @throws RefusedException when the blob does not exist
   */
  public Path blobToFile(ImageRef ref, String digest, Path file) {
    send(ref, "GET", blobUri(ref, digest), "*/*", "blob " + digest + " of " + ref.name(), file);
    if (digest.startsWith("sha256:")) {
      String actual;
      try (InputStream in = Files.newInputStream(file)) {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[65536];
        for (int n; (n = in.read(buffer)) > 0; ) {
          sha.update(buffer, 0, n);
        }
        actual = "sha256:" + HexFormat.of().formatHex(sha.digest());
      } catch (IOException | NoSuchAlgorithmException e) {
        throw new ExternalException("cannot read back blob " + digest + " from " + file + ": " + e.getMessage(), e);
      }
      if (!actual.equals(digest)) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // the caller's temporary file; nothing more to do
        }
        throw new ExternalException("registry " + ref.effectiveRegistry() + " served blob " + digest
            + " of " + ref.name() + " with a different sha256: " + actual);
      }
    }
    return file;
  }

  private URI blobUri(ImageRef ref, String digest) {
    return URI.create(access.baseUrl(ref.effectiveRegistry()) + "/v2/" + ref.effectiveRepository()
        + "/blobs/" + digest);
  }

  /** {@code sha256:<hex>} of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String mediaTypeOf(byte[] body) {
    try {
      JsonNode n = JSON.readTree(body);
      if (n.hasNonNull("mediaType")) {
        return n.get("mediaType").asText();
      }
      return n.has("manifests") ? OCI_INDEX : OCI_MANIFEST;
    } catch (IOException e) {
      return "";
    }
  }

  private URI manifestUri(ImageRef ref) {
    String reference = ref.digest() != null ? ref.digest()
        : ref.tag() != null ? ref.tag() : "latest";
    return URI.create(access.baseUrl(ref.effectiveRegistry()) + "/v2/" + ref.effectiveRepository()
        + "/manifests/" + reference);
  }

  private record Response(int status, Map<String, List<String>> headers, byte[] body, URI uri) {
    String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  /** Sends with retries and authentication; returns a 2xx answer or throws the user's error. */
  private Response send(ImageRef ref, String method, URI uri, String accept, String what, Path saveTo) {
    String registry = ref.effectiveRegistry();
    String key = registry + "/" + ref.effectiveRepository();
    boolean challenged = false;
    while (true) {
      // redirects (blobs to a storage service) are followed by HttpCall, without the credentials
      // when they lead to another origin
      Response r = exchange(method, uri, accept, authorizations.get(key), registry, saveTo);
      int s = r.status();
      if (s >= 200 && s < 300) {
        return r;
      }
      if (s == 401 && !challenged && HttpCall.sameOrigin(r.uri(), uri)) {
        challenged = true;
        authorizations.put(key, authorize(ref, r.header("WWW-Authenticate")));
        continue;
      }
      if (s == 401 || s == 403) {
        throw refusedCredentials(registry, what);
      }
      if (s == 404) {
        throw new RefusedException(what + " does not exist",
            "check the name and tag, and that it was pushed to " + registry);
      }
      throw new ExternalException("registry " + registry + " answered " + s + " for " + what + ": "
          + errorText(r.body()));
    }
  }

  private RefusedException refusedCredentials(String registry, String what) {
    boolean have = access.credentials(registry).isPresent();
    return new RefusedException("registry " + registry + (have ? " refused the credentials" : " requires credentials")
        + " for " + what,
        "set " + RegistryAccess.USER_ENV + " and " + RegistryAccess.PASSWORD_ENV
            + " (or log in with 'docker login " + registry + "') to credentials that may pull from it");
  }

  /** Answers a challenge: the header value to send from now on for this repository. */
  private String authorize(ImageRef ref, String challenge) {
    String registry = ref.effectiveRegistry();
    Optional<RegistryAccess.Credentials> credentials = access.credentials(registry);
    if (challenge == null || challenge.isBlank()) {
      throw refusedCredentials(registry, "image " + ref);
    }
    String scheme = challenge.trim().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
    if (scheme.equals("basic")) {
      return credentials.orElseThrow(() -> refusedCredentials(registry, "image " + ref)).basicHeader();
    }
    if (!scheme.equals("bearer")) {
      throw new ExternalException("registry " + registry + " asks for authentication scheme '" + scheme
          + "', which Ferry does not support (Basic and Bearer are)");
    }
    Map<String, String> params = new LinkedHashMap<>();
    Matcher m = PARAM.matcher(challenge);
    while (m.find()) {
      params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
    }
    String realm = params.get("realm");
    if (realm == null) {
      throw new ExternalException("registry " + registry + " sent a Bearer challenge without a realm");
    }
    String scope = params.getOrDefault("scope", "repository:" + ref.effectiveRepository() + ":pull");
    StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?')
        .append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
    if (params.containsKey("service")) {
      url.append("&service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8));
    }
    URI tokenUri = URI.create(url.toString());
    if (tokenUri.getScheme().equals("http") && !RegistryAccess.loopback(tokenUri.getAuthority())
        && !access.insecure(registry)) {
      throw new ExternalException("registry " + registry + " names a token service over plain HTTP ("
          + tokenUri.getHost() + "), which Ferry refuses for a secure registry");
    }
    // the realm is text from the registry: the credentials go there only if they may
    boolean mayReceive = access.tokenServiceMayReceive(registry, tokenUri.getAuthority());
    Response r = exchange("GET", tokenUri, "application/json",
        mayReceive ? credentials.map(RegistryAccess.Credentials::basicHeader).orElse(null) : null, registry, null);
    if ((r.status() == 401 || r.status() == 403) && !mayReceive && credentials.isPresent()) {
      throw new RefusedException("registry " + registry + " sends clients to the token service at "
          + tokenUri.getScheme() + "://" + tokenUri.getAuthority() + ", another host, which refused an anonymous"
          + " token; Ferry sends the registry's credentials only to the registry itself",
          "if that token service belongs to the registry, list both hosts in " + RegistryAccess.HOST_ENV
              + " (or give both the same auth in the Docker configuration)");
    }
    if (r.status() == 401 || r.status() == 403) {
      throw refusedCredentials(registry, "image " + ref);
    }
    if (r.status() != 200) {
      throw new ExternalException("the token service of registry " + registry + " (" + tokenUri.getHost()
          + ") answered " + r.status());
    }
    try {
      JsonNode token = JSON.readTree(r.body());
      String value = token.hasNonNull("token") ? token.get("token").asText()
          : token.path("access_token").asText("");
      if (value.isEmpty()) {
        throw new ExternalException("the token service of registry " + registry + " answered no token");
      }
      return "Bearer " + value;
    } catch (IOException e) {
      throw new ExternalException("the token service of registry " + registry + " answered something"
          + " that is not JSON", e);
    }
  }

  /** One HTTP exchange, retried on connection failures, 429 and 5xx. */
  private Response exchange(String method, URI uri, String accept, String authorization, String registry,
      Path saveTo) {
    // a successful answer goes to saveTo when given; errors and redirects stay in memory to be read
    IOException last = null;
    int lastStatus = 0;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      if (attempt > 1) {
        pause(backoff.multipliedBy(1L << (attempt - 2)));
      }
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout)
          .method(method, HttpRequest.BodyPublishers.noBody())
          .header("Accept", accept)
          .header("User-Agent", "ferry");
      if (authorization != null) {
        b.header("Authorization", authorization);
      }
      try {
        HttpCall.Answer r = saveTo == null
            ? HttpCall.send(http, b.build(), timeout, HttpCall.MAX_BODY, HttpCall.Redirects.OTHER_ORIGIN_WITHOUT_CREDENTIALS)
            : HttpCall.sendToFile(http, b.build(), FILE_TIMEOUT, saveTo, MAX_FILE,
                HttpCall.Redirects.OTHER_ORIGIN_WITHOUT_CREDENTIALS);
        if (r.status() == 429 || r.status() >= 500) {
          lastStatus = r.status();
          continue;
        }
        return new Response(r.status(), r.headers().map(), r.body(), r.uri());
      } catch (HttpCall.Stopped e) {
        throw new ExternalException("registry " + registry + ": " + e.getMessage(), e);
      } catch (IOException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ExternalException("interrupted while talking to registry " + registry, e);
      }
    }
    String where = uri.getScheme() + "://" + uri.getAuthority() + uri.getPath();
    if (last != null) {
      throw new ExternalException("registry " + registry + " could not be reached at " + where
          + " after " + ATTEMPTS + " attempts: " + last.getClass().getSimpleName()
          + (last.getMessage() == null ? "" : " " + last.getMessage()),
          access.insecure(registry) ? null
              : "if the registry serves plain HTTP, list it in " + RegistryAccess.INSECURE_ENV, last);
    }
    throw new ExternalException("registry " + registry + " answered " + lastStatus + " at " + where
        + " after " + ATTEMPTS + " attempts");
  }

  private static String errorText(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8).strip();
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExternalException("interrupted while waiting to retry the registry", e);
    }
  }
}
