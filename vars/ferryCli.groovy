import groovy.json.JsonSlurperClassic

/**
 * Runs one ferry command and returns its exit code and parsed --json document. The other ferry
 * steps are built on it; call it yourself for commands without a step of their own:
 *
 *   def r = ferryCli(args: ['status', '-c', 'ferry.yaml'])
 *   echo "prod runs ${r.json.environments[2].services.web.image}"
 *
 * Arguments never pass through a shell parser: each goes into its own environment variable
 * (withEnv) read by the fixed script resources/dev/ferry/ferry-run.sh. Credentials come from
 * Jenkins credentials as environment variables, never as arguments.
 */
def call(Map config = [:]) {
  checkKeys('ferryCli', config, ['args', 'credentials', 'returnFailure'])
  if (!(config.args instanceof List) || config.args.isEmpty()) {
    error("ferryCli: 'args' must be a non-empty list, e.g. args: ['status', '-c', 'ferry.yaml']")
  }
  // An approval is given by ferryPromote's button (or a GitHub environment), never typed here.
  if (approvalArgument(config.args as List)) {
    error("ferryCli: '${inert(approvalArgument(config.args as List))}' is refused: an approval comes from " +
        "ferryPromote(approval: true), the Promote button that records who clicked")
  }
  Map result = run(config.args as List, config.credentials as List)
  if (result.exitCode != 0 && !config.returnFailure) {
    error(describeFailure(result))
  }
  return result
}

/**
 * Runs {@code ferry ARGS... --json}; returns [exitCode: int, json: Map or null, command: String].
 * Never fails on ferry's exit code: the caller decides what a non-zero exit means.
 */
Map run(List args, List credentials = null) {
  String tmp = pwd(tmp: true) + '/ferry'
  String jar = installFerry(tmp)
  String out = "${tmp}/out-${UUID.randomUUID()}.json"
  writeFile(file: "${tmp}/ferry-run.sh", text: libraryResource('dev/ferry/ferry-run.sh'))
  // --json right after the command: after '--' it would be an argument
  List envVars = argumentEnvironment([args[0], '--json'] + args.drop(1))
  envVars.add("FERRY_JAR=${jar}")
  envVars.add("FERRY_OUT=${out}")
  envVars.add("FERRY_RUN=${tmp}/ferry-run.sh")
  int exitCode = 0
  withEnv(envVars) {
    withCredentials(credentialBindings(credentials ?: [])) {
      exitCode = sh(script: 'bash "$FERRY_RUN"', returnStatus: true, label: "ferry ${args[0]}")
    }
  }
  String text = fileExists(out) ? readFile(out) : ''
  return [exitCode: exitCode, json: parseJson(text), command: String.valueOf(args[0])]
}

/** Puts the pinned ferry.jar on this agent (or takes FERRY_JAR) and returns its path. */
String installFerry(String tmp) {
  writeFile(file: "${tmp}/install-ferry.sh", text: libraryResource('dev/ferry/install-ferry.sh'))
  writeFile(file: "${tmp}/ferry.properties", text: libraryResource('dev/ferry/ferry.properties'))
  String jar = ''
  withEnv(["FERRY_INSTALL=${tmp}/install-ferry.sh"]) {
    jar = sh(script: 'bash "$FERRY_INSTALL"', returnStdout: true, label: 'install ferry').trim()
  }
  return jar
}

/**
 * A copy of the CLI's service-name grammar (dev.ferry.core.config.Names.GRAMMAR, the names ferry.yaml
 * allows); FerryCliTest compares it with docs/json/contract.json, which the CLI writes. A name outside
 * it (--approved-by=alice, @file, $(id)) never reaches the command line.
 */
@groovy.transform.Field
static final String SERVICE_NAME = '[A-Za-z0-9][A-Za-z0-9._-]*'

/** The service name, or the step fails naming the grammar. */
String serviceName(String step, Object name) {
  String text = String.valueOf(name)
  if (!(text ==~ SERVICE_NAME)) {
    error("${step}: '${inert(text)}' is not a service name (${SERVICE_NAME}, as in ferry.yaml)")
  }
  return text
}

/** The first argument that would name an approver or its source, or null. */
@NonCPS
String approvalArgument(List args) {
  for (Object a : args) {
    String text = String.valueOf(a)
    if (text == '--approved-by' || text.startsWith('--approved-by=') || text.startsWith('--approval-source')) {
      return text
    }
  }
  return null
}

/**
 * Text from outside made inert before a step echoes it, by the CLI's rules (dev.ferry.cli.Inert):
 * line breaks become a visible backslash-n, other control characters a backslash-u escape, and a leading :: becomes ": :".
 */
@NonCPS
String inert(Object value) {
  String text = String.valueOf(value ?: '').replace('\r\n', '\n')
  StringBuilder out = new StringBuilder()
  for (int i = 0; i < text.length(); i++) {
    char c = text.charAt(i)
    int code = (int) c
    if (c == '\n' || c == '\r' || code == 0x2028 || code == 0x2029 || code == 0x85) {
      out.append('\\n')
    } else if (c != '\t' && (code < 0x20 || code == 0x7f || (code >= 0x80 && code < 0xa0)
        || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069))) {
      out.append(String.format('\\u%04x', code))
    } else {
      out.append(c)
    }
  }
  return out.toString().replaceFirst(/^(\s*)::/, '$1: :')
}

/** Inert text escaped for HTML, for build descriptions (Jenkins renders them as HTML). */
@NonCPS
String markup(Object value) {
  return inert(value).replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;').replace('"', '&quot;')
      .replace("'", '&#39;')
}

