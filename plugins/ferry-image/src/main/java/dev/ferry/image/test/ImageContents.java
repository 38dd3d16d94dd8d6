package dev.ferry.image.test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.core.ExternalException;
import dev.ferry.core.RefusedException;
import dev.ferry.core.image.ImageRef;
import dev.ferry.core.image.RegistryClient;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * An image's configuration and its filesystem as a container would see it, read straight from the
 * registry: manifest, config blob, then each layer in order with OCI whiteouts applied
 * ({@code .wh.NAME} deletes NAME, {@code .wh..wh..opq} empties a directory of what lower layers
 * put there). No container engine is needed.
 *
 * <pre>{@code
 * ImageContents image = ImageContents.read(registry, ref, "linux", "amd64", Set.of("/etc/passwd"));
 * image.file("/app/run").map(ImageFile::permissions); // -rwxr-xr-x
 * }</pre>
 *
 * @param digest the manifest digest read
 * @param config the {@code config} object of the image configuration (User, Env, Labels, ...)
 * @param files every path after all layers, sorted
 */
public record ImageContents(String digest, JsonNode config, Map<String, ImageFile> files) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WHITEOUT = ".wh.";
  private static final String OPAQUE = ".wh..wh..opq";

  /**
   * Reads {@code ref} for {@code os/architecture}, keeping the bytes of the files in
   * {@code contentPaths}.
   *
   * @throws RefusedException when the image does not exist or a layer is compressed in a way Ferry
   *     cannot read (zstd)
   */
  public static ImageContents read(RegistryClient registry, ImageRef ref, String os, String architecture,
      Set<String> contentPaths) {
    RegistryClient.Manifest manifest = registry.imageManifest(ref, os, architecture);
    JsonNode m = manifest.json();
    String configDigest = m.path("config").path("digest").asText("");
    if (configDigest.isEmpty()) {
      throw new ExternalException("the manifest " + manifest.digest() + " of " + ref + " names no config");
    }
    JsonNode config;
    try {
      config = JSON.readTree(registry.blob(ref, configDigest));
    } catch (IOException e) {
      throw new ExternalException("the config " + configDigest + " of " + ref + " is not JSON", e);
    }
    Map<String, ImageFile> files = new TreeMap<>();
    for (JsonNode layer : m.path("layers")) {
      String mediaType = layer.path("mediaType").asText("");
      String digest = layer.path("digest").asText();
      if (mediaType.contains("zstd")) {
        throw new RefusedException("layer " + digest + " of " + ref + " is zstd-compressed, which Ferry"
            + " cannot read yet", "push the image with gzip-compressed layers");
      }
      if (mediaType.contains("foreign") || mediaType.contains("nondistributable")) {
        continue; // Windows base layers are not served by the registry
      }
      Path tmp = null;
      try {
        // layers go through a temporary file: a large image must not need its size in memory
        tmp = Files.createTempFile("ferry-layer", ".blob");
        registry.blobToFile(ref, digest, tmp);
        try (InputStream in = open(tmp)) {
          apply(files, in, contentPaths);
        }
      } catch (IOException e) {
        throw new ExternalException("cannot read layer " + digest + " of " + ref + ": " + e.getMessage(), e);
      } finally {
        deleteQuietly(tmp);
      }
    }
    return new ImageContents(manifest.digest(), config.path("config"), files);
  }

  private static InputStream open(Path blob) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(blob), 65536);
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    // gzip starts with 1f 8b; an uncompressed layer is a plain tar
    return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(in, 65536) : in;
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a temporary file left behind is harmless
      }
    }
  }

  /** Applies one layer's entries on top of {@code files}. */
  static void apply(Map<String, ImageFile> files, InputStream tar, Set<String> contentPaths) throws IOException {
    Map<String, ImageFile> added = new TreeMap<>();
    LayerReader.read(tar, contentPaths::contains, entry -> {
      String path = entry.path();
      int slash = path.lastIndexOf('/');
      String dir = path.substring(0, slash);
      String base = path.substring(slash + 1);
      if (base.equals(OPAQUE)) {
        removeUnder(files, dir.isEmpty() ? "/" : dir);
      } else if (base.startsWith(WHITEOUT)) {
        String target = dir + "/" + base.substring(WHITEOUT.length());
        files.remove(target);
        removeUnder(files, target);
      } else {
        added.put(path, entry);
      }
    });
    // whiteouts in a layer apply to lower layers only, so the layer's own entries go on top after
    for (ImageFile f : added.values()) {
      ImageFile old = files.get(f.path());
      if (old != null && old.type() == ImageFile.Type.DIRECTORY && f.type() != ImageFile.Type.DIRECTORY) {
        removeUnder(files, f.path());
      }
      files.put(f.path(), f);
    }
  }

  private static void removeUnder(Map<String, ImageFile> files, String dir) {
    String prefix = dir.equals("/") ? "/" : dir + "/";
    files.keySet().removeIf(p -> p.startsWith(prefix));
  }

  /** The entry at {@code path}, following hard links to the file they name. */
  public Optional<ImageFile> file(String path) {
    ImageFile f = files.get(LayerReader.normalise(path));
    if (f != null && f.type() == ImageFile.Type.HARDLINK && files.containsKey(f.linkTarget())) {
      ImageFile target = files.get(f.linkTarget());
      return Optional.of(new ImageFile(f.path(), target.type(), target.mode(), target.uid(), target.gid(),
          target.size(), null, target.content()));
    }
    return Optional.ofNullable(f);
  }

  public Collection<ImageFile> all() {
    return files.values();
  }
}
