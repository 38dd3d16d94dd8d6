package dev.ferry.jenkins

import org.junit.Test

/** What every step inherits from ferryCli: safe arguments, credentials, keys, errors. */
class FerryCliTest extends FerryStepTestCase {

  @Test
  void hostileValuesReachFerryAsLiteralArgumentsThroughAFixedScript() {
    // given
    respond('promote', 0, [promotionId: 'p1', environment: 'dev', commit: 'c1', noop: false])
    String tag = 'registry.example.com/shop/web:1.0;rm -rf /'
    String message = '$(id) `whoami` "quoted" \'single\' \n second line'
    // when
    runStep('ferryPromote', [services: [web: tag], to: 'dev', message: message])
    // then
    List<String> args = argsOf('promote')
    assert args.contains('web=' + tag)
    assert args.contains('--message=' + message)
    assert calls('sh').every { it.args[0].script in ['bash "$FERRY_INSTALL"', 'bash "$FERRY_RUN"'] }
  }

  @Test
  void credentialsReachFerryAsEnvironmentVariablesNeverAsArguments() {
    // given
    respond('verify', 0, [environment: 'staging', passed: true, outcomes: []])
    // when
    runStep('ferryVerify', [env: 'staging', credentials: [
        [usernamePassword: 'env-repo', usernameVariable: 'GIT_USER', passwordVariable: 'GIT_TOKEN'],
        [string: 'argocd', variable: 'ARGOCD_TOKEN'],
        [sshUserPrivateKey: 'deploy-key', keyFileVariable: 'GIT_SSH_KEY', usernameVariable: 'GIT_SSH_USER']]])
    // then
    Map call = ferryCalls.find { it.args[0] == 'verify' }
    assert call.env.GIT_TOKEN == GIT_TOKEN
    assert call.env.ARGOCD_TOKEN == ARGOCD_TOKEN
    assert call.env.GIT_SSH_KEY
    assert !call.args.any { it.contains('SECRET') || it.contains(call.env.GIT_SSH_KEY) }
    assert !log.any { it.contains('SECRET') }
    Map binding = calls('usernamePassword')[0].args[0] as Map
    assert binding == [credentialsId: 'env-repo', usernameVariable: 'GIT_USER', passwordVariable: 'GIT_TOKEN']
  }

  @Test
  void credentialsLeaveTheEnvironmentWhenTheStepEnds() {
    // given
    respond('rollback', 0, [environment: 'dev'])
    // when
    runStep('ferryRollback', [env: 'dev', service: 'web', credentials: [[string: 'argocd', variable: 'ARGOCD_TOKEN']]])
    // then
    assert environmentStack.isEmpty()
  }

  @Test
  void aCredentialWithoutItsKindIsRefusedNamingTheKinds() {
    // when
    PipelineError e = failStep('ferryRollback', [env: 'dev', service: 'web', credentials: [[id: 'argocd', variable: 'X']]])
    // then
    assert e.message.contains('usernamePassword, string, sshUserPrivateKey, file')
    assert ferryCalls.isEmpty()
  }

  @Test
  void unknownKeysAreRefusedNamingTheValidOnes() {
    // when
    PipelineError e = failStep('ferryRollback', [env: 'dev', service: 'web', resaon: 'typo'])
    // then
    assert e.message == "ferryRollback: unknown key 'resaon'; valid keys: config, env, service, reason, credentials"
    assert ferryCalls.isEmpty()
  }

  @Test
  void badInputFailsWithFerrysMessageAndTheFileAndLine() {
    // given
    respond('rollback', 2, [error: [message: 'unknown environment "stagign"', exitCode: 2, file: 'ferry.yaml',
                                    line: 12, column: 5, suggestion: 'Environments: dev, staging, prod']])
    // when
    PipelineError e = failStep('ferryRollback', [env: 'stagign', service: 'web'])
    // then
    assert e.message == 'ferry rollback bad input (exit 2): unknown environment "stagign" (ferry.yaml:12:5). Environments: dev, staging, prod'
    assert currentBuild().result == 'FAILURE'
  }

  @Test
  void ferryRunsTheJarThatTheInstallScriptPrints() {
    // given
    respond('rollback', 0, [environment: 'dev'])
    // when
    runStep('ferryRollback', [env: 'dev', service: 'web'])
    // then
    assert ferryCalls[0].env.FERRY_JAR == '/agent/tools/ferry-cli/0.1.0/ferry-cli-0.1.0.jar'
    assert agentTmp.resolve('ferry/install-ferry.sh').text == REPO_ROOT.resolve('resources/dev/ferry/install-ferry.sh').text
    assert agentTmp.resolve('ferry/ferry.properties').text.contains('version=')
  }

  @Test
  void ferryCliRunsAnyCommandAndReturnsItsJson() {
    // given
    respond('status', sampleExit('status'), sample('status'))
    // when
    Map result = runStep('ferryCli', [args: ['status', '-c', 'ferry.yaml']])
    // then
    assert argsOf('status') == ['status', '--json', '-c', 'ferry.yaml']
    assert result == [exitCode: 0, json: sample('status'), command: 'status']
    assert result.json.environments == ['dev', 'staging', 'prod']
  }

  @Test
  void ferryCliRefusesAnApproverTypedIntoTheJenkinsfile() {
    for (List args : [['promote', '--to', 'prod', '--approved-by', 'alice', '--', 'web=w:1'],
                      ['promote', '--approved-by=alice'], ['promote', '--approval-source=jenkins-input']]) {
      // when
      PipelineError e = failStep('ferryCli', [args: args])
      // then
      assert e.message.startsWith("ferryCli: '--approv")
      assert e.message.contains('ferryPromote(approval: true)')
    }
    assert ferryCalls.isEmpty()
  }

  @Test
  void theServiceNameGrammarIsACopyOfTheClis() {
    Map contract = new groovy.json.JsonSlurper().parse(REPO_ROOT.resolve('docs/json/contract.json').toFile()) as Map
    assert REPO_ROOT.resolve('vars/ferryCli.groovy').text.contains(
        "static final String SERVICE_NAME = '${contract.serviceName}'".toString())
  }

  @Test
  void ferryCliReturnsAFailureWhenAskedTo() {
    // given
    respond('status', 3, [error: [message: 'git server did not answer', exitCode: 3]])
    // when
    Map result = runStep('ferryCli', [args: ['status'], returnFailure: true])
    // then
    assert result.exitCode == 3
    assert result.json.error.message == 'git server did not answer'
  }
}
