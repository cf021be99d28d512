/// The sampling half of FactorizedReduction: R(p) at even positions (path 1) or shifted by one pixel
/// down-right (path 2, zero where the shift leaves the image), written densely for the 1×1 convolutions.
struct FactorizedGatherKernel {
    let source: TensorView
    let destination: TensorView
    /// 0 for path 1, 1 for path 2.
    let shift: Int

    init(source: TensorView, destination: TensorView, shift: Int) throws(RuntimeError) {
        guard destination.height == (source.height + 1) / 2, destination.width == (source.width + 1) / 2,
              destination.channels == source.channels, destination.batch == source.batch, shift == 0 || shift == 1
        else { throw RuntimeError.invalidInput("factorized gather destination does not halve its source") }
        self.source = source
        self.destination = destination
        self.shift = shift
    }

    func run(_ storage: ActivationStorage, threads: Int) {
        let input = SharedPointer(storage.pointer(source.ref))
        let output = SharedPointer(storage.pointer(destination.ref))
        let (height, width, channels, inStride) = (source.height, source.width, source.channels, source.pixelStride)
        let (outHeight, outWidth, outStride, shift) = (destination.height, destination.width,
                                                       destination.pixelStride, shift)
        ParallelLoop.run(count: destination.batch * outHeight, threads: threads) { rows in
            for row in rows {
                let n = row / outHeight, oy = row % outHeight
                let y = 2 * oy + shift
                for ox in 0 ..< outWidth {
                    let x = 2 * ox + shift
                    let to = output.base + ((n * outHeight + oy) * outWidth + ox) * outStride
                    if y < height && x < width {
                        let from = input.base + ((n * height + y) * width + x) * inStride
                        ChannelRow.relu(from, to, count: channels)
                    } else {
                        to.update(repeating: 0, count: channels)
                    }
                }
            }
        }
    }
}
