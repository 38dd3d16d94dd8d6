/**
 * Promotes images to one environment with `ferry promote`; asks a person first when
 * `approval: true` (a Promote button restricted to `approvers`, whose name goes to --approved-by).
 *
 *   ferryPromote(services: [web: 'registry.example.com/shop/web:1.4.2'], to: 'staging')
 *   ferryPromote(services: [web: image], to: 'prod', approval: true, approvers: ['alice', 'ops'])
 *   ferryPromote(services: [web: image], to: 'staging', verify: true, timeout: '15m')  // gates built before the push
 *   ferryPromote(services: [web: image], to: 'prod', wait: '2h', verify: true)   // pull-request mode
 *
 * Returns ferry's result, with `promoted: true`; or [promoted: false, approved: false] when
 * nobody approved in time (then nothing was promoted and the build is marked ABORTED).
 */
def call(Map config = [:]) {
  ferryCli.checkKeys('ferryPromote', config, ['config', 'services', 'to', 'dryRun', 'pr', 'message',
      'verify', 'noResolve', 'source', 'sourceCommit', 'approval', 'approvers', 'approvalTimeout', 'credentials',
      'wait', 'timeout', 'junit'])
  ferryCli.requireKeys('ferryPromote', config, ['services', 'to'])
  if (!(config.services instanceof Map)) {
    error("ferryPromote: 'services' maps service names to images, e.g. services: [web: 'registry.example.com/shop/web:1.4.2']")
  }
  // No approvedBy key on purpose: the only way a name reaches --approved-by is the Promote button,
  // so an approval cannot be skipped by writing someone's name into a Jenkinsfile.
  String approvedBy = null
  if (config.approval && !config.dryRun) {
    approvedBy = askApproval(config.services as Map, config.to as String, approverList(config.approvers),
        (config.approvalTimeout ?: 60) as int)
    if (approvedBy == null) {
      return [promoted: false, approved: false, environment: config.to]
    }
  }
  // values as --option=VALUE and the services after '--': nothing from a map key or value becomes an option
  List pairs = servicePairs(config.services as Map)
  List args = ['promote', "--config=${config.config ?: 'ferry.yaml'}".toString(), "--to=${config.to}".toString()]
  if (config.dryRun) {
    args.add('--dry-run')
  }
  if (config.pr) {
    args.add('--pr')
  }
  if (config.verify) {
    args.add('--verify')
  }
  if (config.timeout) {
    // with verify: how long the gates may take
    String timeout = String.valueOf(config.timeout)
    if (!(timeout ==~ /[0-9][0-9a-z]*/)) {
      error("ferryPromote: 'timeout' is a duration like 15m or 1h")
    }
    args.add("--timeout=${timeout}".toString())
  }
  String junitFile = config.verify && config.junit ? String.valueOf(config.junit) : null
  if (junitFile) {
    args.add("--junit=${junitFile}".toString())
  }
  if (config.wait) {
    // wait: true waits ferry's default (60m); wait: '2h' that long
    if (config.wait instanceof Boolean) {
      args.add('--wait')
    } else {
      String wait = String.valueOf(config.wait)
      if (!(wait ==~ /[0-9][0-9a-z]*/)) {
        error("ferryPromote: 'wait' is true or a duration like 30m or 2h")
      }
      args.add("--wait=${wait}".toString())
    }
  }
  if (config.noResolve) {
    args.add('--no-resolve')
  }
  if (config.message) {
    // --message=TEXT: a message that starts with '-' is the message, not an option picocli refuses
    args.add("--message=${config.message}".toString())
  }
  if (approvedBy) {
    args.addAll(["--approved-by=${approvedBy}".toString(), '--approval-source=jenkins-input'])
  }
  String source = config.source ?: env.BUILD_URL
  if (source) {
    args.add("--source=${source}".toString())
  }
  // lead time: the commit this build checked out; ferry reads its time from the workspace's checkout
  String sourceCommit = config.sourceCommit ?: env.GIT_COMMIT
  if (sourceCommit) {
    if (!(sourceCommit ==~ /[0-9a-fA-F]{7,64}/)) {
      error("ferryPromote: 'sourceCommit' must be a commit id (7 to 64 hex digits)")
    }
    args.add("--source-commit=${sourceCommit}".toString())
  }
  args.add('--')
  args.addAll(pairs)
  Map result = ferryCli.run(args, config.credentials as List)
  if (junitFile) {
    ferryCli.recordReports([junitFile], junitFile)
  }
  String pullRequest = pullRequestUrl(result.json)
  if (pullRequest) {
    echo("Pull request for ${config.to}: ${pullRequest}")
    currentBuild.description = ferryCli.markup("${config.to}: pull request ${pullRequest}")
  }
  // promote --verify prints verify's fields flat (docs/json.md); exit 3 with them: a rollback did not land
  if ((result.exitCode == 1 || result.exitCode == 3) && result.json?.outcomes != null && result.json.passed == false) {
    String message = ferryVerify.failureMessage(config.to as String, result.json as Map, ferryVerify.rolledBackOf(result.json))
    echo(message)
    currentBuild.description = ferryCli.markup(message)
    error(message)
  }
  if (result.exitCode != 0) {
    error(ferryCli.describeFailure(result))
  }
  Map json = result.json ?: [:]
  json.promoted = !config.dryRun
  if (approvedBy) {
    json.approvedBy = approvedBy
  }
  return json
}

