/// Integer samples to float32 in [0, 1] exactly as `tf.image.convert_image_dtype` does it:
/// `Float(x) * Float(1 / max)`, a multiply by the rounded reciprocal. This differs from a true
/// division `Float(x) / 255` by one ulp on about half the values, which the tests pin down.
enum SampleScale {
    /// `Float(1.0 / 255.0)`.
    static let eightBit: Float = Float(1.0 / 255.0)
    /// `Float(1.0 / 65535.0)`.
    static let sixteenBit: Float = Float(1.0 / 65535.0)

    @inline(__always) static func float(_ value: UInt8) -> Float { Float(value) * eightBit }
    @inline(__always) static func float(_ value: UInt16) -> Float { Float(value) * sixteenBit }
}
