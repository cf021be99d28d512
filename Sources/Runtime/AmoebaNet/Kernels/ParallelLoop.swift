import Foundation

/// A pointer that may cross into the worker closures of `ParallelLoop`; every worker writes a disjoint range.
struct SharedPointer: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
    init(_ base: UnsafeMutablePointer<Float>) { self.base = base }
}

/// Splits `0 ..< count` into contiguous chunks, one per thread, for the memory-bound Swift kernels.
///
/// The chunks run on the OpenMP team oneDNN itself uses (GNU libgomp's `GOMP_parallel`, looked up at run
/// time like `omp_set_num_threads`): right after a primitive those threads are still spinning, so handing
/// them the work is cheaper than waking Dispatch workers that then compete with the spinning threads for
/// the cores. Without libgomp the chunks go to Dispatch.
enum ParallelLoop {
    private typealias Entry = @convention(c) (UnsafeMutableRawPointer?) -> Void
    private typealias Parallel = @convention(c) (Entry, UnsafeMutableRawPointer?, UInt32, UInt32) -> Void
    private typealias ThreadQuery = @convention(c) () -> Int32

    private struct OpenMP: @unchecked Sendable {
        let parallel: Parallel
        let threadNumber: ThreadQuery
        let teamSize: ThreadQuery
    }

    private static let openMP: OpenMP? = {
        guard ProcessInfo.processInfo.environment["HUBCTL_SWIFT_LOOPS_ON_DISPATCH"] == nil,
              let handle = dlopen(nil, RTLD_NOW), let parallel = dlsym(handle, "GOMP_parallel"),
              let number = dlsym(handle, "omp_get_thread_num"), let size = dlsym(handle, "omp_get_num_threads")
        else { return nil }
        return OpenMP(parallel: unsafeBitCast(parallel, to: Parallel.self),
                      threadNumber: unsafeBitCast(number, to: ThreadQuery.self),
                      teamSize: unsafeBitCast(size, to: ThreadQuery.self))
    }()

    /// What one OpenMP region needs; passed to the C entry point as its data pointer.
    private final class Job {
        let count: Int
        let body: (Range<Int>) -> Void
        let openMP: OpenMP
        init(count: Int, body: @escaping (Range<Int>) -> Void, openMP: OpenMP) {
            self.count = count
            self.body = body
            self.openMP = openMP
        }
    }

    static func run(count: Int, threads: Int, _ body: @Sendable (Range<Int>) -> Void) {
        let workers = max(1, min(threads, count))
        if workers == 1 {
            body(0 ..< count)
            return
        }
        if let openMP {
            withoutActuallyEscaping(body) { body in
                let job = Job(count: count, body: body, openMP: openMP)
                withExtendedLifetime(job) {
                    openMP.parallel({ data in
                        guard let data else { return }
                        let job = Unmanaged<Job>.fromOpaque(data).takeUnretainedValue()
                        let worker = Int(job.openMP.threadNumber()), team = max(1, Int(job.openMP.teamSize()))
                        let start = job.count * worker / team, end = job.count * (worker + 1) / team
                        if start < end { job.body(start ..< end) }
                    }, Unmanaged.passUnretained(job).toOpaque(), UInt32(workers), 0)
                }
            }
            return
        }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let start = count * worker / workers
            let end = count * (worker + 1) / workers
            if start < end { body(start ..< end) }
        }
    }
}
