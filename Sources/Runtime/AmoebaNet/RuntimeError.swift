/// Everything that can go wrong while loading or running an AmoebaNet-A module. Each case names the module,
/// variable or library call at fault and prints as one line.
public enum RuntimeError: Error, CustomStringConvertible, Equatable {
    /// A variable the AmoebaNet-A structure needs is absent from the checkpoint.
    case missingVariable(name: String, module: String)
    /// A variable exists but its shape does not fit the structure inferred so far.
    case unexpectedShape(name: String, expected: [Int], found: [Int], module: String)
    /// The module's variables do not describe an AmoebaNet-A network at all.
    case notAmoebaNet(module: String, reason: String)
    /// The checkpoint or graph could not be read.
    case unreadableModule(path: String, reason: String)
    /// A oneDNN call failed; `operation` says which layer and call.
    case dnnl(operation: String, status: Int)
    /// The caller passed images that do not fit the model.
    case invalidInput(String)
    /// The module asks for a variant of the network this runtime does not implement.
    case unsupported(module: String, reason: String)

    public var description: String {
        switch self {
        case let .missingVariable(name, module):
            return "not an AmoebaNet-A module: variable '\(name)' is missing in \(module)"
        case let .unexpectedShape(name, expected, found, module):
            return "variable '\(name)' in \(module) has shape \(found), expected \(expected)"
        case let .notAmoebaNet(module, reason):
            return "not an AmoebaNet-A module (\(module)): \(reason)"
        case let .unreadableModule(path, reason):
            return "cannot read module \(path): \(reason)"
        case let .dnnl(operation, status):
            return "oneDNN failed with status \(status) in \(operation)"
        case let .invalidInput(reason):
            return "invalid input: \(reason)"
        case let .unsupported(module, reason):
            return "unsupported AmoebaNet variant in \(module): \(reason)"
        }
    }
}
