import CDNNL
import Foundation

/// The CPU engine and the in-order stream every primitive of a model runs on. Owns both handles.
final class DNNLContext: @unchecked Sendable {
    let engine: dnnl_engine_t
    let stream: dnnl_stream_t

    init() throws(RuntimeError) {
        var engine: dnnl_engine_t?
        try DNNLCall.check(dnnl_engine_create(&engine, dnnl_cpu, 0), "engine creation")
        var stream: dnnl_stream_t?
        let status = dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue)
        guard status == dnnl_success, let engine, let stream else {
            if let engine { dnnl_engine_destroy(engine) }
            throw RuntimeError.dnnl(operation: "stream creation", status: Int(status.rawValue))
        }
        self.engine = engine
        self.stream = stream
    }

    /// Waits until all submitted primitives have finished.
    func wait() throws(RuntimeError) {
        try DNNLCall.check(dnnl_stream_wait(stream), "stream wait")
    }

    /// Sets the OpenMP thread count oneDNN uses. libdnnl is built on GNU OpenMP; its
    /// `omp_set_num_threads` is looked up at run time so no manifest change is needed.
    static func setThreadCount(_ count: Int) {
        typealias SetThreads = @convention(c) (Int32) -> Void
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "omp_set_num_threads") else { return }
        let setThreads = unsafeBitCast(symbol, to: SetThreads.self)
        setThreads(Int32(count))
    }

    deinit {
        dnnl_stream_destroy(stream)
        dnnl_engine_destroy(engine)
    }
}
