import Foundation

/// Where a command writes: data to stdout, diagnostics to stderr. Commands never call `print`
/// directly so that `--quiet` and `--json` are honoured in one place.
package final class Console: @unchecked Sendable {
    private let lock = NSLock()
    /// True when `--quiet` was given: `note` writes nothing.
    package let quiet: Bool

    package init(quiet: Bool) { self.quiet = quiet }

    /// True when stderr is a terminal (progress bars are drawn only then).
    package var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// One line of data on stdout.
    package func out(_ line: String) { write(line + "\n", to: FileHandle.standardOutput) }

    /// A diagnostic note on stderr, suppressed by `--quiet`.
    package func note(_ line: String) {
        guard !quiet else { return }
        write(line + "\n", to: FileHandle.standardError)
    }

    /// The one-line `error: ...` message on stderr.
    package func error(_ message: String) {
        let oneLine = message.replacingOccurrences(of: "\n", with: " ")
        write("error: \(oneLine)\n", to: FileHandle.standardError)
    }

    /// Pretty, key-sorted JSON of `value` on stdout.
    package func json<T: Encodable>(_ value: T) throws(CLIError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            let data = try encoder.encode(value)
            out(String(decoding: data, as: UTF8.self))
        } catch {
            throw .failure("could not encode JSON output: \(error)")
        }
    }

    /// Pretty, key-sorted JSON of a `JSONSerialization` object (dictionaries, arrays, strings,
    /// numbers, `NSNull`) on stdout.
    package func jsonObject(_ object: Any) throws(CLIError) {
        do {
            let data = try JSONSerialization.data(withJSONObject: object,
                                                  options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            out(String(decoding: data, as: UTF8.self))
        } catch {
            throw .failure("could not encode JSON output: \(error)")
        }
    }

    private func write(_ text: String, to handle: FileHandle) {
        lock.lock()
        defer { lock.unlock() }
        handle.write(Data(text.utf8))
    }
}