/**
 * The Promote button: an input step inside a timeout. Returns who clicked, or null when the
 * request was refused, aborted or timed out (nothing is promoted then).
 */
String askApproval(Map services, String environment, List approvers, int minutes) {
  String question = "Promote ${describeImages(services)} to ${environment}?"
  String approver = null
  try {
    timeout(time: minutes, unit: 'MINUTES') {
      Map request = [message: question, ok: 'Promote', submitterParameter: 'approver']
      if (!approvers.isEmpty()) {
        request.submitter = approvers.join(',')
      }
      def answer = input(request)
      approver = answer instanceof Map ? answer.approver : answer
    }
  } catch (Exception e) {
    // Abort and timeout both end the input step with an interruption; either way no promotion.
    echo("Not promoted to ${environment}: the approval was refused or timed out (${e.getClass().getSimpleName()})")
    currentBuild.result = 'ABORTED'
    currentBuild.description = ferryCli.markup("${environment}: promotion not approved")
    return null
  }
  echo("Promotion to ${environment} approved by ${ferryCli.inert(approver)}")
  return approver as String
}

/** The pull request's URL from ferry's result, only when it is a plain http(s) URL (it goes into the build page). */
@NonCPS
String pullRequestUrl(Object json) {
  Object url = json instanceof Map ? (json.pullRequest instanceof Map ? json.pullRequest.url : null) : null
  String text = url == null ? null : String.valueOf(url)
  return text != null && text ==~ /https?:\/\/[^\s<>"'`]+/ ? text : null
}

@NonCPS
List approverList(Object approvers) {
  if (approvers == null) {
    return []
  }
  List names = approvers instanceof Collection ? approvers as List : String.valueOf(approvers).split(',') as List
  List result = []
  for (Object name : names) {
    if (String.valueOf(name).trim()) {
      result.add(String.valueOf(name).trim())
    }
  }
  return result
}

List servicePairs(Map services) {
  List pairs = []
  List entries = services.entrySet() as List
  for (int i = 0; i < entries.size(); i++) {
    String name = ferryCli.serviceName('ferryPromote', entries[i].key)
    pairs.add("${name}=${entries[i].value}".toString())
  }
  return pairs
}

/** "web 1.4.2, api 2.0.1": service names with their tags (or short digests). */
@NonCPS
String describeImages(Map services) {
  List parts = []
  for (Map.Entry entry : services.entrySet()) {
    String image = String.valueOf(entry.value)
    String version = image
    int at = image.indexOf('@')
    String name = at >= 0 ? image.substring(0, at) : image
    int colon = name.lastIndexOf(':')
    if (colon > name.lastIndexOf('/')) {
      version = name.substring(colon + 1)
    } else if (at >= 0) {
      version = image.substring(at + 1).replace('sha256:', '').take(12)
    }
    parts.add("${entry.key} ${version}".toString())
  }
  return parts.join(', ')
}
