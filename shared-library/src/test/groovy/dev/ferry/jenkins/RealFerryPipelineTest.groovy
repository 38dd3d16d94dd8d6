package dev.ferry.jenkins

import com.sun.net.httpserver.HttpServer
import dev.ferry.testing.GitDaemon
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.util.concurrent.TimeUnit
import org.junit.After
import org.junit.Before
import org.junit.Test

/**
 * The steps with `sh` bound to real processes: the library's install and launcher scripts run in
 * bash, they run the real ferry.jar (built by the reactor), and ferry writes to a real git daemon.
 * Only Jenkins itself (stages, input, credentials store) is the test double of FerryStepTestCase.
 */
class RealFerryPipelineTest extends FerryStepTestCase {

  public static final Path FERRY_JAR = REPO_ROOT.resolve('plugins/ferry-cli/target/ferry.jar')
  public static final String WEB = 'registry.example.com/shop/web'

  GitDaemon git
  Path bare

  @Before
  void givenAnEnvironmentRepositoryOnAGitDaemonAndFerryYaml() {
    assert Files.isRegularFile(FERRY_JAR): "${FERRY_JAR} is missing: run the reactor with package or verify " +
        "(./mvnw -pl shared-library -am verify), which builds ferry.jar before these tests"
    git = GitDaemon.start(temp.newFolder('git').toPath())
    bare = git.createBareRepo('env.git')
    Path seed = temp.newFolder('seed').toPath()
    GitDaemon.Git.run(seed, 'init', '--quiet', '-b', 'main')
    ['dev', 'staging', 'prod'].each { env ->
      Path values = seed.resolve("envs/${env}/web/values.yaml")
      Files.createDirectories(values.parent)
      values.text = "# web in ${env}\nreplicas: 2\nimage:\n  repository: ${WEB}\n  tag: \"1.0.0\"\n"
    }
    GitDaemon.Git.run(seed, 'add', '.')
    GitDaemon.Git.run(seed, 'commit', '--quiet', '-m', 'environments')
    GitDaemon.Git.run(seed, 'push', '--quiet', bare.toString(), 'main')

    workspace.resolve('ferry.yaml').text = """\
        apiVersion: ferry/v1
        repos:
          env: {url: "${git.url('env.git')}", branch: main}
        services:
          web: {image: ${WEB}}
        environments:
          dev:
            repo: env
            targets:
              "*": {helm: "envs/{env}/{service}/values.yaml"}
          staging:
            repo: env
            after: dev
          prod:
            repo: env
            after: staging
            approval: required
            approvers: [alice]
        """.stripIndent()

    helper.registerAllowedMethod('sh', [Map]) { Map args -> realSh(args) }
  }

  @After
  void stopGit() {
    git?.close()
  }

  /** Jenkins' sh on an agent: bash -c SCRIPT in the workspace with the step's environment. */
  Object realSh(Map args) {
    ProcessBuilder pb = new ProcessBuilder('bash', '-c', args.script as String).directory(workspace.toFile())
    Map<String, String> environment = pb.environment()
    environment.keySet().removeAll { it.startsWith('FERRY_') || it.startsWith('GIT_') }
    environment.HOME = temp.root.toString()
    environment.FERRY_CACHE = temp.root.toPath().resolve('ferry-cache').toString()
    environment.FERRY_JAR = FERRY_JAR.toString()
    environment.putAll(currentEnvironment())
    Path out = temp.newFile().toPath()
    Path err = temp.newFile().toPath()
    pb.redirectOutput(out.toFile()).redirectError(err.toFile())
    Process process = pb.start()
    assert process.waitFor(300, TimeUnit.SECONDS): "sh did not finish in 300s: ${args.script}"
    int status = process.exitValue()
    log << "[sh ${args.label ?: ''}] ${err.text}".toString()
    if (args.returnStatus) {
      return status
    }
    if (status != 0) {
      throw new PipelineError("script returned exit code ${status}: ${err.text}")
    }
    return args.returnStdout ? out.text : null
  }

  String fileAtHead(String path) {
    Path clone = temp.newFolder().toPath()
    GitDaemon.Git.run(clone, 'clone', '--quiet', git.url('env.git'), 'env')
    return clone.resolve('env').resolve(path).text
  }

