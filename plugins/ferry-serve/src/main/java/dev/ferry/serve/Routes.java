package dev.ferry.serve;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's routes in one list: a method, a path pattern whose {@code {name}} parts match
 * one path segment, and the handler. Adding a page is one line in {@link Dashboard#routes}.
 */
final class Routes {

  /** Handles a matched request. */
  @FunctionalInterface
  interface Handler {
    void handle(Request request) throws IOException;
  }

  /** How a route treats who is asking. */
  enum Guard {
    /** Anyone: static files, the push webhook (which checks its own signature). */
    PUBLIC,
    /** A known user (on an open loopback bind: the local user). */
    VIEW,
    /** A known user, not read-only, with the form's CSRF token. */
    ACT
  }

  record Route(String method, String[] parts, Guard guard, Handler handler) {
  }

  /** A route matched against a path, with the values of its {@code {name}} parts. */
  record Match(Route route, Map<String, String> params) {
  }

  private final List<Route> routes = new ArrayList<>();

  Routes get(String pattern, Guard guard, Handler handler) {
    return add("GET", pattern, guard, handler);
  }

  Routes post(String pattern, Guard guard, Handler handler) {
    return add("POST", pattern, guard, handler);
  }

  private Routes add(String method, String pattern, Guard guard, Handler handler) {
    routes.add(new Route(method, split(pattern), guard, handler));
    return this;
  }

  private static String[] split(String path) {
    return path.equals("/") ? new String[0] : path.substring(1).split("/", -1);
  }

  /** The route for a method and path; empty when none matches. {@code allowed} collects the methods the path has. */
  Optional<Match> match(String method, String path, List<String> allowed) {
    String[] given = split(path);
    for (Route r : routes) {
      if (r.parts.length != given.length) {
        continue;
      }
      Map<String, String> params = new HashMap<>();
      boolean ok = true;
      for (int i = 0; i < given.length && ok; i++) {
        String part = r.parts[i];
        if (part.startsWith("{") && part.endsWith("}")) {
          params.put(part.substring(1, part.length() - 1), given[i]);
          ok = !given[i].isEmpty();
        } else {
          ok = part.equals(given[i]);
        }
      }
      if (ok) {
        if (r.method.equals(method)) {
          return Optional.of(new Match(r, params));
        }
        allowed.add(r.method);
      }
    }
    return Optional.empty();
  }
}
