/// A parsed `saved_model.pb` (`SavedModel`: saved_model_schema_version = 1, meta_graphs = 2).
public struct SavedModel: Sendable {
    /// The file that was read.
    public let path: String
    public let schemaVersion: Int64
    public let metaGraphs: [MetaGraph]

    /// Reads `path`, either the `saved_model.pb` file itself or the directory holding it.
    public init(path: String) throws(FormatError) {
        let file = FileBytes.isDirectory(path) ? path + "/saved_model.pb" : path
        try self.init(bytes: try FileBytes.contents(of: file), file: file)
    }

    /// Parses the bytes of a `saved_model.pb`; `file` names them in errors.
    public init(bytes: [UInt8], file: String) throws(FormatError) {
        path = file
        var reader = ProtobufReader(bytes: bytes, file: file)
        var version: Int64 = 0
        var graphs: [MetaGraph] = []
        while let field = try reader.nextField() {
            switch field.number {
            case 1:
                try reader.expect(field, .varint, "SavedModel.saved_model_schema_version")
                version = try reader.readInt64()
            case 2:
                try reader.expect(field, .lengthDelimited, "SavedModel.meta_graphs")
                var graph = try reader.readMessage()
                graphs.append(try MetaGraph.parse(&graph))
            default:
                try reader.skip(field)
            }
        }
        guard !graphs.isEmpty else {
            throw .malformed(file: file, offset: 0, reason: "no MetaGraphDef in the SavedModel")
        }
        schemaVersion = version
        metaGraphs = graphs
    }

    /// The MetaGraphDef whose tag set equals `tags` (order ignored).
    public func metaGraph(tags: Set<String>) -> MetaGraph? {
        metaGraphs.first { Set($0.tags) == tags }
    }
}
