import CArchive
import Foundation

/// A libarchive reader (owns the `struct archive*`) restricted to tar and zip, with every
/// compression filter libarchive knows (gzip, bzip2, xz, zstd…) so `.tar.gz` and friends work.
final class ArchiveReader {
    let path: String
    private let handle: OpaquePointer

    /// The kind of entry the reader is positioned on.
    enum EntryKind: Equatable {
        case file, directory, symlink, hardlink, device, fifo, socket
        case other(UInt32)
    }

    /// The header of the current entry.
    struct Header {
        var name: String?
        var kind: EntryKind
        var linkTarget: String?
        var mode: UInt32
    }

    /// Where the bytes come from when they are hashed on the way (see `HashingArchiveInput`); kept
    /// alive as long as the libarchive handle that calls into it.
    private let input: HashingArchiveInput?

    /// Opens `path`; with `input`, libarchive reads through it (which hashes the file as it goes)
    /// instead of opening the file itself.
    init(path: String, input: HashingArchiveInput? = nil) throws(ArchiveError) {
        self.path = path
        self.input = input
        guard let reader = archive_read_new() else {
            throw ArchiveError.io(path: path, message: "archive_read_new failed: out of memory")
        }
        handle = reader
        archive_read_support_filter_all(handle)
        archive_read_support_format_tar(handle)
        archive_read_support_format_gnutar(handle)
        archive_read_support_format_zip(handle)
        let opened = input.map { $0.attach(to: handle) } ?? archive_read_open_filename(handle, path, 1 << 16)
        if opened != ARCHIVE_OK {
            // Opening already probes the first bytes, so a non-archive can fail here.
            if failedToRecogniseFormat { throw ArchiveError.notAnArchive(path: path, message: lastError) }
            throw ArchiveError.corrupt(path: path, message: lastError)
        }
    }

    deinit { archive_read_free(handle) }

    var lastError: String {
        if let failure = input?.failure { return failure }
        return archive_error_string(handle).map { String(cString: $0) } ?? "unknown libarchive error"
    }

    /// Whether the last failure was libarchive's "no tar or zip format matched this input".
    var failedToRecogniseFormat: Bool {
        archive_errno(handle) == EILSEQ || lastError.localizedCaseInsensitiveContains("unrecognized archive format")
    }

    /// Reads the next header; nil at the end of the archive.
    func nextHeader() throws(ArchiveError) -> Header? {
        var entry: OpaquePointer?
        let rc = archive_read_next_header(handle, &entry)
        if rc == ARCHIVE_EOF { return nil }
        guard rc >= ARCHIVE_WARN, let entry else {
            throw ArchiveError.corrupt(path: path, message: lastError)
        }
        let name = archive_entry_pathname_utf8(entry).map { String(cString: $0) }
            ?? archive_entry_pathname(entry).map { String(cString: $0) }
        let mode = UInt32(archive_entry_mode(entry))
        if let target = archive_entry_hardlink(entry) {
            return Header(name: name, kind: .hardlink, linkTarget: String(cString: target), mode: mode)
        }
        let type = UInt32(archive_entry_filetype(entry))
        let kind: EntryKind
        switch type {
        case 0o100000: kind = .file
        case 0o040000: kind = .directory
        case 0o120000: kind = .symlink
        case 0o020000, 0o060000: kind = .device
        case 0o010000: kind = .fifo
        case 0o140000: kind = .socket
        default: kind = .other(type)
        }
        let target = archive_entry_symlink(entry).map { String(cString: $0) }
        return Header(name: name, kind: target != nil ? .symlink : kind, linkTarget: target, mode: mode)
    }

    /// Reads up to `buffer.count` bytes of the current entry's data; 0 at its end.
    func readData(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        let count = archive_read_data(handle, buffer.baseAddress, buffer.count)
        if count < 0 { throw ArchiveError.corrupt(path: path, message: lastError) }
        return count
    }
}
