import Foundation
import Imaging
import Testing

/// Broken input becomes a one-line `ImagingError` naming the file, never gray pixels or a crash.
@Suite("Image decoding errors")
final class DecodingErrorTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("imaging-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    private func failure(_ path: String) -> ImagingError? {
        do {
            _ = try ImageDecoder.decode(path: path)
            return nil
        } catch {
            return error
        }
    }

    private func checkNamesFile(_ error: ImagingError?, _ path: String) {
        guard let error else {
            Issue.record("\(path) decoded without an error")
            return
        }
        #expect(error.path == path)
        #expect(error.description.hasPrefix(path + ": "))
        #expect(!error.description.contains("\n"))
    }

    @Test("a truncated JPEG is an error, not an image padded with gray", arguments: ["truncated.jpg", "missing-eoi.jpg"])
    func truncatedJPEG(name: String) {
        let path = ImageFixtures.path(name)
        let error = failure(path)
        checkNamesFile(error, path)
        guard case .corruptJPEG = error else { Issue.record("expected corruptJPEG, got \(String(describing: error))"); return }
    }

    @Test("a truncated PNG is an error (libpng's longjmp caught in C)", arguments: ["truncated.png", "no-iend.png"])
    func truncatedPNG(name: String) {
        let path = ImageFixtures.path(name)
        let error = failure(path)
        checkNamesFile(error, path)
        guard case .corruptPNG = error else { Issue.record("expected corruptPNG, got \(String(describing: error))"); return }
    }

    @Test("a text file and an empty file are not images", arguments: ["not-an-image.txt", "empty.jpg"])
    func notAnImage(name: String) {
        let path = ImageFixtures.path(name)
        let error = failure(path)
        checkNamesFile(error, path)
        guard case .unsupportedFormat = error else { Issue.record("expected unsupportedFormat, got \(String(describing: error))"); return }
    }

    @Test("a missing file and a directory are unreadable")
    func unreadable() {
        for path in [directory.appendingPathComponent("missing.jpg").path, directory.path] {
            let error = failure(path)
            checkNamesFile(error, path)
            guard case .unreadable = error else { Issue.record("expected unreadable, got \(String(describing: error))"); return }
        }
    }

    @Test("a PNG signature followed by garbage is a PNG error")
    func corruptPNGHeader() throws {
        let path = directory.appendingPathComponent("garbage.png").path
        let bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0x41, count: 64)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = failure(path)
        checkNamesFile(error, path)
        guard case .corruptPNG = error else { Issue.record("expected corruptPNG, got \(String(describing: error))"); return }
    }

    @Test("in-memory data errors carry the caller's name")
    func dataErrorsUseName() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: ImageFixtures.path("truncated.jpg")))
        do {
            _ = try ImageDecoder.decode(data: data, name: "upload #3")
            Issue.record("truncated data decoded")
        } catch {
            #expect(error.path == "upload #3")
        }
    }
}
