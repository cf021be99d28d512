import Foundation
import HubCore
import HubArchive
import TestSupport
import Testing

@Suite("ArchiveExtractor") struct ArchiveExtractorTests {
    let temp: TemporaryDirectory

    init() throws { temp = try TemporaryDirectory(prefix: "hubctl-archive") }

    /// Builds an archive of `entries` and returns its path plus an empty destination folder.
    func archive(_ format: TestArchive.Format, _ entries: [TestArchive.Entry],
                 name: String = UUID().uuidString) throws -> (archive: String, destination: String) {
        let path = temp.appending(name + "." + format.rawValue)
        try TestArchive.make(at: path, format: format, entries: entries)
        let destination = temp.appending(name + ".out")
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: false)
        return (path, destination)
    }

    static let weights = TestArchive.randomBytes(count: 300_000)
    static let goodEntries: [TestArchive.Entry] = [
        .directory("./variables"),
        .file("./saved_model.pb", Data("graph".utf8)),
        .file("./variables/variables.data-00000-of-00001", weights),
        .file("./variables/variables.index", Data("index".utf8)),
        .file("./assets/labels.txt", Data("cat\ndog\n".utf8)),
        .file("./tool.sh", Data("#!/bin/sh\n".utf8), mode: 0o4777),
    ]

    @Test("unpacks a good archive, hashes every file and sets safe modes", arguments: [TestArchive.Format.tarGz, .tar, .zip])
    func goodArchive(format: TestArchive.Format) throws {
        let (path, out) = try archive(format, Self.goodEntries)
        let report = try ArchiveExtractor.extract(archive: path, into: out, limits: .default)
        let names = report.files.map(\.relativePath)
        #expect(names == ["saved_model.pb", "variables/variables.data-00000-of-00001", "variables/variables.index",
                          "assets/labels.txt", "tool.sh"])
        #expect(report.totalBytes == Int64(5 + Self.weights.count + 5 + 8 + 10))
        for file in report.files {
            let full = out + "/" + file.relativePath
            #expect(file.sha256 == (try Reference.sha256sum(full)), "\(file.relativePath)")
            #expect(file.size == Int64((try FileManager.default.attributesOfItem(atPath: full))[.size] as? Int ?? -1))
        }
        #expect(FileManager.default.contents(atPath: out + "/variables/variables.data-00000-of-00001") == Self.weights)
        #expect(Reference.mode(out + "/saved_model.pb") == 0o644)
        #expect(Reference.mode(out + "/tool.sh") == 0o755, "setuid and world-write dropped, x kept")
        #expect(Reference.mode(out + "/variables") == 0o755)
        #expect(Reference.mode(out + "/assets") == 0o755)
        #expect(report.directories.contains("variables") && report.directories.contains("assets"))
    }

    @Test("hashArchive reports the archive file's own sha256 from the unpacking read (tar, tar.gz); a zip, which libarchive seeks in, may say nil but never a wrong digest",
          arguments: [TestArchive.Format.tarGz, .tar, .zip])
    func archiveDigest(format: TestArchive.Format) throws {
        let (path, out) = try archive(format, Self.goodEntries)
        let report = try ArchiveExtractor.extract(archive: path, into: out, hashArchive: true)
        #expect(report.files.count == 5)
        let expected = try Reference.sha256sum(path)
        if format == .zip {
            #expect(report.archiveSHA256 == nil || report.archiveSHA256 == expected)
        } else {
            // Includes what libarchive never reads: the tar's zero padding after its end marker.
            #expect(report.archiveSHA256 == expected)
        }
        let (plainPath, plainOut) = try archive(format, Self.goodEntries)
        #expect(try ArchiveExtractor.extract(archive: plainPath, into: plainOut).archiveSHA256 == nil)
    }

    @Test("hashArchive over several 1 MiB read blocks with trailing bytes libarchive never asks for")
    func archiveDigestLarge() throws {
        // 3.5 MiB of incompressible data: several blocks through the hashing ring, then junk after the gzip
        // stream that only the final drain reads.
        let blob = TestArchive.randomBytes(count: 3_670_016)
        let (path, out) = try archive(.tarGz, [.file("saved_model.pb", Data("model".utf8)), .file("blob.bin", blob)])
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(repeating: 0, count: 70_000))
        handle.closeFile()
        let report = try ArchiveExtractor.extract(archive: path, into: out, hashArchive: true)
        #expect(FileManager.default.contents(atPath: out + "/blob.bin") == blob)
        #expect(report.archiveSHA256 == (try Reference.sha256sum(path)))
    }

    /// Extracts and returns the error, checking nothing escaped next to the destination.
    func rejection(_ format: TestArchive.Format, _ entries: [TestArchive.Entry],
                   limits: ExtractionLimits = .default) throws -> ArchiveError? {
        let (path, out) = try archive(format, entries)
        let error = captureError { () throws(ArchiveError) in
            try ArchiveExtractor.extract(archive: path, into: out, limits: limits)
        }
        let outside = try FileManager.default.contentsOfDirectory(atPath: temp.path)
            .filter { name in ![".out", ".tar", ".tar.gz", ".zip"].contains { name.hasSuffix($0) } }
        #expect(outside.isEmpty, "files escaped the destination: \(outside)")
        return error
    }

    @Test("refuses '..' traversal", arguments: [TestArchive.Format.tarGz, .zip])
    func traversal(format: TestArchive.Format) throws {
        let error = try rejection(format, [.file("ok.txt", Data("x".utf8)), .file("a/../../escaped.txt", Data("x".utf8))])
        guard case .unsafeEntry(_, let entry, .parentTraversal) = error else {
            Issue.record("expected parentTraversal, got \(String(describing: error))")
            return
        }
        #expect(entry == "a/../../escaped.txt")
    }

    @Test("refuses control characters in names", arguments: ["bad\u{1}name", "tab\there", "del\u{7f}"])
    func controlCharacters(name: String) throws {
        let error = try rejection(.zip, [.file(name, Data("x".utf8))])
        guard case .unsafeEntry(_, _, .invalidName) = error else {
            Issue.record("expected invalidName, got \(String(describing: error))")
            return
        }
    }

    @Test("refuses Windows-style traversal in zips (libarchive turns '\\' into '/')")
    func backslashTraversal() throws {
        let error = try rejection(.zip, [.file("..\\..\\evil.txt", Data("x".utf8))])
        guard case .unsafeEntry(_, _, let reason) = error, reason == .parentTraversal || reason == .invalidName else {
            Issue.record("expected a refusal, got \(String(describing: error))")
            return
        }
    }

    @Test("refuses absolute paths", arguments: [TestArchive.Format.tarGz, .zip])
    func absolute(format: TestArchive.Format) throws {
        let target = "/tmp/hubctl-absolute-\(UUID().uuidString)"
        let error = try rejection(format, [.file(target, Data("x".utf8))])
        guard case .unsafeEntry(_, let entry, .absolutePath) = error else {
            Issue.record("expected absolutePath, got \(String(describing: error))")
            return
        }
        #expect(entry == target)
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test("refuses symlinks", arguments: [TestArchive.Format.tarGz, .zip])
    func symlink(format: TestArchive.Format) throws {
        let error = try rejection(format, [.symlink("escape", target: "/etc"), .file("escape/passwd", Data("x".utf8))])
        guard case .unsafeEntry(_, "escape", .symlink(let target)) = error else {
            Issue.record("expected symlink, got \(String(describing: error))")
            return
        }
        #expect(target == "/etc")
    }

    @Test("refuses hardlinks, devices and FIFOs")
    func specialEntries() throws {
        let hard = try rejection(.tar, [.file("a", Data("x".utf8)), .hardlink("b", target: "/etc/passwd")])
        guard case .unsafeEntry(_, "b", .hardlink(let target)) = hard else {
            Issue.record("expected hardlink, got \(String(describing: hard))")
            return
        }
        #expect(target == "/etc/passwd")
        #expect(try rejection(.tarGz, [.characterDevice("null")]).map(reason) == .device)
        #expect(try rejection(.tarGz, [.fifo("pipe")]).map(reason) == .fifo)
    }

    func reason(_ error: ArchiveError) -> UnsafeEntryReason? {
        if case .unsafeEntry(_, _, let reason) = error { return reason }
        return nil
    }

    @Test("refuses duplicate entries, also via ./ prefixes")
    func duplicates() throws {
        let error = try rejection(.tarGz, [.file("./a.txt", Data("1".utf8)), .file("a.txt", Data("2".utf8))])
        guard case .duplicateEntry(_, "a.txt") = error else {
            Issue.record("expected duplicateEntry, got \(String(describing: error))")
            return
        }
    }

    @Test("stops a compression bomb by counting written bytes", arguments: [TestArchive.Format.tarGz, .zip])
    func bomb(format: TestArchive.Format) throws {
        let (path, out) = try archive(format, [.zeros("zeros.bin", size: 64 << 20)])
        let archiveSize = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(archiveSize < 200_000, "bomb material compresses > 300x")
        let limits = ExtractionLimits(maxCompressionRatio: 50)
        let error = captureError { () throws(ArchiveError) in try ArchiveExtractor.extract(archive: path, into: out, limits: limits) }
        #expect(error == .compressionRatio(path: path, limit: 50))
        // Stopped mid-stream: no more than the ratio budget (+ one 1 MiB read) reached the disk.
        let written = (try? FileManager.default.attributesOfItem(atPath: out + "/zeros.bin")[.size] as? Int) ?? 0
        #expect(written <= max(1 << 20, archiveSize * 50) + (1 << 20))
    }

    @Test("enforces entry-count and total-size limits")
    func limits() throws {
        let many = (0..<12).map { TestArchive.Entry.file("f\($0).txt", Data("x".utf8)) }
        let countError = try rejection(.tarGz, many, limits: ExtractionLimits(maxEntries: 10))
        guard case .tooManyEntries(_, 10) = countError else {
            Issue.record("expected tooManyEntries, got \(String(describing: countError))")
            return
        }
        let big = [TestArchive.Entry.file("w.bin", TestArchive.randomBytes(count: 200_000))]
        let sizeError = try rejection(.tarGz, big, limits: ExtractionLimits(maxTotalBytes: 100_000))
        guard case .tooLarge(_, 100_000) = sizeError else {
            Issue.record("expected tooLarge, got \(String(describing: sizeError))")
            return
        }
    }

    @Test("reports corrupt and truncated archives as corrupt")
    func corruptAndTruncated() throws {
        let (path, _) = try archive(.tarGz, [.file("w.bin", TestArchive.randomBytes(count: 200_000))], name: "source")
        let bytes = try #require(FileManager.default.contents(atPath: path))

        let truncated = temp.appending("truncated.tar.gz")
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        var out = temp.appending("truncated.out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        let truncatedError = captureError { () throws(ArchiveError) in try ArchiveExtractor.extract(archive: truncated, into: out) }
        guard case .corrupt(truncated, _) = truncatedError else {
            Issue.record("expected corrupt, got \(String(describing: truncatedError))")
            return
        }

        var damaged = bytes
        for index in stride(from: 100, to: min(damaged.count, 5000), by: 7) { damaged[index] ^= 0x5a }
        let corrupt = temp.appending("corrupt.tar.gz")
        try damaged.write(to: URL(fileURLWithPath: corrupt))
        out = temp.appending("corrupt.out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        let corruptError = captureError { () throws(ArchiveError) in try ArchiveExtractor.extract(archive: corrupt, into: out) }
        guard case .corrupt(corrupt, _) = corruptError else {
            Issue.record("expected corrupt, got \(String(describing: corruptError))")
            return
        }
        #expect(corruptError?.description.contains("corrupt") == true)
    }

    @Test("says clearly when the file is not an archive")
    func notAnArchive() throws {
        let html = temp.appending("page.tar.gz")
        try Data("<!DOCTYPE html><html><body>Sign in</body></html>\n".utf8).write(to: URL(fileURLWithPath: html))
        let out = temp.appending("page.out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        let error = captureError { () throws(ArchiveError) in try ArchiveExtractor.extract(archive: html, into: out) }
        guard case .notAnArchive(html, _) = error else {
            Issue.record("expected notAnArchive, got \(String(describing: error))")
            return
        }
        #expect(error?.description.hasPrefix("\(html) is not a tar, tar.gz or zip archive") == true)
        #expect(error?.description.contains("\n") == false)
    }

    @Test("refuses a non-empty destination and an archive with no files")
    func destinationAndEmpty() throws {
        let (path, out) = try archive(.tarGz, [.file("a", Data("x".utf8))])
        _ = FileManager.default.createFile(atPath: out + "/existing", contents: Data())
        let error = captureError { () throws(ArchiveError) in try ArchiveExtractor.extract(archive: path, into: out) }
        #expect(error == .badDestination(path: out, message: "not empty"))

        let (emptyPath, emptyOut) = try archive(.tarGz, [.directory("only-a-folder")])
        let emptyError = captureError { () throws(ArchiveError) in try ArchiveExtractor.extract(archive: emptyPath, into: emptyOut) }
        #expect(emptyError == .empty(path: emptyPath))
    }
}
