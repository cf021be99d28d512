/// Elementwise moves between NHWC views of equal shape: copy, copy with ReLU, or add onto the destination.
/// Used where a state enters a concatenated output (identity ops) and to materialise R(state) once per cell.
struct ChannelCopyKernel {
    enum Mode: Equatable { case copy, relu, add }

    let mode: Mode
    let source: TensorView
    let destination: TensorView

    init(mode: Mode, source: TensorView, destination: TensorView) throws(RuntimeError) {
        guard source.batch == destination.batch, source.height == destination.height,
              source.width == destination.width, source.channels == destination.channels else {
            throw RuntimeError.invalidInput("channel copy between views of different shapes")
        }
        self.mode = mode
        self.source = source
        self.destination = destination
    }

    func run(_ storage: ActivationStorage, threads: Int) {
        let input = SharedPointer(storage.pointer(source.ref))
        let output = SharedPointer(storage.pointer(destination.ref))
        let (channels, inStride, outStride, mode) = (source.channels, source.pixelStride, destination.pixelStride, mode)
        ParallelLoop.run(count: source.pixels, threads: threads) { pixels in
            for pixel in pixels {
                let from = input.base + pixel * inStride
                let to = output.base + pixel * outStride
                switch mode {
                case .copy: ChannelRow.copy(from, to, count: channels)
                case .relu: ChannelRow.relu(from, to, count: channels)
                case .add: ChannelRow.add(from, to, count: channels)
                }
            }
        }
    }
}
