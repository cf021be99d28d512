import Foundation
import Imaging
import Testing

/// The decode → central crop → resize path that feeds the network, against TensorFlow running
/// decode, convert_image_dtype, central_crop(0.875) and resize to 29×31 (tolerance 1e-6 absolute).
@Suite("Preprocessing files into batch slots")
struct PreprocessorTests {
    @Test("decode, crop 0.875 and resize match TensorFlow",
          arguments: ["baseline.jpg", "exif-6.jpg", "rgb16.png"], [true, false])
    func pipeline(name: String, halfPixelCenters: Bool) throws {
        let expected = try ImageFixtures.expected("pipeline-\(name)-\(halfPixelCenters ? "half" : "legacy")")
        let prep = try ImagePreprocessor(height: 29, width: 31, centralCropFraction: 0.875,
                                         halfPixelCenters: halfPixelCenters)
        let image = try prep.image(path: ImageFixtures.path(name))
        let difference = ImageFixtures.maxAbsDifference(image.pixels, try #require(expected.floats))
        #expect(difference <= 1e-6, "max |hubctl - TF| = \(difference)")
    }

    @Test("the slot path equals decode + centralCrop + bilinear on RGBImage")
    func slotEqualsComposition() throws {
        let path = ImageFixtures.path("palette.png")
        let prep = try ImagePreprocessor(height: 40, width: 17, centralCropFraction: 0.6)
        let composed = ImageResizer.bilinear(
            try ImageResizer.centralCrop(try ImageDecoder.decode(path: path), fraction: 0.6), height: 40, width: 17)
        let direct = try prep.image(path: path)
        #expect((direct.width, direct.height) == (composed.width, composed.height))
        #expect(ImageFixtures.mismatches(direct.pixels, composed.pixels) == 0)
    }

    @Test("load(image:into:) equals centralCrop + bilinear on the same RGBImage")
    func loadFromImage() throws {
        let image = try ImageDecoder.decode(path: ImageFixtures.path("exif-5.jpg"))
        let prep = try ImagePreprocessor(height: 19, width: 45, centralCropFraction: 0.7, halfPixelCenters: false)
        var slot = [Float](repeating: .nan, count: prep.sampleCount)
        try slot.withUnsafeMutableBufferPointer { buffer in try prep.load(image: image, into: buffer) }
        let composed = ImageResizer.bilinear(try ImageResizer.centralCrop(image, fraction: 0.7), height: 19, width: 45,
                                             halfPixelCenters: false)
        #expect(ImageFixtures.mismatches(slot, composed.pixels) == 0)
    }

    @Test("a batch with broken files fills the good slots and reports the others")
    func batchWithBrokenFiles() throws {
        let names = ["baseline.jpg", "truncated.jpg", "rgb16.png", "not-an-image.txt", "exif-8.jpg", "truncated.png"]
        let paths = names.map(ImageFixtures.path)
        let prep = try ImagePreprocessor(height: 33, width: 27)
        var batch = [Float](repeating: .nan, count: paths.count * prep.sampleCount)
        let errors = batch.withUnsafeMutableBufferPointer { prep.loadBatch(paths: paths, into: $0, maxConcurrency: 3) }
        #expect(errors.map { $0 == nil } == [true, false, true, false, true, false])
        for (index, path) in paths.enumerated() {
            let slot = Array(batch[(index * prep.sampleCount)..<((index + 1) * prep.sampleCount)])
            if let error = errors[index] {
                #expect(error.path == path)
                #expect(slot.allSatisfy { $0 == 0 })
            } else {
                #expect(ImageFixtures.mismatches(slot, try prep.image(path: path).pixels) == 0, "slot \(index)")
            }
        }
    }

    @Test("load(data:name:) fills the slot like load(path:)")
    func loadFromData() throws {
        let path = ImageFixtures.path("gray.jpg")
        let prep = try ImagePreprocessor(height: 11, width: 13, centralCropFraction: 0.875)
        var slot = [Float](repeating: 0, count: prep.sampleCount)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var failure: ImagingError?
        slot.withUnsafeMutableBufferPointer { buffer in
            do throws(ImagingError) { try prep.load(data: data, name: "gray", into: buffer) } catch { failure = error }
        }
        #expect(failure == nil)
        #expect(ImageFixtures.mismatches(slot, try prep.image(path: path).pixels) == 0)
    }
}
