import Foundation
import HubCore
import Testing

@Suite("Registry documents")
struct RegistryEntryTests {
    static let handle = "google/imagenet/amoebanet_a_n18_f448/classification/1"
    static let sha = String(repeating: "ab", count: 32)

    static func document(title: String = "# Module \(handle)", _ lines: [String]) -> String {
        ([title] + lines + ["", "## Overview", "", "Some text.", "<!-- not metadata --> inline"]).joined(separator: "\n")
    }

    @Test("a complete entry parses with repeated keys, our keys and the body")
    func goodEntry() throws {
        let text = Self.document([
            "<!-- asset-path: https://example.org/m.tar.gz -->",
            "<!-- format: hub -->",
            "<!-- task: image-classification -->",
            "<!-- dataset: imagenet-ilsvrc-2012-cls -->",
            "<!-- dataset: other-set -->",
            "<!-- fine-tunable: true -->",
            "<!-- license: Apache-2.0 -->",
            "<!-- asset-sha256: \(Self.sha.uppercased()) -->",
            "<!-- asset-size: 12345 -->",
            "<!-- labels-path: ../../../../labels/imagenet-1001.txt -->",
        ])
        let entry = try RegistryEntry(parsing: text, source: "t.md", expectedHandle: try ModuleHandle(parsing: Self.handle))
        #expect(entry.kind == "Module")
        #expect(entry.handle.description == Self.handle)
        #expect(entry.assetPath == "https://example.org/m.tar.gz")
        #expect(entry.format == "hub")
        #expect(entry.tasks == ["image-classification"])
        #expect(entry.datasets == ["imagenet-ilsvrc-2012-cls", "other-set"])
        #expect(entry.fineTunable == true)
        #expect(entry.license == "Apache-2.0")
        #expect(entry.assetSHA256 == Self.sha)
        #expect(entry.assetSize == 12345)
        #expect(entry.registryRelativePath(entry.labelsPath ?? "") == "labels/imagenet-1001.txt")
        #expect(entry.body.hasPrefix("## Overview"))
        #expect(entry.body.contains("Some text."))
        #expect(!entry.body.contains("asset-path"))
    }

    @Test("module-type is read when task is absent; a Placeholder needs no asset")
    func legacyKeys() throws {
        let text = Self.document(title: "# Placeholder \(Self.handle)", ["<!-- module-type: image-feature-vector -->"])
        let entry = try RegistryEntry(parsing: text, source: "t.md")
        #expect(entry.kind == "Placeholder")
        #expect(entry.tasks == ["image-feature-vector"])
        #expect(entry.assetPath == nil)
    }