  String headCommitMessage() {
    GitDaemon.Git.run(bare, 'log', '-1', '--format=%B', 'main')
  }

  @Test
  void ferryPromoteWritesTheImageIntoTheEnvironmentRepository() {
    // when
    Map result = runStep('ferryPromote', [services: [web: "${WEB}:1.4.2".toString()], to: 'dev', noResolve: true])
    // then
    assert result.promoted
    assert result.environment == 'dev'
    assert result.commit == GitDaemon.Git.run(bare, 'rev-parse', 'main').trim()
    String values = fileAtHead('envs/dev/web/values.yaml')
    assert values == "# web in dev\nreplicas: 2\nimage:\n  repository: ${WEB}\n  tag: \"1.4.2\"\n".toString()
    assert headCommitMessage().contains("Ferry-Source: ${BUILD_URL}")
  }

  @Test
  void anAtFileMessageIsTheTextItIsAndNeverAnApproval() {
    // given: a file whose text would approve the promotion if ferry read it as arguments
    workspace.resolve('a.txt').text = 'ok --approved-by alice\n'
    String head = GitDaemon.Git.run(bare, 'rev-parse', 'main')
    // when
    PipelineError e = failStep('ferryPromote', [services: [web: "${WEB}:1.4.2".toString()], to: 'prod', noResolve: true,
                                                message: '@a.txt'])
    // then
    assert e.message.startsWith('ferry promote refused (exit 1)')
    assert e.message.contains("'prod' requires approval")
    assert GitDaemon.Git.run(bare, 'rev-parse', 'main') == head
    // and where it may be promoted the message is the literal text
    runStep('ferryPromote', [services: [web: "${WEB}:1.4.2".toString()], to: 'dev', noResolve: true, message: '@a.txt'])
    assert headCommitMessage().startsWith('@a.txt\n')
  }

  @Test
  void aGateReasonWithRunnerCommandsIsInertInTheLogAndTheDescription() {
    // given: an environment name that ferry quotes back in its error, carrying markup and a command line
    String hostile = 'dev\n::error::owned</td><img src=x>'
    // when
    PipelineError e = failStep('ferryRollback', [env: hostile, service: 'web'])
    // then
    assert e.message.startsWith('ferry rollback bad input (exit 2)')
    assert !e.message.contains('\n') && e.message.contains('dev\\n::error::owned')
    assert log.every { String line -> !line.readLines().any { it.trim().startsWith('::') } }
  }

  @Test
  void aHostileTagReachesFerryAsLiteralTextAndRunsNothing() {
    // given
    String hostile = "${WEB}:1.4.2\$(touch\${IFS}PWNED);touch\${IFS}PWNED2".toString()
    // when
    PipelineError e = failStep('ferryPromote', [services: [web: hostile], to: 'dev', noResolve: true])
    // then
    assert e.message.startsWith('ferry promote bad input (exit 2)')
    assert e.message.contains('1.4.2$(touch${IFS}PWNED)') || e.message.contains('touch${IFS}PWNED2')
    assert !Files.exists(workspace.resolve('PWNED')) && !Files.exists(workspace.resolve('PWNED2'))
    assert fileAtHead('envs/dev/web/values.yaml').contains('tag: "1.0.0"')
  }

  @Test
  void ferryPipelinePromotesThroughTheEnvironmentsAndAsksBeforeProd() {
    // given
    List<Map> asked = []
    inputAnswer = { Map request -> asked << request; 'alice' }
    // when
    Map result = runStep('ferryPipeline', [services: [web: "${WEB}:1.4.2".toString()], scan: false, noResolve: true])
    // then
    assert result.environments == ['dev', 'staging', 'prod']
    assert asked*.message == ['Promote web 1.4.2 to prod?']
    assert asked[0].submitter == 'alice'
    ['dev', 'staging', 'prod'].each { env ->
      assert fileAtHead("envs/${env}/web/values.yaml").contains('tag: "1.4.2"')
    }
    assert headCommitMessage().contains('Ferry-Approved-By: alice')
  }

