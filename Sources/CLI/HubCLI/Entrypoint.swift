import Foundation
import HubClient
import HubCore

/// The whole `hubctl` program: parses `arguments` (including argv[0]) and returns the exit status.
public enum Entrypoint {
    /// The version printed by `hubctl --version`.
    public static let version = "0.1.0"

    /// Every subcommand, in the order `--help` lists them.
    static var commands: [any HubCommand.Type] {[
        FetchCommand.self, InfoCommand.self, ListCommand.self, RemoveCommand.self, VerifyCommand.self,
        RunCommand.self, BenchCommand.self, RegistryIndexCommand.self,
    ]}

    public static func run(arguments: [String]) -> Int32 {
        run(arguments: arguments, environment: ProcessInfo.processInfo.environment)
    }

    public static func run(arguments: [String], environment: [String: String]) -> Int32 {
        let words = Array(arguments.dropFirst())
        let globals: GlobalOptions
        let rest: [String]
        do {
            (globals, rest) = try GlobalOptions.extract(from: words)
        } catch {
            Console(quiet: false).error(error.description)
            return error.exitCode
        }
        let console = Console(quiet: globals.quiet)
        guard let first = rest.first else {
            console.error("no command given; run 'hubctl --help'")
            return ExitCode.usage
        }
        if first == "--help" || first == "-h" || first == "help" {
            if rest.count > 1, let command = command(named: rest[1]) {
                console.out(command.help)
            } else {
                console.out(overview)
            }
            return ExitCode.success
        }
        if first == "--version" {
            console.out("hubctl \(version)")
            return ExitCode.success
        }
        guard let command = command(named: first) else {
            console.error("unknown command '\(first)'; run 'hubctl --help'")
            return ExitCode.usage
        }
        let commandArguments = Array(rest.dropFirst())
        if commandArguments.contains("--help") || commandArguments.contains("-h") {
            console.out(command.help)
            return ExitCode.success
        }
        let context = CommandContext(arguments: commandArguments, globals: globals, environment: environment,
                                     console: console)
        do {
            return try command.run(context)
        } catch let error as CLIError {
            console.error(error.description)
            return error.exitCode
        } catch let error as HandleError {
            console.error(error.description)
            return ExitCode.usage
        } catch let error as HubError {
            console.error(error.description)
            return error.isUsageError ? ExitCode.usage : ExitCode.failure
        } catch {
            console.error(String(describing: error))
            return ExitCode.failure
        }
    }

    static func command(named name: String) -> (any HubCommand.Type)? {
        commands.first { $0.name == name }
    }

    static var overview: String {
        var lines = [
            "hubctl \(version): fetch, cache and run TF-Hub style modules",
            "",
            "usage: hubctl [global options] <command> [options] [operands]",
            "",
            "commands:",
        ]
        let width = (commands.map { $0.name.count }.max() ?? 0) + 2
        for command in commands {
            lines.append("  " + command.name.padding(toLength: width, withPad: " ", startingAt: 0) + command.summary)
        }
        lines += [
            "",
            "global options:",
            "  --cache-dir PATH   cache root (env HUBCTL_CACHE_DIR, else $XDG_CACHE_HOME/hubctl, ~/.cache/hubctl)",
            "  --registry PATH|URL  registry root (env HUBCTL_REGISTRY, else the bundled Registry/)",
            "  --offline          never use the network (env HUBCTL_OFFLINE=1)",
            "  --quiet, -q        no progress or notes on stderr",
            "  --json             machine-readable output on stdout",
            "  --help, -h         this text; 'hubctl <command> --help' for one command",
            "  --version          print the version",
            "",
            "exit status: 0 success, 1 failure, 64 usage error",
        ]
        return lines.joined(separator: "\n")
    }
}
