package dev.ferry.jenkins

import org.junit.Test

class FerryPromoteTest extends FerryStepTestCase {

  public static final String WEB = 'registry.example.com/shop/web:1.4.2'

  static Map promoted(String environment) {
    [promotionId: 'fp-7', environment: environment, repo: 'env', commit: 'c0ffee', noop: false, mode: 'direct',
     files: ["envs/${environment}/web/values.yaml".toString()], images: [web: WEB + '@sha256:' + 'b' * 64],
     verification: null, rolledBack: false]
  }

  @Test
  void promotesTheServicesAsOneCommandNamingTheBuild() {
    // given
    respond('promote', 0, promoted('staging'))
    // when
    Map result = runStep('ferryPromote', [services: [web: WEB, api: 'registry.example.com/shop/api:2.0.1'],
                                          to: 'staging', message: 'release 1.4', config: 'deploy/ferry.yaml'])
    // then
    assert argsOf('promote') == ['promote', '--json', '--config=deploy/ferry.yaml', '--to=staging', '--message=release 1.4',
                                 "--source=${BUILD_URL}", '--', "web=${WEB}", 'api=registry.example.com/shop/api:2.0.1']
    assert result.commit == 'c0ffee'
    assert result.promoted
    assert calls('input').isEmpty()
  }

  @Test
  void flagsMapToTheirOptions() {
    // given
    respond('promote', 0, promoted('prod'))
    // when
    runStep('ferryPromote', [services: [web: WEB], to: 'prod', dryRun: true, pr: true, verify: true, noResolve: true,
                             source: 'https://ci.example.com/other/1/'])
    // then
    assert argsOf('promote') == ['promote', '--json', '--config=ferry.yaml', '--to=prod', '--dry-run', '--pr',
                                 '--verify', '--no-resolve', '--source=https://ci.example.com/other/1/', '--', "web=${WEB}"]
  }

  @Test
  void waitPassesItsDurationAndThePullRequestUrlBecomesTheBuildDescription() {
    // given
    Map json = promoted('prod') + [mode: 'pull-request', pullRequest: [number: '12', url: 'https://github.com/acme/env/pull/12'],
                                   merged: [commit: 'abc123', mergedBy: 'alice', approvedBy: 'alice']]
    respond('promote', 0, json)
    // when
    Map result = runStep('ferryPromote', [services: [web: WEB], to: 'prod', wait: '2h', verify: true])
    // then
    assert argsOf('promote') == ['promote', '--json', '--config=ferry.yaml', '--to=prod', '--verify', '--wait=2h',
                                 "--source=${BUILD_URL}", '--', "web=${WEB}"]
    assert binding.getVariable('currentBuild').description == 'prod: pull request https://github.com/acme/env/pull/12'
    assert result.merged.approvedBy == 'alice'
  }

  @Test
  void waitTrueTakesFerrysDefaultAndAUrlThatIsNotPlainNeverReachesTheBuildPage() {
    // given
    respond('promote', 0, promoted('prod') + [pullRequest: [number: '1', url: 'javascript:alert(1)']])
    // when
    runStep('ferryPromote', [services: [web: WEB], to: 'prod', wait: true])
    // then
    assert argsOf('promote') == ['promote', '--json', '--config=ferry.yaml', '--to=prod', '--wait',
                                 "--source=${BUILD_URL}", '--', "web=${WEB}"]
    assert binding.getVariable('currentBuild').description == null
  }

  @Test
  void theCheckedOutCommitGoesToSourceCommitForLeadTime() {
    // given
    respond('promote', 0, promoted('staging'))
    binding.getVariable('env').GIT_COMMIT = 'a' * 40
    // when
    runStep('ferryPromote', [services: [web: WEB], to: 'staging'])
    // then
    assert argsOf('promote') == ['promote', '--json', '--config=ferry.yaml', '--to=staging', "--source=${BUILD_URL}",
                                 '--source-commit=' + 'a' * 40, '--', "web=${WEB}"]
  }

  @Test
  void aSourceCommitThatIsNoCommitIdIsRefused() {
    Throwable thrown = null
    try {
      runStep('ferryPromote', [services: [web: WEB], to: 'staging', sourceCommit: 'main; --approved-by=alice'])
    } catch (Throwable t) {
      thrown = t
    }
    assert thrown != null
    assert thrown.message.contains("'sourceCommit' must be a commit id")
    assert calls('sh').isEmpty()
  }

  @Test
  void anApproverCannotBeNamedWithoutTheButton() {
    // when
    Throwable thrown = null
    try {
      runStep('ferryPromote', [services: [web: WEB], to: 'prod', approvedBy: 'carol'])
    } catch (Throwable t) {
      thrown = t
    }
    // then
    assert thrown != null && thrown.message.contains("unknown key 'approvedBy'")
    assert calls('sh').findAll { it.args.toString().contains('promote') }.isEmpty()
  }

