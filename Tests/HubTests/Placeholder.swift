import Testing

@Suite("HubTests placeholder") struct HubTestsPlaceholder {
    @Test func targetBuilds() { #expect(Bool(true)) }
}
