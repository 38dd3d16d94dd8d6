/**
 * Rolls a service back in one environment with `ferry rollback` (a new commit that reverts
 * Ferry's last promotion there; never a force-push).
 *
 *   ferryRollback(env: 'staging', service: 'web', reason: 'error rate above SLO')
 */
def call(Map config = [:]) {
  ferryCli.checkKeys('ferryRollback', config, ['config', 'env', 'service', 'reason', 'credentials'])
  ferryCli.requireKeys('ferryRollback', config, ['env', 'service'])
  String service = ferryCli.serviceName('ferryRollback', config.service)
  List args = ['rollback', "--config=${config.config ?: 'ferry.yaml'}".toString(), "--env=${config.env}".toString()]
  if (config.reason) {
    args.add("--reason=${config.reason}".toString())
  }
  args.addAll(['--', service])
  Map result = ferryCli.run(args, config.credentials as List)
  if (result.exitCode != 0) {
    error(ferryCli.describeFailure(result))
  }
  return result.json
}
