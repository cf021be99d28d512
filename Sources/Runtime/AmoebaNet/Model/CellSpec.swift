/// The AmoebaNet-A cell genotypes (tensorflow/tpu `model_specs.py`): which operation combines which hidden
/// states, and which states the cell output concatenates.
struct CellSpec {
    enum Operation: Equatable {
        case separable(kernel: Int)
        case averagePool
        case maxPool
        case identity
        case bottleneck1x7_7x1
    }

    let operations: [Operation]
    let inputs: [Int]
    /// 1 where the state is *not* part of the output (the `used_hiddenstates` constant).
    let used: [Int]

    static let normal = CellSpec(
        operations: [.averagePool, .maxPool, .separable(kernel: 3), .identity, .identity, .averagePool,
                     .separable(kernel: 3), .separable(kernel: 5), .averagePool, .separable(kernel: 3)],
        inputs: [0, 0, 1, 1, 0, 1, 0, 2, 5, 0],
        used: [1, 0, 1, 0, 0, 1, 0])

    static let reduction = CellSpec(
        operations: [.separable(kernel: 3), .averagePool, .maxPool, .separable(kernel: 7), .maxPool, .maxPool,
                     .separable(kernel: 3), .bottleneck1x7_7x1, .averagePool, .separable(kernel: 7)],
        inputs: [1, 0, 0, 2, 1, 0, 4, 0, 1, 0],
        used: [1, 1, 0, 0, 0, 0, 0])

    /// Indices of the states the output concatenates, in order.
    var outputStates: [Int] { used.indices.filter { used[$0] == 0 } }
}
