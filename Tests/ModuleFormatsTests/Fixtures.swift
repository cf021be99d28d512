import Foundation
import TestSupport

/// Paths and parsed JSON of the committed fixtures this target reads.
enum Fixtures {
    /// TF-written small bundles and a TF2 SavedModel (Tests/Fixtures/formats, made by make_formats.py).
    static let formats = Repository.fixtures.appendingPathComponent("formats").path
    /// The reference helper's TF1 Hub modules (tar.gz) and TensorFlow's manifest of them.
    static let modules = Repository.fixtures.appendingPathComponent("modules").path
    static let manifestPath = Repository.fixtures.appendingPathComponent("reference/manifest.json").path
    /// Inputs that once crashed a fuzzer, plus the fuzz corpus.
    static let crashers = Repository.root.appendingPathComponent("Tests/Fuzz/crashers").path
    static let corpus = Repository.root.appendingPathComponent("Tests/Fuzz/corpus").path

    static func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// TensorFlow's read-back of the formats fixtures.
    static func formatsExpected() throws -> [String: Any] { try json(formats + "/expected.json") }

    /// manifest.json's `modules` entries by name.
    static func manifestModules() throws -> [String: [String: Any]] {
        (try json(manifestPath))["modules"] as? [String: [String: Any]] ?? [:]
    }

    /// Every regular file under `directory` (recursively), or none if it does not exist.
    static func files(under directory: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var result: [String] = []
        while let relative = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = directory + "/" + relative
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
               !relative.hasPrefix(".") {
                result.append(path)
            }
        }
        return result.sorted()
    }
}
