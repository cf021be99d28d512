import Foundation

/// A tiny tmpfs mounted on a temp folder, for disk-full tests. Needs root and `mount`; check
/// `SmallFilesystem.isAvailable` (tests use it in `.enabled(if:)`). Unmounted in `deinit`.
public final class SmallFilesystem: @unchecked Sendable {
    // @unchecked: immutable after init.
    public let path: String
    private let holder: TemporaryDirectory

    /// Root can mount here (probed once by mounting and unmounting a 64 KiB tmpfs).
    public static let isAvailable: Bool = {
        guard geteuid() == 0, FileManager.default.isExecutableFile(atPath: "/bin/mount") else { return false }
        guard let probe = try? SmallFilesystem(kibibytes: 64) else { return false }
        _ = probe
        return true
    }()

    /// Mounts a tmpfs of `kibibytes` KiB.
    public init(kibibytes: Int) throws {
        holder = try TemporaryDirectory(prefix: "hubctl-smallfs")
        path = holder.path
        let status = Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kibibytes)k,mode=0755", "tmpfs", path])
        guard status == 0 else { throw TestServerError.startFailed("mount tmpfs on \(path) failed (status \(status))") }
    }

    deinit { _ = Self.run("/bin/umount", ["-l", path]) }

    private static func run(_ tool: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
