import Foundation
import Imaging
import TestSupport
import Testing

/// Replays what the image fuzzer (Tests/Fuzz/ImageFuzzer.swift) kept — its crashers (`Tests/Fuzz/crashers/image-*`)
/// and its minimised corpus (`Tests/Fuzz/corpus/image`) — through `ImageDecoder.decode(data:name:)` the way the
/// fuzz entry point does (as given, behind a PNG signature, behind a JPEG SOI). Each attempt must decode to a
/// well-formed image or fail with a one-line `ImagingError` naming the input.
@Suite("Image fuzz replay")
struct FuzzReplayTests {
    static let fuzzRoot = Repository.root.appendingPathComponent("Tests/Fuzz")
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    static let jpegStart: [UInt8] = [0xFF, 0xD8, 0xFF]

    static func files(in folder: URL, prefix: String = "") -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix(prefix) && $0 != "README.md" }.sorted().map { folder.appendingPathComponent($0) }
    }

    /// Decodes `bytes` three ways; returns how many decoded.
    static func replay(_ bytes: [UInt8], name: String) -> Int {
        var candidates = [bytes]
        if !bytes.starts(with: pngSignature) { candidates.append(pngSignature + bytes) }
        if !bytes.starts(with: jpegStart) { candidates.append(jpegStart + bytes) }
        var decoded = 0
        for candidate in candidates {
            do {
                let image = try ImageDecoder.decode(data: Data(candidate), name: name)
                decoded += 1
                #expect(image.width > 0 && image.height > 0 && image.pixels.count == image.width * image.height * 3,
                        "\(name): \(image.width)x\(image.height) with \(image.pixels.count) samples")
            } catch {
                #expect(error.description.contains(name) && !error.description.contains("\n"),
                        "\(name): error is not one line naming the input: \(error.description)")
            }
        }
        return decoded
    }

    @Test("every kept image crasher is now rejected cleanly or decoded")
    func crashers() throws {
        for file in Self.files(in: Self.fuzzRoot.appendingPathComponent("crashers"), prefix: "image-") {
            _ = Self.replay([UInt8](try Data(contentsOf: file)), name: file.lastPathComponent)
        }
    }

    @Test("the image corpus replays cleanly, and the known-* seeds still in it (fixture images) still decode")
    func corpus() throws {
        let files = Self.files(in: Self.fuzzRoot.appendingPathComponent("corpus/image"))
        #expect(files.count > 10)
        for file in files {
            let decoded = Self.replay([UInt8](try Data(contentsOf: file)), name: file.lastPathComponent)
            let name = file.lastPathComponent
            // Fixtures that are broken by design (DecodingErrorTests expects them to fail) are not required to decode.
            if name.hasPrefix("known-"), !["corrupt", "empty", "truncated", "missing-eoi", "no-iend"].contains(where: name.contains) {
                #expect(decoded > 0, "seed \(name) no longer decodes")
            }
        }
    }
}
