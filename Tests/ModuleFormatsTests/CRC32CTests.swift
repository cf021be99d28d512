import ModuleFormats
import Testing

@Suite("CRC-32C and masking")
struct CRC32CTests {
    @Test("check value of 123456789 is the published 0xE3069283")
    func checkValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    @Test("RFC 3720 vectors: 32 zero bytes and 32 0xFF bytes")
    func iscsiVectors() {
        // From RFC 3720 appendix B.4 (iSCSI uses CRC-32C).
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
    }

    @Test("continuing a checksum equals checksumming the concatenation")
    func continuation() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = CRC32C.checksum(bytes)
        for split in [0, 1, 7, 8, 9, 500, 999, 1000] {
            let first = CRC32C.checksum(Array(bytes[..<split]))
            #expect(CRC32C.checksum(Array(bytes[split...]), continuing: first) == whole)
        }
    }

    @Test("mask is rotate-right-15 plus 0xA282EAD8 and unmask inverts it")
    func masking() {
        // mask(0) = 0xA282EAD8; mask(1) = rotr(1, 15) + delta = 0x00020000 + 0xA282EAD8.
        #expect(CRC32C.mask(0) == 0xA282_EAD8)
        #expect(CRC32C.mask(1) == 0xA284_EAD8)
        var value: UInt32 = 0x1234_5678
        for _ in 0..<1000 {
            #expect(CRC32C.unmask(CRC32C.mask(value)) == value)
            #expect(CRC32C.mask(value) != value)
            value = value &* 1_664_525 &+ 1_013_904_223
        }
    }
}
