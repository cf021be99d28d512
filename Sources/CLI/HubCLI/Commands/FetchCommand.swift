import Foundation
import HubClient

/// `hubctl fetch <handle>`: makes sure a module is cached and prints its folder.
struct FetchCommand: HubCommand {
    static let name = "fetch"
    static let summary = "download, verify and cache a module; print its folder"
    static let help = """
        usage: hubctl fetch <handle> [--json]

        <handle> is publisher/name/.../version, the same without a version (latest), a
        https://tfhub.dev/<handle> URL, a direct http(s) archive URL, or a local folder or archive
        (./dir, /abs/model.tar.gz, file:///...). Prints the module folder on stdout; a cached module
        is served without any network access.
        """

    static func run(_ context: CommandContext) throws -> Int32 {
        let arguments = try ParsedArguments(context.arguments, command: name, flags: ["--json"])
        let operand = try arguments.requireOperands(1, usage: "hubctl fetch <handle>")[0]
        let handle = try context.handle(operand)
        let cache = try context.openCache()
        let module = try cache.fetch(handle)
        let unpacked = module.unpackSeconds.map { String(format: ", unpacked in %.1f s", $0) } ?? ""
        switch module.origin {
        case .downloaded:
            let resumed = module.resumedFrom > 0 ? ", resumed at byte \(module.resumedFrom)" : ""
            let rate = module.downloadSeconds.map { seconds in
                String(format: " in %.1f s (%.0f MB/s)", seconds,
                       Double((module.size ?? 0) - module.resumedFrom) / max(seconds, 1e-6) / 1e6)
            } ?? ""
            context.console.note("fetched \(module.handle) (\(module.size ?? 0) bytes\(rate)\(resumed)\(unpacked), "
                + "sha256 \(module.sha256 ?? "-"))")
        case .unpackedLocalArchive:
            context.console.note("unpacked \(module.handle) into the cache (\(module.size ?? 0) bytes\(unpacked))")
        case .cache, .localDirectory:
            break
        }
        if context.globals.json || arguments.has("--json") {
            try context.console.json(module)
        } else {
            context.console.out(module.path)
        }
        return ExitCode.success
    }
}
