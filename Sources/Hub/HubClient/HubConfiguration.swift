import Foundation
import HubCore
import HubTransport

/// Where the cache and registry are and how to behave, built from flags and the environment.
///
/// Precedence, highest first:
/// - cache root: `--cache-dir`, `HUBCTL_CACHE_DIR`, `$XDG_CACHE_HOME/hubctl`, `~/.cache/hubctl`;
/// - registry: `--registry`, `HUBCTL_REGISTRY`, else the bundled `Registry/` (see `findBundledRegistry`);
/// - offline: `--offline` or `HUBCTL_OFFLINE` set to `1`/`true`/`yes`;
/// - progress: drawn only when stderr is a terminal and not `--quiet`.
public struct HubConfiguration: Sendable {
    public var cacheRoot: String
    /// A local folder or an http(s) base URL; nil when none was given or found.
    public var registryRoot: String?
    public var offline: Bool
    public var showProgress: Bool
    public var transferOptions: TransferOptions
    /// How long a fetch waits for another process that is fetching the same handle (seconds).
    public var lockTimeout: Double

    public init(cacheRoot: String, registryRoot: String?, offline: Bool = false, showProgress: Bool = false,
                transferOptions: TransferOptions = TransferOptions(), lockTimeout: Double = 3600) {
        self.cacheRoot = cacheRoot
        self.registryRoot = registryRoot
        self.offline = offline
        self.showProgress = showProgress
        self.transferOptions = transferOptions
        self.lockTimeout = lockTimeout
    }

    /// Resolves the configuration from explicit flags (nil when not given) and `environment`.
    public static func resolve(cacheDirectory: String? = nil, registry: String? = nil, offline: Bool = false,
                               quiet: Bool = false,
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               currentDirectory: String = FileManager.default.currentDirectoryPath,
                               executablePath: String? = Self.currentExecutablePath()) -> HubConfiguration {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        let cacheRoot: String
        if let flag = cacheDirectory {
            cacheRoot = absolute(flag, currentDirectory: currentDirectory, home: home)
        } else if let env = environment["HUBCTL_CACHE_DIR"], !env.isEmpty {
            cacheRoot = absolute(env, currentDirectory: currentDirectory, home: home)
        } else if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            cacheRoot = xdg + "/hubctl"
        } else {
            cacheRoot = home + "/.cache/hubctl"
        }

        var registryRoot: String?
        if let flag = registry ?? environment["HUBCTL_REGISTRY"].flatMap({ $0.isEmpty ? nil : $0 }) {
            registryRoot = isWebURL(flag) ? flag : absolute(flag, currentDirectory: currentDirectory, home: home)
        } else {
            registryRoot = findBundledRegistry(executablePath: executablePath, currentDirectory: currentDirectory)
        }

        let offlineEnv = environment["HUBCTL_OFFLINE"].map { ["1", "true", "yes"].contains($0.lowercased()) } ?? false
        let progress = !quiet && isatty(STDERR_FILENO) == 1
        return HubConfiguration(cacheRoot: cacheRoot, registryRoot: registryRoot, offline: offline || offlineEnv,
                                showProgress: progress)
    }

    /// The bundled registry: the first `Registry/` folder holding an `index.txt`, looking in each
    /// folder from the executable's (symlinks resolved) up to `/`, then from the current directory
    /// up to `/`. A checkout's `.build/debug/hubctl` finds the checkout's `Registry/` this way.
    public static func findBundledRegistry(executablePath: String?, currentDirectory: String) -> String? {
        var starts: [String] = []
        if let executablePath {
            let resolved = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
            starts.append(resolved.path)
        }
        starts.append(currentDirectory)
        for start in starts {
            var folder = URL(fileURLWithPath: start).standardizedFileURL
            while true {
                let candidate = folder.appendingPathComponent("Registry")
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("index.txt").path) {
                    return candidate.path
                }
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        return nil
    }

    /// The running executable, from `/proc/self/exe` where available.
    public static func currentExecutablePath() -> String? {
        if let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return link }
        return Bundle.main.executablePath
    }

    static func isWebURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    static func absolute(_ path: String, currentDirectory: String, home: String) -> String {
        var expanded = path
        if path == "~" || path.hasPrefix("~/") { expanded = home + path.dropFirst() }
        if expanded.hasPrefix("file://") { expanded = String(expanded.dropFirst("file://".count)) }
        if !expanded.hasPrefix("/") { expanded = currentDirectory + "/" + expanded }
        return URL(fileURLWithPath: expanded).standardizedFileURL.path
    }
}
