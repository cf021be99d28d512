import Foundation
import HubCore
import TestSupport
import Testing

/// Replays what the registry fuzzer (Tests/Fuzz/RegistryFuzzer.swift) kept — its crashers
/// (`Tests/Fuzz/crashers/registry-*`) and its minimised corpus (`Tests/Fuzz/corpus/registry`) — through the same
/// parsers, checking the same invariants as `#expect`s, so a fixed bug stays fixed without libFuzzer.
@Suite("Registry fuzz replay")
struct RegistryFuzzReplayTests {
    static let fuzzRoot = Repository.root.appendingPathComponent("Tests/Fuzz")

    /// Files directly inside `folder` whose names start with `prefix`.
    static func files(in folder: URL, prefix: String = "") -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix(prefix) && $0 != "README.md" }
            .sorted().map { folder.appendingPathComponent($0) }
    }

    /// What the fuzz entry point does with one input; returns how many of the three parsers accepted it.
    static func replay(_ text: String, name: String) -> Int {
        var accepted = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).prefix(64) {
            if let handle = try? ModuleHandle(parsing: String(line), currentDirectory: "/fuzz/cwd", homeDirectory: "/fuzz/home") {
                expectValid(handle, name: name)
            }
        }
        if let entry = try? RegistryEntry(parsing: text, source: name) {
            accepted += 1
            expectValid(entry.handle, name: name)
            for path in [entry.assetPath, entry.labelsPath].compactMap({ $0 }) {
                if let relative = entry.registryRelativePath(path) {
                    #expect(!relative.hasPrefix("/") && !relative.split(separator: "/").contains(".."),
                            "\(name): '\(path)' resolves to '\(relative)' outside the registry")
                }
            }
            #expect((try? RegistryEntry(parsing: text, source: name, expectedHandle: entry.handle)) == entry)
        }
        if let index = try? RegistryIndex(parsing: text, source: name) {
            accepted += 1
            for handle in index.handles { expectValid(handle, name: name) }
            #expect((try? RegistryIndex(parsing: index.rendered(), source: name)) == index, "\(name): index does not round-trip")
        }
        if (try? ModuleHandle(parsing: text.trimmingCharacters(in: .newlines))) != nil { accepted += 1 }
        return accepted
    }

    static func expectValid(_ handle: ModuleHandle, name: String) {
        guard let parts = handle.registryParts else { return }
        for part in parts {
            let allowed = part.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || "_.-".contains($0)) }
            #expect(!part.isEmpty && part != "." && part != ".." && allowed, "\(name): part '\(part)' escaped validation")
        }
        #expect((try? ModuleHandle(parsing: handle.description)) == handle, "\(name): '\(handle)' does not re-parse")
    }

    @Test("every kept registry crasher is now rejected or parsed within the invariants")
    func crashers() throws {
        for file in Self.files(in: Self.fuzzRoot.appendingPathComponent("crashers"), prefix: "registry-") {
            let data = try Data(contentsOf: file)
            _ = Self.replay(String(decoding: data, as: UTF8.self), name: file.lastPathComponent)
        }
    }

    @Test("the registry corpus replays within the invariants, and the known-* seeds still in it (bundled registry files) still parse")
    func corpus() throws {
        let files = Self.files(in: Self.fuzzRoot.appendingPathComponent("corpus/registry"))
        #expect(files.count > 10)
        for file in files {
            let data = try Data(contentsOf: file)
            let accepted = Self.replay(String(decoding: data, as: UTF8.self), name: file.lastPathComponent)
            if file.lastPathComponent.hasPrefix("known-") {
                #expect(accepted > 0, "seed \(file.lastPathComponent) no longer parses")
            }
        }
    }
}
