// libFuzzer entry point for the protobuf-based readers: saved_model.pb (MetaGraphDefs, signatures,
// collections, graph scan, image-size attachment) and tfhub_module.pb. Built by Tests/Fuzz/run.sh together
// with the ModuleFormats sources; any input must end in a value or a FormatError, never a crash.

@_cdecl("LLVMFuzzerTestOneInput")
public func protobufFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    if let model = try? SavedModel(bytes: bytes, file: "fuzz/saved_model.pb") {
        for graph in model.metaGraphs {
            _ = try? graph.defaultImageSize(file: "fuzz/saved_model.pb")
            _ = graph.batchNormEpsilon
        }
    }
    _ = try? HubModuleDef(bytes: bytes, file: "fuzz/tfhub_module.pb")
    return 0
}
