import HubClient

/// `hubctl rm <handle>`: deletes a cached module (all cached versions for an unversioned handle).
struct RemoveCommand: HubCommand {
    static let name = "rm"
    static let summary = "remove a module from the cache"
    static let help = """
        usage: hubctl rm <handle> [--json]

        Deletes the module folder, its partial download and its index row, under the handle's lock.
        An unversioned handle removes every cached version of it.
        """

    struct Output: Encodable { let removed: [String] }

    static func run(_ context: CommandContext) throws -> Int32 {
        let arguments = try ParsedArguments(context.arguments, command: name, flags: ["--json"])
        let operand = try arguments.requireOperands(1, usage: "hubctl rm <handle>")[0]
        let handle = try context.handle(operand)
        let removed = try context.openCache().remove(handle)
        if context.globals.json || arguments.has("--json") {
            try context.console.json(Output(removed: removed))
        } else {
            for key in removed { context.console.out("removed \(key)") }
        }
        return ExitCode.success
    }
}
