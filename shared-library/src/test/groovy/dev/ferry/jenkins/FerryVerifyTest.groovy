package dev.ferry.jenkins

import java.nio.file.Files
import org.junit.Test

class FerryVerifyTest extends FerryStepTestCase {

  void respondWritingJunit(int exit, Map json) {
    respond('verify') { List argv ->
      def file = workspace.resolve(option(argv, '--junit'))
      Files.createDirectories(file.parent)
      file.text = '<testsuite name="gates"/>'
      [exit: exit, json: json]
    }
  }

  @Test
  void verifiesTheEnvironmentAndRecordsTheGateReport() {
    // given
    respondWritingJunit(0, [environment: 'staging', passed: true,
                            outcomes: [[gate: 'argocd shop-staging', status: 'PASSED', reason: 'healthy']]])
    // when
    Map result = runStep('ferryVerify', [env: 'staging', services: ['web', 'api'], timeout: '15m'])
    // then
    assert argsOf('verify') == ['verify', '--json', '--config=ferry.yaml', '--env=staging', '--timeout=15m',
                                '--junit=ferry-reports/verify-staging-junit.xml', '--', 'web', 'api']
    assert result.passed
    assert calls('junit')[0].args[0].testResults == 'ferry-reports/verify-staging-junit.xml'
    assert calls('archiveArtifacts')[0].args[0].artifacts == 'ferry-reports/verify-staging-junit.xml'
  }

  @Test
  void aRollbackThatDidNotLandIsNamedInTheFailure() {
    // given: a gate failed and ferry could not write the rollback (exit 3)
    respondWritingJunit(3, [environment: 'staging', passed: false, rollbacks: [],
                            rollbackErrors: ['web: env.git refused the push (protected branch)'],
                            outcomes: [[gate: 'http web', status: 'FAILED', reason: 'HTTP 503']]])
    // when
    PipelineError e = failStep('ferryVerify', [env: 'staging'])
    // then
    assert e.message == 'staging: gate http web failed: HTTP 503; could not roll back web: env.git refused the push (protected branch)'
    assert currentBuild().description == e.message
    assert currentBuild().result == 'FAILURE'
  }

  @Test
  void aFailedGateFailsTheBuildWithItsReasonInTheLogAndDescription() {
    // given
    respondWritingJunit(1, [environment: 'staging', passed: false, outcomes: [
        [gate: 'http https://shop-staging.example.com/healthz', status: 'FAILED', reason: 'HTTP 503 three times'],
        [gate: 'argocd shop-staging', status: 'ERRORED', reason: 'server did not answer for 5m']]])
    // when
    PipelineError e = failStep('ferryVerify', [env: 'staging'])
    // then
    String reason = 'staging: gate http https://shop-staging.example.com/healthz failed: HTTP 503 three times; ' +
        'gate argocd shop-staging errored: server did not answer for 5m'
    assert e.message == reason
    assert log.contains(reason)
    assert currentBuild().description == reason
    assert calls('junit').size() == 1
  }

  @Test
  void aFailedGateCanBeReturnedToTheCallerWhoRollsBack() {
    // given
    respondWritingJunit(sampleExit('verify-failed'), sample('verify-failed'))
    // when
    Map result = runStep('ferryVerify', [env: 'dev', failOnGate: false])
    // then
    assert !result.passed
    assert currentBuild().result == 'FAILURE'
    assert currentBuild().description == 'dev: gate http http://127.0.0.1:8080/healthz failed: still RUNNING after 1s: ' +
        'GET http://127.0.0.1:8080/healthz answered $.status = DOWN, expected UP'
  }

  @Test
  void hostileServiceNamesNeverReachTheCommandLine() {
    for (String name : ['--approved-by=alice', '@file', '$(id)', '-x', 'web\n::error::x']) {
      // when
      PipelineError e = failStep('ferryVerify', [env: 'staging', services: [name]])
      // then
      assert e.message.startsWith('ferryVerify: ') && e.message.contains('is not a service name')
      assert !e.message.contains('\n')
    }
    assert ferryCalls.isEmpty()
  }

  @Test
  void hostileGateTextIsInertInTheLogAndEscapedInTheDescription() {
    // given: a gate whose server answered markup, a runner command and a terminal escape
    Map printed = sample('verify-failed')
    printed.outcomes[0].reason = '</table><img src=x onerror=alert(1)>\n::error::owned \u001b]8;;http://evil\u0007'
    respondWritingJunit(1, printed)
    // when
    PipelineError e = failStep('ferryVerify', [env: 'dev'])
    // then
    assert !e.message.contains('\n') && !e.message.contains('\u001b') && !e.message.contains('\u0007')
    assert e.message.contains('\\n::error::owned \\u001b]8;;http://evil\\u0007')
    assert !currentBuild().description.contains('<img') && !currentBuild().description.contains('</table>')
    assert currentBuild().description.contains('&lt;/table&gt;&lt;img src=x onerror=alert(1)&gt;')
  }

  @Test
  void theEnvironmentIsRequired() {
    // when
    PipelineError e = failStep('ferryVerify', [services: ['web']])
    // then
    assert e.message == "ferryVerify: 'env' is required"
  }
}
