/// The outcome for one input file: its predictions or output vector, or why it could not be run.
public struct ImageResult: Sendable {
    public enum Output: Sendable {
        /// The most probable classes, best first.
        case top([Prediction])
        /// A feature vector (or raw logits).
        case vector([Float])
    }

    public let file: String
    public let outcome: Result<Output, HubKitError>

    public init(file: String, outcome: Result<Output, HubKitError>) {
        self.file = file
        self.outcome = outcome
    }
}

/// One class of a classification result.
public struct Prediction: Sendable, Equatable, Codable {
    public let index: Int
    /// The class name from the module's label file, nil when there is none.
    public let label: String?
    /// Softmax probability.
    public let probability: Double
    public let logit: Float
}

/// The height and width a module expects its images resized to.
public struct ImageSize: Sendable, Equatable, Codable, CustomStringConvertible {
    public let height: Int
    public let width: Int

    public init(height: Int, width: Int) {
        self.height = height
        self.width = width
    }

    public var description: String { "\(height)x\(width)" }
}

/// What a signature's `default` output is.
public enum OutputKind: String, Sendable {
    case logits
    case features
}
