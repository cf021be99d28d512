import AmoebaNet
import Foundation
import HubClient
import HubCore
import Imaging
import ModuleFormats

/// A fetched, verified module: what it is (read from its own files) and a way to run it.
///
/// The description is read eagerly (protobufs and checkpoint index only, milliseconds); the weights
/// are loaded by the first call that needs them and kept for later calls.
public final class HubModule: @unchecked Sendable {
    // @unchecked: the lazily loaded runtime is guarded by `lock`; everything else is immutable.

    /// The handle as cached (versioned registry handle, URL or absolute path).
    public let handle: String
    /// The module directory inside the cache (or the local folder it was given as).
    public let path: String
    /// SHA-256 of the archive it came from (nil for a local folder).
    public let sha256: String?
    public let description: ModuleDescription
    public let registryEntry: RegistryEntry?
    /// Class names for the logits, when the registry lists a label file.
    public let labels: LabelSet?
    public let expectedImageSize: ImageSize
    private let options: Hub.Options
    /// The cache's file for this module's folded weights, so later processes map them instead of
    /// re-deriving them (nil: prepare on every load).
    private let preparedWeightsPath: String?
    private let lock = NSLock()
    private var loadedRuntime: AmoebaNetModel?

    /// The module's signatures by name (`default`, `image_classification`, `image_feature_vector`).
    public var signatures: [String: ModuleDescription.Signature] { description.signatures }

    init(fetched: FetchedModule, registryEntry: RegistryEntry?, labels: LabelSet?, options: Hub.Options,
         preparedWeightsPath: String?) throws(HubKitError)
    {
        self.preparedWeightsPath = preparedWeightsPath
        handle = fetched.handle
        path = fetched.path
        sha256 = fetched.sha256
        self.registryEntry = registryEntry
        self.labels = labels
        self.options = options
        do {
            description = try ModuleInspector.describe(directory: fetched.path)
        } catch {
            throw .format(handle: fetched.handle, error)
        }
        guard let size = description.expectedImageSize, size.count == 2, size[0] > 0, size[1] > 0 else {
            throw .noImageSize(handle: fetched.handle)
        }
        expectedImageSize = ImageSize(height: size[0], width: size[1])
    }

    /// Logits width of a classifier (nil for a feature-vector module).
    public var numClasses: Int? { description.numClasses }
    /// Width of the pooled feature vector.
    public var numFeatures: Int? { description.numFeatures }

    /// The architecture the registry names, else what the checkpoint looks like.
    public var architecture: String {
        registryEntry?.networkArchitectures.first ?? "an unidentified architecture"
    }

    /// What a signature returns: logits for `image_classification` (and `default` of a classifier),
    /// pooled features for `image_feature_vector` (and `default` of a feature-vector module).
    public func outputKind(signature: String) throws(HubKitError) -> OutputKind {
        guard signatures[signature] != nil else {
            throw .unknownSignature(handle: handle, signature: signature, available: signatures.keys.sorted())
        }
        switch signature {
        case "image_feature_vector": return .features
        case "image_classification": return .logits
        default: return description.numClasses != nil ? .logits : .features
        }
    }

    /// Width of one image's output for `signature`.
    public func outputWidth(signature: String) throws(HubKitError) -> Int {
        let runtime = try loadRuntime()
        switch try outputKind(signature: signature) {
        case .logits: return runtime.config.classes ?? 0
        case .features: return runtime.config.features
        }
    }

    /// Runs `batch` NHWC float32 images in [0, 1] at `expectedImageSize` and returns the signature's
    /// `default` output, row-major `[batch, width]`.
    public func callAsFunction(images: [Float], batch: Int, signature: String = "default")
        throws(HubKitError) -> [Float]
    {
        let kind = try outputKind(signature: signature)
        let (height, width) = (expectedImageSize.height, expectedImageSize.width)
        guard batch > 0, images.count == batch * height * width * 3 else {
            throw .invalidInput(handle: handle,
                                message: "expected \(batch)×\(height)×\(width)×3 floats, got \(images.count)")
        }
        let runtime = try loadRuntime()
        do {
            return try runtime.run(images: images, batch: batch, height: height, width: width,
                                   output: kind == .logits ? .logits : .features)
        } catch {
            throw .runtime(handle: handle, error)
        }
    }

