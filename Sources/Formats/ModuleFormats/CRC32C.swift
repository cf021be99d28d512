import CShims

/// CRC-32C (Castagnoli) as TensorFlow and LevelDB use it, plus their "masking" of stored checksums
/// (a checksum stored next to data that itself contains checksums would otherwise be weak).
public enum CRC32C {
    /// The constant added after rotating, from LevelDB's crc32c.h.
    static let maskDelta: UInt32 = 0xA282_EAD8

    /// The CRC-32C of `bytes`, continuing from `crc` (0 starts a new checksum).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return cshims_crc32c(crc, base, bytes.count)
    }

    /// The CRC-32C of a byte array slice.
    public static func checksum(_ bytes: ArraySlice<UInt8>, continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, continuing: crc) }
    }

    /// The CRC-32C of a byte array.
    public static func checksum(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, continuing: crc) }
    }

    /// Rotates right by 15 bits and adds a constant: the form in which checksums are stored on disk.
    public static func mask(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ maskDelta
    }

    /// Inverts `mask`.
    public static func unmask(_ masked: UInt32) -> UInt32 {
        let rotated = masked &- maskDelta
        return (rotated >> 17) | (rotated << 15)
    }
}
