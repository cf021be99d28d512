import Foundation
import Imaging
import Testing

/// Decoding equals TensorFlow's `decode_jpeg(dct_method='INTEGER_ACCURATE')` / `decode_png` exactly
/// (integer samples, zero tolerance), with EXIF orientation applied as PIL's `exif_transpose` does.
@Suite("Image decoding against TensorFlow")
struct DecodingTests {
    static let eightBitFiles = [
        "baseline.jpg", "baseline444.jpg", "progressive.jpg", "gray.jpg", "cmyk.jpg",
        "rgb.png", "rgba.png", "gray.png", "gray-alpha.png", "gray-1bit.png", "palette.png", "palette-trns.png",
        "interlaced.png", "extraneous-bytes.jpg", "corrupt-data.jpg", "trailing-garbage.jpg",
    ]
    static let orientedFiles = (1...8).map { "exif-\($0).jpg" } + ["exif-6-motorola.jpg"]

    @Test("8-bit JPEG and PNG samples equal TensorFlow's bit for bit", arguments: eightBitFiles + orientedFiles)
    func eightBitSamples(name: String) throws {
        let decoded = try ImageDecoder.decodeSamples(path: ImageFixtures.path(name))
        let expected = try ImageFixtures.expected(name)
        #expect([decoded.height, decoded.width, 3] == expected.shape)
        guard case .eight(let samples) = decoded.samples else {
            Issue.record("\(name) decoded to \(decoded.bitDepth)-bit samples, expected 8-bit")
            return
        }
        let reference = try #require(expected.bytes)
        let mismatches = ImageFixtures.mismatches(samples, reference)
        #expect(mismatches == 0, "\(mismatches) samples differ from TensorFlow in \(name)")
    }

    @Test("16-bit PNG samples equal TensorFlow's decode_png(dtype=uint16)", arguments: ["rgb16.png", "gray16.png", "interlaced16.png"])
    func sixteenBitSamples(name: String) throws {
        let decoded = try ImageDecoder.decodeSamples(path: ImageFixtures.path(name))
        let expected = try ImageFixtures.expected(name)
        #expect([decoded.height, decoded.width, 3] == expected.shape)
        guard case .sixteen(let samples) = decoded.samples else {
            Issue.record("\(name) decoded to 8-bit samples, expected 16-bit")
            return
        }
        #expect(ImageFixtures.mismatches(samples, try #require(expected.words)) == 0)
    }

    @Test("EXIF orientations 5 to 8 swap width and height")
    func orientationSwapsAxes() throws {
        for k in 1...8 {
            let image = try ImageDecoder.decode(path: ImageFixtures.path("exif-\(k).jpg"))
            let expectSwapped = k >= 5
            #expect((image.width, image.height) == (expectSwapped ? (21, 34) : (34, 21)), "orientation \(k)")
        }
    }

    @Test("8-bit to float conversion equals tf.image.convert_image_dtype for all 256 values")
    func eightBitConversion() throws {
        let reference = try #require(try ImageFixtures.expected("convert-u8").floats)
        let samples = DecodedImage(width: 256, height: 1, samples: .eight((0..<768).map { UInt8($0 / 3) }))
        let converted = samples.rgbImage().pixels
        let expected = (0..<768).map { reference[$0 / 3] }
        #expect(ImageFixtures.mismatches(converted, expected) == 0)
        // The multiply by Float(1/255) is not a division: they differ on some values, so this test can tell them apart.
        #expect((0..<256).contains { Float($0) / 255 != reference[$0] })
    }

    @Test("16-bit to float conversion equals tf.image.convert_image_dtype for all 65536 values")
    func sixteenBitConversion() throws {
        let reference = try #require(try ImageFixtures.expected("convert-u16").floats)
        let samples = DecodedImage(width: 65536, height: 1, samples: .sixteen((0..<(65536 * 3)).map { UInt16($0 / 3) }))
        let converted = samples.rgbImage().pixels
        #expect(ImageFixtures.mismatches(converted, (0..<(65536 * 3)).map { reference[$0 / 3] }) == 0)
    }

    @Test("decode(path:) gives TensorFlow's decode followed by convert_image_dtype", arguments: ["baseline.jpg", "exif-7.jpg", "rgba.png"])
    func floatDecode(name: String) throws {
        let table = try #require(try ImageFixtures.expected("convert-u8").floats)
        let expected = try #require(try ImageFixtures.expected(name).bytes).map { table[Int($0)] }
        let image = try ImageDecoder.decode(path: ImageFixtures.path(name))
        #expect(ImageFixtures.mismatches(image.pixels, expected) == 0)
    }

    @Test("decode(data:name:) equals decode(path:)")
    func decodeFromData() throws {
        let path = ImageFixtures.path("progressive.jpg")
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let fromData = try ImageDecoder.decode(data: data, name: "memory.jpg")
        #expect(ImageFixtures.mismatches(fromData.pixels, try ImageDecoder.decode(path: path).pixels) == 0)
    }

    @Test("format is chosen by signature, not by file extension")
    func signatureNotExtension() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("imaging-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let disguised = directory.appendingPathComponent("actually-a-png.jpg")
        try FileManager.default.copyItem(atPath: ImageFixtures.path("rgb.png"), toPath: disguised.path)
        let original = try ImageDecoder.decode(path: ImageFixtures.path("rgb.png"))
        #expect(ImageFixtures.mismatches(try ImageDecoder.decode(path: disguised.path).pixels, original.pixels) == 0)
    }

    @Test("malformed or out-of-range EXIF is ignored, the pixels still decode")
    func malformedExif() throws {
        let jpeg = [UInt8](try Data(contentsOf: URL(fileURLWithPath: ImageFixtures.path("baseline.jpg"))))
        let plain = try ImageDecoder.decode(path: ImageFixtures.path("baseline.jpg"))
        func withSegment(_ payload: [UInt8]) -> Data {
            let length = payload.count + 2
            return Data([0xFF, 0xD8, 0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload + jpeg[2...])
        }
        let exif: [UInt8] = Array("Exif".utf8) + [0, 0]
        let variants: [[UInt8]] = [
            exif + [0x49, 0x49, 42, 0, 0xFF, 0xFF, 0, 0],                           // IFD offset past the end
            exif + [0x58, 0x58, 42, 0, 8, 0, 0, 0],                                 // unknown byte order
            exif + [0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 9, 0, 0, 0],  // orientation 9
            exif + [0x49, 0x49, 42, 0, 8, 0, 0, 0, 5, 0],                           // entry count past the end
        ]
        for (index, payload) in variants.enumerated() {
            let image = try ImageDecoder.decode(data: withSegment(payload), name: "variant \(index)")
            #expect((image.width, image.height) == (plain.width, plain.height), "variant \(index)")
            #expect(ImageFixtures.mismatches(image.pixels, plain.pixels) == 0, "variant \(index)")
        }
    }
}
