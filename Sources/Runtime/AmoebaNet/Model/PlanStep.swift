import Foundation

/// One step of an execution plan, run in order.
enum PlanStep {
    case primitive(DNNLPrimitive)
    case pooling(PoolingKernel)
    case channelCopy(ChannelCopyKernel)
    case gather(FactorizedGatherKernel)
    /// Mean over height and width (the `global_pool` feature vector).
    case globalAverage(source: TensorView, destination: TensorView)

    /// A short name for the kind of work: the oneDNN implementation, or the Swift kernel.
    var category: String {
        switch self {
        case .primitive(let primitive): return primitive.implementation
        case .pooling(let kernel): return kernel.kind == .max ? "swift max pool" : "swift avg pool"
        case .channelCopy(let kernel): return "swift \(kernel.mode)"
        case .gather: return "swift factorized gather"
        case .globalAverage: return "swift global mean"
        }
    }

    /// Runs `steps` in order. oneDNN primitives are queued on the stream; the stream is drained before a
    /// Swift kernel reads their results and at the end.
    static func run(_ steps: [PlanStep], storage: ActivationStorage, context: DNNLContext,
                    threads: Int, profile: ((PlanStep, UInt64) -> Void)? = nil) throws(RuntimeError) {
        var pending = false
        for step in steps {
            if let profile {
                // Profiling: run each step alone and report its wall time.
                try context.wait()
                let start = DispatchTime.now().uptimeNanoseconds
                try run([step], storage: storage, context: context, threads: threads)
                profile(step, DispatchTime.now().uptimeNanoseconds - start)
                continue
            }
            if case .primitive(let primitive) = step {
                try primitive.execute(context)
                pending = true
                continue
            }
            if pending {
                try context.wait()
                pending = false
            }
            switch step {
            case .primitive: break
            case .pooling(let kernel): kernel.run(storage, threads: threads)
            case .channelCopy(let kernel): kernel.run(storage, threads: threads)
            case .gather(let kernel): kernel.run(storage, threads: threads)
            case .globalAverage(let source, let destination):
                HeadKernels.globalAverage(source, into: storage.pointer(destination.ref), storage: storage, relu: false)
            }
        }
        try context.wait()
    }
}
