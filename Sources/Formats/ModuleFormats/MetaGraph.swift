/// The parts of one `MetaGraphDef` that a module manager needs, gathered in a single pass over the bytes.
///
/// The graph itself is not materialised: nodes are scanned for their op type (counted) and, for
/// FusedBatchNorm*, their `epsilon` attribute. Field numbers follow meta_graph.proto / graph.proto.
public struct MetaGraph: Sendable {
    /// `MetaInfoDef.tags` (empty for a TF1 Hub module's inference graph).
    public let tags: [String]
    /// `MetaInfoDef.tensorflow_version` of the writer, if recorded.
    public let tensorflowVersion: String
    public let signatures: [String: SignatureDef]
    /// Names of every collection in `collection_def`.
    public let collectionNames: [String]
    /// `hub_module_attachments`: ModuleAttachment key → serialized value.
    public let attachments: [String: [UInt8]]
    /// Variable names (without `:0`) of the `trainable_variables` collection.
    public let trainableVariables: [String]
    /// How many nodes use each op type, in the graph and its function library.
    public let opCounts: [String: Int]
    /// The `epsilon` of every FusedBatchNorm/V2/V3 node in node order (the op default 1e-4 when absent).
    public let batchNormEpsilons: [Float]
    /// Whether `object_graph_def` (field 7) is present: the mark of a TF2 SavedModel.
    public let hasObjectGraph: Bool

    /// The op default of `FusedBatchNorm`, `FusedBatchNormV2` and `FusedBatchNormV3` (nn_ops.cc).
    public static let fusedBatchNormDefaultEpsilon: Float = 1e-4
    static let batchNormOps: Set<String> = ["FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"]

    /// A height and width pair, as `ImageModuleInfo.default_image_size` stores it.
    public struct ImageSize: Hashable, Sendable {
        public let height: Int
        public let width: Int
    }

    /// The single epsilon shared by all BatchNorm nodes, or nil when there are none or they disagree.
    public var batchNormEpsilon: Float? {
        guard let first = batchNormEpsilons.first, batchNormEpsilons.allSatisfy({ $0 == first }) else { return nil }
        return first
    }

    /// `image_module_info` → `default_image_size` (InputSize height=1, width=2), nil when absent or zero.
    public func defaultImageSize(file: String) throws(FormatError) -> ImageSize? {
        guard let bytes = attachments["image_module_info"] else { return nil }
        var info = ProtobufReader(bytes: bytes, file: file + " (image_module_info)")
        var height: Int32 = 0, width: Int32 = 0
        while let field = try info.nextField() {
            guard field.number == 1 else { try info.skip(field); continue }
            try info.expect(field, .lengthDelimited, "ImageModuleInfo.default_image_size")
            var size = try info.readMessage()
            while let sizeField = try size.nextField() {
                switch sizeField.number {
                case 1:
                    try size.expect(sizeField, .varint, "InputSize.height")
                    height = try size.readInt32()
                case 2:
                    try size.expect(sizeField, .varint, "InputSize.width")
                    width = try size.readInt32()
                default: try size.skip(sizeField)
                }
            }
        }
        guard height > 0, width > 0 else { return nil }
        return ImageSize(height: Int(height), width: Int(width))
    }

