import Testing

@Suite("ModuleFormatsTests placeholder") struct ModuleFormatsTestsPlaceholder {
    @Test func targetBuilds() { #expect(Bool(true)) }
}