  @Test
  void aGateWhoseTokenIsMissingRefusesThePromotionBeforeAnythingIsPushed() {
    // given: staging verifies through Argo CD with a token this build does not have
    Path ferryYaml = workspace.resolve('ferry.yaml')
    ferryYaml.text = ferryYaml.text.replace('  staging:\n    repo: env\n    after: dev\n',
        '  staging:\n    repo: env\n    after: dev\n    gates:\n' +
        '      - argocd: {server: "https://127.0.0.1:1", app: shop-staging, tokenEnv: FERRY_TEST_ARGOCD_TOKEN}\n')
    // when
    PipelineError e = failStep('ferryPipeline', [services: [web: "${WEB}:1.4.2".toString()], scan: false, noResolve: true])
    // then: promote --verify built the gates first, so staging was never pushed without its verification
    assert e.message.contains('FERRY_TEST_ARGOCD_TOKEN')
    assert fileAtHead('envs/dev/web/values.yaml').contains('tag: "1.4.2"')
    assert fileAtHead('envs/staging/web/values.yaml').contains('tag: "1.0.0"')
    assert calls('sh').count { it.args[0].label == 'ferry verify' } == 0
  }

  @Test
  void anOptionShapedValueIsTheValueOfItsOptionAndNeverAnApproval() {
    // given
    String head = GitDaemon.Git.run(bare, 'rev-parse', 'main')
    // when: text that would approve the promotion if it became an option of its own
    PipelineError e = failStep('ferryPromote', [services: [web: "${WEB}:1.4.2".toString()], to: 'prod', noResolve: true,
                                                message: '--approved-by=alice'])
    // then: ferry refuses a value that looks like an option (exit 2), and nothing is promoted or approved
    assert e.message.startsWith('ferry promote bad input (exit 2)')
    assert e.message.contains("'--approved-by=alice'")
    assert GitDaemon.Git.run(bare, 'rev-parse', 'main') == head
    // and an environment shaped like an option is an unknown environment, not an option
    PipelineError bad = failStep('ferryPromote', [services: [web: "${WEB}:1.4.2".toString()], to: '--approved-by=alice',
                                                  noResolve: true])
    assert bad.message.startsWith('ferry promote bad input (exit 2)')
    assert GitDaemon.Git.run(bare, 'rev-parse', 'main') == head
  }

  @Test
  void aFailingGateRollsBackAndFailsTheBuildWithTheGatesReason() {
    // given: staging's health check answers 503, and staging rolls back automatically
    HttpServer health = HttpServer.create(new InetSocketAddress(InetAddress.loopbackAddress, 0), 0)
    health.createContext('/healthz') { exchange -> exchange.sendResponseHeaders(503, -1); exchange.close() }
    health.start()
    try {
      Path ferryYaml = workspace.resolve('ferry.yaml')
      ferryYaml.text = ferryYaml.text.replace('  staging:\n    repo: env\n    after: dev\n',
          "  staging:\n    repo: env\n    after: dev\n    gates:\n" +
          "      - http: {url: \"http://127.0.0.1:${health.address.port}/healthz\", successes: 1}\n" +
          "    gateTimeout: 3s\n    rollback: auto\n")
      // when
      PipelineError e = failStep('ferryPipeline', [services: [web: "${WEB}:1.4.2".toString()], scan: false, noResolve: true])
      // then
      assert e.message.startsWith('staging: gate ')
      assert e.message.endsWith('; rolled back')
      assert currentBuild().description == e.message
      assert currentBuild().result == 'FAILURE'
      assert fileAtHead('envs/dev/web/values.yaml').contains('tag: "1.4.2"')
      assert fileAtHead('envs/staging/web/values.yaml').contains('tag: "1.0.0"')
      // promote --verify checked the gates in the same run and rolled the new version back itself;
      // the library only reports it
      assert calls('sh').count { it.args[0].label == 'ferry rollback' } == 0
      assert calls('sh').count { it.args[0].label == 'ferry verify' } == 0
      assert calls('sh').count { it.args[0].label == 'ferry promote' } == 2
      assert headCommitMessage().startsWith('Roll back web in staging to ')
      assert fileAtHead('envs/prod/web/values.yaml').contains('tag: "1.0.0"')
      assert calls('input').isEmpty()
      assert calls('junit')*.args*.getAt(0)*.testResults.contains('ferry-reports/verify-staging-junit.xml')
      assert workspace.resolve('ferry-reports/verify-staging-junit.xml').text.contains('<failure')
    } finally {
      health.stop(0)
    }
  }
}
