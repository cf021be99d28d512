extension Duration {
    /// The duration in seconds, for timings reported as plain numbers (JSON, notes).
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
