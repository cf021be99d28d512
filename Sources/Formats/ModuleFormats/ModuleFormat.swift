/// Which kind of module directory was found; raw values follow tfhub.dev's `format:` metadata names.
public enum ModuleFormat: String, Codable, Sendable, CaseIterable {
    /// TF1 Hub format: `tfhub_module.pb` (format 3) next to a TF1 SavedModel with the empty-tag graph.
    case tf1Hub = "hub"
    /// A TF2 SavedModel: no `tfhub_module.pb`; the MetaGraphDef carries `object_graph_def`.
    case tf2SavedModel = "saved_model_2"
    /// A plain TF1 SavedModel (neither of the above).
    case tf1SavedModel = "saved_model"
}
