package dev.ferry.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Makes small OCI images and pushes them to a registry with plain HTTP calls (blob uploads and a
 * manifest PUT), for tests: no container engine and no network beyond loopback needed.
 *
 * <pre>{@code
 * String digest = TestImages.image()
 *     .file("app/hello.txt", "hello\n")
 *     .file("app/run", "#!/bin/sh\necho hi\n", 0755)
 *     .user("1000:1000").exposedPort("8080/tcp").label("team", "shop").env("MODE", "prod")
 *     .entrypoint("/app/run")
 *     .push(registry.host(), "shop/web", "1.4.2");
 * }</pre>
 */
public final class TestImages {

  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  private static final ObjectMapper JSON = new ObjectMapper();

  private TestImages() {
  }

  /** A new image with one empty layer to add files to. */
  public static Image image() {
    return new Image();
  }

  /**
   * Pushes an OCI image index under {@code tag} naming already-pushed manifests, one per platform
   * ({@code "linux/amd64"} → the manifest digest and size from {@link Image#pushDetailed}); returns
   * the index digest.
   */
  public static String pushIndex(String host, String repository, String tag, Map<String, Pushed> platforms) {
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", OCI_INDEX);
    ArrayNode manifests = index.putArray("manifests");
    platforms.forEach((platform, pushed) -> {
      String[] p = platform.split("/");
      ObjectNode m = manifests.addObject();
      m.put("mediaType", OCI_MANIFEST).put("digest", pushed.digest()).put("size", pushed.manifestSize());
      m.putObject("platform").put("os", p[0]).put("architecture", p[1]);
    });
    byte[] body = bytes(index);
    new Registry("http://" + host, repository, null).putManifest(tag, body, OCI_INDEX);
    return sha256(body);
  }

  /** What a push made: the manifest digest and the blobs. */
  public record Pushed(String digest, String configDigest, List<String> layerDigests, int manifestSize) {
  }

  private record Entry(String path, byte type, byte[] content, int mode, String linkTarget) {
  }

  /** An image being described: layers of files, and its configuration. */
  public static final class Image {
    private final List<List<Entry>> layers = new ArrayList<>();
    private String user;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final List<String> ports = new ArrayList<>();
    private final List<String> env = new ArrayList<>();
    private List<String> entrypoint;
    private List<String> cmd;
    private String workingDir;
    private String architecture = "amd64";

    private Image() {
      layers.add(new ArrayList<>());
    }

    /** A regular file with mode 0644. */
    public Image file(String path, String content) {
      return file(path, content.getBytes(StandardCharsets.UTF_8), 0644);
    }

    public Image file(String path, String content, int mode) {
      return file(path, content.getBytes(StandardCharsets.UTF_8), mode);
    }

    public Image file(String path, byte[] content, int mode) {
      current().add(new Entry(path, (byte) '0', content, mode, null));
      return this;
    }

    public Image directory(String path, int mode) {
      current().add(new Entry(path.endsWith("/") ? path : path + "/", (byte) '5', new byte[0], mode, null));
      return this;
    }

    public Image symlink(String path, String target) {
      current().add(new Entry(path, (byte) '2', new byte[0], 0777, target));
      return this;
    }

    /** Deletes {@code path} from the layers below, with an OCI whiteout file in the current layer. */
    public Image delete(String path) {
      int slash = path.lastIndexOf('/');
      String whiteout = path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1);
      return file(whiteout, new byte[0], 0644);
    }

    /** Starts a new layer on top of the previous ones. */
    public Image layer() {
      layers.add(new ArrayList<>());
      return this;
    }

    public Image user(String value) {
      this.user = value;
      return this;
    }

    public Image label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    /** An exposed port such as {@code 8080/tcp}. */
    public Image exposedPort(String port) {
      ports.add(port);
      return this;
    }

    public Image env(String name, String value) {
      env.add(name + "=" + value);
      return this;
    }

    public Image entrypoint(String... args) {
      this.entrypoint = List.of(args);
      return this;
    }

    public Image cmd(String... args) {
      this.cmd = List.of(args);
      return this;
    }

    public Image workingDir(String dir) {
      this.workingDir = dir;
      return this;
    }

    public Image architecture(String arch) {
      this.architecture = arch;
      return this;
    }

    private List<Entry> current() {
      return layers.get(layers.size() - 1);
    }

    /** Pushes to {@code host} ({@code 127.0.0.1:PORT}) over plain HTTP; returns the manifest digest. */
    public String push(String host, String repository, String tag) {
      return pushDetailed(host, repository, tag, null, null).digest();
    }

    /** Pushes with basic authentication; returns the manifest digest. */
    public String push(String host, String repository, String tag, String user, String password) {
      return pushDetailed(host, repository, tag, user, password).digest();
    }

