/// Errors the command line reports itself. `usage` exits 64 (EX_USAGE), `failure` exits 1.
public enum CLIError: Error, CustomStringConvertible, Sendable {
    /// The arguments are malformed: unknown option, missing value, wrong number of operands.
    case usage(String)
    /// The command understood its arguments but could not do the work.
    case failure(String)

    public var description: String {
        switch self {
        case .usage(let message), .failure(let message): return message
        }
    }

    /// The process exit status this error maps to.
    public var exitCode: Int32 {
        switch self {
        case .usage: return ExitCode.usage
        case .failure: return ExitCode.failure
        }
    }
}

/// The three exit statuses hubctl uses.
public enum ExitCode {
    public static let success: Int32 = 0
    public static let failure: Int32 = 1
    /// EX_USAGE from sysexits.h: malformed command line or handle.
    public static let usage: Int32 = 64
}
