package dev.ferry.jenkins

import com.lesfurets.jenkins.unit.MethodCall
import com.lesfurets.jenkins.unit.cps.BasePipelineTestCPS
import com.lesfurets.jenkins.unit.global.lib.LibraryConfiguration
import com.lesfurets.jenkins.unit.global.lib.SourceRetriever
import groovy.json.JsonOutput
import java.nio.charset.StandardCharsets
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import org.junit.Before
import org.junit.Rule
import org.junit.rules.TemporaryFolder

/**
 * Runs the library's steps as Jenkins would: vars/ loaded from the repository root as an implicit
 * shared library, CPS-transformed (BasePipelineTestCPS), with the Jenkins steps they use bound to
 * test doubles that keep the semantics the steps rely on: withEnv and withCredentials set
 * environment variables for the block only, writeFile/readFile/fileExists work on a real
 * workspace folder, error fails the build.
 *
 * `sh` stands in for the fixed launcher: it reads the arguments the way ferry-run.sh does
 * (FERRY_ARGC, FERRY_ARG_i from the environment) and answers with the response the test queued
 * for that ferry command. {@link RealFerryPipelineTest} binds `sh` to a real process instead.
 */
abstract class FerryStepTestCase extends BasePipelineTestCPS {

  public static final Path REPO_ROOT = Paths.get('..').toAbsolutePath().normalize()
  public static final String BUILD_URL = 'https://ci.example.com/job/shop/42/'
  public static final String GIT_TOKEN = 'gh-token-SECRET-0001'
  public static final String ARGOCD_TOKEN = 'argocd-token-SECRET-0002'

  @Rule
  public TemporaryFolder temp = new TemporaryFolder()

  Path workspace
  Path agentTmp
  /** Environment variables in force, innermost block last. */
  List<Map<String, String>> environmentStack = []
  /** Every ferry invocation: its argument list and the environment it saw. */
  List<Map> ferryCalls = []
  Map<String, List<Closure>> responses = [:]
  List<String> log = []
  /** What the input step does: a closure of the input's map, returning the submitter or throwing. */
  Closure inputAnswer = { Map request -> 'alice' }
  boolean timeoutExpires = false

  @Before
  @Override
  void setUp() throws Exception {
    scriptRoots = ['src/test/resources/pipelines'] as String[]
    scriptExtension = 'jenkins'
    super.setUp()
    workspace = temp.newFolder('workspace').toPath()
    agentTmp = temp.newFolder('workspace@tmp').toPath()

    LibraryConfiguration library = new LibraryConfiguration()
    library.name = 'ferry'
    library.defaultVersion = 'main'
    library.implicit = true
    library.allowOverride = false
    library.targetPath = temp.newFolder('libs').absolutePath
    library.retriever = { String repository, String branch, String targetPath ->
      [REPO_ROOT.toUri().toURL()]
    } as SourceRetriever
    helper.registerSharedLibrary(library)

    binding.setVariable('env', [BUILD_URL: BUILD_URL, WORKSPACE: workspace.toString(), BUILD_NUMBER: '42'])
    binding.setVariable('currentBuild', [result: null, description: null])

    helper.registerAllowedMethod('echo', [String]) { String text -> log << text }
    helper.registerAllowedMethod('error', [String]) { String message ->
      log << "ERROR: ${message}".toString()
      binding.getVariable('currentBuild').result = 'FAILURE'
      throw new PipelineError(message)
    }
    helper.registerAllowedMethod('stage', [String, Closure]) { String name, Closure body -> helper.callClosure(body) }
    helper.registerAllowedMethod('pwd', [Map]) { Map args -> args.tmp ? agentTmp.toString() : workspace.toString() }
    helper.registerAllowedMethod('writeFile', [Map]) { Map args ->
      Path file = resolve(args.file as String)
      Files.createDirectories(file.parent)
      file.setText(args.text as String, 'UTF-8')
    }
    helper.registerAllowedMethod('readFile', [String]) { String file -> resolve(file).getText('UTF-8') }
    helper.registerAllowedMethod('fileExists', [String]) { String file -> Files.exists(resolve(file)) }
    helper.registerAllowedMethod('libraryResource', [String]) { String name ->
      REPO_ROOT.resolve('resources').resolve(name).getText('UTF-8')
    }
    helper.registerAllowedMethod('withEnv', [List, Closure]) { List vars, Closure body ->
      Map<String, String> scope = [:]
      vars.each { String entry ->
        int eq = entry.indexOf('=')
        scope[entry.substring(0, eq)] = entry.substring(eq + 1)
      }
      inScope(scope, body)
    }
    helper.registerAllowedMethod('usernamePassword', [Map]) { Map args -> [kind: 'usernamePassword'] + args }
    helper.registerAllowedMethod('string', [Map]) { Map args -> [kind: 'string'] + args }
    helper.registerAllowedMethod('sshUserPrivateKey', [Map]) { Map args -> [kind: 'sshUserPrivateKey'] + args }
    helper.registerAllowedMethod('file', [Map]) { Map args -> [kind: 'file'] + args }
    helper.registerAllowedMethod('withCredentials', [List, Closure]) { List bindings, Closure body ->
      inScope(secretsFor(bindings), body)
    }
    helper.registerAllowedMethod('archiveArtifacts', [Map]) { Map args -> }
    helper.registerAllowedMethod('junit', [Map]) { Map args -> }
    helper.registerAllowedMethod('timeout', [Map, Closure]) { Map args, Closure body ->
      if (timeoutExpires) {
        throw new FlowInterrupted('timeout reached')
      }
      helper.callClosure(body)
    }
    helper.registerAllowedMethod('input', [Map]) { Map request -> inputAnswer(request) }
    helper.registerAllowedMethod('sh', [Map]) { Map args -> sh(args) }
  }

