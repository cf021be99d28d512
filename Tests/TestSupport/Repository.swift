import Foundation

/// Locations inside the checkout, found from this file's own path so tests run from any directory.
public enum Repository {
    /// The repository root (the folder holding Package.swift).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Committed test fixtures.
    public static let fixtures: URL = root.appendingPathComponent("Tests/Fixtures")

    /// The bundled registry.
    public static let registry: URL = root.appendingPathComponent("Registry")

    /// The `hubctl` binary built by `swift build` for the configuration the tests run in.
    public static var hubctlBinary: URL {
        if let override = ProcessInfo.processInfo.environment["HUBCTL_BINARY"] {
            return URL(fileURLWithPath: override)
        }
        // The test bundle lives in the same products directory as the executable.
        let products = Bundle.main.bundleURL.deletingLastPathComponent()
        let candidate = products.appendingPathComponent("hubctl")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        return root.appendingPathComponent(".build/debug/hubctl")
    }
}
