import Foundation
import HubKit
import Testing
import TestSupport

/// Dispatch by architecture: a module whose registry entry names an architecture hubctl has no runtime
/// for still fetches and describes, and running it says so in one line.
@Suite("Runtime dispatch by architecture")
struct RuntimeDispatchTests {
    @Test("an architecture without a bundled runtime: fetch and info work, run says 'no runtime for'")
    func noRuntime() throws {
        let root = try TemporaryDirectory(prefix: "hubkit-registry")
        let folder = root.appending("registry/acme/imagenet/mobilenet_x/classification")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let archive = Repository.fixtures.appendingPathComponent(
            "modules/amoebanet_a_n6_f16_classification.tar.gz").path
        try FileManager.default.copyItem(atPath: archive, toPath: folder + "/1.tar.gz")
        let document = """
            # Module acme/imagenet/mobilenet_x/classification/1
            <!-- asset-path: 1.tar.gz -->
            <!-- format: hub -->
            <!-- task: image-classification -->
            <!-- network-architecture: mobilenet-x -->

            A test entry whose architecture has no runtime.
            """
        try document.write(toFile: folder + "/1.md", atomically: true, encoding: .utf8)
        let options = Hub.Options(cacheDirectory: root.appending("cache"), registry: root.appending("registry"))
        let module = try Hub.module("acme/imagenet/mobilenet_x/classification/1", options: options)
        #expect(module.numClasses == 1001)
        #expect(module.architecture == "mobilenet-x")
        do {
            _ = try module.loadRuntime()
            Issue.record("expected noRuntime")
        } catch {
            guard case .noRuntime = error else {
                Issue.record("expected noRuntime, got \(error)")
                return
            }
            #expect(error.description.contains("no runtime for mobilenet-x"))
        }
    }
}
