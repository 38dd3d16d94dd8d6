/**
 * Builds a container image with `ferry build` and returns ferry's result.
 *
 *   def built = ferryBuild(context: 'web', image: "registry.example.com/shop/web:${env.BUILD_NUMBER}")
 *   echo "built ${built.image} ${built.digest}"
 */
def call(Map config = [:]) {
  ferryCli.checkKeys('ferryBuild', config, ['context', 'image', 'builder', 'credentials'])
  ferryCli.requireKeys('ferryBuild', config, ['context', 'image'])
  List args = ['build', '--context', config.context, '--image', config.image]
  if (config.builder) {
    args.addAll(['--builder', config.builder])
  }
  Map result = ferryCli.run(args, config.credentials as List)
  if (result.exitCode != 0) {
    error(ferryCli.describeFailure(result))
  }
  return result.json
}
