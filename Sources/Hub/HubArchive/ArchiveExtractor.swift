import Foundation
import HubCore

/// Unpacks tar, tar.gz (and other compressed tars) and zip archives strictly.
///
/// Refused: absolute paths, `..` components, empty or odd names, symlinks, hardlinks, devices,
/// FIFOs, sockets, duplicate entries, and archives past `ExtractionLimits` (entry count, total
/// bytes, compression ratio; bytes are counted as they are written, so a bomb stops mid-stream).
/// A leading `./` is stripped. Files are created 0644 (0755 when the archive marks them
/// executable), folders 0755; archive owners, times and other mode bits are ignored. Files are
/// opened with `O_CREAT | O_EXCL | O_NOFOLLOW`, so nothing existing is overwritten or followed.
/// Every file is SHA-256 hashed while written and fsynced, as are the folders, before returning.
///
/// On error the target folder may hold a partial result; the caller (which made the empty temp
/// folder) deletes it. Nothing outside the target folder is ever touched.
public enum ArchiveExtractor {
    /// Unpacks `archive` into the existing, empty folder `directory`. With `hashArchive`, the archive
    /// file's own SHA-256 is taken from the same read (on the writer's core) and reported.
    public static func extract(archive: String, into directory: String, limits: ExtractionLimits = .default,
                               hashArchive: Bool = false) throws(ArchiveError) -> ExtractionReport {
        var info = stat()
        guard stat(archive, &info) == 0 else { throw ArchiveError.notFound(path: archive) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw ArchiveError.notAnArchive(path: archive, message: "not a regular file")
        }
        try checkDestination(directory)
        let archiveSize = Int64(info.st_size)
        let byteBudget = min(limits.maxTotalBytes,
                             max(limits.ratioGraceBytes, Int64(Double(archiveSize) * limits.maxCompressionRatio)))

        let sink = FileSink()
        let input = hashArchive ? try HashingArchiveInput(path: archive, queue: sink.queue) : nil
        let reader = try ArchiveReader(path: archive, input: input)
        var state = ExtractionState(archive: archive, root: directory)

        while true {
            let header: ArchiveReader.Header?
            do throws(ArchiveError) {
                header = try reader.nextHeader()
            } catch {
                if state.entryCount == 0 && reader.failedToRecogniseFormat {
                    throw ArchiveError.notAnArchive(path: archive, message: reader.lastError)
                }
                throw error
            }
            guard let header else { break }
            state.entryCount += 1
            if state.entryCount > limits.maxEntries {
                throw ArchiveError.tooManyEntries(path: archive, limit: limits.maxEntries)
            }
            let rawName = header.name ?? ""
            guard let relative = try normalize(rawName, archive: archive) else { continue }  // "./" itself
            switch header.kind {
            case .file: break
            case .directory:
                try state.makeDirectory(relative, explicit: true)
                continue
            case .symlink:
                throw ArchiveError.unsafeEntry(path: archive, entry: rawName, reason: .symlink(target: header.linkTarget ?? ""))
            case .hardlink:
                throw ArchiveError.unsafeEntry(path: archive, entry: rawName, reason: .hardlink(target: header.linkTarget ?? ""))
            case .device: throw ArchiveError.unsafeEntry(path: archive, entry: rawName, reason: .device)
            case .fifo: throw ArchiveError.unsafeEntry(path: archive, entry: rawName, reason: .fifo)
            case .socket: throw ArchiveError.unsafeEntry(path: archive, entry: rawName, reason: .socket)
            case .other(let mode):
                throw ArchiveError.unsafeEntry(path: archive, entry: rawName, reason: .unsupportedType(mode: mode))
            }

            // A regular file: inflated here, hashed and written by the sink on the other core.
            let fd = try state.createFile(relative, executable: header.mode & 0o111 != 0)
            let filePath = directory + "/" + relative
            sink.begin(fd: fd, path: filePath)
            var size: Int64 = 0
            let digest: String
            do throws(ArchiveError) {
                while true {
                    let buffer = try sink.nextBuffer()
                    let count: Int
                    do throws(ArchiveError) {
                        count = try reader.readData(into: buffer)
                    } catch {
                        sink.submit(buffer, count: 0)
                        throw error
                    }
                    size += Int64(count)
                    state.totalBytes += Int64(count)
                    if state.totalBytes > limits.maxTotalBytes || state.totalBytes > byteBudget {
                        sink.submit(buffer, count: 0)
                        if state.totalBytes > limits.maxTotalBytes {
                            throw ArchiveError.tooLarge(path: archive, limit: limits.maxTotalBytes)
                        }
                        throw ArchiveError.compressionRatio(path: archive, limit: limits.maxCompressionRatio)
                    }
                    sink.submit(buffer, count: count)
                    if count == 0 { break }
                }
                digest = try sink.finish()
                if close(fd) != 0 {
                    throw ArchiveError.io(path: filePath, message: String(cString: strerror(errno)))
                }
            } catch {
                sink.abandon()
                close(fd)
                throw error
            }
            state.files.append(ExtractedFile(relativePath: relative, size: size, sha256: digest))
        }
        if state.files.isEmpty { throw ArchiveError.empty(path: archive) }
        // Make the new directory entries durable too (deepest first, then the root).
        for relative in state.directoryOrder.reversed() { syncDirectory(directory + "/" + relative) }
        syncDirectory(directory)
        return ExtractionReport(files: state.files, directories: state.directoryOrder, totalBytes: state.totalBytes,
                                archiveSHA256: input?.digest())
    }

