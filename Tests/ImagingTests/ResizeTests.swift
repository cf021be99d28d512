import Imaging
import Testing

/// Bilinear resize and central crop against TensorFlow on a random float32 image (37×53×3).
/// Tolerance: 1e-6 absolute (the float32 recipe reproduces TF to ≤ 1 ulp, ≤ 6e-8 on [0, 1] values).
@Suite("Resize and crop against TensorFlow")
struct ResizeTests {
    static let tolerance: Float = 1e-6
    static let sizes = [(31, 29), (80, 101), (37, 53), (1, 1), (12, 70), (74, 106)]

    static func input() throws -> RGBImage {
        let array = try ImageFixtures.expected("resize-input")
        #expect(array.shape == [37, 53, 3])
        return RGBImage(width: 53, height: 37, pixels: try #require(array.floats))
    }

    @Test("tf.image.resize bilinear (half-pixel centres) within 1e-6", arguments: sizes.map { [$0.0, $0.1] })
    func halfPixel(size: [Int]) throws {
        let expected = try ImageFixtures.expected("resize-\(size[0])x\(size[1])-half")
        let resized = ImageResizer.bilinear(try Self.input(), height: size[0], width: size[1])
        #expect([resized.height, resized.width, 3] == expected.shape)
        let difference = ImageFixtures.maxAbsDifference(resized.pixels, try #require(expected.floats))
        #expect(difference <= Self.tolerance, "max |hubctl - TF| = \(difference)")
    }

    @Test("TF1 legacy resize_bilinear (no half-pixel offset) within 1e-6", arguments: sizes.map { [$0.0, $0.1] })
    func legacy(size: [Int]) throws {
        let expected = try ImageFixtures.expected("resize-\(size[0])x\(size[1])-legacy")
        let resized = ImageResizer.bilinear(try Self.input(), height: size[0], width: size[1], halfPixelCenters: false)
        let difference = ImageFixtures.maxAbsDifference(resized.pixels, try #require(expected.floats))
        #expect(difference <= Self.tolerance, "max |hubctl - TF| = \(difference)")
    }

    @Test("the two variants really differ (the fixtures can tell them apart)")
    func variantsDiffer() throws {
        let half = try #require(try ImageFixtures.expected("resize-31x29-half").floats)
        let legacy = ImageResizer.bilinear(try Self.input(), height: 31, width: 29, halfPixelCenters: false)
        #expect(ImageFixtures.maxAbsDifference(half, legacy.pixels) > 0.01)
    }

    @Test("central crop equals tf.image.central_crop exactly", arguments: [0.875, 0.5, 0.33, 0.99, 1.0])
    func centralCrop(fraction: Double) throws {
        let expected = try ImageFixtures.expected("crop-\(fraction)")
        let cropped = try ImageResizer.centralCrop(try Self.input(), fraction: fraction)
        #expect([cropped.height, cropped.width, 3] == expected.shape)
        #expect(ImageFixtures.mismatches(cropped.pixels, try #require(expected.floats)) == 0)
    }

    @Test("central crop rejects fractions outside (0, 1]", arguments: [0.0, -0.5, 1.01, Double.nan])
    func invalidFraction(fraction: Double) throws {
        #expect(throws: ImagingError.self) { try ImageResizer.centralCrop(try Self.input(), fraction: fraction) }
        #expect(throws: ImagingError.self) { try ImagePreprocessor(height: 4, width: 4, centralCropFraction: fraction) }
    }
}
