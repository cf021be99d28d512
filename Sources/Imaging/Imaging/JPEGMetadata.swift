#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What hubctl needs from a JPEG's marker segments besides the pixels: the EXIF orientation
/// (APP1), whether an Adobe APP14 segment is present (it says CMYK samples are stored inverted), and
/// whether the file runs to its EOI marker. Malformed metadata is ignored, never fatal, since the
/// picture itself may still be fine.
struct JPEGMetadata: Equatable {
    var orientation: ExifOrientation = .up
    var hasAdobeMarker = false
    /// Whether walking the segments and entropy-coded scans reaches an EOI marker. A file cut short
    /// does not; libjpeg would fill the missing rows with gray and only warn.
    var reachesEndOfImage = false

    /// Walks the marker segments of `bytes` (a whole JPEG file), skipping over scan data.
    init(scanning bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        guard count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return }
        var position = 2
        var sawExif = false
        while position + 2 <= count {
            guard bytes[position] == 0xFF else { return }
            let marker = bytes[position + 1]
            if marker == 0xFF { position += 1; continue }  // fill byte
            if marker == 0xD9 { reachesEndOfImage = true; return }
            if marker == 0x01 || (0xD0...0xD7).contains(marker) { position += 2; continue }
            guard position + 4 <= count else { return }
            let length = Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
            guard length >= 2, position + 2 + length <= count else { return }
            let payload = UnsafeRawBufferPointer(rebasing: bytes[(position + 4)..<(position + 2 + length)])
            if marker == 0xE1, !sawExif, let orientation = Self.exifOrientation(payload) {
                sawExif = true
                orientation.map { self.orientation = $0 }
            } else if marker == 0xEE, payload.count >= 12, payload.starts(with: Array("Adobe".utf8)) {
                hasAdobeMarker = true
            }
            position += 2 + length
            if marker == 0xDA { position = Self.endOfScan(bytes, from: position) }
        }
    }

    /// The offset of the first marker after entropy-coded data starting at `start` (stuffed `FF 00`
    /// bytes and restart markers belong to the scan), or `bytes.count` when the data runs out.
    private static func endOfScan(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return bytes.count }
        var position = start
        while position + 1 < bytes.count {
            // memchr finds the next 0xFF far faster than a byte loop; scans are most of the file.
            guard let found = memchr(base + position, 0xFF, bytes.count - position) else { return bytes.count }
            position = base.distance(to: UnsafeRawPointer(found))
            guard position + 1 < bytes.count else { return bytes.count }
            let next = bytes[position + 1]
            if next == 0x00 || (0xD0...0xD7).contains(next) { position += 2; continue }
            if next == 0xFF { position += 1; continue }
            return position
        }
        return bytes.count
    }

    /// nil when `payload` is not an Exif APP1; `.some(nil)` when it is one without a usable tag.
    private static func exifOrientation(_ payload: UnsafeRawBufferPointer) -> ExifOrientation?? {
        let header: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0, 0]  // "Exif\0\0"
        guard payload.count >= 14, payload.starts(with: header) else { return nil }
        let tiff = UnsafeRawBufferPointer(rebasing: payload[6...])
        let bigEndian: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): bigEndian = false
        case (0x4D, 0x4D): bigEndian = true
        default: return .some(nil)
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            return bigEndian ? Int(tiff[at]) << 8 | Int(tiff[at + 1]) : Int(tiff[at + 1]) << 8 | Int(tiff[at])
        }
        func u32(_ at: Int) -> Int? {
            guard let a = u16(at), let b = u16(at + 2) else { return nil }
            return bigEndian ? a << 16 | b : b << 16 | a
        }
        guard u16(2) == 42, let ifd = u32(4), let entries = u16(ifd) else { return .some(nil) }
        for index in 0..<entries {
            let entry = ifd + 2 + index * 12
            guard let tag = u16(entry), let type = u16(entry + 2) else { return .some(nil) }
            if tag == 0x0112 {
                guard type == 3, let value = u16(entry + 8) else { return .some(nil) }
                return .some(ExifOrientation(rawValue: value))
            }
        }
        return .some(nil)
    }
}
