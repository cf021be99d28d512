import Testing

@Suite("EndToEndTests placeholder") struct EndToEndTestsPlaceholder {
    @Test func targetBuilds() { #expect(Bool(true)) }
}
