#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only, shared memory mapping of a whole file.
///
/// Weight files are gigabytes; mapping lets the kernel page them in on demand and share the pages with the
/// page cache instead of holding a second copy on the heap. The mapping lives exactly as long as this object.
public final class MappedFile: @unchecked Sendable {
    // @unchecked: the mapping is PROT_READ and never changes after init, so concurrent reads are safe.
    public let path: String
    /// The mapped bytes (empty for an empty file).
    public let bytes: UnsafeRawBufferPointer
    private let mapping: UnsafeMutableRawPointer?

    public init(path: String) throws(FormatError) {
        self.path = path
        let (descriptor, size) = try FileBytes.openRegularFile(path)
        defer { close(descriptor) }
        if size == 0 {
            mapping = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let address = mmap(nil, size, PROT_READ, MAP_SHARED, descriptor, 0)
        guard let address, address != MAP_FAILED else { throw .io(path: path, operation: "mmap", errno: errno) }
        mapping = address
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit {
        if let mapping { munmap(mapping, bytes.count) }
    }
}
