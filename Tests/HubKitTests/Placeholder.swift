import Testing

@Suite("HubKitTests placeholder") struct HubKitTestsPlaceholder {
    @Test func targetBuilds() { #expect(Bool(true)) }
}