    /** Pushes and tells every digest; {@code user} may be null for an open registry. */
    public Pushed pushDetailed(String host, String repository, String tag, String user, String password) {
      Registry registry = new Registry("http://" + host, repository,
          user == null ? null : "Basic " + Base64.getEncoder().encodeToString(
              (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
      List<String> diffIds = new ArrayList<>();
      ArrayNode layerDescriptors = JSON.createArrayNode();
      List<String> layerDigests = new ArrayList<>();
      for (List<Entry> layer : layers) {
        byte[] tar = tar(layer);
        byte[] gz = gzip(tar);
        diffIds.add(sha256(tar));
        String digest = registry.uploadBlob(gz);
        layerDigests.add(digest);
        layerDescriptors.addObject().put("mediaType", OCI_LAYER_GZIP).put("digest", digest).put("size", gz.length);
      }
      byte[] config = config(diffIds);
      String configDigest = registry.uploadBlob(config);
      ObjectNode manifest = JSON.createObjectNode();
      manifest.put("schemaVersion", 2);
      manifest.put("mediaType", OCI_MANIFEST);
      manifest.putObject("config").put("mediaType", OCI_CONFIG).put("digest", configDigest).put("size", config.length);
      manifest.set("layers", layerDescriptors);
      byte[] body = bytes(manifest);
      registry.putManifest(tag, body, OCI_MANIFEST);
      return new Pushed(sha256(body), configDigest, layerDigests, body.length);
    }

    /** The image configuration JSON as it would be pushed. */
    private byte[] config(List<String> diffIds) {
      ObjectNode root = JSON.createObjectNode();
      root.put("created", "2026-01-01T00:00:00Z");
      root.put("architecture", architecture);
      root.put("os", "linux");
      ObjectNode c = root.putObject("config");
      if (user != null) {
        c.put("User", user);
      }
      if (!ports.isEmpty()) {
        ObjectNode p = c.putObject("ExposedPorts");
        ports.forEach(port -> p.putObject(port));
      }
      if (!env.isEmpty()) {
        ArrayNode e = c.putArray("Env");
        env.forEach(e::add);
      }
      if (entrypoint != null) {
        ArrayNode e = c.putArray("Entrypoint");
        entrypoint.forEach(e::add);
      }
      if (cmd != null) {
        ArrayNode e = c.putArray("Cmd");
        cmd.forEach(e::add);
      }
      if (workingDir != null) {
        c.put("WorkingDir", workingDir);
      }
      if (!labels.isEmpty()) {
        ObjectNode l = c.putObject("Labels");
        labels.forEach(l::put);
      }
      ObjectNode rootfs = root.putObject("rootfs");
      rootfs.put("type", "layers");
      ArrayNode ids = rootfs.putArray("diff_ids");
      diffIds.forEach(ids::add);
      return bytes(root);
    }
  }

  /** A POSIX ustar archive of the entries (no long names: test paths are short). */
  static byte[] tar(List<Entry> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Entry e : entries) {
      byte[] header = new byte[512];
      String name = e.path().startsWith("/") ? e.path().substring(1) : e.path();
      String prefix = "";
      if (name.length() > 100) {
        int cut = name.lastIndexOf('/', 154);
        if (cut <= 0 || name.length() - cut - 1 > 100) {
          throw new IllegalArgumentException("path too long for a test image: " + name);
        }
        prefix = name.substring(0, cut);
        name = name.substring(cut + 1);
      }
      put(header, 0, 100, name);
      put(header, 100, 8, octal(e.mode(), 7));
      put(header, 108, 8, octal(0, 7));
      put(header, 116, 8, octal(0, 7));
      put(header, 124, 12, octal(e.content().length, 11));
      put(header, 136, 12, octal(1767225600L, 11));
      for (int i = 148; i < 156; i++) {
        header[i] = ' ';
      }
      header[156] = e.type();
      if (e.linkTarget() != null) {
        put(header, 157, 100, e.linkTarget());
      }
      put(header, 257, 6, "ustar");
      put(header, 263, 2, "00");
      put(header, 265, 32, "root");
      put(header, 297, 32, "root");
      put(header, 345, 155, prefix);
      long sum = 0;
      for (byte b : header) {
        sum += b & 0xff;
      }
      put(header, 148, 8, octal(sum, 6) + "\0 ");
      out.writeBytes(header);
      out.writeBytes(e.content());
      int pad = (512 - e.content().length % 512) % 512;
      out.writeBytes(new byte[pad]);
    }
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  private static String octal(long value, int digits) {
    String s = Long.toOctalString(value);
    return "0".repeat(Math.max(0, digits - s.length())) + s;
  }

  private static void put(byte[] header, int offset, int length, String value) {
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    if (b.length > length) {
      throw new IllegalArgumentException("too long for a tar header field: " + value);
    }
    System.arraycopy(b, 0, header, offset, b.length);
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static String sha256(byte[] bytes) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] bytes(Object node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The few registry calls a push needs. */
  private record Registry(String base, String repository, String authorization) {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    String uploadBlob(byte[] blob) {
      String digest = sha256(blob);
      HttpResponse<String> start = send(HttpRequest.newBuilder(
          URI.create(base + "/v2/" + repository + "/blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody()));
      expect(start, 202, "start a blob upload");
      URI location = URI.create(base + "/").resolve(start.headers().firstValue("Location").orElseThrow());
      String sep = location.toString().contains("?") ? "&" : "?";
      HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create(location + sep + "digest=" + digest))
          .header("Content-Type", "application/octet-stream")
          .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)));
      expect(put, 201, "upload blob " + digest);
      return digest;
    }

    void putManifest(String tag, byte[] body, String mediaType) {
      HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create(base + "/v2/" + repository + "/manifests/" + tag))
          .header("Content-Type", mediaType)
          .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
      expect(put, 201, "put manifest " + repository + ":" + tag);
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
      if (authorization != null) {
        b.header("Authorization", authorization);
      }
      try {
        return HTTP.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    private static void expect(HttpResponse<String> r, int status, String what) {
      if (r.statusCode() != status) {
        throw new IllegalStateException("registry refused to " + what + ": " + r.statusCode() + " " + r.body());
      }
    }
  }
}
