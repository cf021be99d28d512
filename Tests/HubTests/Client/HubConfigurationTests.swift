import Foundation
import HubClient
import TestSupport
import Testing

@Suite("HubConfiguration precedence")
struct HubConfigurationTests {
    @Test("cache root: flag, then HUBCTL_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache")
    func cacheRoot() {
        let env = ["HOME": "/home/u", "HUBCTL_CACHE_DIR": "/env/cache", "XDG_CACHE_HOME": "/xdg"]
        func root(_ flag: String?, _ environment: [String: String]) -> String {
            HubConfiguration.resolve(cacheDirectory: flag, environment: environment, currentDirectory: "/work",
                                     executablePath: nil).cacheRoot
        }
        #expect(root("rel/c", env) == "/work/rel/c")
        #expect(root("~/c", env) == "/home/u/c")
        #expect(root(nil, env) == "/env/cache")
        #expect(root(nil, ["HOME": "/home/u", "XDG_CACHE_HOME": "/xdg"]) == "/xdg/hubctl")
        #expect(root(nil, ["HOME": "/home/u", "XDG_CACHE_HOME": "relative"]) == "/home/u/.cache/hubctl")
        #expect(root(nil, ["HOME": "/home/u"]) == "/home/u/.cache/hubctl")
    }

    @Test("offline from the flag or HUBCTL_OFFLINE=1/true/yes")
    func offline() {
        func offline(_ flag: Bool, _ value: String?) -> Bool {
            var env = ["HOME": "/h"]
            env["HUBCTL_OFFLINE"] = value
            return HubConfiguration.resolve(offline: flag, environment: env, executablePath: nil).offline
        }
        #expect(offline(true, nil))
        #expect(offline(false, "1"))
        #expect(offline(false, "TRUE"))
        #expect(offline(false, "yes"))
        #expect(!offline(false, "0"))
        #expect(!offline(false, nil))
    }

    @Test("registry: flag, then HUBCTL_REGISTRY, then the Registry/ found above the executable or cwd")
    func registry() throws {
        let temp = try TemporaryDirectory(prefix: "hubctl-config")
        let registry = temp.appending("checkout/Registry")
        try FileManager.default.createDirectory(atPath: registry, withIntermediateDirectories: true)
        try "".write(toFile: registry + "/index.txt", atomically: true, encoding: .utf8)
        let binary = temp.appending("checkout/.build/release/hubctl")
        try FileManager.default.createDirectory(atPath: temp.appending("checkout/.build/release"),
                                                withIntermediateDirectories: true)
        try "".write(toFile: binary, atomically: true, encoding: .utf8)
        // A symlinked install finds the checkout through the link's target.
        try FileManager.default.createSymbolicLink(atPath: temp.appending("hubctl-link"), withDestinationPath: binary)
        let env = ["HOME": "/h"]

        func root(_ flag: String?, _ environment: [String: String], exe: String?, cwd: String) -> String? {
            HubConfiguration.resolve(registry: flag, environment: environment, currentDirectory: cwd,
                                     executablePath: exe).registryRoot
        }
        #expect(root("http://mirror.example/reg/", env, exe: binary, cwd: "/") == "http://mirror.example/reg/")
        #expect(root("sub/reg", env, exe: binary, cwd: "/data") == "/data/sub/reg")
        #expect(root(nil, ["HOME": "/h", "HUBCTL_REGISTRY": "https://r.example"], exe: binary, cwd: "/") == "https://r.example")
        #expect(root(nil, env, exe: binary, cwd: "/") == registry)
        #expect(root(nil, env, exe: temp.appending("hubctl-link"), cwd: "/") == registry)
        #expect(root(nil, env, exe: "/usr/bin/true", cwd: temp.appending("checkout/.build")) == registry)
        #expect(root(nil, env, exe: "/usr/bin/true", cwd: "/") == nil)
    }
}
