import Foundation
import HubClient
import HubStore

/// `hubctl list`: every cache entry with its state, size and folder.
struct ListCommand: HubCommand {
    static let name = "list"
    static let summary = "list cached modules"
    static let help = """
        usage: hubctl list [--json]

        One line per cache entry: state (ready, downloading, unpacking, broken), archive size,
        handle and module folder. Only ready entries are ever served.
        """

    /// One row of `list --json`.
    struct Row: Encodable {
        let handle: String
        let state: String
        let path: String
        let sha256: String
        let size: Int64
        let format: String
        let resolvedURL: String
        let fetchedAt: String
        let lastUsedAt: String

        enum CodingKeys: String, CodingKey {
            case handle, state, path, sha256, size, format
            case resolvedURL = "resolved_url"
            case fetchedAt = "fetched_at"
            case lastUsedAt = "last_used_at"
        }
    }

    static func run(_ context: CommandContext) throws -> Int32 {
        let arguments = try ParsedArguments(context.arguments, command: name, flags: ["--json"])
        _ = try arguments.requireOperands(0, usage: "hubctl list")
        let entries = try context.openCache().list()
        let dates = ISO8601DateFormatter()
        if context.globals.json || arguments.has("--json") {
            try context.console.json(entries.map {
                Row(handle: $0.handle, state: $0.state.rawValue, path: $0.path, sha256: $0.sha256, size: $0.size,
                    format: $0.format, resolvedURL: $0.resolvedURL, fetchedAt: dates.string(from: $0.fetchedAt),
                    lastUsedAt: dates.string(from: $0.lastUsedAt))
            })
            return ExitCode.success
        }
        if entries.isEmpty {
            context.console.note("the cache is empty")
            return ExitCode.success
        }
        for entry in entries {
            let state = entry.state.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)
            let size = ByteCountFormatter.string(fromByteCount: entry.size, countStyle: .binary)
            context.console.out("\(state) \(size.padding(toLength: 10, withPad: " ", startingAt: 0)) \(entry.handle)  \(entry.path)")
        }
        return ExitCode.success
    }
}
