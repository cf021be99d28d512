import AmoebaNet
import Foundation
import Testing
import TestSupport

/// The whole network against TensorFlow 2.21's outputs for the committed N=6/F=16 TF1 Hub modules
/// (Tests/Fixtures, made by Tests/Reference). Tolerance, from the issue: for every output vector,
/// max |hubctl − TF| ≤ 1e-4 × max |TF|, and the top-5 classes are identical.
@Suite("AmoebaNet against TensorFlow fixtures")
struct FixtureTests {
    static let tolerance: Float = 1e-4
    static let reference = Repository.fixtures.appendingPathComponent("reference")
    let workspace: URL

    init() throws {
        workspace = FileManager.default.temporaryDirectory.appendingPathComponent("amoebanet-fixtures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
    }

    /// Unpacks a fixture module archive into this suite's temporary directory.
    private func unpack(_ name: String) throws -> String {
        let directory = workspace.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        tar.arguments = ["-xzf", Repository.fixtures.appendingPathComponent("modules/\(name).tar.gz").path,
                         "-C", directory.path]
        try tar.run()
        tar.waitUntilExit()
        try #require(tar.terminationStatus == 0, "tar failed on \(name)")
        return directory.path
    }

    private func images() throws -> (values: [Float], count: Int, size: Int) {
        let file = try NPYFile(path: Self.reference.appendingPathComponent("images_331.npy").path)
        return (file.values.map { $0 / 255 }, file.shape[0], file.shape[1])
    }

    private func expectClose(_ actual: [Float], _ expected: [Float], width: Int, rows: Range<Int>, what: String,
                             topFive: Bool) {
        for row in rows {
            let mine = Array(actual[(row - rows.lowerBound) * width ..< (row - rows.lowerBound + 1) * width])
            let theirs = Array(expected[row * width ..< (row + 1) * width])
            let scale = theirs.map(abs).max() ?? 0
            let worst = zip(mine, theirs).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= Self.tolerance * scale, "\(what) image \(row): max diff \(worst), max |TF| \(scale)")
            if topFive {
                let top = { (v: [Float]) in v.indices.sorted { v[$0] > v[$1] }.prefix(5).map { $0 } }
                #expect(top(mine) == top(theirs), "\(what) image \(row): top-5 differs")
            }
        }
    }

    @Test("Classification module: logits at batch 4 and batch 1, features from global_pool")
    func classification() throws {
        defer { try? FileManager.default.removeItem(at: workspace) }
        let name = "amoebanet_a_n6_f16_classification"
        let model = try AmoebaNetModel(moduleDirectory: try unpack(name), options: RuntimeOptions(threads: 2))
        #expect(model.config.normalCells == 6 && model.config.filters == 16)
        #expect(model.config.classes == 1001 && model.config.features == 256)
        #expect(model.config.batchNormEpsilon == 1e-5)
        let (values, count, size) = try images()
        let logits = try NPYFile(path: Self.reference.appendingPathComponent("\(name)__default__default.npy").path)
        let pool = try NPYFile(path: Self.reference
            .appendingPathComponent("\(name)__image_classification__global_pool.npy").path)

        let batchLogits = try model.run(images: values, batch: count, height: size, width: size, output: .logits)
        expectClose(batchLogits, logits.values, width: 1001, rows: 0 ..< count, what: "logits batch \(count)",
                    topFive: true)
        let batchFeatures = try model.run(images: values, batch: count, height: size, width: size, output: .features)
        expectClose(batchFeatures, pool.values, width: 256, rows: 0 ..< count, what: "features", topFive: false)

        let perImage = size * size * 3
        for image in [0, count - 1] {
            let single = try model.run(images: Array(values[image * perImage ..< (image + 1) * perImage]), batch: 1,
                                       height: size, width: size, output: .logits)
            expectClose(single, logits.values, width: 1001, rows: image ..< image + 1, what: "logits batch 1",
                        topFive: true)
        }
    }

    @Test("Feature-vector module: features at batch 4, no logits")
    func featureVector() throws {
        defer { try? FileManager.default.removeItem(at: workspace) }
        let name = "amoebanet_a_n6_f16_feature_vector"
        let model = try AmoebaNetModel(moduleDirectory: try unpack(name), options: RuntimeOptions(threads: 2))
        #expect(model.config.classes == nil && model.config.features == 256)
        let (values, count, size) = try images()
        let expected = try NPYFile(path: Self.reference
            .appendingPathComponent("\(name)__image_feature_vector__default.npy").path)
        let features = try model.run(images: values, batch: count, height: size, width: size, output: .features)
        expectClose(features, expected.values, width: 256, rows: 0 ..< count, what: "features", topFive: false)
        #expect(throws: RuntimeError.self) {
            _ = try model.run(images: values, batch: count, height: size, width: size, output: .logits)
        }
    }

    @Test("Prepared weights: written on the first load, memory-mapped on the next, same outputs bit for bit")
    func preparedWeights() throws {
        defer { try? FileManager.default.removeItem(at: workspace) }
        let directory = try unpack("amoebanet_a_n6_f16_classification")
        let path = workspace.appendingPathComponent("prepared.hubw").path
        let options = RuntimeOptions(threads: 2, preparedWeightsPath: path)
        let (values, _, size) = try images()
        let one = Array(values[0 ..< size * size * 3])

        let first = try AmoebaNetModel(moduleDirectory: directory, options: options)
        #expect(!first.reusedPreparedWeights)
        #expect(FileManager.default.fileExists(atPath: path))
        let expected = try first.run(images: one, batch: 1, height: size, width: size)

        let second = try AmoebaNetModel(moduleDirectory: directory, options: options)
        #expect(second.reusedPreparedWeights)
        #expect(try second.run(images: one, batch: 1, height: size, width: size) == expected)

        // A different epsilon is a different folding: the file is not reused.
        var other = options
        other.batchNormEpsilon = 1e-3
        let third = try AmoebaNetModel(moduleDirectory: directory, options: other)
        #expect(!third.reusedPreparedWeights)

        // A damaged file is ignored, not trusted.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 100)
        try handle.close()
        let fourth = try AmoebaNetModel(moduleDirectory: directory, options: options)
        #expect(!fourth.reusedPreparedWeights)
        #expect(try fourth.run(images: one, batch: 1, height: size, width: size) == expected)
    }

    @Test("bf16 precision: same top-1 as TensorFlow's fp32 and logits within 0.1 × max |TF| (measured 2.6–5.4%)")
    func bf16() throws {
        defer { try? FileManager.default.removeItem(at: workspace) }
        let name = "amoebanet_a_n6_f16_classification"
        let model = try AmoebaNetModel(moduleDirectory: try unpack(name),
                                       options: RuntimeOptions(threads: 2, precision: .bf16))
        let (values, count, size) = try images()
        let expected = try NPYFile(path: Self.reference.appendingPathComponent("\(name)__default__default.npy").path)
        let logits = try model.run(images: values, batch: count, height: size, width: size)
        for row in 0 ..< count {
            let mine = Array(logits[row * 1001 ..< (row + 1) * 1001])
            let theirs = Array(expected.values[row * 1001 ..< (row + 1) * 1001])
            let scale = theirs.map(abs).max() ?? 0
            let worst = zip(mine, theirs).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 0.1 * scale, "bf16 image \(row): max diff \(worst), max |TF| \(scale)")
            #expect(mine.indices.max { mine[$0] < mine[$1] } == theirs.indices.max { theirs[$0] < theirs[$1] })
        }
    }
}
