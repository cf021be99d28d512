/// A command's own arguments split into flags, valued options and positional operands.
///
/// Hand-rolled on purpose (no outside packages): accepts `--name value`, `--name=value`, and `--`
/// to end options. Anything starting with `-` that the command did not declare is a usage error.
package struct ParsedArguments: Sendable {
    package private(set) var positionals: [String] = []
    private var flagsSeen: Set<String> = []
    private var optionValues: [String: [String]] = [:]

    /// - Parameters:
    ///   - arguments: the words after the command name (global options already removed).
    ///   - flags: boolean switches the command accepts, e.g. `["--json"]`.
    ///   - options: options that take one value, e.g. `["--top"]`; they may repeat.
    package init(_ arguments: [String], command: String, flags: Set<String> = [], options: Set<String> = [])
        throws(CLIError)
    {
        var index = 0
        var onlyOperands = false
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            if onlyOperands || !word.hasPrefix("-") || word == "-" {
                positionals.append(word)
                continue
            }
            if word == "--" {
                onlyOperands = true
                continue
            }
            var name = word
            var inlineValue: String?
            if let equals = word.firstIndex(of: "=") {
                name = String(word[..<equals])
                inlineValue = String(word[word.index(after: equals)...])
            }
            if flags.contains(name) {
                if inlineValue != nil { throw .usage("\(command): \(name) takes no value") }
                flagsSeen.insert(name)
            } else if options.contains(name) {
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else if index < arguments.count {
                    value = arguments[index]
                    index += 1
                } else {
                    throw .usage("\(command): \(name) needs a value")
                }
                optionValues[name, default: []].append(value)
            } else {
                throw .usage("\(command): unknown option '\(name)'")
            }
        }
    }

    /// True when the switch `name` was given.
    package func has(_ name: String) -> Bool { flagsSeen.contains(name) }

    /// The last value given for `name`, if any.
    package func value(_ name: String) -> String? { optionValues[name]?.last }

    /// Every value given for `name`, in order.
    package func values(_ name: String) -> [String] { optionValues[name] ?? [] }

    /// The value of `name` as a positive integer, or a usage error naming the option.
    package func positiveInt(_ name: String, command: String) throws(CLIError) -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text), number > 0 else {
            throw .usage("\(command): \(name) expects a positive integer, got '\(text)'")
        }
        return number
    }

    /// Exactly `count` operands or a usage error quoting `usage`.
    package func requireOperands(_ count: Int, usage: String) throws(CLIError) -> [String] {
        guard positionals.count == count else {
            throw .usage(positionals.count < count ? "missing operand; usage: \(usage)"
                                                  : "too many operands; usage: \(usage)")
        }
        return positionals
    }
}
