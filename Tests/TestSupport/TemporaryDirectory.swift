import Foundation

/// A fresh `/tmp/<prefix>-<uuid>` folder, removed when the object goes away.
public final class TemporaryDirectory: @unchecked Sendable {
    // @unchecked: immutable after init.
    public let path: String
    public var url: URL { URL(fileURLWithPath: path) }

    public init(prefix: String = "hubctl-test") throws {
        path = NSTemporaryDirectory().appending("/\(prefix)-\(UUID().uuidString)")
            .replacingOccurrences(of: "//", with: "/")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// `path/name`.
    public func appending(_ name: String) -> String { path + "/" + name }
}
