/// The inner loops of the Swift kernels over one pixel's channels, in SIMD16 chunks with a scalar tail.
/// Written out because the compiler left the plain loops scalar (`Swift.max`) or 4-wide at best.
enum ChannelRow {
    private typealias Vector = SIMD16<Float>
    private static let width = Vector.scalarCount

    @inline(__always)
    private static func load(_ pointer: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    private static func store(_ value: Vector, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Vector.self)
    }

    /// to = from.
    @inline(__always)
    static func copy(_ from: UnsafePointer<Float>, _ to: UnsafeMutablePointer<Float>, count: Int) {
        to.update(from: from, count: count)
    }

    /// to = max(from, 0); `from` and `to` may be the same row.
    @inline(__always)
    static func relu(_ from: UnsafePointer<Float>, _ to: UnsafeMutablePointer<Float>, count: Int) {
        let zero = Vector(repeating: 0)
        var c = 0
        while c + width <= count {
            let value = load(from + c)
            store(value.replacing(with: zero, where: value .< zero), to + c)
            c += width
        }
        while c < count { to[c] = Swift.max(from[c], 0); c += 1 }
    }

    /// to += from.
    @inline(__always)
    static func add(_ from: UnsafePointer<Float>, _ to: UnsafeMutablePointer<Float>, count: Int) {
        var c = 0
        while c + width <= count {
            store(load(to + c) + load(from + c), to + c)
            c += width
        }
        while c < count { to[c] += from[c]; c += 1 }
    }

    /// to = max(to, from).
    @inline(__always)
    static func maximum(_ from: UnsafePointer<Float>, _ to: UnsafeMutablePointer<Float>, count: Int) {
        var c = 0
        while c + width <= count {
            let a = load(to + c), b = load(from + c)
            store(a.replacing(with: b, where: a .< b), to + c)
            c += width
        }
        while c < count { to[c] = Swift.max(to[c], from[c]); c += 1 }
    }

    /// to = from·scale, or to += from·scale when `accumulate`.
    @inline(__always)
    static func scaled(_ from: UnsafePointer<Float>, _ to: UnsafeMutablePointer<Float>, count: Int, scale: Float,
                       accumulate: Bool) {
        let factor = Vector(repeating: scale)
        var c = 0
        if accumulate {
            while c + width <= count {
                store(load(to + c) + load(from + c) * factor, to + c)
                c += width
            }
            while c < count { to[c] += from[c] * scale; c += 1 }
        } else {
            while c + width <= count {
                store(load(from + c) * factor, to + c)
                c += width
            }
            while c < count { to[c] = from[c] * scale; c += 1 }
        }
    }
}