/** Fails naming the unknown keys and the valid ones, so a typo never passes silently. */
void checkKeys(String step, Map config, List valid) {
  List unknown = unknownKeys(config, valid)
  if (!unknown.isEmpty()) {
    error("${step}: unknown ${unknown.size() == 1 ? 'key' : 'keys'} ${unknown.join(', ')}; valid keys: ${valid.join(', ')}")
  }
}

/** Fails when a required key is missing or empty. */
void requireKeys(String step, Map config, List required) {
  for (int i = 0; i < required.size(); i++) {
    def value = config[required[i]]
    if (value == null || (value instanceof CharSequence && value.toString().trim().isEmpty())
        || (value instanceof Map && value.isEmpty())) {
      error("${step}: '${required[i]}' is required")
    }
  }
}

@NonCPS
List unknownKeys(Map config, List valid) {
  List unknown = []
  for (Object key : config.keySet()) {
    if (!valid.contains(String.valueOf(key))) {
      unknown.add("'${key}'".toString())
    }
  }
  return unknown
}

/** FERRY_ARGC and FERRY_ARG_i, one variable an argument, read verbatim by ferry-run.sh. */
@NonCPS
List argumentEnvironment(List args) {
  List vars = ["FERRY_ARGC=${args.size()}".toString()]
  for (int i = 0; i < args.size(); i++) {
    if (args[i] == null) {
      throw new IllegalArgumentException("ferry argument ${i} is null")
    }
    vars.add("FERRY_ARG_${i}=${args[i]}".toString())
  }
  return vars
}

/**
 * withCredentials bindings from the steps' credentials list; each entry names its kind:
 *   [usernamePassword: 'git-creds', usernameVariable: 'GIT_USER', passwordVariable: 'GIT_TOKEN']
 *   [string: 'argocd-token', variable: 'ARGOCD_TOKEN']
 *   [sshUserPrivateKey: 'deploy-key', keyFileVariable: 'GIT_SSH_KEY', usernameVariable: 'GIT_SSH_USER']
 *   [file: 'kubeconfig', variable: 'KUBECONFIG']
 */
List credentialBindings(List credentials) {
  List bindings = []
  for (int i = 0; i < credentials.size(); i++) {
    Map c = credentials[i] as Map
    if (c.containsKey('usernamePassword')) {
      checkKeys('credentials usernamePassword', c, ['usernamePassword', 'usernameVariable', 'passwordVariable'])
      requireKeys('credentials usernamePassword', c, ['usernameVariable', 'passwordVariable'])
      bindings.add(usernamePassword(credentialsId: c.usernamePassword, usernameVariable: c.usernameVariable,
          passwordVariable: c.passwordVariable))
    } else if (c.containsKey('string')) {
      checkKeys('credentials string', c, ['string', 'variable'])
      requireKeys('credentials string', c, ['variable'])
      bindings.add(string(credentialsId: c.string, variable: c.variable))
    } else if (c.containsKey('sshUserPrivateKey')) {
      checkKeys('credentials sshUserPrivateKey', c,
          ['sshUserPrivateKey', 'keyFileVariable', 'usernameVariable', 'passphraseVariable'])
      requireKeys('credentials sshUserPrivateKey', c, ['keyFileVariable'])
      Map args = [credentialsId: c.sshUserPrivateKey, keyFileVariable: c.keyFileVariable]
      if (c.usernameVariable) {
        args.usernameVariable = c.usernameVariable
      }
      if (c.passphraseVariable) {
        args.passphraseVariable = c.passphraseVariable
      }
      bindings.add(sshUserPrivateKey(args))
    } else if (c.containsKey('file')) {
      checkKeys('credentials file', c, ['file', 'variable'])
      requireKeys('credentials file', c, ['variable'])
      bindings.add(file(credentialsId: c.file, variable: c.variable))
    } else {
      error("credentials: entry ${i + 1} names no kind; use one of usernamePassword, string, sshUserPrivateKey, file " +
          "(e.g. [string: 'argocd-token', variable: 'ARGOCD_TOKEN'])")
    }
  }
  return bindings
}

/** JsonSlurperClassic gives plain HashMaps and ArrayLists, which survive CPS serialization. */
@NonCPS
Map parseJson(String text) {
  if (text == null || text.trim().isEmpty()) {
    return null
  }
  try {
    def parsed = new JsonSlurperClassic().parseText(text)
    return parsed instanceof Map ? parsed : [value: parsed]
  } catch (Exception e) {
    return null
  }
}

/** One line for the log and the build description: what failed, where, what to do. */
@NonCPS
String describeFailure(Map result) {
  String kind = [1: 'refused', 2: 'bad input', 3: 'an outside system failed'][result.exitCode] ?: 'failed'
  Map err = result.json?.error as Map
  if (err == null) {
    return "ferry ${inert(result.command)} ${kind} (exit ${result.exitCode}); see the log above"
  }
  StringBuilder text = new StringBuilder("ferry ${inert(result.command)} ${kind} (exit ${result.exitCode}): ${inert(err.message)}")
  if (err.file) {
    text.append(" (${inert(err.file)}${err.line ? ':' + inert(err.line) : ''}${err.column ? ':' + inert(err.column) : ''})")
  }
  if (err.suggestion) {
    text.append(". ${inert(err.suggestion)}")
  }
  return text.toString()
}

/**
 * Archives the report files that exist and records the JUnit one; the steps call it also when
 * ferry failed, since the reports say why.
 */
void recordReports(List files, String junitFile) {
  List present = []
  for (int i = 0; i < files.size(); i++) {
    if (files[i] && fileExists(files[i] as String)) {
      present.add(files[i] as String)
    }
  }
  if (!present.isEmpty()) {
    archiveArtifacts(artifacts: present.join(','), allowEmptyArchive: true)
  }
  if (junitFile && present.contains(junitFile)) {
    junit(testResults: junitFile, allowEmptyResults: true)
  }
}
