/// 3×3-style NHWC pooling with TensorFlow's SAME rule: average over valid pixels only, max ignoring padding.
/// The destination may be a channel slice of a wider tensor, and the result may be added onto it (the
/// `comb_iter` sum), so pooling needs no separate concat or add pass.
struct PoolingKernel {
    enum Kind: Equatable { case average, max }

    let kind: Kind
    let window: Int
    let stride: Int
    let source: TensorView
    let destination: TensorView
    let accumulate: Bool

    init(kind: Kind, window: Int = 3, stride: Int, source: TensorView, destination: TensorView,
         accumulate: Bool) throws(RuntimeError) {
        let rows = SamePadding(input: source.height, kernel: window, stride: stride)
        let cols = SamePadding(input: source.width, kernel: window, stride: stride)
        guard destination.height == rows.output, destination.width == cols.output,
              destination.channels == source.channels, destination.batch == source.batch else {
            throw RuntimeError.invalidInput("pooling destination shape does not match its source")
        }
        self.kind = kind
        self.window = window
        self.stride = stride
        self.source = source
        self.destination = destination
        self.accumulate = accumulate
    }

    func run(_ storage: ActivationStorage, threads: Int) {
        let input = SharedPointer(storage.pointer(source.ref))
        let output = SharedPointer(storage.pointer(destination.ref))
        let rowPad = SamePadding(input: source.height, kernel: window, stride: stride).before
        let colPad = SamePadding(input: source.width, kernel: window, stride: stride).before
        let (height, width, channels) = (source.height, source.width, source.channels)
        let (outHeight, outWidth) = (destination.height, destination.width)
        let (inStride, outStride) = (source.pixelStride, destination.pixelStride)
        let (kind, window, stride, accumulate) = (self.kind, self.window, self.stride, self.accumulate)
        ParallelLoop.run(count: source.batch * outHeight, threads: threads) { rows in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: channels) { scratch in
                let acc = scratch.baseAddress!
                for row in rows {
                    let n = row / outHeight, oy = row % outHeight
                    let y0 = max(oy * stride - rowPad, 0), y1 = min(oy * stride - rowPad + window, height)
                    for ox in 0 ..< outWidth {
                        let x0 = max(ox * stride - colPad, 0), x1 = min(ox * stride - colPad + window, width)
                        let first = input.base + ((n * height + y0) * width + x0) * inStride
                        ChannelRow.copy(first, acc, count: channels)
                        for y in y0 ..< y1 {
                            for x in x0 ..< x1 where y != y0 || x != x0 {
                                let pixel = input.base + ((n * height + y) * width + x) * inStride
                                if kind == .max {
                                    ChannelRow.maximum(pixel, acc, count: channels)
                                } else {
                                    ChannelRow.add(pixel, acc, count: channels)
                                }
                            }
                        }
                        let out = output.base + ((n * outHeight + oy) * outWidth + ox) * outStride
                        let scale: Float = kind == .max ? 1 : 1 / Float((y1 - y0) * (x1 - x0))
                        ChannelRow.scaled(acc, out, count: channels, scale: scale, accumulate: accumulate)
                    }
                }
            }
        }
    }
}
