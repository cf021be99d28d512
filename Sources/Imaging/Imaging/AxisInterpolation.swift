/// For each output coordinate along one axis, the two source coordinates to blend and the weight
/// of the second, computed in float32 exactly as TensorFlow's ResizeBilinear kernel does
/// (`compute_interpolation_weights`): `scale = in / out`, source `f = (d + 0.5)·scale − 0.5` with
/// half-pixel centres or `f = d·scale` (legacy), `lower = max(floor f, 0)`, `upper = min(ceil f, in − 1)`,
/// `lerp = f − floor f`.
struct AxisInterpolation {
    /// Source index of the first neighbour, times `stride`.
    var lower: [Int]
    /// Source index of the second neighbour, times `stride`.
    var upper: [Int]
    /// Weight of the second neighbour.
    var lerp: [Float]

    init(inputSize: Int, outputSize: Int, halfPixelCenters: Bool, stride: Int = 1) {
        let scale = Float(inputSize) / Float(outputSize)
        lower = []
        upper = []
        lerp = []
        lower.reserveCapacity(outputSize)
        upper.reserveCapacity(outputSize)
        lerp.reserveCapacity(outputSize)
        for d in 0..<outputSize {
            let source: Float = halfPixelCenters ? (Float(d) + 0.5) * scale - 0.5 : Float(d) * scale
            let floor = source.rounded(.down)
            lower.append(max(Int(floor), 0) * stride)
            upper.append(min(Int(source.rounded(.up)), inputSize - 1) * stride)
            lerp.append(source - floor)
        }
    }
}
