package dev.ferry.serve;

import java.util.regex.Pattern;

/** What the dashboard accepts as a user, service or environment name in a request. */
final class Names {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}");

  private Names() {
  }

  static boolean valid(String name) {
    return name != null && NAME.matcher(name).matches();
  }
}
