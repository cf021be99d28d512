/// Options every command accepts, before or after the command name.
public struct GlobalOptions: Sendable, Equatable {
    /// `--cache-dir PATH`: overrides `HUBCTL_CACHE_DIR` and the XDG default.
    public var cacheDirectory: String?
    /// `--registry PATH|URL`: overrides `HUBCTL_REGISTRY` and the bundled registry.
    public var registry: String?
    /// `--offline`: never touch the network (also `HUBCTL_OFFLINE=1`).
    public var offline = false
    /// `--quiet`: no progress or notes on stderr; errors are still printed.
    public var quiet = false
    /// `--json`: machine-readable output on stdout.
    public var json = false

    public init() {}

    /// Removes the global options from `arguments` wherever they appear (up to a `--`) and returns
    /// the rest in order.
    static func extract(from arguments: [String]) throws(CLIError) -> (GlobalOptions, [String]) {
        var options = GlobalOptions()
        var rest: [String] = []
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            if word == "--" {
                rest.append(contentsOf: arguments[(index - 1)...])
                break
            }
            switch word {
            case "--offline": options.offline = true
            case "--quiet", "-q": options.quiet = true
            case "--json": options.json = true
            case "--cache-dir", "--registry":
                guard index < arguments.count else { throw .usage("\(word) needs a value") }
                let value = arguments[index]
                index += 1
                if word == "--cache-dir" { options.cacheDirectory = value } else { options.registry = value }
            default:
                if word.hasPrefix("--cache-dir=") {
                    options.cacheDirectory = String(word.dropFirst("--cache-dir=".count))
                } else if word.hasPrefix("--registry=") {
                    options.registry = String(word.dropFirst("--registry=".count))
                } else {
                    rest.append(word)
                }
            }
        }
        if options.cacheDirectory?.isEmpty == true { throw .usage("--cache-dir needs a non-empty path") }
        if options.registry?.isEmpty == true { throw .usage("--registry needs a non-empty path or URL") }
        return (options, rest)
    }
}
