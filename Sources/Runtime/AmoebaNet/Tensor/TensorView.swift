/// A place in a plan's activation storage: a slot and an offset in floats. Resolved to a pointer only
/// when the plan runs, so plans can be laid out before their storage exists.
struct BufferRef: Hashable {
    let slot: Int
    let offset: Int

    func advanced(by floats: Int) -> BufferRef { BufferRef(slot: slot, offset: offset + floats) }
}

/// An NHWC float32 activation, possibly a channel slice of a wider tensor: pixel (n, y, x) starts at
/// `((n·height + y)·width + x)·pixelStride` and holds `channels` consecutive floats.
struct TensorView: Equatable {
    var ref: BufferRef
    var batch: Int
    var height: Int
    var width: Int
    var channels: Int
    var pixelStride: Int

    /// A dense tensor at `ref`.
    init(ref: BufferRef, batch: Int, height: Int, width: Int, channels: Int, pixelStride: Int? = nil) {
        self.ref = ref
        self.batch = batch
        self.height = height
        self.width = width
        self.channels = channels
        self.pixelStride = pixelStride ?? channels
    }

    var pixels: Int { batch * height * width }
    var isDense: Bool { pixelStride == channels }
    /// Floats spanned by the parent tensor this view lives in.
    var denseCount: Int { pixels * channels }

    /// Channels `start ..< start + count` of this view, sharing its storage.
    func channelSlice(_ start: Int, _ count: Int) -> TensorView {
        precondition(start >= 0 && start + count <= channels, "channel slice out of range")
        var view = self
        view.ref = ref.advanced(by: start)
        view.channels = count
        return view
    }

}
