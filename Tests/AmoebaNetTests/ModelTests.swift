import AmoebaNet
import Foundation
import Testing

/// The whole network on small random checkpoints against the naive spec implementation, and refusal of
/// checkpoints that are not AmoebaNet-A. Tolerance: max |runtime − naive| ≤ 1e-4 × max |naive| per output
/// (the issue's bound; float32 vs Double summation over ~15 layers stays near 1e-6).
@Suite("AmoebaNet model on synthetic checkpoints")
struct ModelTests {
    static let tolerance = 1e-4
    static let (normal, filters, stemFilters, classes, size) = (3, 16, 8, 11, 63)

    private func source(_ variables: NaiveAmoebaNet.Variables,
                        origin: String = "synthetic-module") -> InMemoryWeightSource {
        let source = InMemoryWeightSource(origin: origin)
        for (name, tensor) in variables { source.set(name, shape: tensor.shape, values: tensor.values) }
        return source
    }

    /// Micro-batch 1 runs batch 3 as three batch-1 plans, 2 as a full chunk and a padded one, 3 as one plan.
    @Test("Logits and features equal the naive network at batch 1 and batch 3", arguments: [1, 2, 3])
    func wholeNetwork(microBatch: Int) throws {
        let variables = NaiveAmoebaNet.randomVariables(normal: Self.normal, filters: Self.filters,
                                                       stemFilters: Self.stemFilters, classes: Self.classes, seed: 5)
        let model = try AmoebaNetModel(source: source(variables), epsilon: 1e-3, imageSize: Self.size,
                                       directory: "synthetic-module",
                                       options: RuntimeOptions(threads: 2, microBatch: microBatch))
        #expect(model.config.cells.count == Self.normal + 4)
        #expect(model.config.features == 4 * Self.filters * 4)
        #expect(model.config.classes == Self.classes)
        let naive = NaiveAmoebaNet(variables: variables, epsilon: 1e-3)
        var random = SeededGenerator(seed: 99)
        let batch = 3
        let images = random.floats(batch * Self.size * Self.size * 3, 0, 1)
        let expected = naive.run(images: images, batch: batch, size: Self.size, normal: Self.normal,
                                 filters: Self.filters)
        let logits = try model.run(images: images, batch: batch, height: Self.size, width: Self.size, output: .logits)
        #expect(logits.count == batch * Self.classes)
        let features = try model.run(images: images, batch: batch, height: Self.size, width: Self.size,
                                     output: .features)
        let classes = Self.classes, width = model.config.features
        for n in 0 ..< batch {
            let logitRow = Array(logits[n * classes ..< (n + 1) * classes])
            #expect(relativeError(logitRow, Array(expected.logits![n * classes ..< (n + 1) * classes])) <= Self.tolerance)
            let featureRow = Array(features[n * width ..< (n + 1) * width])
            #expect(relativeError(featureRow, Array(expected.features[n * width ..< (n + 1) * width])) <= Self.tolerance)
        }
        // Batch 1 gives the same rows as batch 3.
        let single = try model.run(images: Array(images[0 ..< Self.size * Self.size * 3]), batch: 1,
                                   height: Self.size, width: Self.size, output: .logits)
        #expect(relativeError(single, Array(expected.logits![0 ..< classes])) <= Self.tolerance)
    }

    @Test("A feature-vector checkpoint has no logits and still gives features")
    func featureVectorModule() throws {
        let variables = NaiveAmoebaNet.randomVariables(normal: Self.normal, filters: Self.filters,
                                                       stemFilters: Self.stemFilters, classes: nil, seed: 6)
        let model = try AmoebaNetModel(source: source(variables), epsilon: 1e-5, imageSize: Self.size,
                                       directory: "synthetic-features", options: RuntimeOptions(threads: 2))
        #expect(model.config.classes == nil)
        let images = [Float](repeating: 0.5, count: Self.size * Self.size * 3)
        #expect(throws: RuntimeError.self) {
            _ = try model.run(images: images, batch: 1, height: Self.size, width: Self.size, output: .logits)
        }
        let features = try model.run(images: images, batch: 1, height: Self.size, width: Self.size, output: .features)
        #expect(features.count == model.config.features)
    }

    @Test("A checkpoint missing one variable is refused with an error naming it")
    func missingVariable() throws {
        var variables = NaiveAmoebaNet.randomVariables(normal: Self.normal, filters: Self.filters,
                                                       stemFilters: Self.stemFilters, classes: Self.classes, seed: 7)
        let removed = "cell_1/comb_iter_3/right/bn_sep_5x5_2/moving_variance"
        variables[removed] = nil
        #expect(throws: RuntimeError.missingVariable(name: removed, module: "broken-module")) {
            _ = try AmoebaNetModel(source: source(variables, origin: "broken-module"), epsilon: 1e-3,
                                   imageSize: Self.size, directory: "broken-module", options: .init(threads: 1))
        }
        let error = RuntimeError.missingVariable(name: removed, module: "broken-module")
        #expect(error.description.contains(removed))
    }

    @Test("A checkpoint without the stem is not an AmoebaNet-A")
    func notAmoebaNet() throws {
        let source = InMemoryWeightSource(origin: "resnet-module")
        source.set("resnet_v2_50/conv1/weights", shape: [7, 7, 3, 64], values: [Float](repeating: 0, count: 7 * 7 * 3 * 64))
        #expect(throws: RuntimeError.missingVariable(name: "stem/conv0/weights", module: "resnet-module")) {
            _ = try AmoebaNetModel(source: source, epsilon: 1e-3, imageSize: 331, directory: "resnet-module",
                                   options: .init(threads: 1))
        }
    }

    @Test("A directory that is not a module gives a one-line unreadable-module error")
    func unreadableDirectory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("amoebanet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            _ = try AmoebaNetModel(moduleDirectory: directory.path)
            Issue.record("loading an empty directory succeeded")
        } catch {
            guard case .unreadableModule(let path, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(path == directory.path)
            #expect(!error.description.contains("\n"))
        }
    }
}