    /// The runtime for this module, loaded on first use. Dispatch is by architecture: AmoebaNet-A is
    /// the bundled runtime; any other architecture gets `HubKitError.noRuntime`.
    public func loadRuntime() throws(HubKitError) -> AmoebaNetModel {
        lock.lock()
        defer { lock.unlock() }
        if let loadedRuntime { return loadedRuntime }
        let named = registryEntry?.networkArchitectures ?? []
        if !named.isEmpty && !named.contains(where: { $0.lowercased().hasPrefix("amoebanet-a") }) {
            throw .noRuntime(handle: handle, architecture: named.joined(separator: ", "),
                             reason: "hubctl bundles an AmoebaNet-A runtime only")
        }
        do {
            let model = try AmoebaNetModel(moduleDirectory: path,
                                           options: RuntimeOptions(threads: options.threads,
                                                                   precision: options.precision,
                                                                   preparedWeightsPath: preparedWeightsPath))
            loadedRuntime = model
            return model
        } catch {
            if named.isEmpty, case .notAmoebaNet(_, let reason) = error {
                throw .noRuntime(handle: handle, architecture: architecture, reason: reason)
            }
            throw .runtime(handle: handle, error)
        }
    }

    /// Classifies image files: decode, resize to `expectedImageSize`, run in batches of `batchSize`,
    /// softmax, and the `top` most probable classes. A file that cannot be decoded gets its own error;
    /// the other files still run.
    public func classify(files: [String], top: Int = 5, signature: String = "default", batchSize: Int = 8,
                         centralCrop: Double? = nil) throws(HubKitError) -> [ImageResult] {
        guard try outputKind(signature: signature) == .logits else {
            throw .invalidInput(handle: handle, message: "signature '\(signature)' gives features, not logits")
        }
        return try process(files: files, signature: signature, batchSize: batchSize, centralCrop: centralCrop) {
            row in .top(Self.topK(logits: row, k: top, labels: labels))
        }
    }

    /// Feature vectors (or raw logits, for a logits signature) of image files, one result per file.
    public func outputs(files: [String], signature: String = "image_feature_vector", batchSize: Int = 8,
                        centralCrop: Double? = nil) throws(HubKitError) -> [ImageResult] {
        try process(files: files, signature: signature, batchSize: batchSize, centralCrop: centralCrop) {
            row in .vector(row)
        }
    }

    private func process(files: [String], signature: String, batchSize: Int, centralCrop: Double?,
                         make: ([Float]) -> ImageResult.Output) throws(HubKitError) -> [ImageResult] {
        let width = try outputWidth(signature: signature)
        let preprocessor: ImagePreprocessor
        do {
            preprocessor = try ImagePreprocessor(height: expectedImageSize.height, width: expectedImageSize.width,
                                                 centralCropFraction: centralCrop)
        } catch {
            throw .image(error)
        }
        let chunk = max(1, batchSize)
        var results: [ImageResult] = []
        results.reserveCapacity(files.count)
        var pixels = [Float](repeating: 0, count: chunk * preprocessor.sampleCount)
        var start = 0
        while start < files.count {
            let paths = Array(files[start..<min(start + chunk, files.count)])
            let count = paths.count
            if count < chunk { pixels = [Float](repeating: 0, count: count * preprocessor.sampleCount) }
            let failures = pixels.withUnsafeMutableBufferPointer { preprocessor.loadBatch(paths: paths, into: $0) }
            var output: [Float] = []
            if failures.contains(where: { $0 == nil }) {
                output = try self(images: pixels, batch: count, signature: signature)
            }
            for (index, path) in paths.enumerated() {
                if let failure = failures[index] {
                    results.append(ImageResult(file: path, outcome: .failure(.image(failure))))
                } else {
                    let row = Array(output[(index * width)..<((index + 1) * width)])
                    results.append(ImageResult(file: path, outcome: .success(make(row))))
                }
            }
            start += count
        }
        return results
    }

    /// Softmax over `logits` (max-subtracted, in Double) and the `k` most probable classes.
    public static func topK(logits: [Float], k: Int, labels: LabelSet?) -> [Prediction] {
        guard let maximum = logits.max() else { return [] }
        let exps = logits.map { Foundation.exp(Double($0 - maximum)) }
        let total = exps.reduce(0, +)
        let order = logits.indices.sorted { logits[$0] != logits[$1] ? logits[$0] > logits[$1] : $0 < $1 }
        return order.prefix(max(0, k)).map {
            Prediction(index: $0, label: labels?[$0], probability: exps[$0] / total, logit: logits[$0])
        }
    }
}
