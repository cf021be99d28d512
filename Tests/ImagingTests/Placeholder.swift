import Testing

@Suite("ImagingTests placeholder") struct ImagingTestsPlaceholder {
    @Test func targetBuilds() { #expect(Bool(true)) }
}
