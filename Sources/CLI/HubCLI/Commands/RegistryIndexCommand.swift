import Foundation
import HubClient
import HubCore

/// `hubctl registry-index [--check]`: regenerates (or checks) `index.txt` of a local registry.
struct RegistryIndexCommand: HubCommand {
    static let name = "registry-index"
    static let summary = "write index.txt of a local registry from its documents"
    static let help = """
        usage: hubctl registry-index [--check]

        Scans the local registry (--registry, HUBCTL_REGISTRY or the bundled one) for
        <publisher>/<name>/.../<version>.md documents and writes index.txt, which remote
        registries need for unversioned handles. --check only reports whether it is up to date.
        """

    static func run(_ context: CommandContext) throws -> Int32 {
        let arguments = try ParsedArguments(context.arguments, command: name, flags: ["--check"])
        _ = try arguments.requireOperands(0, usage: "hubctl registry-index [--check]")
        guard let root = context.configuration.registryRoot else { throw HubError.noRegistry }
        let registry = Registry(root: root)
        guard case .directory(let folder) = registry.location else {
            throw CLIError.usage("registry-index needs a local registry folder, not \(root)")
        }
        let text = try Registry.scan(directory: folder).rendered()
        let path = folder + "/index.txt"
        let current = try? String(contentsOfFile: path, encoding: .utf8)
        if arguments.has("--check") {
            if current == text {
                context.console.out("\(path) is up to date")
                return ExitCode.success
            }
            context.console.error("\(path) is out of date; run 'hubctl registry-index'")
            return ExitCode.failure
        }
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw CLIError.failure("cannot write \(path): \(error.localizedDescription)")
        }
        context.console.out(path)
        return ExitCode.success
    }
}
