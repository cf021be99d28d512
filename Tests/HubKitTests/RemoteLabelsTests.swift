import Foundation
import HubKit
import Testing
import TestSupport

/// Labels of a module from a remote registry are fetched once and kept in the cache, so an offline run
/// of the cached module still prints class names.
@Suite("Labels from a remote registry")
struct RemoteLabelsTests {
    @Test("fetched with the module, still there offline after the server is gone")
    func labelsSurviveOffline() throws {
        let cache = try TemporaryDirectory(prefix: "hubkit-labels")
        let server = try NginxServer(root: Repository.registry.path)
        let handle = "hubctl/digits/amoebanet_a_n6_f24/classification/1"
        let online = try Hub.module(handle, options: Hub.Options(cacheDirectory: cache.path, registry: server.baseURL))
        #expect(online.labels?.names == (0..<10).map(String.init))
        server.stop()
        let offline = try Hub.module(handle, options: Hub.Options(cacheDirectory: cache.path,
                                                                   registry: server.baseURL, offline: true))
        #expect(offline.labels == online.labels)
        let sample = Repository.registry.appendingPathComponent("hubctl/digits/samples/digit_4.png").path
        let results = try offline.classify(files: [sample], top: 1)
        guard case .success(.top(let top)) = results[0].outcome else {
            Issue.record("classification failed: \(results[0].outcome)")
            return
        }
        #expect(top.first?.label == "4")
    }
}
