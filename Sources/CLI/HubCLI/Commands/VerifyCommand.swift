import HubClient
import HubStore

/// `hubctl verify [<handle>]`: re-hashes cached files against the recorded manifest.
struct VerifyCommand: HubCommand {
    static let name = "verify"
    static let summary = "re-hash cached modules and report missing, altered or extra files"
    static let help = """
        usage: hubctl verify [<handle>] [--json]

        Checks every file of the cached module (all modules without a handle) against the size and
        SHA-256 recorded when it was unpacked. Damaged modules are marked broken, never served
        again, and refetched by the next 'hubctl fetch'. Exits 1 when anything is damaged.
        """

    static func run(_ context: CommandContext) throws -> Int32 {
        let arguments = try ParsedArguments(context.arguments, command: name, flags: ["--json"])
        guard arguments.positionals.count <= 1 else {
            throw CLIError.usage("too many operands; usage: hubctl verify [<handle>]")
        }
        let handle = try arguments.positionals.first.map { text throws in try context.handle(text) }
        let reports = try context.openCache().verify(handle)
        let damaged = reports.filter { $0.status == .damaged || $0.status == .broken }
        if context.globals.json || arguments.has("--json") {
            try context.console.json(reports)
        } else {
            for report in reports {
                switch report.status {
                case .ok:
                    context.console.out("ok       \(report.handle) (\(report.checkedFiles) files, \(report.checkedBytes) bytes)")
                case .stale:
                    context.console.out("cleaned  \(report.handle) (left \(report.state.rawValue) by an interrupted fetch)")
                case .broken:
                    context.console.out("broken   \(report.handle) (marked earlier; 'hubctl fetch' refetches it)")
                case .damaged:
                    var parts: [String] = []
                    if !report.missing.isEmpty { parts.append("missing " + report.missing.joined(separator: ", ")) }
                    if !report.altered.isEmpty { parts.append("altered " + report.altered.joined(separator: ", ")) }
                    if !report.extra.isEmpty { parts.append("extra " + report.extra.joined(separator: ", ")) }
                    if parts.isEmpty { parts.append("no file manifest recorded") }
                    context.console.out("damaged  \(report.handle): \(parts.joined(separator: "; "))")
                }
            }
            if reports.isEmpty { context.console.note("the cache is empty") }
        }
        if !damaged.isEmpty {
            context.console.error("\(damaged.count) module(s) damaged and marked broken: "
                + damaged.map(\.handle).joined(separator: ", ") + "; 'hubctl fetch' refetches them")
            return ExitCode.failure
        }
        return ExitCode.success
    }
}
