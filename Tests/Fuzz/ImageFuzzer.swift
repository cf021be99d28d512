// libFuzzer entry point for the image decoders (Imaging): `ImageDecoder.decode(data:name:)` over JPEG
// (libjpeg-turbo) and PNG (libpng through CImageShims). Built by Tests/Fuzz/run.sh with the Imaging sources.
//
// Random bytes rarely carry a valid signature, so each input is tried as given and also behind a JPEG SOI
// marker and a PNG signature. A decoded image must have positive dimensions and exactly width*height*3
// samples; anything else traps so libFuzzer keeps the input.

import Foundation

private let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
private let jpegStart: [UInt8] = [0xFF, 0xD8, 0xFF]

@_cdecl("LLVMFuzzerTestOneInput")
public func imageFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    var candidates = [bytes]
    if !bytes.starts(with: pngSignature) { candidates.append(pngSignature + bytes) }
    if !bytes.starts(with: jpegStart) { candidates.append(jpegStart + bytes) }
    for candidate in candidates {
        guard let image = try? ImageDecoder.decode(data: Data(candidate), name: "fuzz/image") else { continue }
        check(image)
    }
    return 0
}

/// Traps unless `image` is a well-formed RGB image.
private func check(_ image: RGBImage) {
    if image.width <= 0 || image.height <= 0 || image.pixels.count != image.width * image.height * 3 {
        fatalError("fuzz: decoded image \(image.width)x\(image.height) has \(image.pixels.count) samples")
    }
}
