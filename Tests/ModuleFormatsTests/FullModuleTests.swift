import Foundation
import ModuleFormats
import Testing

/// Checks on the full-size AmoebaNet-A module (N=18, F=448, ~1.9 GB), which is generated on demand by
/// Tests/Reference/make_full.sh and never committed. Runs only when its unpacked directory exists.
@Suite("Full-size module (when generated)")
struct FullModuleTests {
    static let root = ProcessInfo.processInfo.environment["HUBCTL_FULL_DIR"]
        ?? (NSHomeDirectory() + "/.cache/hubctl-dev/full")
    static let directory = root + "/work/amoebanet_a_n18_f448_classification"
    static var present: Bool { FileManager.default.fileExists(atPath: directory + "/variables/variables.index") }

    @Test("describe matches the spec's counts and TensorFlow's manifest, fast, without reading weights",
          .enabled(if: present))
    func describeFull() throws {
        var best = Double.infinity
        var description: ModuleDescription?
        for _ in 0..<3 {
            let start = DispatchTime.now()
            description = try ModuleInspector.describe(directory: Self.directory)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9)
        }
        let full = try #require(description)
        // Spec section B / reference notes: 1,372 variables, 468,606,025 parameters, 1,874,424,100 bytes.
        #expect(full.variables == 1372)
        #expect(full.parameters == 468_606_025)
        #expect(full.weightBytes == 1_874_424_100)
        #expect(full.numClasses == 1001)
        #expect(full.numFeatures == 7168)
        #expect(full.expectedImageSize == [331, 331])
        // Tens of milliseconds when only .pb and .index are read; reading 1.9 GB would take seconds.
        #expect(best < 0.5, "describe took \(best) s")
        let manifestPath = Self.root + "/reference/manifest.json"
        if let manifest = try? Fixtures.json(manifestPath),
           let module = (manifest["modules"] as? [String: [String: Any]])?["amoebanet_a_n18_f448_classification"] {
            #expect(full.parameters == module["parameter_count"] as? Int)
            #expect(full.batchNormEpsilon == Float((module["epsilon"] as? NSNumber)?.doubleValue ?? .nan))
        }
    }
}
