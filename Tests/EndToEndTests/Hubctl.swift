import Foundation
import TestSupport

/// Runs the built `hubctl` binary with a private cache and returns status, stdout and stderr.
struct Hubctl {
    typealias Result = HubctlProcess.Result

    let cacheRoot: String
    var environment: [String: String] = [:]

    /// Runs `hubctl arguments...` with `HUBCTL_CACHE_DIR` set to this runner's cache.
    func callAsFunction(_ arguments: String...) throws -> Result { try run(arguments) }

    /// Runs with this runner's cache and no inherited `HUBCTL_OFFLINE`/`HUBCTL_REGISTRY`.
    func run(_ arguments: [String]) throws -> Result {
        var env = ["HUBCTL_CACHE_DIR": cacheRoot, "HUBCTL_OFFLINE": "", "HUBCTL_REGISTRY": ""]
        env.merge(environment) { $1 }
        return try HubctlProcess.run(arguments, environment: env)
    }
}
