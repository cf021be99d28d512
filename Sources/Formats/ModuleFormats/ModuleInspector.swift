/// Describes a module directory without loading its weights: it reads `tfhub_module.pb`, `saved_model.pb`
/// and `variables/variables.index` (a few MB even for the 1.9 GB AmoebaNet) and never maps the data files.
public enum ModuleInspector {
    /// The signature `hub.Module` uses when none is named.
    public static let defaultSignature = "default"

    public static func describe(directory: String) throws(FormatError) -> ModuleDescription {
        guard FileBytes.isDirectory(directory) else {
            throw .notAModule(directory: directory, reason: "no such directory")
        }
        let modulePath = directory + "/tfhub_module.pb"
        let savedModelPath = directory + "/saved_model.pb"
        guard FileBytes.isRegularFile(savedModelPath) else {
            throw .notAModule(directory: directory, reason: "saved_model.pb is missing")
        }
        let isHubModule = FileBytes.isRegularFile(modulePath)
        if isHubModule { _ = try HubModuleDef(path: modulePath) }
        let savedModel = try SavedModel(path: savedModelPath)

        let format: ModuleFormat
        let graph: MetaGraph
        if isHubModule {
            format = .tf1Hub
            // hub.Module / hub.load(tags=None) on a TF1 Hub module use the empty tag set.
            guard let inference = savedModel.metaGraph(tags: []) else {
                throw .notAModule(directory: directory, reason: "TF1 Hub module without an empty-tag MetaGraphDef")
            }
            graph = inference
        } else {
            format = savedModel.metaGraphs.contains(where: \.hasObjectGraph) ? .tf2SavedModel : .tf1SavedModel
            graph = savedModel.metaGraph(tags: ["serve"]) ?? savedModel.metaGraphs[0]
        }

        var signatures: [String: ModuleDescription.Signature] = [:]
        for (name, signature) in graph.signatures {
            signatures[name] = ModuleDescription.Signature(inputs: specs(signature.inputs), outputs: specs(signature.outputs))
        }

        let index = try bundleIndex(directory: directory)
        let entries = index?.entries ?? []
        let parameterEntries = entries.filter { $0.dtype.isFloatingPoint }
        let parameters = parameterEntries.reduce(0) { $0 + $1.elementCount }
        let weightBytes = entries.reduce(0) { $0 + $1.size }
        let variables = entries.filter { $0.name != "_CHECKPOINTABLE_OBJECT_GRAPH" }.count
        var trainable: Int? = nil
        if !graph.trainableVariables.isEmpty, let index {
            trainable = graph.trainableVariables.reduce(0) { $0 + (index[$1]?.elementCount ?? 0) }
        }

        // hub.get_expected_image_size: the attachment first, else the static H, W of the `images` input.
        let defaultSignature = graph.signatures[defaultSignature]
        let imagesShape = defaultSignature?.inputs["images"]?.shape.dimensions
        var imageSize: [Int]? = nil
        if let attached = try graph.defaultImageSize(file: savedModelPath) {
            imageSize = [attached.height, attached.width]
        } else if let imagesShape, imagesShape.count == 4, imagesShape[1] > 0, imagesShape[2] > 0 {
            imageSize = [imagesShape[1], imagesShape[2]]
        }
        var channels: Int? = nil
        if let imagesShape, imagesShape.count == 4, imagesShape[3] > 0 { channels = imagesShape[3] }

        let (classes, features) = outputWidth(graph: graph, entries: entries)

        return ModuleDescription(
            format: format, tags: graph.tags, signatures: signatures, expectedImageSize: imageSize,
            numChannels: channels, numClasses: classes, numFeatures: features, parameters: parameters,
            trainableParameters: trainable, weightBytes: weightBytes, variables: variables,
            batchNormEpsilon: graph.batchNormEpsilon, batchNormNodes: graph.batchNormEpsilons.count,
            tensorflowVersion: graph.tensorflowVersion.isEmpty ? nil : graph.tensorflowVersion)
    }

    /// The checkpoint index at `<directory>/variables/variables.index`, or nil for a module without variables.
    static func bundleIndex(directory: String) throws(FormatError) -> BundleIndex? {
        let prefix = directory + "/variables/variables"
        guard FileBytes.isRegularFile(prefix + ".index") else { return nil }
        return try BundleIndex(prefix: prefix)
    }

    static func specs(_ infos: [String: SignatureDef.TensorInfo]) -> [String: ModuleDescription.TensorSpec] {
        infos.mapValues { .init(dtype: $0.dtype.name, shape: $0.shape, tensorName: $0.tensorName) }
    }

    /// Decides whether the default output is logits (classes) or a feature vector, and their widths.
    ///
    /// The default signature's `default` output is compared with the `default` outputs of the common
    /// `image_classification` and `image_feature_vector` signatures; without those, a module whose checkpoint
    /// has a final fully connected layer (`.../FC/weights` or `.../logits/weights`, shape [in, out]) is a
    /// classifier. A classifier also reports its feature width (the feature-vector output or the FC input).
    static func outputWidth(graph: MetaGraph, entries: [BundleEntry]) -> (classes: Int?, features: Int?) {
        func width(_ info: SignatureDef.TensorInfo?) -> Int? {
            info?.shape.dimensions?.last.flatMap { $0 > 0 ? $0 : nil }
        }
        guard let output = graph.signatures[defaultSignature]?.outputs["default"] else { return (nil, nil) }
        let classifierWeights = entries.first { entry in
            let name = entry.name
            return entry.shape.dimensions?.count == 2 && (name.hasSuffix("FC/weights") || name.hasSuffix("logits/weights"))
        }?.shape.dimensions
        let classification = graph.signatures["image_classification"]?.outputs["default"]
        let featureVector = graph.signatures["image_feature_vector"]?.outputs["default"]
        let isClassifier: Bool
        if output.tensorName == featureVector?.tensorName {
            isClassifier = false
        } else if output.tensorName == classification?.tensorName {
            isClassifier = true
        } else {
            isClassifier = classifierWeights != nil
        }
        if isClassifier {
            return (width(output) ?? classifierWeights?[1], width(featureVector) ?? classifierWeights?[0])
        }
        return (nil, width(output))
    }
}