  @Test
  void approvalAsksForThePromoteButtonAndRecordsWhoClicked() {
    // given
    respond('promote', 0, promoted('prod'))
    Map asked = null
    inputAnswer = { Map request -> asked = request; 'alice' }
    // when
    Map result = runStep('ferryPromote', [services: [web: WEB], to: 'prod', approval: true, approvers: ['alice', 'ops-team'],
                                          approvalTimeout: 30])
    // then
    assert asked == [message: 'Promote web 1.4.2 to prod?', ok: 'Promote', submitterParameter: 'approver',
                     submitter: 'alice,ops-team']
    assert calls('timeout')[0].args[0] == [time: 30, unit: 'MINUTES']
    List<String> args = argsOf('promote')
    assert args.containsAll(['--approved-by=alice', '--approval-source=jenkins-input'])
    assert args.indexOf('--approved-by=alice') < args.indexOf('--')
    assert result.approvedBy == 'alice'
  }

  @Test
  void refusedApprovalPromotesNothingAndStopsCleanly() {
    // given
    inputAnswer = { Map request -> throw new FlowInterrupted('aborted by bob') }
    // when
    Map result = runStep('ferryPromote', [services: [web: WEB], to: 'prod', approval: true, approvers: 'alice'])
    // then
    assert ferryCalls.isEmpty()
    assert result == [promoted: false, approved: false, environment: 'prod']
    assert currentBuild().result == 'ABORTED'
    assert currentBuild().description == 'prod: promotion not approved'
  }

  @Test
  void approvalThatTimesOutPromotesNothing() {
    // given
    timeoutExpires = true
    // when
    Map result = runStep('ferryPromote', [services: [web: WEB], to: 'prod', approval: true])
    // then
    assert ferryCalls.isEmpty()
    assert !result.promoted
    assert calls('input').isEmpty()
    assert currentBuild().result == 'ABORTED'
  }

  @Test
  void imagesPinnedByDigestAreDescribedByTheirDigest() {
    // given
    respond('promote', 0, promoted('prod'))
    Map asked = null
    inputAnswer = { Map request -> asked = request; 'alice' }
    // when
    runStep('ferryPromote', [services: [web: 'registry.example.com/shop/web@sha256:' + 'c' * 64], to: 'prod', approval: true])
    // then
    assert asked.message == 'Promote web cccccccccccc to prod?'
    assert !asked.containsKey('submitter')
  }

  @Test
  void aFailedGateDuringPromoteFailsTheBuildWithTheGatesReason() {
    // given
    respond('promote', sampleExit('promote-verify-failed'), sample('promote-verify-failed'))
    // when
    PipelineError e = failStep('ferryPromote', [services: [web: WEB], to: 'dev', verify: true])
    // then
    assert e.message == 'dev: gate http http://127.0.0.1:8080/healthz failed: still RUNNING after 1s: ' +
        'GET http://127.0.0.1:8080/healthz answered $.status = DOWN, expected UP; rolled back'
    assert currentBuild().description == e.message
    assert currentBuild().result == 'FAILURE'
  }

  @Test
  void hostileServiceKeysNeverReachTheCommandLine() {
    for (String key : ['--approved-by', '@file', '$(id)', '-x', 'web\n::error::x']) {
      // when
      PipelineError e = failStep('ferryPromote', [services: [(key): WEB], to: 'prod'])
      // then
      assert e.message.startsWith('ferryPromote: ') && e.message.contains('is not a service name')
    }
    assert ferryCalls.isEmpty()
  }

  @Test
  void hostileValuesStayOneArgumentAfterTheirOption() {
    // given
    respond('promote', 0, promoted('dev'))
    // when
    runStep('ferryPromote', [services: [web: 'w:1 --approved-by=alice'], to: '--approved-by=alice',
                             message: '@/etc/passwd $(id)\n::error::x'])
    // then
    assert argsOf('promote') == ['promote', '--json', '--config=ferry.yaml', '--to=--approved-by=alice',
                                 '--message=@/etc/passwd $(id)\n::error::x', "--source=${BUILD_URL}", '--', 'web=w:1 --approved-by=alice']
  }

  @Test
  void servicesMustMapNamesToImages() {
    // when
    PipelineError e = failStep('ferryPromote', [services: [WEB], to: 'dev'])
    // then
    assert e.message.startsWith("ferryPromote: 'services' maps service names to images")
  }

  @Test
  void aRefusedPromotionFailsWithFerrysReason() {
    // given
    respond('promote', 1, [error: [message: 'web 1.4.2 is blocked in staging (rolled back 2026-11-28)', exitCode: 1,
                                   suggestion: 'ferry release -c ferry.yaml --env staging web IMAGE']])
    // when
    PipelineError e = failStep('ferryPromote', [services: [web: WEB], to: 'staging'])
    // then
    assert e.message == 'ferry promote refused (exit 1): web 1.4.2 is blocked in staging (rolled back 2026-11-28). ' +
        'ferry release -c ferry.yaml --env staging web IMAGE'
  }
}
