package dev.ferry.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code git http-backend} behind nginx (through fcgiwrap) with basic authentication, on
 * loopback. Repositories live under {@code base}; pushes are enabled per repository by
 * {@link #createBareRepo}.
 *
 * <pre>{@code
 * try (GitHttpServer http = GitHttpServer.start(tempDir, "ferry", "s3cret")) {
 *   http.createBareRepo("env.git");
 *   String url = http.url("env"); // http://127.0.0.1:PORT/git/env.git
 * }
 * }</pre>
 */
public final class GitHttpServer implements AutoCloseable {

  private final Path base;
  private final ServerProcess nginx;
  private final Process fcgiwrap;

  private GitHttpServer(Path base, ServerProcess nginx, Process fcgiwrap) {
    this.base = base;
    this.nginx = nginx;
    this.fcgiwrap = fcgiwrap;
  }

  /** Starts fcgiwrap and nginx; only {@code user}/{@code password} may read and push. */
  public static GitHttpServer start(Path base, String user, String password) throws IOException {
    String nginxBin = ServerProcess.require("nginx", "nginx-light");
    String fcgiBin = ServerProcess.require("fcgiwrap", "fcgiwrap");
    String htpasswdBin = ServerProcess.require("htpasswd", "apache2-utils");
    String backend = ServerProcess.require("git-http-backend", "git");
    Files.createDirectories(base);
    Path dir = Files.createDirectories(base.resolve(".http"));
    for (String t : List.of("body", "fastcgi", "proxy", "uwsgi", "scgi")) {
      Files.createDirectories(dir.resolve("tmp").resolve(t));
    }
    Path htpasswd = dir.resolve("htpasswd");
    // The password goes through stdin, never the argument list.
    Process hp = new ProcessBuilder(htpasswdBin, "-i", "-c", "-B", htpasswd.toString(), user)
        .redirectErrorStream(true).start();
    hp.getOutputStream().write((password + "\n").getBytes(StandardCharsets.UTF_8));
    hp.getOutputStream().close();
    String hpOut = new String(hp.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    waitFor(hp, "htpasswd", hpOut);

    Path socket = dir.resolve("fcgiwrap.sock");
    Files.deleteIfExists(socket);
    Process fcgi = new ProcessBuilder(fcgiBin, "-c", "8", "-s", "unix:" + socket)
        .redirectErrorStream(true).redirectOutput(dir.resolve("fcgiwrap.log").toFile()).start();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!Files.exists(socket)) {
      if (!fcgi.isAlive() || System.nanoTime() > deadline) {
        fcgi.destroyForcibly();
        throw new IOException("fcgiwrap did not create " + socket + ": " + Files.readString(dir.resolve("fcgiwrap.log")));
      }
      ServerProcess.sleep(20);
    }
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rwxrwxrwx"));

    int port = ServerProcess.freePort();
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(conf, """
        daemon off;
        master_process off;
        worker_processes 1;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log warn;
        events { worker_connections 512; }
        http {
          access_log off;
          client_body_temp_path %1$s/tmp/body;
          fastcgi_temp_path %1$s/tmp/fastcgi;
          proxy_temp_path %1$s/tmp/proxy;
          uwsgi_temp_path %1$s/tmp/uwsgi;
          scgi_temp_path %1$s/tmp/scgi;
          client_max_body_size 0;
          server {
            listen 127.0.0.1:%2$d;
            location ~ ^/git(/.*) {
              auth_basic "git";
              auth_basic_user_file %3$s;
              fastcgi_pass unix:%4$s;
              fastcgi_read_timeout 120s;
              fastcgi_param SCRIPT_FILENAME %5$s;
              fastcgi_param GIT_PROJECT_ROOT %6$s;
              fastcgi_param GIT_HTTP_EXPORT_ALL "";
              fastcgi_param PATH_INFO $1;
              fastcgi_param REMOTE_USER $remote_user;
              fastcgi_param QUERY_STRING $query_string;
              fastcgi_param REQUEST_METHOD $request_method;
              fastcgi_param CONTENT_TYPE $content_type;
              fastcgi_param CONTENT_LENGTH $content_length;
              fastcgi_param HTTP_CONTENT_ENCODING $http_content_encoding;
              fastcgi_param GIT_PROTOCOL $http_git_protocol;
            }
          }
        }
        """.formatted(dir, port, htpasswd, socket, backend, base));
    ServerProcess nginx;
    try {
      nginx = ServerProcess.start("nginx", List.of(nginxBin, "-p", dir.toString(), "-c", conf.toString(),
          "-e", dir.resolve("error.log").toString()), port, dir);
    } catch (IOException e) {
      fcgi.destroyForcibly();
      throw e;
    }
    return new GitHttpServer(base, nginx, fcgi);
  }

  /** Creates an empty bare repository {@code name.git} that accepts pushes over http. */
  public Path createBareRepo(String name) throws IOException {
    Path dir = base.resolve(repoDir(name));
    GitDaemon.Git.run(base, "init", "--bare", "--quiet", "-b", "main", dir.toString());
    GitDaemon.Git.run(dir, "config", "http.receivepack", "true");
    return dir;
  }

  /** {@code http://127.0.0.1:PORT/git/name.git}. */
  public String url(String name) {
    return "http://127.0.0.1:" + nginx.port() + "/git/" + repoDir(name);
  }

  public Path base() {
    return base;
  }

  public int port() {
    return nginx.port();
  }

  private static String repoDir(String name) {
    return name.endsWith(".git") ? name : name + ".git";
  }

  @Override
  public void close() {
    nginx.close();
    fcgiwrap.descendants().forEach(ProcessHandle::destroy);
    fcgiwrap.destroy();
    try {
      if (!fcgiwrap.waitFor(10, TimeUnit.SECONDS)) {
        fcgiwrap.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void waitFor(Process p, String what, String output) throws IOException {
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException(what + " failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