    package static func parse(_ reader: inout ProtobufReader) throws(FormatError) -> MetaGraph {
        var tags: [String] = []
        var version = ""
        var signatures: [String: SignatureDef] = [:]
        var collections: [String] = []
        var attachments: [String: [UInt8]] = [:]
        var trainable: [String] = []
        var scan = GraphScan()
        var hasObjectGraph = false
        while let field = try reader.nextField() {
            switch field.number {
            case 1:
                try reader.expect(field, .lengthDelimited, "MetaGraphDef.meta_info_def")
                var info = try reader.readMessage()
                while let infoField = try info.nextField() {
                    switch infoField.number {
                    case 4:
                        try info.expect(infoField, .lengthDelimited, "MetaInfoDef.tags")
                        tags.append(try info.readString())
                    case 5:
                        try info.expect(infoField, .lengthDelimited, "MetaInfoDef.tensorflow_version")
                        version = try info.readString()
                    default: try info.skip(infoField)
                    }
                }
            case 2:
                try reader.expect(field, .lengthDelimited, "MetaGraphDef.graph_def")
                var graph = try reader.readMessage()
                try scan.scanGraph(&graph)
            case 4:
                try reader.expect(field, .lengthDelimited, "MetaGraphDef.collection_def")
                var entry = try reader.readMessage()
                let (name, values) = try parseCollection(&entry)
                collections.append(name)
                if name == "hub_module_attachments" {
                    for value in values {
                        var attachment = ProtobufReader(bytes: value, file: reader.file)
                        var key = ""
                        var payload: [UInt8] = []
                        while let attachmentField = try attachment.nextField() {
                            switch attachmentField.number {
                            case 1:
                                try attachment.expect(attachmentField, .lengthDelimited, "ModuleAttachment.key")
                                key = try attachment.readString()
                            case 2:
                                try attachment.expect(attachmentField, .lengthDelimited, "ModuleAttachment.value")
                                payload = try attachment.readBytes()
                            default: try attachment.skip(attachmentField)
                            }
                        }
                        attachments[key] = payload
                    }
                } else if name == "trainable_variables" {
                    for value in values {
                        // VariableDef.variable_name = 1, e.g. "cell_0/.../weights:0".
                        var variable = ProtobufReader(bytes: value, file: reader.file)
                        while let variableField = try variable.nextField() {
                            guard variableField.number == 1, variableField.wireType == .lengthDelimited else {
                                try variable.skip(variableField); continue
                            }
                            var variableName = try variable.readString()
                            if let colon = variableName.lastIndex(of: ":") { variableName = String(variableName[..<colon]) }
                            trainable.append(variableName)
                        }
                    }
                }
            case 5:
                try reader.expect(field, .lengthDelimited, "MetaGraphDef.signature_def")
                let (key, signature) = try reader.readMapEntry(valueName: "SignatureDef") {
                    (message) throws(FormatError) in try SignatureDef.parse(&message)
                }
                signatures[key] = signature ?? SignatureDef(inputs: [:], outputs: [:], methodName: "")
            case 7:
                try reader.expect(field, .lengthDelimited, "MetaGraphDef.object_graph_def")
                _ = try reader.readLengthDelimited()
                hasObjectGraph = true
            default:
                try reader.skip(field)
            }
        }
        return MetaGraph(tags: tags, tensorflowVersion: version, signatures: signatures, collectionNames: collections,
                         attachments: attachments, trainableVariables: trainable, opCounts: scan.opCounts,
                         batchNormEpsilons: scan.epsilons, hasObjectGraph: hasObjectGraph)
    }

    /// A `collection_def` map entry: its key and, for bytes_list (2) and node_list (1), the values.
    static func parseCollection(_ entry: inout ProtobufReader) throws(FormatError) -> (String, [[UInt8]]) {
        var name = ""
        var values: [[UInt8]] = []
        while let field = try entry.nextField() {
            switch field.number {
            case 1:
                try entry.expect(field, .lengthDelimited, "map key")
                name = try entry.readString()
            case 2:
                try entry.expect(field, .lengthDelimited, "CollectionDef")
                var collection = try entry.readMessage()
                while let kindField = try collection.nextField() {
                    guard kindField.number == 1 || kindField.number == 2, kindField.wireType == .lengthDelimited else {
                        try collection.skip(kindField); continue
                    }
                    var list = try collection.readMessage()
                    while let valueField = try list.nextField() {
                        guard valueField.number == 1, valueField.wireType == .lengthDelimited else {
                            try list.skip(valueField); continue
                        }
                        values.append(try list.readBytes())
                    }
                }
            default: try entry.skip(field)
            }
        }
        return (name, values)
    }
}