  /** The value Jenkins would give each credential binding; the tests look for these in arguments. */
  Map<String, String> secretsFor(List bindings) {
    Map<String, String> scope = [:]
    bindings.each { Map b ->
      switch (b.kind) {
        case 'usernamePassword':
          scope[b.usernameVariable] = 'ci-bot'
          scope[b.passwordVariable] = GIT_TOKEN
          break
        case 'string':
          scope[b.variable] = ARGOCD_TOKEN
          break
        case 'sshUserPrivateKey':
          Path key = temp.newFile().toPath()
          key.text = '-----BEGIN OPENSSH PRIVATE KEY-----\nSECRET\n'
          scope[b.keyFileVariable] = key.toString()
          if (b.usernameVariable) {
            scope[b.usernameVariable] = 'git'
          }
          break
        case 'file':
          scope[b.variable] = temp.newFile().absolutePath
          break
      }
    }
    return scope
  }

  Object inScope(Map<String, String> scope, Closure body) {
    environmentStack << scope
    try {
      return helper.callClosure(body)
    } finally {
      environmentStack.remove(environmentStack.size() - 1)
    }
  }

  Map<String, String> currentEnvironment() {
    Map<String, String> merged = [:]
    environmentStack.each { merged.putAll(it) }
    return merged
  }

  Path resolve(String file) {
    Path p = Paths.get(file)
    return p.absolute ? p : workspace.resolve(p)
  }

  /** The fake agent shell: install prints a jar path; the launcher answers from the queued responses. */
  Object sh(Map args) {
    Map<String, String> environment = currentEnvironment()
    String script = args.script
    if (script == 'bash "$FERRY_INSTALL"') {
      assert Files.exists(Paths.get(environment.FERRY_INSTALL))
      return '/agent/tools/ferry-cli/0.1.0/ferry-cli-0.1.0.jar\n'
    }
    assert script == 'bash "$FERRY_RUN"': "unexpected shell script: ${script}"
    assert args.returnStatus == true
    int argc = environment.FERRY_ARGC as int
    List<String> argv = (0..<argc).collect { environment["FERRY_ARG_${it}".toString()] }
    ferryCalls << [args: argv, env: environment, script: script]
    List<Closure> queue = responses[argv[0]]
    assert queue: "no response queued for ferry ${argv}"
    Map answer = (queue.size() > 1 ? queue.remove(0) : queue[0]).call(argv) as Map
    Path out = Paths.get(environment.FERRY_OUT)
    Files.createDirectories(out.parent)
    out.setText(answer.json == null ? '' : JsonOutput.toJson(answer.json), 'UTF-8')
    return answer.exit ?: 0
  }

  /** Queues ferry's answer to COMMAND: an exit code and a JSON document (a closure may write report files). */
  void respond(String command, int exit, Object json) {
    respond(command) { List argv -> [exit: exit, json: json] }
  }

  void respond(String command, Closure answer) {
    responses.computeIfAbsent(command) { [] } << answer
  }

  /** Runs `STEP(args)` from a Jenkinsfile; returns the step's result. */
  Object runStep(String step, Map args) {
    binding.setVariable('stepName', step)
    binding.setVariable('stepArgs', args)
    runScript('call.jenkins')
    return binding.getVariable('result')
  }

  /** Runs the step and returns the error it failed with. */
  PipelineError failStep(String step, Map args) {
    try {
      runStep(step, args)
    } catch (PipelineError e) {
      return e
    }
    throw new AssertionError("${step} did not fail; log: ${log}")
  }

  /** The value of an option given as --name=value or as --name value. */
  static String option(List argv, String name) {
    String joined = argv.find { it.toString().startsWith(name + '=') }
    return joined != null ? joined.substring(name.length() + 1) : argv[argv.indexOf(name) + 1]
  }

  /** A JSON document the real CLI printed, from docs/json/ (JsonSamplesTest in ferry-cli writes them). */
  static Map sample(String name) {
    new groovy.json.JsonSlurper().parse(REPO_ROOT.resolve("docs/json/${name}.json").toFile()) as Map
  }

  /** The exit code the CLI gave with that sample. */
  static int sampleExit(String name) {
    (new groovy.json.JsonSlurper().parse(REPO_ROOT.resolve('docs/json/contract.json').toFile()) as Map).exitCodes[name] as int
  }

  List<String> argsOf(String command) {
    Map call = ferryCalls.find { it.args[0] == command }
    assert call: "ferry ${command} was not called; calls: ${ferryCalls*.args}"
    return call.args
  }

  List<MethodCall> calls(String method) {
    helper.callStack.findAll { it.methodName == method }
  }

  Map currentBuild() {
    binding.getVariable('currentBuild') as Map
  }

  static String json(Object value) {
    JsonOutput.toJson(value)
  }

  /** What the `error` step throws in these tests (hudson.AbortException in Jenkins). */
  static class PipelineError extends RuntimeException {
    PipelineError(String message) {
      super(message)
    }
  }

  /** What input and timeout throw when aborted or expired (FlowInterruptedException in Jenkins). */
  static class FlowInterrupted extends InterruptedException {
    FlowInterrupted(String message) {
      super(message)
    }
  }
}
