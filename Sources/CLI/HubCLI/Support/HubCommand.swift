/// Everything a command needs to run: its own arguments, the global options, the environment and
/// the console. Built by `Entrypoint` after the global options are removed.
package struct CommandContext: Sendable {
    /// Words after the command name, global options removed.
    package let arguments: [String]
    package let globals: GlobalOptions
    package let environment: [String: String]
    package let console: Console

    package init(arguments: [String], globals: GlobalOptions, environment: [String: String], console: Console) {
        self.arguments = arguments
        self.globals = globals
        self.environment = environment
        self.console = console
    }
}

/// One `hubctl` subcommand. Each is a type in `Commands/` registered in `Entrypoint.commands`.
///
/// `run` returns the exit status; thrown errors are printed as one `error:` line by `Entrypoint`
/// and mapped to 64 for usage errors (`CLIError.usage`, malformed handles) and 1 otherwise.
package protocol HubCommand {
    /// The word after `hubctl`, e.g. `fetch`.
    static var name: String { get }
    /// One line for `hubctl --help`.
    static var summary: String { get }
    /// The full help text for `hubctl <name> --help`, starting with a `usage:` line.
    static var help: String { get }
    static func run(_ context: CommandContext) throws -> Int32
}
