/// What `hubctl info` reports about a module, gathered from its `.pb` files and checkpoint index only.
/// Encodes to JSON with the snake_case keys of issue 3; `docs/formats.md` says where each field comes from.
public struct ModuleDescription: Codable, Hashable, Sendable {
    /// One signature input or output.
    public struct TensorSpec: Codable, Hashable, Sendable {
        public var dtype: String
        /// Dimensions with -1 for unknown sizes; null when the rank is unknown.
        public var shape: TensorShape
        /// The graph tensor behind it, e.g. `hub_input/images:0`.
        public var tensorName: String

        enum CodingKeys: String, CodingKey {
            case dtype, shape
            case tensorName = "tensor_name"
        }
    }

    /// A signature's inputs and outputs by key.
    public struct Signature: Codable, Hashable, Sendable {
        public var inputs: [String: TensorSpec]
        public var outputs: [String: TensorSpec]
    }

    public var format: ModuleFormat
    /// Tags of the MetaGraphDef that was described (empty for a TF1 Hub module's inference graph).
    public var tags: [String]
    public var signatures: [String: Signature]
    /// [height, width] from `image_module_info`, else from the `images` input of the default signature.
    public var expectedImageSize: [Int]?
    public var numChannels: Int?
    /// Logits width, for classifiers.
    public var numClasses: Int?
    /// Feature vector width, for feature extractors.
    public var numFeatures: Int?
    /// Elements of every floating-point tensor in the checkpoint (weights and BatchNorm statistics).
    public var parameters: Int
    /// Elements of the variables listed in the `trainable_variables` collection (TF1 graphs only).
    public var trainableParameters: Int?
    /// Bytes of all tensor data in the checkpoint.
    public var weightBytes: Int
    /// Checkpoint entries, not counting the TF2 object-graph bookkeeping string.
    public var variables: Int
    /// The FusedBatchNorm epsilon shared by every BatchNorm node of the graph (nil if none or they differ).
    public var batchNormEpsilon: Float?
    /// How many FusedBatchNorm* nodes the graph has.
    public var batchNormNodes: Int
    /// `MetaInfoDef.tensorflow_version` of the writer.
    public var tensorflowVersion: String?

    enum CodingKeys: String, CodingKey {
        case format, tags, signatures, parameters, variables
        case expectedImageSize = "expected_image_size"
        case numChannels = "num_channels"
        case numClasses = "num_classes"
        case numFeatures = "num_features"
        case trainableParameters = "trainable_parameters"
        case weightBytes = "weight_bytes"
        case batchNormEpsilon = "batch_norm_epsilon"
        case batchNormNodes = "batch_norm_nodes"
        case tensorflowVersion = "tensorflow_version"
    }
}
