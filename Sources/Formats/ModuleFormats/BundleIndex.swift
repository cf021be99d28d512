/// The parsed `.index` file of a TensorBundle: the header and every entry, without touching the data files.
///
/// `ModuleInspector` uses this alone (a 1.9 GB module's index is a few hundred KB); `TensorBundle` adds the
/// mapped data on top.
public struct BundleIndex: Sendable {
    /// Byte order of the data files (`BundleHeaderProto.Endianness`).
    public enum Endianness: Int32, Sendable { case little = 0, big = 1 }

    /// The path of the `.index` file.
    public let path: String
    public let numShards: Int
    public let endianness: Endianness
    /// `VersionDef.producer` / `min_consumer` of the writer.
    public let producer: Int32
    public let minConsumer: Int32
    /// Entries in key (file) order.
    public let entries: [BundleEntry]
    /// Position of each entry by name.
    public let positions: [String: Int]

    /// The highest format version this reader understands (`kTensorBundleVersion`).
    static let readerVersion: Int32 = 1

    /// Reads `<prefix>.index`.
    public init(prefix: String) throws(FormatError) {
        let path = prefix + ".index"
        try self.init(bytes: try FileBytes.contents(of: path), file: path)
    }

    /// Parses index bytes; `file` names them in errors.
    public init(bytes: [UInt8], file: String) throws(FormatError) {
        path = file
        let table = try SSTable(bytes: bytes, file: file)
        guard let first = table.entries.first, first.key.isEmpty else {
            throw .malformed(file: file, offset: 0, reason: "the bundle header (empty key) is missing")
        }
        var header = ProtobufReader(bytes: bytes, range: first.value, file: file)
        var numShards: Int32 = 0, endianness: Int32 = 0, producer: Int32 = 0, minConsumer: Int32 = 0
        while let field = try header.nextField() {
            switch field.number {
            case 1:
                try header.expect(field, .varint, "BundleHeaderProto.num_shards")
                numShards = try header.readInt32()
            case 2:
                try header.expect(field, .varint, "BundleHeaderProto.endianness")
                endianness = try header.readInt32()
            case 3:
                try header.expect(field, .lengthDelimited, "BundleHeaderProto.version")
                var version = try header.readMessage()
                while let versionField = try version.nextField() {
                    switch versionField.number {
                    case 1:
                        try version.expect(versionField, .varint, "VersionDef.producer")
                        producer = try version.readInt32()
                    case 2:
                        try version.expect(versionField, .varint, "VersionDef.min_consumer")
                        minConsumer = try version.readInt32()
                    default: try version.skip(versionField)
                    }
                }
            default:
                try header.skip(field)
            }
        }
        guard let order = Endianness(rawValue: endianness) else {
            throw .malformed(file: file, offset: first.value.lowerBound, reason: "unknown endianness \(endianness)")
        }
        guard numShards >= 1, numShards <= 100_000 else {
            throw .malformed(file: file, offset: first.value.lowerBound, reason: "invalid shard count \(numShards)")
        }
        guard producer >= 0, minConsumer <= Self.readerVersion else {
            throw .unsupported(file: file, reason: "bundle version producer \(producer), min_consumer \(minConsumer) (reader is version \(Self.readerVersion))")
        }
        var entries: [BundleEntry] = []
        var positions: [String: Int] = [:]
        entries.reserveCapacity(table.entries.count - 1)
        for item in table.entries.dropFirst() {
            let name = String(decoding: item.key, as: UTF8.self)
            var reader = ProtobufReader(bytes: bytes, range: item.value, file: file)
            let entry = try BundleEntry.parse(name: name, reader: &reader)
            guard entry.shardID < Int(numShards) else {
                throw .malformed(file: file, offset: item.value.lowerBound,
                                 reason: "tensor '\(name)' is in shard \(entry.shardID) of \(numShards)")
            }
            if let size = entry.dtype.elementSize, !entry.isSliced {
                let (expected, overflow) = entry.elementCount.multipliedReportingOverflow(by: size)
                guard !overflow, expected == entry.size else {
                    throw .malformed(file: file, offset: item.value.lowerBound,
                                     reason: "tensor '\(name)' of \(entry.dtype) \(entry.shape) has \(entry.size) bytes, expected \(overflow ? "overflow" : String(expected))")
                }
            }
            positions[name] = entries.count
            entries.append(entry)
        }
        self.numShards = Int(numShards)
        self.endianness = order
        self.producer = producer
        self.minConsumer = minConsumer
        self.entries = entries
        self.positions = positions
    }

    /// The entry named `name`, if any.
    public subscript(name: String) -> BundleEntry? {
        positions[name].map { entries[$0] }
    }

    /// The data file of shard `shard` for `prefix`: `<prefix>.data-0000k-of-0000n`.
    public static func dataPath(prefix: String, shard: Int, of count: Int) -> String {
        func pad(_ value: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
        }
        return "\(prefix).data-\(pad(shard))-of-\(pad(count))"
    }
}
