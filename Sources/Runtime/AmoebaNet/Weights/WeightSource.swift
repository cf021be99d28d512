import Foundation
import ModuleFormats

/// Read access to a module's variables by checkpoint key. The runtime only needs shapes (to infer the
/// architecture) and float32 values (to fold); tests can supply an in-memory source.
package protocol WeightSource: AnyObject {
    /// Where the variables come from, for error messages.
    var origin: String { get }
    /// The shape of `name`, or nil when the checkpoint has no such variable.
    func shape(of name: String) -> [Int]?
    /// The values of `name` in row-major order; valid as long as the source lives.
    func floats(_ name: String) throws(RuntimeError) -> UnsafeBufferPointer<Float>
    /// Says the values of `name` will not be read again (they have been folded into a copy), so a
    /// memory-mapped source can drop their pages from the process's resident set.
    func release(_ name: String)
}

extension WeightSource {
    package func release(_ name: String) {}

    /// The values of `name` after checking its shape is `expected`.
    func floats(_ name: String, shape expected: [Int]) throws(RuntimeError) -> UnsafeBufferPointer<Float> {
        guard let found = shape(of: name) else { throw RuntimeError.missingVariable(name: name, module: origin) }
        guard found == expected else {
            throw RuntimeError.unexpectedShape(name: name, expected: expected, found: found, module: origin)
        }
        return try floats(name)
    }

    /// The shape of `name`, throwing `missingVariable` when it is absent.
    func requiredShape(of name: String) throws(RuntimeError) -> [Int] {
        guard let found = shape(of: name) else { throw RuntimeError.missingVariable(name: name, module: origin) }
        return found
    }
}

/// Variables of a TF1 Hub module read from its memory-mapped TensorBundle.
final class BundleWeightSource: WeightSource {
    let bundle: TensorBundle
    let origin: String

    init(bundle: TensorBundle, origin: String) {
        self.bundle = bundle
        self.origin = origin
    }

    func shape(of name: String) -> [Int]? { bundle.index[name]?.shape.dimensions }

    func floats(_ name: String) throws(RuntimeError) -> UnsafeBufferPointer<Float> {
        do {
            return try bundle.floats(name)
        } catch {
            throw RuntimeError.unreadableModule(path: origin, reason: error.description)
        }
    }

    /// Drops the mapped pages that lie entirely inside the tensor (MADV_DONTNEED on a read-only file
    /// mapping: the pages return from the file if touched again), so loading never holds the checkpoint
    /// and its folded copy in memory at the same time.
    func release(_ name: String) {
        guard let bytes = try? bundle.bytes(name), let base = bytes.baseAddress, bytes.count > 0 else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (Int(bitPattern: base) + page - 1) / page * page
        let end = (Int(bitPattern: base) + bytes.count) / page * page
        guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
        madvise(pointer, end - start, MADV_DONTNEED)
    }
}

/// Variables held in memory: for tests that build small networks or single layers by hand.
package final class InMemoryWeightSource: WeightSource {
    package let origin: String
    private var tensors: [String: (shape: [Int], values: [Float])] = [:]
    private var pinned: [String: UnsafeMutableBufferPointer<Float>] = [:]

    package init(origin: String = "in-memory weights") { self.origin = origin }

    package func set(_ name: String, shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not match \(values.count) values")
        tensors[name] = (shape, values)
        pinned[name]?.deallocate()
        pinned[name] = nil
    }

    package func shape(of name: String) -> [Int]? { tensors[name]?.shape }

    package func floats(_ name: String) throws(RuntimeError) -> UnsafeBufferPointer<Float> {
        if let buffer = pinned[name] { return UnsafeBufferPointer(buffer) }
        guard let tensor = tensors[name] else { throw RuntimeError.missingVariable(name: name, module: origin) }
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(tensor.values.count, 1))
        _ = buffer.initialize(from: tensor.values)
        pinned[name] = buffer
        return UnsafeBufferPointer(rebasing: buffer[0 ..< tensor.values.count])
    }

    deinit { for buffer in pinned.values { buffer.deallocate() } }
}
