/**
 * Lifts the block of an image that was rolled back in an environment with `ferry release`, so it
 * may be promoted there again (a note on the rollback commit records who released it).
 *
 *   ferryRelease(env: 'staging', service: 'web', image: 'registry.example.com/shop/web:1.4.2@sha256:...')
 *
 * Returns ferry's result: [environment, service, image, blockCommit].
 */
def call(Map config = [:]) {
  ferryCli.checkKeys('ferryRelease', config, ['config', 'env', 'service', 'image', 'credentials'])
  ferryCli.requireKeys('ferryRelease', config, ['env', 'service', 'image'])
  String service = ferryCli.serviceName('ferryRelease', config.service)
  List args = ['release', "--config=${config.config ?: 'ferry.yaml'}".toString(), "--env=${config.env}".toString(),
               '--', service, String.valueOf(config.image)]
  Map result = ferryCli.run(args, config.credentials as List)
  if (result.exitCode != 0) {
    error(ferryCli.describeFailure(result))
  }
  echo("Released ${service} ${ferryCli.inert(config.image)} in ${ferryCli.inert(config.env)}")
  return result.json
}