    /// Malformed documents and the error each must produce.
    static let malformed: [(lines: [String], title: String?, error: RegistryError)] = [
        (["<!-- asset-path: https://x.org/m.tgz -->"], "Module \(handle)",
         .missingTitle(source: "t.md")),
        (["<!-- asset-path: https://x.org/m.tgz -->"], "# Widget \(handle)", .missingTitle(source: "t.md")),
        (["<!-- asset-path: https://x.org/m.tgz -->"], "# Module google/imagenet/other/1",
         .handleMismatch(source: "t.md", title: "google/imagenet/other/1", expected: handle)),
        (["<!-- asset-path: https://x.org/m.tgz -->"], "# Module google/imagenet/x",
         .invalidTitleHandle(source: "t.md", reason: "'google/imagenet/x' is not publisher/name/.../version")),
        (["<!-- asset-path https://x.org/m.tgz -->"], nil, .malformedMetadata(source: "t.md", line: 2)),
        (["<!-- asset-path: https://x.org/m.tgz -->", "<!-- asset-sha256: 1234 -->"], nil,
         .invalidValue(source: "t.md", key: "asset-sha256", value: "1234", reason: "is not 64 hex digits")),
        (["<!-- asset-path: https://x.org/m.tgz -->", "<!-- asset-size: 12kb -->"], nil,
         .invalidValue(source: "t.md", key: "asset-size", value: "12kb", reason: "is not a non-negative integer")),
        (["<!-- asset-path: ftp://x.org/m.tgz -->"], nil,
         .invalidValue(source: "t.md", key: "asset-path", value: "ftp://x.org/m.tgz", reason: "must use http or https")),
        (["<!-- asset-path: file:///etc/passwd -->"], nil,
         .invalidValue(source: "t.md", key: "asset-path", value: "file:///etc/passwd", reason: "must use http or https")),
        (["<!-- asset-path: ../../../../../outside.tgz -->"], nil,
         .invalidValue(source: "t.md", key: "asset-path", value: "../../../../../outside.tgz",
                       reason: "must be a relative path that stays inside the registry")),
        (["<!-- asset-path: /etc/passwd -->"], nil,
         .invalidValue(source: "t.md", key: "asset-path", value: "/etc/passwd",
                       reason: "must be a relative path that stays inside the registry")),
        (["<!-- asset-path: https://x.org/a.tgz -->", "<!-- asset-path: https://x.org/b.tgz -->"], nil,
         .duplicateKey(source: "t.md", key: "asset-path")),
        (["<!-- format: hub -->"], nil,
         .invalidValue(source: "t.md", key: "asset-path", value: "", reason: "is required for a Module entry")),
        (["<!-- asset-path: https://x.org/m.tgz -->", "<!-- fine-tunable: maybe -->"], nil,
         .invalidValue(source: "t.md", key: "fine-tunable", value: "maybe", reason: "must be true or false")),
    ]

    @Test("malformed documents are rejected naming the document and the fault", arguments: 0..<14)
    func malformedEntries(index: Int) throws {
        let case_ = Self.malformed[index]
        let title = case_.title ?? "# Module \(Self.handle)"
        let text = ([title] + case_.lines).joined(separator: "\n")
        let expected = try ModuleHandle(parsing: Self.handle)
        #expect(throws: case_.error) { try RegistryEntry(parsing: text, source: "t.md", expectedHandle: expected) }
        #expect(case_.error.description.contains("t.md"))
    }

    @Test("relative paths inside the registry resolve; ones that climb out do not")
    func relativePaths() throws {
        let entry = try RegistryEntry(parsing: Self.document(["<!-- asset-path: m.tar.gz -->"]), source: "t.md")
        #expect(entry.registryRelativePath("m.tar.gz") == "google/imagenet/amoebanet_a_n18_f448/classification/m.tar.gz")
        #expect(entry.registryRelativePath("./../x/../m.tgz") == "google/imagenet/amoebanet_a_n18_f448/m.tgz")
        #expect(entry.registryRelativePath("../../../../assets/m.tgz") == "assets/m.tgz")
        #expect(entry.registryRelativePath("../../../../../m.tgz") == nil)
        #expect(entry.registryRelativePath("../../../..") == nil)
        #expect(entry.registryRelativePath("/abs") == nil)
    }

    @Test("the bundled seed entries parse and match their file paths")
    func seedEntries() throws {
        let registry = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Registry")
        for (name, task) in [("classification", "image-classification"), ("feature_vector", "image-feature-vector")] {
            let handle = "google/imagenet/amoebanet_a_n18_f448/\(name)/1"
            let path = registry.appendingPathComponent(handle + ".md").path
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let entry = try RegistryEntry(parsing: text, source: path, expectedHandle: try ModuleHandle(parsing: handle))
            #expect(entry.format == "hub")
            #expect(entry.tasks == [task])
            #expect(entry.networkArchitectures == ["amoebanet-a-n18-f448"])
            #expect(entry.datasets == ["imagenet-ilsvrc-2012-cls"])
            #expect(entry.fineTunable == true)
            #expect(entry.license == "Apache-2.0")
            #expect(entry.assetPath == "https://tfhub.dev/\(handle)?tf-hub-format=compressed")
            #expect(entry.assetSHA256 == nil)
            if name == "classification" {
                #expect(entry.registryRelativePath(entry.labelsPath ?? "") == "labels/imagenet-1001.txt")
            }
        }
    }
}
