package dev.ferry.core.config;

import java.util.regex.Pattern;

/**
 * The grammar of the names in {@code ferry.yaml}: services, environments and repositories. It is
 * the contract every front end checks a name against before it reaches a command line, so that a
 * name can never be read as an option ({@code --approved-by=alice}) or a file ({@code @a.txt}):
 *
 * <pre>{@code
 * Names.valid("web");             // true
 * Names.valid("--approved-by");   // false
 * }</pre>
 *
 * The Jenkins steps (vars/) and the GitHub action's script hold a copy of {@link #GRAMMAR}; their
 * tests compare the copy with the one the CLI writes into docs/json/contract.json.
 */
public final class Names {

  /** Letters, digits, '.', '_' and '-', starting with a letter or digit. */
  public static final String GRAMMAR = "[A-Za-z0-9][A-Za-z0-9._-]*";

  /** How {@link #GRAMMAR} reads in an error message. */
  public static final String RULE = "may only hold letters, digits, '.', '_' and '-', starting with a letter or digit";

  private static final Pattern PATTERN = Pattern.compile(GRAMMAR);

  private Names() {
  }

  public static boolean valid(String name) {
    return name != null && PATTERN.matcher(name).matches();
  }
}