    /// Turns an entry name into a safe relative path: strips leading `./` and a trailing `/`,
    /// drops `.` components, and refuses absolute paths, `..`, backslashes and control bytes.
    /// Returns nil for the archive root itself (`./`).
    static func normalize(_ name: String, archive: String) throws(ArchiveError) -> String? {
        if name.isEmpty { throw ArchiveError.unsafeEntry(path: archive, entry: name, reason: .invalidName) }
        if name.hasPrefix("/") { throw ArchiveError.unsafeEntry(path: archive, entry: name, reason: .absolutePath) }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\\" || $0.value == 0x7f }) {
            throw ArchiveError.unsafeEntry(path: archive, entry: name, reason: .invalidName)
        }
        var components: [Substring] = []
        for component in name.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == ".." { throw ArchiveError.unsafeEntry(path: archive, entry: name, reason: .parentTraversal) }
            components.append(component)
        }
        if components.isEmpty {
            if name.allSatisfy({ $0 == "." || $0 == "/" }) { return nil }
            throw ArchiveError.unsafeEntry(path: archive, entry: name, reason: .invalidName)
        }
        return components.joined(separator: "/")
    }

    private static func checkDestination(_ directory: String) throws(ArchiveError) {
        var info = stat()
        guard lstat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw ArchiveError.badDestination(path: directory, message: "not an existing directory")
        }
        guard let contents = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw ArchiveError.badDestination(path: directory, message: "cannot list it")
        }
        if !contents.isEmpty { throw ArchiveError.badDestination(path: directory, message: "not empty") }
    }

    private static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }
}

/// Book-keeping of one extraction: what has been created, so duplicates and file/folder clashes
/// are caught and nothing is created through anything but a folder this extraction made.
private struct ExtractionState {
    let archive: String
    let root: String
    var entryCount = 0
    var totalBytes: Int64 = 0
    var files: [ExtractedFile] = []
    var filePaths: Set<String> = []
    var directories: Set<String> = []
    var explicitDirectories: Set<String> = []
    var directoryOrder: [String] = []

    init(archive: String, root: String) {
        self.archive = archive
        self.root = root
    }

    mutating func makeDirectory(_ relative: String, explicit: Bool) throws(ArchiveError) {
        if explicit {
            if explicitDirectories.contains(relative) {
                throw ArchiveError.duplicateEntry(path: archive, entry: relative)
            }
            explicitDirectories.insert(relative)
        }
        if directories.contains(relative) { return }
        if filePaths.contains(relative) {
            throw ArchiveError.unsafeEntry(path: archive, entry: relative, reason: .typeConflict)
        }
        if let slash = relative.lastIndex(of: "/") {
            try makeDirectory(String(relative[..<slash]), explicit: false)
        }
        let full = root + "/" + relative
        if mkdir(full, 0o755) != 0 {
            if errno == ENOSPC { throw ArchiveError.diskFull(path: full) }
            throw ArchiveError.io(path: full, message: String(cString: strerror(errno)))
        }
        _ = chmod(full, 0o755)
        directories.insert(relative)
        directoryOrder.append(relative)
    }

    /// Creates a new regular file (never an existing one, never through a link) and returns its fd.
    mutating func createFile(_ relative: String, executable: Bool) throws(ArchiveError) -> Int32 {
        if filePaths.contains(relative) { throw ArchiveError.duplicateEntry(path: archive, entry: relative) }
        if directories.contains(relative) {
            throw ArchiveError.unsafeEntry(path: archive, entry: relative, reason: .typeConflict)
        }
        if let slash = relative.lastIndex(of: "/") {
            try makeDirectory(String(relative[..<slash]), explicit: false)
        }
        let full = root + "/" + relative
        let mode: mode_t = executable ? 0o755 : 0o644
        let fd = open(full, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else {
            if errno == ENOSPC { throw ArchiveError.diskFull(path: full) }
            throw ArchiveError.io(path: full, message: String(cString: strerror(errno)))
        }
        _ = fchmod(fd, mode)
        filePaths.insert(relative)
        return fd
    }
}
