import Foundation

/// A pointer that may cross into the worker closures of `ParallelLoop`; every worker writes a disjoint range.
struct SharedPointer: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
    init(_ base: UnsafeMutablePointer<Float>) { self.base = base }
}

/// Splits `0 ..< count` into contiguous chunks, one per thread, for the memory-bound Swift kernels.
enum ParallelLoop {
    static func run(count: Int, threads: Int, _ body: @Sendable (Range<Int>) -> Void) {
        let workers = max(1, min(threads, count))
        if workers == 1 {
            body(0 ..< count)
            return
        }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let start = count * worker / workers
            let end = count * (worker + 1) / workers
            if start < end { body(start ..< end) }
        }
    }
}
