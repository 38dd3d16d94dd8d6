package dev.ferry.image.build;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.Port;
import dev.ferry.core.ExternalException;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.InputException;
import dev.ferry.core.RefusedException;
import dev.ferry.core.image.ImageRef;
import dev.ferry.core.image.RegistryAccess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * A daemonless build with jib-core: the context folder (or a jar) as one layer on a registry base
 * image or {@code scratch}, pushed straight to the registry. Plain HTTP is allowed only for hosts
 * the access marks insecure.
 */
final class JibBuild {

  private final Build build;

  JibBuild(Build build) {
    this.build = build;
  }

  String build(Map<String, String> labels) {
    try {
      JibContainerBuilder container = base();
      AbsoluteUnixPath root = AbsoluteUnixPath.get(build.appRoot);
      if (build.jar != null) {
        if (!Files.isRegularFile(build.jar)) {
          throw new InputException("the jar " + build.jar + " does not exist");
        }
        AbsoluteUnixPath target = root.resolve(build.jar.getFileName().toString());
        container.addFileEntriesLayer(FileEntriesLayer.builder().setName("application")
            .addEntry(build.jar, target).build());
        container.setEntrypoint(build.entrypoint != null ? build.entrypoint
            : List.of("java", "-jar", target.toString()));
      } else {
        Path context = build.requireContext();
        FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName("application");
        // keep the files' own executable bits: scripts stay runnable
        layer.addEntryRecursive(context, root, (source, dest) -> Files.isDirectory(source)
            ? FilePermissions.DEFAULT_FOLDER_PERMISSIONS
            : Files.isExecutable(source) ? FilePermissions.fromOctalString("755") : FilePermissions.DEFAULT_FILE_PERMISSIONS);
        container.addFileEntriesLayer(layer.build());
        if (build.entrypoint != null) {
          container.setEntrypoint(build.entrypoint);
        }
      }
      labels.forEach(container::addLabel);
      if (build.user != null) {
        container.setUser(build.user);
      }
      for (String p : build.ports) {
        container.addExposedPort(port(p));
      }
      container.setWorkingDirectory(root);
      RegistryImage target = registryImage(build.image);
      Path cache = cacheDir();
      Containerizer to = Containerizer.to(target)
          .setAllowInsecureRegistries(build.access.insecure(build.image.effectiveRegistry()))
          .setToolName("ferry")
          .setBaseImageLayersCache(cache.resolve("base"))
          .setApplicationLayersCache(cache.resolve("application"))
          .addEventHandler(LogEvent.class, e -> build.listener.on(FerryEvent.debug("build", e.getMessage())));
      JibContainer result = container.containerize(to);
      return result.getDigest().toString();
    } catch (InvalidImageReferenceException e) {
      throw new InputException("jib cannot use the image reference " + e.getInvalidReference());
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RegistryUnauthorizedException u) {
        throw new RefusedException("registry refused the credentials for " + u.getImageReference(),
            "set " + RegistryAccess.USER_ENV + " and " + RegistryAccess.PASSWORD_ENV
                + " to credentials that may pull the base image and push " + build.image.name());
      }
      if (cause instanceof RegistryException r) {
        throw new ExternalException("jib could not push " + build.image + ": " + r.getMessage(), r);
      }
      throw new ExternalException("jib failed to build " + build.image + ": " + cause, cause);
    } catch (RegistryException | IOException | CacheDirectoryCreationException e) {
      throw new ExternalException("jib failed to build " + build.image + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExternalException("interrupted while building " + build.image, e);
    }
  }

  private JibContainerBuilder base() throws InvalidImageReferenceException {
    if (build.from == null || build.from.equals("scratch")) {
      return Jib.fromScratch();
    }
    ImageRef base = ImageRef.parse(build.from);
    return Jib.from(registryImage(base));
  }

  private RegistryImage registryImage(ImageRef ref) throws InvalidImageReferenceException {
    RegistryImage image = RegistryImage.named(ref.toString());
    build.access.credentials(ref.effectiveRegistry()).ifPresent(c -> image.addCredential(c.user(), c.secret()));
    return image;
  }

  private Path cacheDir() throws IOException {
    String configured = build.environment.get("FERRY_CACHE");
    Path base = configured != null && !configured.isBlank() ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".cache", "ferry");
    return Files.createDirectories(base.resolve("jib"));
  }

  private static Port port(String text) {
    String[] parts = text.split("/");
    try {
      int number = Integer.parseInt(parts[0]);
      return parts.length > 1 && parts[1].equals("udp") ? Port.udp(number) : Port.tcp(number);
    } catch (NumberFormatException e) {
      throw new InputException("'" + text + "' is not a port such as 8080 or 8080/tcp");
    }
  }
}
