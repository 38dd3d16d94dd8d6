/**
 * The whole flow in one call, as stages in the stage view: build, scan and test each service's
 * image, then promote through the environments of ferry.yaml in their order, each with
 * `ferry promote --verify` (its gates are built before the push and checked after it), asking for
 * approval before those that require it; ferry rolls back on a failed gate where rollback: auto.
 *
 *   ferryPipeline(
 *     services: [web: [context: 'web', image: "registry.example.com/shop/web:${env.BUILD_NUMBER}",
 *                      testSpec: 'web/image-test.yaml']],
 *     scanPolicy: 'scan-policy.yaml',
 *     credentials: [[usernamePassword: 'env-repo', usernameVariable: 'GIT_USER', passwordVariable: 'GIT_TOKEN']])
 *
 * A service given as a plain image (web: 'registry.example.com/shop/web:1.4.2') is not built.
 * Returns [images: [service: image], environments: [names promoted], stopped: reason or null].
 */
def call(Map config = [:]) {
  ferryCli.checkKeys('ferryPipeline', config, ['config', 'services', 'builder', 'scan', 'scanPolicy', 'to',
      'approvers', 'approvalTimeout', 'verifyTimeout', 'message', 'noResolve', 'credentials'])
  ferryCli.requireKeys('ferryPipeline', config, ['services'])
  if (!(config.services instanceof Map)) {
    error("ferryPipeline: 'services' maps service names to an image or to [context:, image:, testSpec:]")
  }
  String ferryYaml = config.config ?: 'ferry.yaml'
  List credentials = config.credentials as List
  String problem = serviceProblem(config.services as Map)
  if (problem) {
    error(problem)
  }
  Map specs = serviceSpecs(config.services as Map)
  List names = specs.keySet() as List
  Map images = [:]

  stage('Build') {
    for (int i = 0; i < names.size(); i++) {
      Map spec = specs[names[i]] as Map
      if (spec.context) {
        Map built = ferryBuild(context: spec.context, image: spec.image, builder: config.builder, credentials: credentials)
        images[names[i]] = pinned(built)
      } else {
        echo("${names[i]}: using ${spec.image} (no context, not built)")
        images[names[i]] = spec.image
      }
    }
  }
  if (config.scan != false) {
    stage('Scan') {
      for (int i = 0; i < names.size(); i++) {
        Map scan = [image: images[names[i]], sarif: "ferry-reports/scan-${names[i]}.sarif",
                    junit: "ferry-reports/scan-${names[i]}-junit.xml", credentials: credentials]
        if (config.scanPolicy) {
          scan.policy = config.scanPolicy
        }
        ferryScan(scan)
      }
    }
  }
  List tested = namesWith(specs, 'testSpec')
  if (!tested.isEmpty()) {
    stage('Test') {
      for (int i = 0; i < tested.size(); i++) {
        ferryTest(image: images[tested[i]], spec: specs[tested[i]].testSpec,
            junit: "ferry-reports/test-image-${tested[i]}-junit.xml", credentials: credentials)
      }
    }
  }

  List environments = environmentsUpTo(ferryYaml, config.to as String, credentials)
  List promoted = []
  String stopped = null
  for (int e = 0; e < environments.size() && stopped == null; e++) {
    Map environment = environments[e] as Map
    String name = environment.name
    stage("Promote to ${name}") {
      // one run: promote --verify builds the gates before it pushes (a missing token leaves nothing
      // unverified behind) and rolls back where the environment says rollback: auto; a failed gate
      // fails this stage with the gate's reason in the log and the build description
      Map promote = [config: ferryYaml, services: images, to: name, verify: true,
                     junit: "ferry-reports/verify-${name}-junit.xml".toString(), credentials: credentials]
      if (config.verifyTimeout) {
        promote.timeout = config.verifyTimeout
      }
      if (config.message) {
        promote.message = config.message
      }
      if (config.noResolve) {
        promote.noResolve = true
      }
      if (requiresApproval(environment)) {
        promote.approval = true
        promote.approvers = config.approvers ?: environment.approvers
        promote.approvalTimeout = config.approvalTimeout ?: 60
      }
      Map result = ferryPromote(promote)
      if (result.promoted) {
        promoted.add(name)
      } else {
        stopped = "${name}: promotion not approved".toString()
      }
    }
  }
  return [images: images, environments: promoted, stopped: stopped]
}

/** The environments of ferry.yaml in promotion order, up to and including `to`. */
List environmentsUpTo(String ferryYaml, String to, List credentials) {
  Map result = ferryCli.run(['environments', '-c', ferryYaml], credentials)
  if (result.exitCode != 0) {
    error(ferryCli.describeFailure(result))
  }
  List environments = result.json.environments as List
  List names = environmentNames(environments)
  if (to && !names.contains(to)) {
    error("ferryPipeline: 'to: ${to}' is not an environment of ${ferryYaml}; environments: ${names.join(', ')}")
  }
  return takeUpTo(environments, to)
}

@NonCPS
List environmentNames(List environments) {
  return environments.collect { String.valueOf(it.name) }
}

@NonCPS
List takeUpTo(List environments, String to) {
  List taken = []
  for (Object environment : environments) {
    taken.add(environment)
    if (to && environment.name == to) {
      break
    }
  }
  return taken
}

@NonCPS
boolean requiresApproval(Map environment) {
  def approval = environment.approval
  return approval == true || String.valueOf(approval).equalsIgnoreCase('required')
}

/** Each service as [image:, context:, testSpec:]; a plain string is a prebuilt image. */
@NonCPS
Map serviceSpecs(Map services) {
  Map specs = [:]
  for (Map.Entry entry : services.entrySet()) {
    specs[String.valueOf(entry.key)] = entry.value instanceof Map ? new LinkedHashMap(entry.value as Map) : [image: String.valueOf(entry.value)]
  }
  return specs
}

/** What is wrong with the services map, or null. */
@NonCPS
String serviceProblem(Map services) {
  for (Map.Entry entry : services.entrySet()) {
    if (entry.value instanceof Map) {
      List unknown = (entry.value as Map).keySet().findAll { !(it in ['image', 'context', 'testSpec']) }.collect { "'${it}'" }
      if (!unknown.isEmpty()) {
        return "ferryPipeline: service ${entry.key}: unknown keys ${unknown.join(', ')}; valid keys: image, context, testSpec"
      }
      if (!entry.value.image) {
        return "ferryPipeline: service ${entry.key}: 'image' is required"
      }
    } else if (!entry.value) {
      return "ferryPipeline: service ${entry.key}: give an image"
    }
  }
  return null
}

@NonCPS
List namesWith(Map specs, String key) {
  return specs.findAll { it.value[key] }.collect { it.key } as List
}

/** The built image pinned to its digest, so every environment gets exactly these bytes. */
@NonCPS
String pinned(Map built) {
  String image = built.image
  return built.digest && !image.contains('@') ? "${image}@${built.digest}".toString() : image
}
