// libFuzzer entry point for the TensorBundle index reader. Built by Tests/Fuzz/run.sh with the ModuleFormats
// sources. Random bytes rarely pass the block CRCs, so each input is used three ways:
//   1. as a whole `.index` file (footer, magic, handles, CRCs);
//   2. as the contents of the single data block of a table whose trailers and footer are made valid here,
//      which reaches restart decoding, prefix-compressed keys and every BundleHeader/BundleEntry parse;
//   3. directly as a BundleEntryProto.

@_cdecl("LLVMFuzzerTestOneInput")
public func indexFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    if let index = try? BundleIndex(bytes: bytes, file: "fuzz/variables.index") {
        for entry in index.entries { _ = index[entry.name] }
    }

    _ = try? BundleIndex(bytes: SSTableBuilder.table(wrappingDataBlock: bytes), file: "fuzz/wrapped.index")

    var reader = ProtobufReader(bytes: bytes, file: "fuzz/entry")
    _ = try? BundleEntry.parse(name: "fuzz", reader: &reader)
    return 0
}
