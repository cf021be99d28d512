/// Recognises archive bodies by their first bytes, so an HTML error page saved under a `.tar.gz`
/// name is caught at download time rather than as a baffling unpack error.
package enum ArchiveSignature: Equatable {
    case gzip, zip, tar, bzip2, xz, zstd
    case html
    case unknown

    /// Bytes needed to decide (the tar `ustar` magic sits at offset 257).
    package static let sniffLength = 262

    package static func classify(_ bytes: [UInt8]) -> ArchiveSignature {
        func starts(_ prefix: [UInt8]) -> Bool { bytes.count >= prefix.count && Array(bytes.prefix(prefix.count)) == prefix }
        if starts([0x1f, 0x8b]) { return .gzip }
        if starts([0x50, 0x4b, 0x03, 0x04]) || starts([0x50, 0x4b, 0x05, 0x06]) { return .zip }
        if starts([0x42, 0x5a, 0x68]) { return .bzip2 }
        if starts([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) { return .xz }
        if starts([0x28, 0xb5, 0x2f, 0xfd]) { return .zstd }
        if bytes.count >= 262, Array(bytes[257..<262]) == Array("ustar".utf8) { return .tar }
        let text = bytes.drop(while: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0a || $0 == 0x0d || $0 == 0xef || $0 == 0xbb || $0 == 0xbf })
        if text.first == UInt8(ascii: "<") { return .html }
        return .unknown
    }

    package var isArchive: Bool { self != .html && self != .unknown }
}
