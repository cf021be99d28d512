import AmoebaNet
import Foundation
import HubKit
import Testing
import TestSupport

/// `Hub.module(handle)` end to end on the TensorFlow-made fixture module: local archive → cache →
/// description → runtime, compared with TensorFlow's own outputs.
@Suite("Hub.module on the N=6/F=16 reference modules")
struct HubModuleTests {
    let cache: TemporaryDirectory
    static let classification = Repository.fixtures.appendingPathComponent(
        "modules/amoebanet_a_n6_f16_classification.tar.gz").path
    static let featureVector = Repository.fixtures.appendingPathComponent(
        "modules/amoebanet_a_n6_f16_feature_vector.tar.gz").path
    static let reference = Repository.fixtures.appendingPathComponent("reference")

    init() throws {
        cache = try TemporaryDirectory(prefix: "hubkit-test")
    }

    var options: Hub.Options { Hub.Options(cacheDirectory: cache.path, registry: Repository.registry.path, threads: 2) }

    /// Largest |a - b| over the largest |b|, per row: the issue's tolerance measure.
    static func relativeError(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Float {
        let scale = b.map { abs($0) }.max() ?? 1
        return zip(a, b).map { abs($0 - $1) }.max()! / scale
    }

    @Test("description comes from the module's own files")
    func describes() throws {
        let module = try Hub.module(Self.classification, options: options)
        #expect(module.expectedImageSize == ImageSize(height: 331, width: 331))
        #expect(module.numClasses == 1001)
        #expect(Set(module.signatures.keys) == ["default", "image_classification", "image_feature_vector"])
        #expect(module.path.hasPrefix(cache.path))
        #expect(module.sha256?.count == 64)
    }

    @Test("logits and features equal TensorFlow's within 1e-4 × max|TF| per image")
    func matchesTensorFlow() throws {
        let images = try NPYFile(path: Self.reference.appendingPathComponent("images_331.npy").path)
        let pixels = images.values.map { $0 / 255 }
        let batch = images.shape[0]
        let module = try Hub.module(Self.classification, options: options)
        for (signature, file, width) in [("default", "default__default", 1001),
                                         ("image_feature_vector", "image_feature_vector__default", 256)] {
            let expected = try NPYFile(path: Self.reference.appendingPathComponent(
                "amoebanet_a_n6_f16_classification__\(file).npy").path).values
            let actual = try module(images: pixels, batch: batch, signature: signature)
            #expect(actual.count == batch * width)
            for row in 0..<batch {
                let range = (row * width)..<((row + 1) * width)
                let error = Self.relativeError(actual[range], expected[range])
                #expect(error <= 1e-4, "\(signature) image \(row): relative error \(error)")
            }
        }
    }

    @Test("classify(files:) ranks like TensorFlow on lossless copies of the reference images")
    func classifiesFiles() throws {
        let module = try Hub.module(Self.classification, options: options)
        let files = (0..<4).map { Repository.fixtures.appendingPathComponent("reference-png/image_\($0).png").path }
        let results = try module.classify(files: files + ["/nonexistent/missing.png"], top: 5, batchSize: 3)
        let logits = try NPYFile(path: Self.reference.appendingPathComponent(
            "amoebanet_a_n6_f16_classification__default__default.npy").path).values
        #expect(results.count == 5)
        for (row, result) in results.prefix(4).enumerated() {
            guard case .success(.top(let top)) = result.outcome else {
                Issue.record("image \(row) failed: \(result.outcome)")
                continue
            }
            let reference = Array(logits[(row * 1001)..<((row + 1) * 1001)])
            let expectedOrder = reference.indices.sorted { reference[$0] > reference[$1] }.prefix(5)
            #expect(top.map(\.index) == Array(expectedOrder))
            // Labels come from the bundled ImageNet list via... nothing: a local archive has no registry entry.
            #expect(top.allSatisfy { $0.label == nil })
            let probabilities = top.map(\.probability)
            #expect(probabilities == probabilities.sorted(by: >))
        }
        guard case .failure(let error) = results[4].outcome else {
            Issue.record("a missing file must fail on its own")
            return
        }
        #expect(error.description.contains("/nonexistent/missing.png"))
    }

    @Test("a feature-vector module has only features")
    func featureVectorModule() throws {
        let module = try Hub.module(Self.featureVector, options: options)
        #expect(module.numFeatures == 256)
        #expect(try module.outputKind(signature: "default") == .features)
        #expect(throws: HubKitError.self) { try module.outputKind(signature: "image_classification") }
        let results = try module.outputs(files: [Repository.fixtures.appendingPathComponent(
            "reference-png/image_2.png").path], signature: "default")
        let expected = try NPYFile(path: Self.reference.appendingPathComponent(
            "amoebanet_a_n6_f16_feature_vector__default__default.npy").path).values
        guard case .success(.vector(let features)) = results[0].outcome else {
            Issue.record("feature extraction failed: \(results[0].outcome)")
            return
        }
        #expect(Self.relativeError(features[...], expected[(2 * 256)..<(3 * 256)]) <= 1e-4)
    }

    @Test("the second load maps the weights the first one prepared in the cache")
    func preparedWeightsReused() throws {
        let first = try Hub.module(Self.classification, options: options)
        #expect(try first.loadRuntime().reusedPreparedWeights == false)
        let prepared = cache.appending("prepared")
        let files = try FileManager.default.contentsOfDirectory(atPath: prepared)
        #expect(files.count == 1 && files[0].hasSuffix(".fp32.weights"))
        let second = try Hub.module(Self.classification, options: options)
        #expect(try second.loadRuntime().reusedPreparedWeights == true)
        let images = try NPYFile(path: Self.reference.appendingPathComponent("images_331.npy").path)
        let pixels = Array(images.values[0..<(331 * 331 * 3)]).map { $0 / 255 }
        #expect(try first(images: pixels, batch: 1) == second(images: pixels, batch: 1))
    }

    @Test("unknown signature is a usage error naming the signature")
    func unknownSignature() throws {
        let module = try Hub.module(Self.classification, options: options)
        do {
            _ = try module.outputKind(signature: "serving_default")
            Issue.record("expected an error")
        } catch {
            #expect(error.isUsageError)
            #expect(error.description.contains("serving_default"))
        }
    }
}
