import Foundation
import TestSupport

/// Runs the built `hubctl` binary with a private cache and returns status, stdout and stderr.
struct Hubctl {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String

        /// stdout parsed as JSON.
        func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
        /// stderr lines, without the trailing empty one.
        var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
    }

    /// `HUBCTL_BINARY`, else the `hubctl` next to the running test executable (the same build),
    /// else `Repository.hubctlBinary`. Build it first: `swift build`.
    static var binary: URL {
        if let override = ProcessInfo.processInfo.environment["HUBCTL_BINARY"] {
            return URL(fileURLWithPath: override)
        }
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            var folder = URL(fileURLWithPath: exe).deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = folder.appendingPathComponent("hubctl")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                folder = folder.deletingLastPathComponent()
            }
        }
        return Repository.hubctlBinary
    }

    let cacheRoot: String
    var environment: [String: String] = [:]

    /// Runs `hubctl arguments...` with `HUBCTL_CACHE_DIR` set to this runner's cache.
    func callAsFunction(_ arguments: String...) throws -> Result { try run(arguments) }

    func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["HUBCTL_CACHE_DIR"] = cacheRoot
        env["HUBCTL_OFFLINE"] = nil
        env["HUBCTL_REGISTRY"] = nil
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}
