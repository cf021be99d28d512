import Foundation
import ModuleFormats
import Testing

/// Replays every input the fuzzers kept (Tests/Fuzz/crashers: inputs that once crashed or hung a reader;
/// Tests/Fuzz/corpus: the minimised coverage corpus) through the same calls the fuzz entry points make.
@Suite("Fuzz crashers and corpus replay")
struct FuzzRegressionTests {
    /// What both fuzz entry points do with one input; returns how many readers accepted it.
    static func replay(_ bytes: [UInt8]) -> Int {
        var accepted = 0
        if let model = try? SavedModel(bytes: bytes, file: "replay.pb") {
            accepted += 1
            for graph in model.metaGraphs { _ = try? graph.defaultImageSize(file: "replay.pb") }
        }
        if (try? HubModuleDef(bytes: bytes, file: "replay.pb")) != nil { accepted += 1 }
        if (try? BundleIndex(bytes: bytes, file: "replay.index")) != nil { accepted += 1 }
        if (try? BundleIndex(bytes: SSTableBuilder.table(wrappingDataBlock: bytes), file: "wrapped.index")) != nil {
            accepted += 1
        }
        var reader = ProtobufReader(bytes: bytes, file: "replay.entry")
        if (try? BundleEntry.parse(name: "replay", reader: &reader)) != nil { accepted += 1 }
        return accepted
    }

    @Test("every kept crasher is now rejected or parsed without crashing")
    func crashers() {
        for path in Fixtures.files(under: Fixtures.crashers) where !path.hasSuffix(".md") {
            guard let bytes = try? Bytes.read(path) else { Issue.record("unreadable \(path)"); continue }
            _ = Self.replay(bytes)
        }
    }

    @Test("the fuzz corpus replays without crashing, and its seeds (real module files) still parse")
    func corpus() throws {
        let files = Fixtures.files(under: Fixtures.corpus)
        #expect(files.count > 10)
        for path in files {
            let bytes = try Bytes.read(path)
            let accepted = Self.replay(bytes)
            if URL(fileURLWithPath: path).lastPathComponent.hasPrefix("seed-") {
                #expect(accepted > 0, "seed \(path) no longer parses")
            }
        }
    }
}
