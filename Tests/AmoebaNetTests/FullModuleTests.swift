import AmoebaNet
import Foundation
import Testing
import TestSupport

/// The full-size N=18/F=448 module (built by Tests/Reference/make_full.sh, ~1.9 GB, not committed) against
/// TensorFlow's outputs on the reference images. Opt-in: `RUN_FULL_MODULE=1` (and optionally
/// `HUBCTL_FULL_DIR`, default ~/.cache/hubctl-dev/full; `HUBCTL_FULL_MODULE` = an unpacked copy). Same tolerance as the fixtures: per image,
/// max |hubctl − TF| ≤ 1e-4 × max |TF| and the same top-5.
@Suite("AmoebaNet full-size module", .enabled(if: ProcessInfo.processInfo.environment["RUN_FULL_MODULE"] == "1"))
struct FullModuleTests {
    static let name = "amoebanet_a_n18_f448_classification"

    @Test("N=18/F=448 logits equal TensorFlow's at batch 4")
    func fullModule() throws {
        let environment = ProcessInfo.processInfo.environment
        let root = URL(fileURLWithPath: environment["HUBCTL_FULL_DIR"]
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/hubctl-dev/full").path)
        let workspace = FileManager.default.temporaryDirectory.appendingPathComponent("amoebanet-full-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: workspace) }
        var moduleDirectory = workspace.path
        if let unpacked = environment["HUBCTL_FULL_MODULE"] {
            moduleDirectory = unpacked
        } else {
            let tar = Process()
            tar.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
            tar.arguments = ["-xzf", root.appendingPathComponent("\(Self.name).tar.gz").path, "-C", workspace.path]
            try tar.run()
            tar.waitUntilExit()
            try #require(tar.terminationStatus == 0, "cannot unpack \(Self.name).tar.gz under \(root.path)")
        }
        let model = try AmoebaNetModel(moduleDirectory: moduleDirectory)
        #expect(model.config.normalCells == 18 && model.config.filters == 448)
        #expect(model.config.features == 7168 && model.config.classes == 1001)
        let images = try NPYFile(path: root.appendingPathComponent("reference/images_331.npy").path)
        let expected = try NPYFile(path: root.appendingPathComponent("reference/\(Self.name)__default__default.npy").path)
        let (count, size) = (images.shape[0], images.shape[1])
        let logits = try model.run(images: images.values.map { $0 / 255 }, batch: count, height: size, width: size)
        for row in 0 ..< count {
            let mine = Array(logits[row * 1001 ..< (row + 1) * 1001])
            let theirs = Array(expected.values[row * 1001 ..< (row + 1) * 1001])
            let scale = theirs.map(abs).max() ?? 0
            let worst = zip(mine, theirs).map { abs($0 - $1) }.max() ?? 0
            print("image \(row): max |Δ| \(worst), max |TF| \(scale)")
            #expect(worst <= 1e-4 * scale)
            let top = { (v: [Float]) in v.indices.sorted { v[$0] > v[$1] }.prefix(5).map { $0 } }
            #expect(top(mine) == top(theirs))
        }
    }
}
